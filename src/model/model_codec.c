/*-------------------------------------------------------------------------
 *
 * model_codec.c
 *	  The stored form of a model: a compact binary encoding in a varlena.
 *
 * The encoding is canonical: a model decoded and encoded again gives the
 * same bytes, so equality and hashing work on the bytes.  Decoding checks
 * every length and count against the end of the value and against the
 * limits enforced on input, so a damaged value is an ERROR, never a crash.
 *
 * Layout of format version 1 (all integers and doubles in the machine's
 * byte order):
 *	 header, u8 version, u8 flags, str name, str label, loc description,
 *	 i32 min_met, f64 pass_score, f64 tier A, B, C, i32 ncriteria, criteria.
 *	 A criterion: str key, label, source, loc description, loc questions,
 *	 f64 weight, u8 knockout, rule, direction, default_known,
 *	 f64 pass, lo, hi, default_grade, i32 days, i32 nvalues,
 *	 then nvalues times (str value [, f64 grade for a scale]).
 *	 str = i32 length + bytes; loc = i32 nlang, then per language:
 *	 str lang, i32 ntexts, ntexts times str.
 *
 * Format version 2 is version 1 with what models learned from won and lost
 * leads add: a calibration, unknown_grade, bands rules.  A model that uses
 * none of them is written in version 1, so that the bytes of every model
 * that version 1 can hold stay what they were (stored models, equality and
 * hashes do not change); one that uses any is written in version 2, and
 * version 2 holding none of them is refused, so that a model has one byte
 * form.  Version 2 adds, to version 1:
 *	 flags bit 0x02: the model has a calibration;
 *	 after tier C: f64 intercept, f64 slope, when it has;
 *	 after each criterion's values: u8 criterion flags (0x01: the criterion
 *	 has an unknown_grade), f64 unknown_grade when it has, and for a bands
 *	 rule i32 ncuts, ncuts times f64 cut, ncuts + 1 times f64 grade.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "base/binary.h"
#include "model/model.h"

#define LQ_FORMAT_V1		1
#define LQ_FORMAT_V2		2
#define LQ_FLAG_PASS_SCORE	0x01
#define LQ_FLAG_CALIBRATION 0x02	/* version 2 */
#define LQ_CFLAG_UNKNOWN_GRADE 0x01 /* version 2, per criterion */

/* ---------------- writing ---------------- */

static void
put_str(StringInfo buf, const char *s)
{
	BinPutStr(buf, s, strlen(s));
}

static void
put_loc(StringInfo buf, const LqLocalized *loc)
{
	BinPutI32(buf, loc->nlang);
	for (int i = 0; i < loc->nlang; i++)
	{
		put_str(buf, loc->lang[i]);
		BinPutI32(buf, loc->ntexts[i]);
		for (int j = 0; j < loc->ntexts[i]; j++)
			put_str(buf, loc->texts[i][j]);
	}
}

/* Does the model use what only format version 2 holds? */
static bool
needs_v2(const LqModel *m)
{
	if (m->has_calibration)
		return true;
	for (int i = 0; i < m->ncriteria; i++)
		if (m->criteria[i].has_unknown_grade || m->criteria[i].rule == LQ_RULE_BANDS)
			return true;
	return false;
}

