/*-------------------------------------------------------------------------
 *
 * readiness.c
 *	  Sales readiness: readiness().
 *
 *	  readiness(fit, engagement, qualification, thresholds) combines the
 *	  three things sales-readiness rests on: how well the lead fits the
 *	  ideal customer (a qualification against a fit model), its behavioural
 *	  engagement (a number, the points of its digital events) and the
 *	  qualification from conversations (BANT and the like).  It returns the
 *	  stage (lead, mql, sql, disqualified), a two-axis grade such as "B2"
 *	  (fit tier, engagement band) and the rule that decided.
 *
 *	  The thresholds (an optional jsonb) are read by settings.c, once per
 *	  query; next_action(), which says what to do with a lead, is in
 *	  next_action.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/typcache.h"

#include "settings.h"

/* ----------------------------------------------------------------
 * readiness()
 * ----------------------------------------------------------------
 */

typedef struct Thresholds
{
	double		bands[3];		/* band 1 from bands[0], 2 from [1], 3 from [2] */
	int			mql_fit;		/* tier index: 0 = A (best) ... 3 = D */
	double		mql_engagement;
	int			sql_fit;
} Thresholds;

static const Thresholds default_thresholds = {{50, 25, 10}, 1, 25, 2};

#define THRESHOLDS "thresholds"

static const char *const thresholds_fields[] = {"bands", "mql", "sql", NULL};
static const char *const mql_fields[] = {"fit", "engagement", NULL};
static const char *const sql_fields[] = {"fit", NULL};

static void
parse_bands(const JsonbValue *v, Thresholds *t)
{
	JsonbContainer *arr;
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;
	int			n = 0;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		lq_opt_error(THRESHOLDS, "bands", "must be an array of 3 numbers, not %s", lq_jv_type_name(v));
	arr = v->val.binary.data;
	if (JsonContainerSize(arr) != 3)
		lq_opt_error(THRESHOLDS, "bands",
					 "must hold 3 numbers (where bands 1, 2 and 3 begin), not %d",
					 (int) JsonContainerSize(arr));
	it = JsonbIteratorInit(arr);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (n >= 3)
			elog(ERROR, "jsonb array holds more elements than its size says");
		t->bands[n] = lq_opt_number(THRESHOLDS, psprintf("bands[%d]", n), &e);
		n++;
	}
	if (n != 3)
		elog(ERROR, "jsonb array holds fewer elements than its size says");
	if (!(t->bands[0] > t->bands[1] && t->bands[1] > t->bands[2]))
		lq_opt_error(THRESHOLDS, "bands",
					 "must be strictly decreasing (band 1 is the most engaged), not %s, %s and %s",
					 lq_number_text(t->bands[0]), lq_number_text(t->bands[1]), lq_number_text(t->bands[2]));
}

static void
parse_stage(const JsonbValue *v, const char *stage, const char *const *fields, Thresholds *t)
{
	JsonbIterator *it;
	JsonbValue	m;
	char	   *key;
	int			idx;
	bool		is_mql = (strcmp(stage, "mql") == 0);

	if (!lq_jv_is_object(v))
		lq_opt_error(THRESHOLDS, stage, "must be an object, not %s", lq_jv_type_name(v));
	it = JsonbIteratorInit(v->val.binary.data);
	while (lq_opt_next_member(&it, THRESHOLDS, stage, fields, &key, &idx, &m))
	{
		char	   *path = lq_opt_path(stage, key);

		if (idx == 0)
		{
			int			tier = lq_opt_tier(THRESHOLDS, path, &m);

			if (is_mql)
				t->mql_fit = tier;
			else
				t->sql_fit = tier;
		}
		else
			t->mql_engagement = lq_opt_number(THRESHOLDS, path, &m);
	}
}

static void
parse_thresholds(JsonbContainer *root, void *out)
{
	Thresholds *t = (Thresholds *) out;
	JsonbIterator *it = JsonbIteratorInit(root);
	JsonbValue	v;
	char	   *key;
	int			idx;

	while (lq_opt_next_member(&it, THRESHOLDS, "", thresholds_fields, &key, &idx, &v))
	{
		if (idx == 0)
			parse_bands(&v, t);
		else if (idx == 1)
			parse_stage(&v, "mql", mql_fields, t);
		else
			parse_stage(&v, "sql", sql_fields, t);
	}
}

typedef enum Stage
{
	STAGE_LEAD,
	STAGE_MQL,
	STAGE_SQL,
	STAGE_DISQUALIFIED
} Stage;

static const char *const stage_names[] = {"lead", "mql", "sql", "disqualified"};

typedef struct ReadinessCache
{
	LqOptCache	opt;
	TupleDesc	desc;			/* lead_qual.readiness, blessed */
	Oid			qual_type;		/* the row type of the qualifications read */
	int32		qual_typmod;
	TupleDesc	qual_desc;
	int			status_att;		/* attribute numbers, from 1 */
	int			tier_att;
	Datum		stage_text[4];
	Datum		tier_text[4];
	Datum		grade_text[16]; /* "A1" ... "D4": tier * 4 + band - 1 */
} ReadinessCache;

