/*-------------------------------------------------------------------------
 *
 * qualify.c
 *	  qualify(), score(), is_qualified() and explain(): the scoring
 *	  functions, for a model given as a value or by name, and evidence given
 *	  as jsonb, JSON text, a table row, or a row's columns (the *_columns
 *	  twins that the planner rewrites row forms into, see support.c).
 *
 * Each SQL overload points at one of four C functions; which kind of model
 * and evidence it takes is read once from its declaration.  The decoded
 * model, the binding of its criteria to the columns of a row type and the
 * result descriptor are kept in fn_extra for the rest of the query:
 *	 - a model argument that is a constant is decoded once; any other model
 *	   argument is compared byte for byte with the cached one;
 *	 - a model name is looked up in the registry once, and again only when
 *	   the name changes or the registry has changed (registry.c);
 *	 - a row type (or a list of column names) is bound once, and again only
 *	   if another arrives or the type's columns changed.
 * Per row, nothing is looked up and nothing is kept: what is allocated goes
 * into the caller's per-row memory.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "lead_qual.h"

typedef struct CallCache
{
	bool		by_name;		/* model argument is text: a name or JSON */
	LqEvidenceKind evidence;
	int			asof_arg;		/* where as_of is among the arguments */
	bool		model_is_const; /* model argument is a Const in the query */
	bool		names_are_const;	/* columns: the names argument is a Const */

	MemoryContext model_cxt;	/* the model and what is derived from it */
	MemoryContext binding_cxt;	/* the row binding; reset when rebinding */
	LqModel    *model;
	struct varlena *raw;		/* by value: the argument the model came from */
	char	   *name;			/* by name: the text given (not terminated) */
	int			namelen;
	uint64		generation;		/* by name: registry generation of the lookup */

	LqRowBinding *binding;		/* for row or column evidence */
	struct varlena *names;		/* columns: the names the binding was made for */
	LqValue    *values;			/* per criterion, rewritten each row */
	LqGrade    *grades;
	LqResultMaker result;		/* qualify(): building the result */

	TimestampTz last_asof;		/* the last as_of seen, and its day */
	LqAsOf		last_asof_day;
	bool		have_asof;

} CallCache;

/* The argument layout of the *_columns functions (see support.c). */
#define COLUMNS_ROWTYPE		2
#define COLUMNS_NAMES		3
#define COLUMNS_FIRST_VALUE 4

/*
 * Whether argument argno of the call is a constant of the query.  Only a
 * Const counts: a Param can change between evaluations of the same
 * expression (PL/pgSQL keeps the state of simple expressions across
 * statements).
 */
bool
lq_arg_is_const(FmgrInfo *flinfo, int argno)
{
	Node	   *expr = flinfo->fn_expr;
	List	   *args;

	if (expr == NULL || !IsA(expr, FuncExpr))
		return false;
	args = ((FuncExpr *) expr)->args;
	return argno < list_length(args) && IsA(list_nth(args, argno), Const);
}

/*
 * The call's cache, kept in *slot: fn_extra for the functions of this file,
 * a field of their own cache for the callers of lq_evaluate().
 */
static CallCache *
get_cache(FunctionCallInfo fcinfo, void **slot)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	CallCache  *cache = (CallCache *) *slot;
	Oid		   *argtypes;
	int			nargs;

	if (cache != NULL)
		return cache;

	cache = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(CallCache));
	get_func_signature(flinfo->fn_oid, &argtypes, &nargs);
	if (nargs < 3)
		elog(ERROR, "lead_qual scoring function declared with %d arguments", nargs);
	cache->by_name = (argtypes[0] == TEXTOID);
	cache->asof_arg = 2;
	if (nargs == COLUMNS_FIRST_VALUE + 1 && argtypes[COLUMNS_FIRST_VALUE] == ANYOID)
	{
		/* f_columns(model, as_of, row type, names, VARIADIC "any") */
		cache->evidence = LQ_EVIDENCE_COLUMNS;
		cache->asof_arg = 1;
		cache->names_are_const = lq_arg_is_const(flinfo, COLUMNS_NAMES);
	}
	else if (argtypes[1] == JSONBOID)
		cache->evidence = LQ_EVIDENCE_JSONB;
	else if (argtypes[1] == TEXTOID)
		cache->evidence = LQ_EVIDENCE_TEXT;
	else
		cache->evidence = LQ_EVIDENCE_ROW;
	pfree(argtypes);
	cache->model_is_const = lq_arg_is_const(flinfo, 0);
	cache->model_cxt = AllocSetContextCreate(flinfo->fn_mcxt, "lead_qual model",
											 ALLOCSET_SMALL_SIZES);
	cache->binding_cxt = AllocSetContextCreate(flinfo->fn_mcxt, "lead_qual row binding",
											   ALLOCSET_SMALL_SIZES);
	*slot = cache;
	return cache;
}

