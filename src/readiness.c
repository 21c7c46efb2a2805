/*-------------------------------------------------------------------------
 *
 * readiness.c
 *	  Sales readiness and the next action.
 *
 *	  readiness(fit, engagement, qualification, thresholds) combines the
 *	  three things sales-readiness rests on: how well the lead fits the
 *	  ideal customer (a qualification against a fit model), its behavioural
 *	  engagement (a number, the points of its digital events) and the
 *	  qualification from conversations (BANT and the like).  It returns the
 *	  stage (lead, mql, sql, disqualified), a two-axis grade such as "B2"
 *	  (fit tier, engagement band) and the rule that decided.
 *
 *	  next_action(model, evidence, as_of, lang, config) says what to do
 *	  with a lead (hand it to sales, ask more, nurture it, drop it) and, if
 *	  not now, when to come back: for nurture, the day a date in the
 *	  evidence (a planned purchase, the end of a current contract) comes
 *	  within its criterion's window, else an interval by tier.
 *
 * Both take an optional jsonb of settings (thresholds, config).  It is
 * validated and parsed once per query and kept in fn_extra: a constant
 * argument is parsed once, any other one again only when its bytes change.
 * The qualification of next_action() comes from qualify.c (lq_evaluate),
 * with the same per-query caching of the model and row bindings.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "lead_qual.h"

/* ----------------------------------------------------------------
 * Settings given as jsonb (thresholds, config)
 * ----------------------------------------------------------------
 */

/*
 * A parser fills in what a jsonb object of settings says, over a copy of
 * the defaults; it raises an error naming the field for anything wrong.
 */
typedef void (*OptParser) (JsonbContainer *root, void *out);

/* The cache of one settings argument, in fn_mcxt. */
typedef struct OptCache
{
	bool		is_const;		/* the argument is a constant of the query */
	bool		valid;			/* parsed holds the parse of raw */
	Jsonb	   *raw;			/* the argument last parsed */
	void	   *parsed;
} OptCache;

static void opt_error(const char *what, const char *path, const char *fmt,...)
			pg_attribute_printf(3, 4) pg_attribute_noreturn();

static void
opt_error(const char *what, const char *path, const char *fmt,...)
{
	StringInfoData why;

	initStringInfo(&why);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&why, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&why, needed);
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s field \"%s\": %s", what, path, why.data)));
}

static char *
opt_path(const char *base, const char *field)
{
	if (base == NULL || base[0] == '\0')
		return pstrdup(field);
	return psprintf("%s.%s", base, field);
}

static const char *
jv_type_name(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvArray:
			return "an array";
		case jbvObject:
			return "an object";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "an array" : "an object";
		default:
			return "an unknown JSON value";
	}
}

static bool
jv_is_object(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
}

/* The settings object itself: a JSON object, else an error. */
static void
opt_expect_root_object(const char *what, Jsonb *jb)
{
	JsonbValue	v;

	if (JB_ROOT_IS_OBJECT(jb))
		return;
	if (JB_ROOT_IS_SCALAR(jb) && JsonbExtractScalar(&jb->root, &v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: must be a JSON object, not %s", what, jv_type_name(&v))));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s: must be a JSON object, not an array", what)));
}

/*
 * Walk the members of an object container: returns false at the end.  The
 * key is NUL-terminated (jsonb keys hold no NUL); nested values come as
 * jbvBinary.  Unknown keys are refused, with the allowed ones as a hint.
 */
