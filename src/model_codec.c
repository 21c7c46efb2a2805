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
 * Layout (all integers and doubles in the machine's byte order):
 *	 header, u8 version, u8 flags, str name, str label, loc description,
 *	 i32 min_met, f64 pass_score, f64 tier A, B, C, i32 ncriteria, criteria.
 *	 A criterion: str key, label, source, loc description, loc questions,
 *	 f64 weight, u8 knockout, rule, direction, default_known,
 *	 f64 pass, lo, hi, default_grade, i32 days, i32 nvalues,
 *	 then nvalues times (str value [, f64 grade for a scale]).
 *	 str = i32 length + bytes; loc = i32 nlang, then per language:
 *	 str lang, i32 ntexts, ntexts times str.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "lead_qual.h"

#define LQ_FORMAT_VERSION	1
#define LQ_FLAG_PASS_SCORE	0x01

/* ---------------- writing ---------------- */

static void
put_bytes(StringInfo buf, const void *p, int len)
{
	appendBinaryStringInfo(buf, (const char *) p, len);
}

static void
put_u8(StringInfo buf, uint8 v)
{
	put_bytes(buf, &v, 1);
}

static void
put_i32(StringInfo buf, int32 v)
{
	put_bytes(buf, &v, sizeof(v));
}

static void
put_f64(StringInfo buf, double v)
{
	put_bytes(buf, &v, sizeof(v));
}

static void
put_str(StringInfo buf, const char *s)
{
	int32		len = (int32) strlen(s);

	put_i32(buf, len);
	put_bytes(buf, s, len);
}

static void
put_loc(StringInfo buf, const LqLocalized *loc)
{
	put_i32(buf, loc->nlang);
	for (int i = 0; i < loc->nlang; i++)
	{
		put_str(buf, loc->lang[i]);
		put_i32(buf, loc->ntexts[i]);
		for (int j = 0; j < loc->ntexts[i]; j++)
			put_str(buf, loc->texts[i][j]);
	}
}

bytea *
lq_model_encode(const LqModel *m)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoSpaces(&buf, VARHDRSZ);
	put_u8(&buf, LQ_FORMAT_VERSION);
	put_u8(&buf, m->has_pass_score ? LQ_FLAG_PASS_SCORE : 0);
	put_str(&buf, m->name);
	put_str(&buf, m->label);
	put_loc(&buf, &m->description);
	put_i32(&buf, m->min_met);
	put_f64(&buf, m->has_pass_score ? m->pass_score : 0);
	put_f64(&buf, m->tier_a);
	put_f64(&buf, m->tier_b);
	put_f64(&buf, m->tier_c);
	put_i32(&buf, m->ncriteria);
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];

		put_str(&buf, c->key);
		put_str(&buf, c->label);
		put_str(&buf, c->source);
		put_loc(&buf, &c->description);
		put_loc(&buf, &c->questions);
		put_f64(&buf, c->weight);
		put_u8(&buf, c->knockout ? 1 : 0);
		put_u8(&buf, (uint8) c->rule);
		put_u8(&buf, (uint8) c->direction);
		put_u8(&buf, c->default_known ? 1 : 0);
		put_f64(&buf, c->pass);
		put_f64(&buf, c->lo);
		put_f64(&buf, c->hi);
		put_f64(&buf, c->default_grade);
		put_i32(&buf, c->days);
		put_i32(&buf, c->nvalues);
		for (int j = 0; j < c->nvalues; j++)
		{
			put_str(&buf, c->values[j]);
			if (c->rule == LQ_RULE_SCALE)
				put_f64(&buf, c->grades[j]);
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

typedef struct Reader
{
	const char *p;
	const char *end;
} Reader;

static void corrupt(const char *what) pg_attribute_noreturn();

static void
corrupt(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("lead_qual.model value is corrupted"),
			 errdetail("Bad %s.", what)));
}

static void
get_bytes(Reader *r, void *out, int len, const char *what)
{
	if (len < 0 || r->end - r->p < len)
		corrupt(what);
	memcpy(out, r->p, len);
	r->p += len;
}