/*
 * Decode a model into the cache, with the per-model scratch space.  The
 * model is published last: after an error half way (caught, say, by a
 * PL/pgSQL exception block) the cache holds no model and starts over.
 */
static void
install_model(CallCache *cache, const struct varlena *detoasted)
{
	MemoryContext old = MemoryContextSwitchTo(cache->model_cxt);
	LqModel    *m = lq_model_decode(detoasted);

	cache->values = palloc0(sizeof(LqValue) * m->ncriteria);
	cache->grades = palloc0(sizeof(LqGrade) * m->ncriteria);
	MemoryContextSwitchTo(old);
	lq_result_maker_init(&cache->result, m, cache->result.desc, cache->model_cxt);
	cache->model = m;
}

/* Forget the model, and the row binding made for it. */
static void
forget_model(CallCache *cache)
{
	cache->model = NULL;
	cache->binding = NULL;
	cache->names = NULL;
	MemoryContextReset(cache->binding_cxt);
	MemoryContextReset(cache->model_cxt);
}

static const LqModel *
model_from_value(CallCache *cache, Datum arg)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(arg);
	struct varlena *cmp = raw;

	if (cache->model != NULL && cache->model_is_const)
		return cache->model;

	/* a pointer to toasted data says nothing about its content: fetch it */
	if (VARATT_IS_EXTERNAL(raw))
		cmp = (struct varlena *) PG_DETOAST_DATUM(arg);
	if (cache->model != NULL &&
		VARSIZE_ANY(cmp) == VARSIZE_ANY(cache->raw) &&
		memcmp(cmp, cache->raw, VARSIZE_ANY(cmp)) == 0)
		return cache->model;

	forget_model(cache);
	cache->raw = MemoryContextAlloc(cache->model_cxt, VARSIZE_ANY(cmp));
	memcpy(cache->raw, cmp, VARSIZE_ANY(cmp));
	install_model(cache, (struct varlena *) PG_DETOAST_DATUM_PACKED(PointerGetDatum(cache->raw)));
	return cache->model;
}

/* The model given as text: a registered name, or model JSON. */
static const LqModel *
model_from_text(CallCache *cache, text *arg)
{
	uint64		generation = lq_registry_generation();
	int			len = VARSIZE_ANY_EXHDR(arg);

	if (cache->model != NULL && cache->generation == generation &&
		(cache->model_is_const ||
		 (cache->namelen == len && memcmp(cache->name, VARDATA_ANY(arg), len) == 0)))
		return cache->model;

	forget_model(cache);
	cache->name = MemoryContextAlloc(cache->model_cxt, len);
	memcpy(cache->name, VARDATA_ANY(arg), len);
	cache->namelen = len;
	install_model(cache, lq_model_from_text(VARDATA_ANY(arg), len));
	cache->generation = generation;
	return cache->model;
}

/*
 * The column names of a *_columns call, kept (in binding_cxt, with the
 * binding) to tell whether a later call names the same columns.
 */
static void
remember_names(CallCache *cache, Datum names)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(names);

	cache->names = MemoryContextAlloc(cache->binding_cxt, VARSIZE_ANY(v));
	memcpy(cache->names, v, VARSIZE_ANY(v));
}

static bool
same_names(CallCache *cache, Datum names)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(names);

	return cache->names != NULL && VARSIZE_ANY(v) == VARSIZE_ANY(cache->names) &&
		memcmp(v, cache->names, VARSIZE_ANY(v)) == 0;
}