static bool
opt_next_member(JsonbIterator **it, const char *what, const char *path,
				const char *const *allowed, char **key, int *index, JsonbValue *val)
{
	JsonbValue	k;
	JsonbIteratorToken tok;

	for (;;)
	{
		tok = JsonbIteratorNext(it, &k, true);
		if (tok == WJB_DONE)
			return false;
		if (tok == WJB_KEY)
			break;
	}
	*key = pnstrdup(k.val.string.val, k.val.string.len);
	tok = JsonbIteratorNext(it, val, true);
	if (tok != WJB_VALUE)
		elog(ERROR, "unexpected jsonb token %d in %s", (int) tok, what);

	for (int i = 0; allowed[i] != NULL; i++)
		if (strcmp(*key, allowed[i]) == 0)
		{
			*index = i;
			return true;
		}

	{
		StringInfoData names;

		initStringInfo(&names);
		for (int i = 0; allowed[i] != NULL; i++)
			appendStringInfo(&names, "%s%s", i > 0 ? ", " : "", allowed[i]);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: unknown field \"%s\"", what,
						opt_path(path, lq_clip(*key, 64))),
				 errhint("The fields of %s are: %s.",
						 (path == NULL || path[0] == '\0') ? what : path, names.data)));
	}
}

/* A number from the settings, for messages: short, in scientific notation when long. */
static char *
numeric_text(Numeric n)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));

	if (strlen(s) > 20)
		s = numeric_out_sci(n, 3);
	return lq_clip(s, 40);
}

/* A finite number. */
static double
opt_number(const char *what, const char *path, const JsonbValue *v)
{
	double		x;

	if (v->type != jbvNumeric)
		opt_error(what, path, "must be a number, not %s", jv_type_name(v));
	x = lq_numeric_to_double(v->val.numeric);
	if (isnan(x) || isinf(x))
		opt_error(what, path, "must be a finite number, not %s (out of range for double precision)",
				  numeric_text(v->val.numeric));
	return x;
}

/* A whole number of days, 0 to LQ_MAX_DAYS. */
static int32
opt_days(const char *what, const char *path, const JsonbValue *v)
{
	double		x;

	if (v->type != jbvNumeric)
		opt_error(what, path, "must be a whole number of days, not %s", jv_type_name(v));
	x = lq_numeric_to_double(v->val.numeric);
	if (isnan(x) || isinf(x) || x != floor(x) || x < 0 || x > LQ_MAX_DAYS)
		opt_error(what, path, "must be a whole number of days from 0 to %d, not %s",
				  LQ_MAX_DAYS, numeric_text(v->val.numeric));
	return (int32) x;
}

/* A tier letter: 0 for A ... 3 for D. */
static int
opt_tier(const char *what, const char *path, const JsonbValue *v)
{
	if (v->type != jbvString)
		opt_error(what, path, "must be a tier letter A, B, C or D, not %s", jv_type_name(v));
	if (v->val.string.len != 1 || v->val.string.val[0] < 'A' || v->val.string.val[0] > 'D')
		opt_error(what, path, "must be a tier letter A, B, C or D, not \"%s\"",
				  lq_clip(pnstrdup(v->val.string.val, v->val.string.len), 20));
	return v->val.string.val[0] - 'A';
}

/*
 * Whether the argument is a constant of the query.  Only a Const counts: a
 * Param can change between evaluations of the same expression (PL/pgSQL
 * keeps the state of simple expressions across statements).
 */
static bool
arg_is_const(FmgrInfo *flinfo, int argno)
{
	Node	   *expr = flinfo->fn_expr;
	List	   *args;

	if (expr == NULL || !IsA(expr, FuncExpr))
		return false;
	args = ((FuncExpr *) expr)->args;
	return argno < list_length(args) && IsA(list_nth(args, argno), Const);
}

static void
opt_init(FunctionCallInfo fcinfo, OptCache *oc, int argno, Size size)
{
	oc->is_const = arg_is_const(fcinfo->flinfo, argno);
	oc->valid = false;
	oc->raw = NULL;
	oc->parsed = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, size);
}

/*
 * The settings of this call: the defaults when the argument is NULL (or
 * absent), else the parse of the argument, parsed again only when the
 * argument is not a constant and its bytes differ from the last one.  The
 * cache is updated only after a successful parse.
 */