static uint8
get_u8(Reader *r, const char *what)
{
	uint8		v;

	get_bytes(r, &v, 1, what);
	return v;
}

static int32
get_i32(Reader *r, const char *what, int32 lo, int32 hi)
{
	int32		v;

	get_bytes(r, &v, sizeof(v), what);
	if (v < lo || v > hi)
		corrupt(what);
	return v;
}

static double
get_f64(Reader *r, const char *what)
{
	double		v;

	get_bytes(r, &v, sizeof(v), what);
	if (!isfinite(v))
		corrupt(what);
	return v;
}

static char *
get_str(Reader *r, const char *what, int maxlen)
{
	int32		len = get_i32(r, what, 0, maxlen);
	char	   *s;

	if (r->end - r->p < len || memchr(r->p, '\0', len) != NULL)
		corrupt(what);
	s = pnstrdup(r->p, len);
	r->p += len;
	return s;
}

static LqLocalized
get_loc(Reader *r, const char *what)
{
	LqLocalized loc;

	loc.nlang = get_i32(r, what, 0, LQ_MAX_LANGS);
	loc.lang = palloc(sizeof(char *) * Max(loc.nlang, 1));
	loc.ntexts = palloc(sizeof(int) * Max(loc.nlang, 1));
	loc.texts = palloc(sizeof(char **) * Max(loc.nlang, 1));
	for (int i = 0; i < loc.nlang; i++)
	{
		loc.lang[i] = get_str(r, what, 8);
		loc.ntexts[i] = get_i32(r, what, 1, LQ_MAX_QUESTIONS);
		loc.texts[i] = palloc(sizeof(char *) * loc.ntexts[i]);
		for (int j = 0; j < loc.ntexts[i]; j++)
			loc.texts[i][j] = get_str(r, what, LQ_MAX_TEXT_LEN);
	}
	return loc;
}

LqModel *
lq_model_decode(const struct varlena *raw)
{
	LqModel    *m = palloc0(sizeof(LqModel));
	Reader		r;
	uint8		flags;

	r.p = VARDATA_ANY(raw);
	r.end = r.p + VARSIZE_ANY_EXHDR(raw);

	if (get_u8(&r, "format version") != LQ_FORMAT_VERSION)
		corrupt("format version");
	flags = get_u8(&r, "flags");
	m->has_pass_score = (flags & LQ_FLAG_PASS_SCORE) != 0;
	m->name = get_str(&r, "name", LQ_MAX_NAME_LEN);
	m->label = get_str(&r, "label", LQ_MAX_LABEL_LEN);
	m->description = get_loc(&r, "description");
	m->min_met = get_i32(&r, "min_met", 0, LQ_MAX_CRITERIA);
	m->pass_score = get_f64(&r, "pass_score");
	m->tier_a = get_f64(&r, "tiers");
	m->tier_b = get_f64(&r, "tiers");
	m->tier_c = get_f64(&r, "tiers");
	m->ncriteria = get_i32(&r, "criteria count", 1, LQ_MAX_CRITERIA);
	if (m->min_met > m->ncriteria)
		corrupt("min_met");
	m->criteria = palloc0(sizeof(LqCriterion) * m->ncriteria);
	for (int i = 0; i < m->ncriteria; i++)
	{
		LqCriterion *c = &m->criteria[i];
		uint8		rule;
		uint8		dir;

		c->key = get_str(&r, "criterion key", LQ_MAX_NAME_LEN);
		c->label = get_str(&r, "criterion label", LQ_MAX_LABEL_LEN);
		c->source = get_str(&r, "criterion source", LQ_MAX_NAME_LEN);
		c->description = get_loc(&r, "criterion description");
		c->questions = get_loc(&r, "questions");
		c->weight = get_f64(&r, "weight");
		if (c->weight < 0 || c->weight > LQ_MAX_WEIGHT)
			corrupt("weight");
		c->knockout = get_u8(&r, "knockout") != 0;
		rule = get_u8(&r, "rule");
		dir = get_u8(&r, "direction");
		if (rule < LQ_RULE_BOOLEAN || rule > LQ_RULE_WITHIN_DAYS)
			corrupt("rule");
		if (dir < LQ_DIR_AHEAD || dir > LQ_DIR_EITHER)
			corrupt("direction");
		c->rule = (LqRuleKind) rule;
		c->direction = (LqDirection) dir;
		c->default_known = get_u8(&r, "scale default") != 0;
		c->pass = get_f64(&r, "pass");
		c->lo = get_f64(&r, "threshold");
		c->hi = get_f64(&r, "threshold");
		c->default_grade = get_f64(&r, "scale default");
		c->days = get_i32(&r, "days", 0, LQ_MAX_DAYS);
		c->nvalues = get_i32(&r, "value count", 0, LQ_MAX_VALUES);
		if ((c->rule == LQ_RULE_ONE_OF || c->rule == LQ_RULE_SCALE) != (c->nvalues > 0))
			corrupt("value count");
		c->values = palloc(sizeof(char *) * Max(c->nvalues, 1));
		if (c->rule == LQ_RULE_SCALE)
			c->grades = palloc(sizeof(double) * c->nvalues);
		for (int j = 0; j < c->nvalues; j++)
		{
			c->values[j] = get_str(&r, "value", LQ_MAX_VALUE_LEN);
			if (c->rule == LQ_RULE_SCALE)
				c->grades[j] = get_f64(&r, "grade");
		}
	}
	if (r.p != r.end)
		corrupt("length");

	lq_model_finish(m);
	if (!(m->total_weight > 0))
		corrupt("weights");
	return m;
}