/*
 * Work shared by all four functions: load the model, read the evidence and
 * grade every criterion.  Returns NULL when the result is NULL (a NULL
 * model or as_of); NULL evidence means that nothing is known yet.
 */
static CallCache *
evaluate_in(FunctionCallInfo fcinfo, void **slot)
{
	CallCache  *cache = get_cache(fcinfo, slot);
	const LqModel *m;
	LqAsOf		asof;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(cache->asof_arg))
		return NULL;
	if (cache->by_name)
		m = model_from_text(cache, PG_GETARG_TEXT_PP(0));
	else
		m = model_from_value(cache, PG_GETARG_DATUM(0));

	if (!cache->have_asof || cache->last_asof != PG_GETARG_TIMESTAMPTZ(cache->asof_arg))
	{
		cache->last_asof = PG_GETARG_TIMESTAMPTZ(cache->asof_arg);
		cache->last_asof_day = lq_asof_from_timestamptz(PG_GETARG_DATUM(cache->asof_arg), false);
		cache->have_asof = true;
	}
	asof = cache->last_asof_day;

	if (cache->evidence == LQ_EVIDENCE_COLUMNS)
	{
		Oid			rowtype = PG_ARGISNULL(COLUMNS_ROWTYPE) ? RECORDOID :
			DatumGetObjectId(PG_GETARG_DATUM(COLUMNS_ROWTYPE));

		if (PG_ARGISNULL(COLUMNS_NAMES))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the column names must not be null")));
		if (!lq_row_binding_matches(cache->binding, rowtype, -1) ||
			(!cache->names_are_const && !same_names(cache, PG_GETARG_DATUM(COLUMNS_NAMES))))
		{
			cache->binding = NULL;
			cache->names = NULL;
			MemoryContextReset(cache->binding_cxt);
			cache->binding = lq_columns_bind(m, fcinfo, COLUMNS_NAMES, COLUMNS_FIRST_VALUE,
											 rowtype, cache->binding_cxt);
			remember_names(cache, PG_GETARG_DATUM(COLUMNS_NAMES));
		}
		lq_values_from_args(m, cache->binding, fcinfo, cache->values);
	}
	else if (PG_ARGISNULL(1))
		memset(cache->values, 0, sizeof(LqValue) * m->ncriteria);
	else if (cache->evidence == LQ_EVIDENCE_JSONB)
		lq_values_from_jsonb(m, PG_GETARG_JSONB_P(1), cache->values);
	else if (cache->evidence == LQ_EVIDENCE_TEXT)
		lq_values_from_json_text(m, PG_GETARG_TEXT_PP(1), cache->values);
	else
	{
		HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(1);
		Oid			typid = HeapTupleHeaderGetTypeId(row);
		int32		typmod = HeapTupleHeaderGetTypMod(row);

		if (!lq_row_binding_matches(cache->binding, typid, typmod))
		{
			cache->binding = NULL;
			cache->names = NULL;
			MemoryContextReset(cache->binding_cxt);
			cache->binding = lq_row_bind(m, typid, typmod, cache->binding_cxt);
		}
		lq_values_from_row(m, cache->binding, row, cache->values);
	}

	for (int i = 0; i < m->ncriteria; i++)
		lq_grade_criterion(m, i, &cache->values[i], &asof, &cache->grades[i]);
	return cache;
}

/* The functions of this file keep their cache in fn_extra. */
static inline CallCache *
evaluate(FunctionCallInfo fcinfo)
{
	return evaluate_in(fcinfo, &fcinfo->flinfo->fn_extra);
}

/*
 * evaluate() for functions in other files (next_action() in readiness.c)
 * that are declared like the scoring functions: (model, evidence, as_of,
 * ...), the model as lead_qual.model or text, the evidence as jsonb, text
 * or a row.  *cache is where the evaluation keeps its per-query cache (a
 * field of the caller's own fn_extra state, NULL at first); it is
 * allocated in flinfo->fn_mcxt.  Fills *ev, whose pointers stay valid
 * until the next call with the same cache; returns false when the result
 * is NULL (a NULL model or as_of).
 */