static const void *
opt_get(FunctionCallInfo fcinfo, OptCache *oc, int argno, const char *what,
		Size size, const void *defaults, OptParser parse)
{
	Jsonb	   *jb;
	void	   *fresh;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return defaults;
	if (oc->valid && oc->is_const)
		return oc->parsed;
	jb = PG_GETARG_JSONB_P(argno);
	if (oc->valid && VARSIZE(jb) == VARSIZE(oc->raw) &&
		memcmp(jb, oc->raw, VARSIZE(jb)) == 0)
		return oc->parsed;

	opt_expect_root_object(what, jb);
	fresh = palloc(size);
	memcpy(fresh, defaults, size);
	parse(&jb->root, fresh);

	oc->valid = false;
	if (oc->raw != NULL)
		pfree(oc->raw);
	oc->raw = NULL;
	oc->raw = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE(jb));
	memcpy(oc->raw, jb, VARSIZE(jb));
	memcpy(oc->parsed, fresh, size);
	oc->valid = true;
	pfree(fresh);
	return oc->parsed;
}

/* A date as YYYY-MM-DD (BC years as PostgreSQL writes them), whatever DateStyle says. */
static char *
date_text(DateADT d)
{
	int			y,
				m,
				day;

	if (DATE_IS_NOBEGIN(d))
		return pstrdup("-infinity");
	if (DATE_IS_NOEND(d))
		return pstrdup("infinity");
	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	if (y <= 0)
		return psprintf("%04d-%02d-%02d BC", 1 - y, m, day);
	return psprintf("%04d-%02d-%02d", y, m, day);
}

static char *
number_text(double x)
{
	StringInfoData s;

	initStringInfo(&s);
	lq_append_number(&s, x);
	return s.data;
}

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
		opt_error(THRESHOLDS, "bands", "must be an array of 3 numbers, not %s", jv_type_name(v));
	arr = v->val.binary.data;
	if (JsonContainerSize(arr) != 3)
		opt_error(THRESHOLDS, "bands",
				  "must hold 3 numbers (where bands 1, 2 and 3 begin), not %d",
				  (int) JsonContainerSize(arr));
	it = JsonbIteratorInit(arr);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (n >= 3)
			elog(ERROR, "jsonb array holds more elements than its size says");
		t->bands[n] = opt_number(THRESHOLDS, psprintf("bands[%d]", n), &e);
		n++;
	}
	if (n != 3)
		elog(ERROR, "jsonb array holds fewer elements than its size says");
	if (!(t->bands[0] > t->bands[1] && t->bands[1] > t->bands[2]))
		opt_error(THRESHOLDS, "bands",
				  "must be strictly decreasing (band 1 is the most engaged), not %s, %s and %s",
				  number_text(t->bands[0]), number_text(t->bands[1]), number_text(t->bands[2]));
}

static void
parse_stage(const JsonbValue *v, const char *stage, const char *const *fields, Thresholds *t)
{
	JsonbIterator *it;
	JsonbValue	m;
	char	   *key;
	int			idx;
	bool		is_mql = (strcmp(stage, "mql") == 0);

	if (!jv_is_object(v))
		opt_error(THRESHOLDS, stage, "must be an object, not %s", jv_type_name(v));
	it = JsonbIteratorInit(v->val.binary.data);
	while (opt_next_member(&it, THRESHOLDS, stage, fields, &key, &idx, &m))
	{
		char	   *path = opt_path(stage, key);

		if (idx == 0)
		{
			int			tier = opt_tier(THRESHOLDS, path, &m);

			if (is_mql)
				t->mql_fit = tier;
			else
				t->sql_fit = tier;
		}
		else
			t->mql_engagement = opt_number(THRESHOLDS, path, &m);
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

	while (opt_next_member(&it, THRESHOLDS, "", thresholds_fields, &key, &idx, &v))
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
	OptCache	opt;
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
	opt_init(fcinfo, &rc->opt, 3, sizeof(Thresholds));
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

	t = (const Thresholds *) opt_get(fcinfo, &rc->opt, 3, THRESHOLDS, sizeof(Thresholds),
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
		psprintf("engagement %s", number_text(e));
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
						 fit_shown, 'A' + t->mql_fit, e_shown, number_text(t->mql_engagement));
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
							 number_text(t->mql_engagement));
	}

	values[0] = rc->stage_text[stage];
	values[1] = rc->grade_text[tier * 4 + band - 1];
	values[2] = rc->tier_text[tier];
	values[3] = Int32GetDatum(band);
	values[4] = CStringGetTextDatum(reason.data);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(rc->desc, values, nulls)));
}