bytea *
ModelEncode(const LqModel *m)
{
	StringInfoData buf;
	bool		v2 = needs_v2(m);

	initStringInfo(&buf);
	appendStringInfoSpaces(&buf, VARHDRSZ);
	BinPutU8(&buf, v2 ? LQ_FORMAT_V2 : LQ_FORMAT_V1);
	BinPutU8(&buf, (m->has_pass_score ? LQ_FLAG_PASS_SCORE : 0) |
			 (m->has_calibration ? LQ_FLAG_CALIBRATION : 0));
	put_str(&buf, m->name);
	put_str(&buf, m->label);
	put_loc(&buf, &m->description);
	BinPutI32(&buf, m->min_met);
	BinPutF64(&buf, m->has_pass_score ? m->pass_score : 0);
	BinPutF64(&buf, m->tier_a);
	BinPutF64(&buf, m->tier_b);
	BinPutF64(&buf, m->tier_c);
	if (m->has_calibration)
	{
		BinPutF64(&buf, m->cal_intercept);
		BinPutF64(&buf, m->cal_slope);
	}
	BinPutI32(&buf, m->ncriteria);
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];

		put_str(&buf, c->key);
		put_str(&buf, c->label);
		put_str(&buf, c->source);
		put_loc(&buf, &c->description);
		put_loc(&buf, &c->questions);
		BinPutF64(&buf, c->weight);
		BinPutU8(&buf, c->knockout ? 1 : 0);
		BinPutU8(&buf, (uint8) c->rule);
		BinPutU8(&buf, (uint8) c->direction);
		BinPutU8(&buf, c->default_known ? 1 : 0);
		BinPutF64(&buf, c->pass);
		BinPutF64(&buf, c->lo);
		BinPutF64(&buf, c->hi);
		BinPutF64(&buf, c->default_grade);
		BinPutI32(&buf, c->days);
		BinPutI32(&buf, c->nvalues);
		for (int j = 0; j < c->nvalues; j++)
		{
			put_str(&buf, c->values[j]);
			if (c->rule == LQ_RULE_SCALE)
				BinPutF64(&buf, c->grades[j]);
		}
		if (!v2)
			continue;
		BinPutU8(&buf, c->has_unknown_grade ? LQ_CFLAG_UNKNOWN_GRADE : 0);
		if (c->has_unknown_grade)
			BinPutF64(&buf, c->unknown_grade);
		if (c->rule == LQ_RULE_BANDS)
		{
			BinPutI32(&buf, c->ncuts);
			for (int j = 0; j < c->ncuts; j++)
				BinPutF64(&buf, c->cuts[j]);
			for (int j = 0; j <= c->ncuts; j++)
				BinPutF64(&buf, c->band_grades[j]);
		}
	}
	if (buf.len > LQ_MAX_MODEL_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid model: it takes %d bytes, more than the %d allowed",
						buf.len, LQ_MAX_MODEL_BYTES),
				 errhint("Shorten the descriptions and questions, or use fewer languages.")));
	SET_VARSIZE(buf.data, buf.len);
	return (bytea *) buf.data;
}

/* ---------------- reading ---------------- */

#define ANY_F64		-DBL_MAX, DBL_MAX

static LqLocalized
get_loc(BinReader *r, const char *what)
{
	LqLocalized loc;

	loc.nlang = BinGetI32(r, what, 0, LQ_MAX_LANGS);
	loc.lang = palloc(sizeof(char *) * Max(loc.nlang, 1));
	loc.ntexts = palloc(sizeof(int) * Max(loc.nlang, 1));
	loc.texts = palloc(sizeof(char **) * Max(loc.nlang, 1));
	for (int i = 0; i < loc.nlang; i++)
	{
		loc.lang[i] = BinGetStr(r, what, 8, NULL);
		loc.ntexts[i] = BinGetI32(r, what, 1, LQ_MAX_QUESTIONS);
		loc.texts[i] = palloc(sizeof(char *) * loc.ntexts[i]);
		for (int j = 0; j < loc.ntexts[i]; j++)
			loc.texts[i][j] = BinGetStr(r, what, LQ_MAX_TEXT_LEN, NULL);
	}
	return loc;
}

/* What version 2 adds to a criterion (see the layout above). */
static void
get_v2_criterion(BinReader *r, LqCriterion *c)
{
	uint8		cflags = BinGetU8(r, "criterion flags");

	if ((cflags & ~LQ_CFLAG_UNKNOWN_GRADE) != 0)
		ValueCorrupted(LQ_MODEL_TYPE, "criterion flags");
	c->has_unknown_grade = (cflags & LQ_CFLAG_UNKNOWN_GRADE) != 0;
	if (c->has_unknown_grade)
		c->unknown_grade = BinGetF64(r, "unknown_grade", 0, 10);
	if (c->rule != LQ_RULE_BANDS)
		return;
	c->ncuts = BinGetI32(r, "cut count", 1, LQ_MAX_CUTS);
	c->cuts = palloc(sizeof(double) * c->ncuts);
	c->band_grades = palloc(sizeof(double) * (c->ncuts + 1));
	for (int j = 0; j < c->ncuts; j++)
	{
		c->cuts[j] = BinGetF64(r, "cut", ANY_F64);
		if (j > 0 && !(c->cuts[j] > c->cuts[j - 1]))
			ValueCorrupted(LQ_MODEL_TYPE, "cut");
	}
	for (int j = 0; j <= c->ncuts; j++)
		c->band_grades[j] = BinGetF64(r, "band grade", 0, 10);
}