/* What readiness() needs of a lead_qual.qualification. */
typedef struct QualView
{
	int			status;			/* an LqStatus, or -1: none (NULL) */
	int			tier;			/* 0 = A ... 3 = D, or -1: none (NULL) */
} QualView;

static ReadinessCache *
readiness_cache(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	ReadinessCache *rc = (ReadinessCache *) flinfo->fn_extra;
	MemoryContext old;
	TupleDesc	desc;

	if (rc != NULL)
		return rc;
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "lead_qual.readiness must return a composite type");
	if (desc->natts != 5)
		elog(ERROR, "lead_qual.readiness has %d fields, expected 5", desc->natts);

	old = MemoryContextSwitchTo(flinfo->fn_mcxt);
	rc = palloc0(sizeof(ReadinessCache));
	rc->desc = BlessTupleDesc(CreateTupleDescCopy(desc));
	for (int s = 0; s < 4; s++)
	{
		char		tier[2] = {(char) ('A' + s), '\0'};

		rc->stage_text[s] = CStringGetTextDatum(stage_names[s]);
		rc->tier_text[s] = CStringGetTextDatum(tier);
		for (int b = 0; b < 4; b++)
		{
			char		grade[3] = {(char) ('A' + s), (char) ('1' + b), '\0'};

			rc->grade_text[s * 4 + b] = CStringGetTextDatum(grade);
		}
	}
	MemoryContextSwitchTo(old);
	lq_opt_init(fcinfo, &rc->opt, 3, sizeof(Thresholds));
	flinfo->fn_extra = rc;
	return rc;
}

/* Find the status and tier fields of the qualification's row type, once. */
static void
bind_qualification(ReadinessCache *rc, MemoryContext mcxt, Oid typid, int32 typmod)
{
	TupleDesc	td = lookup_rowtype_tupdesc(typid, typmod);
	int			status_att = 0,
				tier_att = 0;
	MemoryContext old;

	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(td, i);

		if (att->attisdropped || att->atttypid != TEXTOID)
			continue;
		if (strcmp(NameStr(att->attname), "status") == 0)
			status_att = i + 1;
		else if (strcmp(NameStr(att->attname), "tier") == 0)
			tier_att = i + 1;
	}
	if (status_att == 0 || tier_att == 0)
	{
		ReleaseTupleDesc(td);
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a qualification must have text fields \"status\" and \"tier\"")));
	}
	if (rc->qual_desc != NULL)
		FreeTupleDesc(rc->qual_desc);
	old = MemoryContextSwitchTo(mcxt);
	rc->qual_desc = CreateTupleDescCopy(td);
	MemoryContextSwitchTo(old);
	ReleaseTupleDesc(td);
	rc->qual_type = typid;
	rc->qual_typmod = typmod;
	rc->status_att = status_att;
	rc->tier_att = tier_att;
}

static bool
text_is(text *t, const char *s)
{
	int			len = strlen(s);

	return VARSIZE_ANY_EXHDR(t) == len && memcmp(VARDATA_ANY(t), s, len) == 0;
}

static char *
text_shown(text *t)
{
	return lq_clip(text_to_cstring(t), 40);
}

/*
 * Read the status and tier of a qualification argument.  A NULL argument,
 * or a NULL field, reads as none; a field with any other value than the
 * ones qualify() writes is an error.
 */
static void
read_qualification(ReadinessCache *rc, FunctionCallInfo fcinfo, int argno,
				   const char *argname, bool want_tier, QualView *q)
{
	HeapTupleHeader th;
	HeapTupleData tup;
	Oid			typid;
	int32		typmod;
	Datum		d;
	bool		isnull;

	q->status = -1;
	q->tier = -1;
	if (PG_ARGISNULL(argno))
		return;
	th = PG_GETARG_HEAPTUPLEHEADER(argno);
	typid = HeapTupleHeaderGetTypeId(th);
	typmod = HeapTupleHeaderGetTypMod(th);
	if (rc->qual_desc == NULL || typid != rc->qual_type || typmod != rc->qual_typmod)
		bind_qualification(rc, fcinfo->flinfo->fn_mcxt, typid, typmod);

	tup.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tup.t_self);
	tup.t_tableOid = InvalidOid;
	tup.t_data = th;

	d = heap_getattr(&tup, rc->status_att, rc->qual_desc, &isnull);
	if (!isnull)
	{
		text	   *s = DatumGetTextPP(d);

		for (int k = 0; k < 4 && q->status < 0; k++)
			if (text_is(s, lq_status_name((LqStatus) k)))
				q->status = k;
		if (q->status < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s: status \"%s\" is not qualified, needs_info, nurture or disqualified",
							argname, text_shown(s))));
	}
	if (!want_tier)
		return;
	d = heap_getattr(&tup, rc->tier_att, rc->qual_desc, &isnull);
	if (!isnull)
	{
		text	   *s = DatumGetTextPP(d);

		if (VARSIZE_ANY_EXHDR(s) == 1 && VARDATA_ANY(s)[0] >= 'A' && VARDATA_ANY(s)[0] <= 'D')
			q->tier = VARDATA_ANY(s)[0] - 'A';
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s: tier \"%s\" is not A, B, C or D",
							argname, text_shown(s))));
	}
}