/* ----------------------------------------------------------------
 * next_action()
 * ----------------------------------------------------------------
 */

typedef struct NextConfig
{
	int32		ask_days;
	int32		nurture_days[4];	/* by tier A-D */
	bool		drop_follow_up;		/* drop_days given (not null) */
	int32		drop_days;
} NextConfig;

static const NextConfig default_config = {7, {30, 60, 90, 180}, false, 0};

#define CONFIG "next_action config"

static const char *const config_fields[] = {"ask_days", "nurture_days", "drop_days", NULL};
static const char *const tier_fields[] = {"A", "B", "C", "D", NULL};

static void
parse_config(JsonbContainer *root, void *out)
{
	NextConfig *cfg = (NextConfig *) out;
	JsonbIterator *it = JsonbIteratorInit(root);
	JsonbValue	v;
	char	   *key;
	int			idx;

	while (opt_next_member(&it, CONFIG, "", config_fields, &key, &idx, &v))
	{
		if (idx == 0)
			cfg->ask_days = opt_days(CONFIG, "ask_days", &v);
		else if (idx == 1)
		{
			JsonbIterator *tit;
			JsonbValue	tv;
			char	   *tkey;
			int			tier;

			if (!jv_is_object(&v))
				opt_error(CONFIG, "nurture_days", "must be an object of days by tier, not %s",
						  jv_type_name(&v));
			tit = JsonbIteratorInit(v.val.binary.data);
			while (opt_next_member(&tit, CONFIG, "nurture_days", tier_fields, &tkey, &tier, &tv))
				cfg->nurture_days[tier] = opt_days(CONFIG, opt_path("nurture_days", tkey), &tv);
		}
		else if (v.type == jbvNull)
			cfg->drop_follow_up = false;
		else
		{
			cfg->drop_days = opt_days(CONFIG, "drop_days", &v);
			cfg->drop_follow_up = true;
		}
	}
}

static const char *const action_names[] = {
	/* indexed by LqStatus */
	"hand_to_sales", "ask", "nurture", "drop"
};

typedef struct NextCache
{
	void	   *eval;			/* qualify.c's cache, see lq_evaluate() */
	OptCache	opt;
	TupleDesc	desc;			/* lead_qual.next_step, blessed */
	Datum		action_text[4];
} NextCache;

#define NEXT_ASOF_ARG	2
#define NEXT_LANG_ARG	3
#define NEXT_CONFIG_ARG 4

static NextCache *
next_cache(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	NextCache  *nc = (NextCache *) flinfo->fn_extra;
	MemoryContext old;
	TupleDesc	desc;

	if (nc != NULL)
		return nc;
	if (PG_NARGS() != 5)
		elog(ERROR, "lead_qual.next_action declared with %d arguments, expected 5", PG_NARGS());
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "lead_qual.next_action must return a composite type");
	if (desc->natts != 5)
		elog(ERROR, "lead_qual.next_step has %d fields, expected 5", desc->natts);

	old = MemoryContextSwitchTo(flinfo->fn_mcxt);
	nc = palloc0(sizeof(NextCache));
	nc->desc = BlessTupleDesc(CreateTupleDescCopy(desc));
	for (int s = 0; s < 4; s++)
		nc->action_text[s] = CStringGetTextDatum(action_names[s]);
	MemoryContextSwitchTo(old);
	opt_init(fcinfo, &nc->opt, NEXT_CONFIG_ARG, sizeof(NextConfig));
	flinfo->fn_extra = nc;
	return nc;
}