LqModel *
ModelDecode(const struct varlena *raw)
{
	LqModel    *m = palloc0(sizeof(LqModel));
	BinReader	r;
	uint8		version;
	uint8		flags;
	bool		v2;

	BinReaderInit(&r, raw, LQ_MODEL_TYPE);
	version = BinGetU8(&r, "format version");
	if (version != LQ_FORMAT_V1 && version != LQ_FORMAT_V2)
		ValueCorrupted(LQ_MODEL_TYPE, "format version");
	v2 = (version == LQ_FORMAT_V2);
	flags = BinGetU8(&r, "flags");
	if ((flags & ~(v2 ? LQ_FLAG_PASS_SCORE | LQ_FLAG_CALIBRATION : LQ_FLAG_PASS_SCORE)) != 0)
		ValueCorrupted(LQ_MODEL_TYPE, "flags");
	m->has_pass_score = (flags & LQ_FLAG_PASS_SCORE) != 0;
	m->has_calibration = (flags & LQ_FLAG_CALIBRATION) != 0;
	m->name = BinGetStr(&r, "name", LQ_MAX_NAME_LEN, NULL);
	m->label = BinGetStr(&r, "label", LQ_MAX_LABEL_LEN, NULL);
	m->description = get_loc(&r, "description");
	m->min_met = BinGetI32(&r, "min_met", 0, LQ_MAX_CRITERIA);
	m->pass_score = BinGetF64(&r, "pass_score", ANY_F64);
	m->tier_a = BinGetF64(&r, "tiers", ANY_F64);
	m->tier_b = BinGetF64(&r, "tiers", ANY_F64);
	m->tier_c = BinGetF64(&r, "tiers", ANY_F64);
	if (m->has_calibration)
	{
		m->cal_intercept = BinGetF64(&r, "calibration", ANY_F64);
		m->cal_slope = BinGetF64(&r, "calibration", ANY_F64);
	}
	m->ncriteria = BinGetI32(&r, "criteria count", 1, LQ_MAX_CRITERIA);
	if (m->min_met > m->ncriteria)
		ValueCorrupted(LQ_MODEL_TYPE, "min_met");
	m->criteria = palloc0(sizeof(LqCriterion) * m->ncriteria);
	for (int i = 0; i < m->ncriteria; i++)
	{
		LqCriterion *c = &m->criteria[i];
		uint8		rule;
		uint8		dir;

		c->key = BinGetStr(&r, "criterion key", LQ_MAX_NAME_LEN, NULL);
		c->label = BinGetStr(&r, "criterion label", LQ_MAX_LABEL_LEN, NULL);
		c->source = BinGetStr(&r, "criterion source", LQ_MAX_NAME_LEN, NULL);
		c->description = get_loc(&r, "criterion description");
		c->questions = get_loc(&r, "questions");
		c->weight = BinGetF64(&r, "weight", 0, LQ_MAX_WEIGHT);
		c->knockout = BinGetU8(&r, "knockout") != 0;
		rule = BinGetU8(&r, "rule");
		dir = BinGetU8(&r, "direction");
		if (rule < LQ_RULE_BOOLEAN || rule > LQ_RULE_LAST ||
			(rule == LQ_RULE_BANDS && !v2))
			ValueCorrupted(LQ_MODEL_TYPE, "rule");
		if (dir < LQ_DIR_AHEAD || dir > LQ_DIR_EITHER)
			ValueCorrupted(LQ_MODEL_TYPE, "direction");
		c->rule = (LqRuleKind) rule;
		c->direction = (LqDirection) dir;
		c->default_known = BinGetU8(&r, "scale default") != 0;
		c->pass = BinGetF64(&r, "pass", ANY_F64);
		c->lo = BinGetF64(&r, "threshold", ANY_F64);
		c->hi = BinGetF64(&r, "threshold", ANY_F64);
		c->default_grade = BinGetF64(&r, "scale default", ANY_F64);
		c->days = BinGetI32(&r, "days", 0, LQ_MAX_DAYS);
		c->nvalues = BinGetI32(&r, "value count", 0, LQ_MAX_VALUES);
		if ((c->rule == LQ_RULE_ONE_OF || c->rule == LQ_RULE_SCALE) != (c->nvalues > 0))
			ValueCorrupted(LQ_MODEL_TYPE, "value count");
		c->values = palloc(sizeof(char *) * Max(c->nvalues, 1));
		if (c->rule == LQ_RULE_SCALE)
			c->grades = palloc(sizeof(double) * c->nvalues);
		for (int j = 0; j < c->nvalues; j++)
		{
			c->values[j] = BinGetStr(&r, "value", LQ_MAX_VALUE_LEN, NULL);
			if (c->rule == LQ_RULE_SCALE)
				c->grades[j] = BinGetF64(&r, "grade", ANY_F64);
		}
		if (v2)
			get_v2_criterion(&r, c);
	}
	BinGetEnd(&r);
	if (v2 && !needs_v2(m))
		ValueCorrupted(LQ_MODEL_TYPE, "format version");

	ModelFinish(m);
	if (!(m->total_weight > 0))
		ValueCorrupted(LQ_MODEL_TYPE, "weights");
	return m;
}

