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
 *	  query; decide.c decides, and wording.c says why.  next_action(),
 *	  which says what to do with a lead, is in next_action.c.
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

#include "base/convert.h"
#include "base/fmgr_util.h"
#include "base/text_util.h"
#include "readiness/readiness.h"
#include "readiness/settings.h"
#include "scoring/qualification.h"

/* ----------------------------------------------------------------
 * readiness()
 * ----------------------------------------------------------------
 */

static const ReadinessThresholds default_thresholds = {{50, 25, 10}, 1, 25, 2};

#define THRESHOLDS "thresholds"

static const char *const thresholds_fields[] = {"bands", "mql", "sql", NULL};
static const char *const mql_fields[] = {"fit", "engagement", NULL};
static const char *const sql_fields[] = {"fit", NULL};

static void
parse_bands(const JsonbValue *v, ReadinessThresholds *t)
{
	JsonbContainer *arr;
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;
	int			n = 0;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		SettingsError(THRESHOLDS, "bands", "must be an array of 3 numbers, not %s", JsonbValueTypeName(v));
	arr = v->val.binary.data;
	if (JsonContainerSize(arr) != 3)
		SettingsError(THRESHOLDS, "bands",
					 "must hold 3 numbers (where bands 1, 2 and 3 begin), not %d",
					 (int) JsonContainerSize(arr));
	it = JsonbIteratorInit(arr);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (n >= 3)
			elog(ERROR, "jsonb array holds more elements than its size says");
		t->bands[n] = SettingsNumber(THRESHOLDS, psprintf("bands[%d]", n), &e);
		n++;
	}
	if (n != 3)
		elog(ERROR, "jsonb array holds fewer elements than its size says");
	if (!(t->bands[0] > t->bands[1] && t->bands[1] > t->bands[2]))
		SettingsError(THRESHOLDS, "bands",
					 "must be strictly decreasing (band 1 is the most engaged), not %s, %s and %s",
					 NumberText(t->bands[0]), NumberText(t->bands[1]), NumberText(t->bands[2]));
}

static void
parse_stage(const JsonbValue *v, const char *stage, const char *const *fields, ReadinessThresholds *t)
{
	JsonbIterator *it;
	JsonbValue	m;
	char	   *key;
	int			idx;
	bool		is_mql = (strcmp(stage, "mql") == 0);

	if (!JsonbValueIsObject(v))
		SettingsError(THRESHOLDS, stage, "must be an object, not %s", JsonbValueTypeName(v));
	it = JsonbIteratorInit(v->val.binary.data);
	while (SettingsNextMember(&it, THRESHOLDS, stage, fields, &key, &idx, &m))
	{
		char	   *path = FieldPath(stage, key);

		if (idx == 0)
		{
			int			tier = SettingsTier(THRESHOLDS, path, &m);

			if (is_mql)
				t->mql_fit = tier;
			else
				t->sql_fit = tier;
		}
		else
			t->mql_engagement = SettingsNumber(THRESHOLDS, path, &m);
	}
}

static void
parse_thresholds(JsonbContainer *root, void *out)
{
	ReadinessThresholds *t = (ReadinessThresholds *) out;
	JsonbIterator *it = JsonbIteratorInit(root);
	JsonbValue	v;
	char	   *key;
	int			idx;

	while (SettingsNextMember(&it, THRESHOLDS, "", thresholds_fields, &key, &idx, &v))
	{
		if (idx == 0)
			parse_bands(&v, t);
		else if (idx == 1)
			parse_stage(&v, "mql", mql_fields, t);
		else
			parse_stage(&v, "sql", sql_fields, t);
	}
}

typedef struct ReadinessCache
{
	SettingsCache opt;
	TupleDesc	desc;			/* lead_qual.readiness, blessed */
	Datum		stage_text[NSTAGES];
	Datum		tier_text[4];
	Datum		grade_text[16]; /* "A1" ... "D4": tier * 4 + band - 1 */
	QualReader	quals;			/* reads the qualifications given */
} ReadinessCache;