/* as_of's date (UTC) plus days; an infinite as_of gives an infinite date. */
static DateADT
asof_plus(TimestampTz ts, const LqAsOf *asof, int32 days)
{
	if (TIMESTAMP_IS_NOBEGIN(ts))
		return DATEVAL_NOBEGIN;
	if (TIMESTAMP_IS_NOEND(ts))
		return DATEVAL_NOEND;
	return asof->days + days;
}

/* "today", "in 1 day", "in 7 days" */
static char *
in_days(int32 days)
{
	if (days == 0)
		return pstrdup("today");
	return psprintf("in %d day%s", days, days == 1 ? "" : "s");
}

/* "a", "a and b", "a, b and c" */
static void
append_list(StringInfo s, const char **items, int n)
{
	for (int i = 0; i < n; i++)
		appendStringInfo(s, "%s%s", i == 0 ? "" : (i == n - 1 ? " and " : ", "), items[i]);
}

/*
 * The earliest day on which a date of the evidence comes within the window
 * of its within_days criterion (ahead or either way): for a date d more
 * than `days` ahead of as_of, d - days.  Returns the criterion, or -1 when
 * there is none; *d_out is the date, *opens the day.
 */
static int
coming_date(const LqEvaluation *ev, int32 *d_out, int32 *opens)
{
	const LqModel *m = ev->model;
	int			best = -1;

	if (!ev->asof.finite)
		return -1;
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		const LqValue *v = &ev->values[i];
		int32		d;

		if (c->rule != LQ_RULE_WITHIN_DAYS || c->direction == LQ_DIR_BEHIND ||
			ev->grades[i].state == LQ_UNKNOWN)
			continue;
		if (v->kind == LQV_DAYS)
			d = v->days;
		else if (v->kind == LQV_TEXT && lq_parse_iso_date(v->str, v->len, &d))
			;
		else
			continue;
		/* infinite dates never come within a window */
		if (d == PG_INT32_MIN || d == PG_INT32_MAX)
			continue;
		if ((int64) d - ev->asof.days <= c->days)
			continue;
		if (best < 0 || d - c->days < *opens)
		{
			best = i;
			*d_out = d;
			*opens = d - c->days;
		}
	}
	return best;
}