/* ---------------- derived fields ---------------- */

/*
 * Fill in what is derived from the stored fields: the total weight, the
 * order in which to ask about unknown criteria, the folded values, which
 * criteria read their key when the evidence lacks their source.
 */
void
ModelFinish(LqModel *m)
{
	m->total_weight = 0;
	m->ask_order = palloc(sizeof(int) * m->ncriteria);
	for (int i = 0; i < m->ncriteria; i++)
	{
		LqCriterion *c = &m->criteria[i];
		int			j;

		m->total_weight += c->weight;

		/* insertion sort: heavier first, model order among equals */
		for (j = i; j > 0 && m->criteria[m->ask_order[j - 1]].weight < c->weight; j--)
			m->ask_order[j] = m->ask_order[j - 1];
		m->ask_order[j] = i;

		c->folded = palloc(sizeof(char *) * Max(c->nvalues, 1));
		c->folded_len = palloc(sizeof(int) * Max(c->nvalues, 1));
		for (int k = 0; k < c->nvalues; k++)
			c->folded[k] = FoldText(c->values[k], strlen(c->values[k]),
								   &c->folded_len[k]);
	}
	for (int i = 0; i < m->ncriteria; i++)
	{
		LqCriterion *c = &m->criteria[i];

		c->share = m->total_weight > 0 ? c->weight / m->total_weight : 0;
		c->read_key = strcmp(c->key, c->source) != 0;
		for (int j = 0; j < m->ncriteria && c->read_key; j++)
			c->read_key = strcmp(m->criteria[j].source, c->key) != 0;
		if (c->rule == LQ_RULE_AT_LEAST || c->rule == LQ_RULE_AT_MOST ||
			c->rule == LQ_RULE_BETWEEN)
		{
			c->lo_num = DatumGetNumeric(DirectFunctionCall1(float8_numeric, Float8GetDatum(c->lo)));
			c->hi_num = DatumGetNumeric(DirectFunctionCall1(float8_numeric, Float8GetDatum(c->hi)));
		}
		if (c->rule == LQ_RULE_BANDS)
		{
			c->cuts_num = palloc(sizeof(Numeric) * c->ncuts);
			for (int k = 0; k < c->ncuts; k++)
				c->cuts_num[k] = DatumGetNumeric(DirectFunctionCall1(float8_numeric,
																	 Float8GetDatum(c->cuts[k])));
		}
	}
}

/* Where language lang is in loc, or -1. */
static int
localized_lang(const LqLocalized *loc, const char *lang)
{
	if (lang != NULL)
		for (int i = 0; i < loc->nlang; i++)
			if (strcmp(loc->lang[i], lang) == 0)
				return i;
	return -1;
}

/* The index'th text in exactly the language lang; NULL when there is none. */
const char *
LocalizedText(const LqLocalized *loc, const char *lang, int index)
{
	int			found = localized_lang(loc, lang);

	if (found < 0 || index >= loc->ntexts[found])
		return NULL;
	return loc->texts[found][index];
}

/*
 * The index'th text in the requested language, else in English, else in
 * the first language there is; NULL when there is none.
 */
const char *
LocalizedPick(const LqLocalized *loc, const char *lang, int index)
{
	int			found = localized_lang(loc, lang);

	if (found < 0)
		found = localized_lang(loc, "en");
	if (found < 0 && loc->nlang > 0)
		found = 0;
	if (found < 0 || index >= loc->ntexts[found])
		return NULL;
	return loc->texts[found][index];
}