bool
lq_evaluate(FunctionCallInfo fcinfo, void **cache, LqEvaluation *ev)
{
	CallCache  *c = evaluate_in(fcinfo, cache);

	if (c == NULL)
		return false;
	ev->model = c->model;
	ev->values = c->values;
	ev->grades = c->grades;
	ev->asof = c->last_asof_day;
	return true;
}

/*
 * Prepare what building qualifications for this model needs: the model's
 * name and criterion keys as text, and room for the arrays.  desc is the
 * blessed descriptor of lead_qual.qualification (or NULL, set later).
 */
void
lq_result_maker_init(LqResultMaker *rm, const LqModel *m, TupleDesc desc,
					 MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	rm->desc = desc;
	rm->cxt = cxt;
	rm->key_arrays[0] = rm->key_arrays[1] = NULL;
	rm->name_text = CStringGetTextDatum(m->name);
	rm->key_texts = palloc(sizeof(Datum) * m->ncriteria);
	for (int i = 0; i < m->ncriteria; i++)
		rm->key_texts[i] = CStringGetTextDatum(m->criteria[i].key);
	rm->scratch = palloc(sizeof(Datum) * m->ncriteria);
	for (int s = 0; s < 4; s++)
	{
		char		tier[2] = {(char) ('A' + s), '\0'};

		rm->status_text[s] = CStringGetTextDatum(lq_status_name((LqStatus) s));
		rm->tier_text[s] = CStringGetTextDatum(tier);
	}
	MemoryContextSwitchTo(old);
}

static Datum
key_array(LqResultMaker *rm, const LqModel *m, const LqGrade *grades, bool unknown)
{
	LqState		want = unknown ? LQ_UNKNOWN : LQ_UNMET;
	Datum	   *cached = NULL;
	uint32		set = 0;
	int			n = 0;
	Datum		array;

	if (m->ncriteria <= LQ_KEY_ARRAY_CACHE)
	{
		for (int i = 0; i < m->ncriteria; i++)
			if (grades[i].state == want)
				set |= (uint32) 1 << i;
		if (rm->key_arrays[unknown ? 0 : 1] == NULL)
			rm->key_arrays[unknown ? 0 : 1] =
				MemoryContextAllocZero(rm->cxt, sizeof(Datum) << m->ncriteria);
		cached = &rm->key_arrays[unknown ? 0 : 1][set];
		if (*cached != (Datum) 0)
			return *cached;
	}

	for (int k = 0; k < m->ncriteria; k++)
	{
		/* unknown ones in the order to ask them, failed ones in model order */
		int			i = unknown ? m->ask_order[k] : k;

		if (grades[i].state == want)
			rm->scratch[n++] = rm->key_texts[i];
	}
	if (cached == NULL)
		return n == 0 ? PointerGetDatum(construct_empty_array(TEXTOID)) :
			PointerGetDatum(construct_array(rm->scratch, n, TEXTOID, -1, false, TYPALIGN_INT));

	{
		MemoryContext old = MemoryContextSwitchTo(rm->cxt);

		array = n == 0 ? PointerGetDatum(construct_empty_array(TEXTOID)) :
			PointerGetDatum(construct_array(rm->scratch, n, TEXTOID, -1, false, TYPALIGN_INT));
		MemoryContextSwitchTo(old);
	}
	*cached = array;
	return array;
}

/* A lead_qual.qualification datum, in the current memory context. */
Datum
lq_make_qualification(LqResultMaker *rm, const LqModel *m, const LqGrade *grades)
{
	LqOutcome	out;
	Datum		values[10];
	bool		nulls[10] = {0};

	lq_outcome(m, grades, &out);
	values[0] = rm->name_text;
	values[1] = Float8GetDatum(out.score);
	values[2] = BoolGetDatum(out.status == LQ_STATUS_QUALIFIED);
	values[3] = rm->status_text[out.status];
	values[4] = rm->tier_text[out.tier - 'A'];
	values[5] = Int32GetDatum(out.met);
	values[6] = Int32GetDatum(out.known);
	values[7] = Int32GetDatum(out.total);
	values[8] = key_array(rm, m, grades, true);
	values[9] = key_array(rm, m, grades, false);
	return HeapTupleGetDatum(heap_form_tuple(rm->desc, values, nulls));
}