static Datum
text_array(Datum *items, bool *nulls, int n)
{
	int			dims[1] = {n};
	int			lbs[1] = {1};

	if (n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return PointerGetDatum(construct_md_array(items, nulls, 1, dims, lbs,
											  TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * next_action(model, evidence, as_of, lang, config) returns
 * lead_qual.next_step: what to do with the lead and when to come back.
 * Declared like explain() (model value or name; evidence jsonb, JSON text
 * or row), with the config last.
 */
PG_FUNCTION_INFO_V1(lq_next_action);
Datum
lq_next_action(PG_FUNCTION_ARGS)
{
	NextCache  *nc = next_cache(fcinfo);
	const NextConfig *cfg;
	LqEvaluation ev;
	const LqModel *m;
	LqOutcome	out;
	TimestampTz ts;
	const char *lang;
	Datum		values[5];
	bool		nulls[5] = {0};
	int			n = 0;
	Datum	   *keys;
	Datum	   *questions;
	bool	   *qnulls;
	const char **names;
	StringInfoData reason;

	cfg = (const NextConfig *) opt_get(fcinfo, &nc->opt, NEXT_CONFIG_ARG, CONFIG, sizeof(NextConfig),
									   &default_config, parse_config);
	if (!lq_evaluate(fcinfo, &nc->eval, &ev))
		PG_RETURN_NULL();
	m = ev.model;
	lq_outcome(m, ev.grades, &out);
	ts = PG_GETARG_TIMESTAMPTZ(NEXT_ASOF_ARG);
	lang = PG_ARGISNULL(NEXT_LANG_ARG) ? "en" : text_to_cstring(PG_GETARG_TEXT_PP(NEXT_LANG_ARG));

	keys = palloc(sizeof(Datum) * m->ncriteria);
	questions = palloc(sizeof(Datum) * m->ncriteria);
	qnulls = palloc(sizeof(bool) * m->ncriteria);
	names = palloc(sizeof(char *) * m->ncriteria);
	initStringInfo(&reason);

	values[0] = nc->action_text[out.status];
	switch (out.status)
	{
		case LQ_STATUS_QUALIFIED:
			values[3] = DateADTGetDatum(asof_plus(ts, &ev.asof, 0));
			appendStringInfo(&reason, "Qualified with score %s (tier %c): hand to sales now.",
							 number_text(out.score), out.tier);
			break;

		case LQ_STATUS_NEEDS_INFO:
			/* the unknown criteria, in the order to ask them */
			for (int k = 0; k < m->ncriteria; k++)
			{
				int			i = m->ask_order[k];
				const LqCriterion *c = &m->criteria[i];
				const char *q;

				if (ev.grades[i].state != LQ_UNKNOWN)
					continue;
				q = lq_localized_pick(&c->questions, lang, 0);
				keys[n] = CStringGetTextDatum(c->key);
				qnulls[n] = (q == NULL);
				questions[n] = q ? CStringGetTextDatum(q) : (Datum) 0;
				names[n] = c->key;
				n++;
			}
			values[3] = DateADTGetDatum(asof_plus(ts, &ev.asof, cfg->ask_days));
			appendStringInfoString(&reason, "Could qualify once ");
			append_list(&reason, names, n);
			appendStringInfo(&reason, " %s known: ask, and follow up %s.",
							 n == 1 ? "is" : "are", in_days(cfg->ask_days));
			break;

		case LQ_STATUS_NURTURE:
			{
				int32		d = 0,
							opens = 0;
				int			i = coming_date(&ev, &d, &opens);

				if (i >= 0)
				{
					values[3] = DateADTGetDatum(opens);
					appendStringInfo(&reason,
									 "Cannot qualify on what is known now: follow up on %s, when %s (%s) is %d day%s away.",
									 date_text(opens), m->criteria[i].key, date_text(d),
									 m->criteria[i].days, m->criteria[i].days == 1 ? "" : "s");
				}
				else
				{
					int32		days = cfg->nurture_days[out.tier - 'A'];

					values[3] = DateADTGetDatum(asof_plus(ts, &ev.asof, days));
					appendStringInfo(&reason,
									 "Cannot qualify on what is known now and no coming date is known: follow up %s (tier %c).",
									 in_days(days), out.tier);
				}
				break;
			}

		case LQ_STATUS_DISQUALIFIED:
			for (int i = 0; i < m->ncriteria; i++)
				if (m->criteria[i].knockout && ev.grades[i].state == LQ_UNMET)
					names[n++] = m->criteria[i].key;
			appendStringInfo(&reason, "Disqualified: knockout criteri%s ", n == 1 ? "on" : "a");
			append_list(&reason, names, n);
			appendStringInfo(&reason, " %s not met", n == 1 ? "is" : "are");
			if (cfg->drop_follow_up)
			{
				values[3] = DateADTGetDatum(asof_plus(ts, &ev.asof, cfg->drop_days));
				appendStringInfo(&reason, ": drop, and look again %s.", in_days(cfg->drop_days));
			}
			else
			{
				nulls[3] = true;
				appendStringInfoString(&reason, ": drop, no follow-up.");
			}
			n = 0;				/* nothing to ask */
			break;
	}

	values[1] = text_array(questions, qnulls, n);
	values[2] = text_array(keys, NULL, n);
	values[4] = CStringGetTextDatum(reason.data);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(nc->desc, values, nulls)));
}