/*
 * readiness(fit qualification, engagement float8, qualification
 * qualification, thresholds jsonb) returns lead_qual.readiness.
 *
 * NULLs: a NULL fit (or a fit whose tier is NULL) counts as tier D, as a
 * fit with nothing known scores; NULL engagement counts as 0 (no events);
 * a NULL qualification (or status) is neither qualified nor disqualified;
 * NULL thresholds are the defaults.
 */
PG_FUNCTION_INFO_V1(lq_readiness);
Datum
lq_readiness(PG_FUNCTION_ARGS)
{
	ReadinessCache *rc = readiness_cache(fcinfo);
	const Thresholds *t;
	QualView	fit,
				qual;
	bool		fit_known;
	int			tier;
	double		e;
	bool		e_null = PG_ARGISNULL(1);
	int			band;
	Stage		stage;
	StringInfoData reason;
	char	   *fit_shown;
	char	   *e_shown;
	Datum		values[5];
	bool		nulls[5] = {0};

	t = (const Thresholds *) lq_opt_get(fcinfo, &rc->opt, 3, THRESHOLDS, sizeof(Thresholds),
										&default_thresholds, parse_thresholds);
	read_qualification(rc, fcinfo, 0, "fit", true, &fit);
	read_qualification(rc, fcinfo, 2, "qualification", false, &qual);

	e = e_null ? 0 : PG_GETARG_FLOAT8(1);
	if (isnan(e))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("engagement must be a number, not NaN")));

	fit_known = (fit.tier >= 0);
	tier = fit_known ? fit.tier : 3;
	if (e >= t->bands[0])
		band = 1;
	else if (e >= t->bands[1])
		band = 2;
	else if (e >= t->bands[2])
		band = 3;
	else
		band = 4;

	fit_shown = fit_known ? psprintf("fit %c", 'A' + tier) : pstrdup("no fit (D)");
	e_shown = e_null ? pstrdup("no engagement (0)") :
		psprintf("engagement %s", lq_number_text(e));
	initStringInfo(&reason);

	if (fit.status == LQ_STATUS_DISQUALIFIED || qual.status == LQ_STATUS_DISQUALIFIED)
	{
		stage = STAGE_DISQUALIFIED;
		if (fit.status == LQ_STATUS_DISQUALIFIED && qual.status == LQ_STATUS_DISQUALIFIED)
			appendStringInfoString(&reason, "fit and qualification are disqualified");
		else if (fit.status == LQ_STATUS_DISQUALIFIED)
			appendStringInfoString(&reason, "fit is disqualified");
		else
			appendStringInfoString(&reason, "qualification is disqualified");
	}
	else if (qual.status == LQ_STATUS_QUALIFIED && tier <= t->sql_fit)
	{
		stage = STAGE_SQL;
		appendStringInfo(&reason, "qualified, %s at or above sql.fit %c",
						 fit_shown, 'A' + t->sql_fit);
	}
	else if (tier <= t->mql_fit && e >= t->mql_engagement)
	{
		stage = STAGE_MQL;
		appendStringInfo(&reason, "%s at or above mql.fit %c, %s at or above mql.engagement %s",
						 fit_shown, 'A' + t->mql_fit, e_shown, lq_number_text(t->mql_engagement));
	}
	else
	{
		const char *sep = "";

		stage = STAGE_LEAD;
		if (qual.status == LQ_STATUS_QUALIFIED)
		{
			appendStringInfo(&reason, "qualified, but %s below sql.fit %c",
							 fit_shown, 'A' + t->sql_fit);
			sep = "; ";
		}
		if (tier > t->mql_fit)
		{
			appendStringInfo(&reason, "%s%s below mql.fit %c", sep, fit_shown, 'A' + t->mql_fit);
			sep = ", ";
		}
		if (e < t->mql_engagement)
			appendStringInfo(&reason, "%s%s below mql.engagement %s", sep, e_shown,
							 lq_number_text(t->mql_engagement));
	}

	values[0] = rc->stage_text[stage];
	values[1] = rc->grade_text[tier * 4 + band - 1];
	values[2] = rc->tier_text[tier];
	values[3] = Int32GetDatum(band);
	values[4] = CStringGetTextDatum(reason.data);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(rc->desc, values, nulls)));
}