static ReadinessCache *
readiness_cache(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	ReadinessCache *rc = (ReadinessCache *) flinfo->fn_extra;
	MemoryContext old;

	if (rc != NULL)
		return rc;
	old = MemoryContextSwitchTo(flinfo->fn_mcxt);
	rc = palloc0(sizeof(ReadinessCache));
	rc->desc = CallResultDesc(fcinfo, 5);
	for (int s = 0; s < NSTAGES; s++)
		rc->stage_text[s] = CStringGetTextDatum(StageNames[s]);
	for (int t = 0; t < 4; t++)
	{
		char		tier[2] = {(char) ('A' + t), '\0'};

		rc->tier_text[t] = CStringGetTextDatum(tier);
		for (int b = 0; b < 4; b++)
		{
			char		grade[3] = {(char) ('A' + t), (char) ('1' + b), '\0'};

			rc->grade_text[t * 4 + b] = CStringGetTextDatum(grade);
		}
	}
	MemoryContextSwitchTo(old);
	QualReaderInit(&rc->quals, flinfo->fn_mcxt);
	SettingsInit(fcinfo, &rc->opt, 3, sizeof(ReadinessThresholds));
	flinfo->fn_extra = rc;
	return rc;
}

static char *
text_shown(text *t)
{
	return TextClip(text_to_cstring(t), 40);
}

/*
 * The status and tier of a qualification argument (-1: none).  A NULL
 * argument, or a NULL field, reads as none; a field with any other value
 * than the ones qualify() writes is an error.
 */
static void
read_qualification(ReadinessCache *rc, FunctionCallInfo fcinfo, int argno,
				   const char *argname, int *status, int *tier)
{
	StoredQual	q;

	*status = -1;
	if (tier)
		*tier = -1;
	QualRead(&rc->quals, PG_GETARG_DATUM(argno), PG_ARGISNULL(argno), false, &q);
	if (q.status != NULL)
	{
		*status = StatusFromName(VARDATA_ANY(q.status), VARSIZE_ANY_EXHDR(q.status));
		if (*status < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s: status \"%s\" is not qualified, needs_info, nurture or disqualified",
							argname, text_shown(q.status))));
	}
	if (tier == NULL || q.tier == NULL)
		return;
	if (VARSIZE_ANY_EXHDR(q.tier) == 1 && VARDATA_ANY(q.tier)[0] >= 'A' && VARDATA_ANY(q.tier)[0] <= 'D')
		*tier = VARDATA_ANY(q.tier)[0] - 'A';
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: tier \"%s\" is not A, B, C or D",
						argname, text_shown(q.tier))));
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
	const ReadinessThresholds *t;
	ReadinessInput in;
	ReadinessResult r;
	Datum		values[5];
	bool		nulls[5] = {0};

	t = (const ReadinessThresholds *) SettingsGet(fcinfo, &rc->opt, 3, THRESHOLDS, sizeof(ReadinessThresholds),
										 &default_thresholds, parse_thresholds);
	read_qualification(rc, fcinfo, 0, "fit", &in.fit_status, &in.fit_tier);
	read_qualification(rc, fcinfo, 2, "qualification", &in.qual_status, NULL);
	in.engagement_null = PG_ARGISNULL(1);
	in.engagement = in.engagement_null ? 0 : PG_GETARG_FLOAT8(1);
	if (isnan(in.engagement))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("engagement must be a number, not NaN")));

	ReadinessDecide(t, &in, &r);
	values[0] = rc->stage_text[r.stage];
	values[1] = rc->grade_text[r.tier * 4 + r.band - 1];
	values[2] = rc->tier_text[r.tier];
	values[3] = Int32GetDatum(r.band);
	values[4] = CStringGetTextDatum(ReadinessReason(t, &in, &r));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(rc->desc, values, nulls)));
}