PG_FUNCTION_INFO_V1(lq_qualify);
Datum
lq_qualify(PG_FUNCTION_ARGS)
{
	CallCache  *cache = evaluate(fcinfo);

	if (cache == NULL)
		PG_RETURN_NULL();
	if (cache->result.desc == NULL)
	{
		TupleDesc	desc;
		MemoryContext old;

		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "lead_qual.qualify must return a composite type");
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		cache->result.desc = BlessTupleDesc(CreateTupleDescCopy(desc));
		MemoryContextSwitchTo(old);
		if (cache->result.desc->natts != 10)
			elog(ERROR, "lead_qual.qualification has %d fields, expected 10",
				 cache->result.desc->natts);
	}
	PG_RETURN_DATUM(lq_make_qualification(&cache->result, cache->model, cache->grades));
}

PG_FUNCTION_INFO_V1(lq_score);
Datum
lq_score(PG_FUNCTION_ARGS)
{
	CallCache  *cache = evaluate(fcinfo);

	if (cache == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(lq_model_score(cache->model, cache->grades));
}

PG_FUNCTION_INFO_V1(lq_is_qualified);
Datum
lq_is_qualified(PG_FUNCTION_ARGS)
{
	CallCache  *cache = evaluate(fcinfo);
	LqOutcome	out;

	if (cache == NULL)
		PG_RETURN_NULL();
	lq_outcome(cache->model, cache->grades, &out);
	PG_RETURN_BOOL(out.status == LQ_STATUS_QUALIFIED);
}

/*
 * Set up a set-returning function in materialize mode: the caller's tuple
 * descriptor and a tuplestore in per-query memory.
 */
Tuplestorestate *
lq_srf_begin(FunctionCallInfo fcinfo, TupleDesc *desc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext old;
	Tuplestorestate *store;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (get_call_result_type(fcinfo, NULL, desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	*desc = CreateTupleDescCopy(*desc);
	store = tuplestore_begin_heap(false, false, work_mem);
	MemoryContextSwitchTo(old);

	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = store;
	rsinfo->setDesc = *desc;
	return store;
}

/*
 * explain(model, evidence, as_of, lang): one row per criterion, showing
 * how the score came about and, for unknown criteria, what to ask.
 */
PG_FUNCTION_INFO_V1(lq_explain);
Datum
lq_explain(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Tuplestorestate *store = lq_srf_begin(fcinfo, &desc);
	CallCache  *cache = evaluate(fcinfo);
	const LqModel *m;
	char	   *lang;

	if (cache == NULL)
		return (Datum) 0;
	m = cache->model;
	lang = (PG_NARGS() > 3 && !PG_ARGISNULL(3)) ? text_to_cstring(PG_GETARG_TEXT_PP(3)) : "en";

	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		const LqGrade *g = &cache->grades[i];
		bool		known = (g->state != LQ_UNKNOWN);
		const char *question = known ? NULL : lq_localized_pick(&c->questions, lang, 0);
		Datum		values[13];
		bool		nulls[13] = {0};

		values[0] = Int32GetDatum(i + 1);
		values[1] = CStringGetTextDatum(c->key);
		values[2] = CStringGetTextDatum(c->label);
		values[3] = CStringGetTextDatum(c->source);
		values[4] = CStringGetTextDatum(lq_rule_describe(c));
		if (cache->values[i].kind == LQV_NULL)
			nulls[5] = true;
		else
			values[5] = CStringGetTextDatum(lq_value_display(&cache->values[i]));
		values[6] = Float8GetDatum(g->grade);
		nulls[6] = !known;
		values[7] = Float8GetDatum(c->weight);
		values[8] = Float8GetDatum(lq_points(m, i, g));
		values[9] = BoolGetDatum(g->state == LQ_MET);
		nulls[9] = !known;
		values[10] = BoolGetDatum(known);
		values[11] = BoolGetDatum(c->knockout);
		if (question != NULL)
			values[12] = CStringGetTextDatum(question);
		else
			nulls[12] = true;
		tuplestore_putvalues(store, desc, values, nulls);
	}
	return (Datum) 0;
}