/* ---------------- derived fields ---------------- */

/*
 * The form in which one_of and scale values are compared: without the blanks
 * around it, ASCII letters in lower case (other bytes as they are, so that
 * the comparison does not depend on the locale).
 */
char *
lq_fold(const char *s, int len, int *outlen)
{
	char	   *out,
			   *p;

	lq_trim(&s, &len);
	out = p = palloc(len + 1);
	for (int i = 0; i < len; i++)
		*p++ = lq_ascii_lower(s[i]);
	*p = '\0';
	*outlen = len;
	return out;
}

/*
 * Fill in what is derived from the stored fields: the total weight, the
 * order in which to ask about unknown criteria, the folded values.
 */
void
lq_model_finish(LqModel *m)
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
			c->folded[k] = lq_fold(c->values[k], strlen(c->values[k]),
								   &c->folded_len[k]);
	}
	for (int i = 0; i < m->ncriteria; i++)
	{
		LqCriterion *c = &m->criteria[i];

		c->share = m->total_weight > 0 ? c->weight / m->total_weight : 0;
		if (c->rule == LQ_RULE_AT_LEAST || c->rule == LQ_RULE_AT_MOST ||
			c->rule == LQ_RULE_BETWEEN)
		{
			c->lo_num = DatumGetNumeric(DirectFunctionCall1(float8_numeric, Float8GetDatum(c->lo)));
			c->hi_num = DatumGetNumeric(DirectFunctionCall1(float8_numeric, Float8GetDatum(c->hi)));
		}
	}
}

/*
 * The index'th text in the requested language, else in English, else in
 * the first language there is; NULL when there is none.
 */
const char *
lq_localized_pick(const LqLocalized *loc, const char *lang, int index)
{
	int			found = -1;

	for (int i = 0; i < loc->nlang && found < 0; i++)
		if (lang != NULL && strcmp(loc->lang[i], lang) == 0)
			found = i;
	for (int i = 0; i < loc->nlang && found < 0; i++)
		if (strcmp(loc->lang[i], "en") == 0)
			found = i;
	if (found < 0 && loc->nlang > 0)
		found = 0;
	if (found < 0 || index >= loc->ntexts[found])
		return NULL;
	return loc->texts[found][index];
}
