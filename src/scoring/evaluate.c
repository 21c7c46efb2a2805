/*-------------------------------------------------------------------------
 *
 * evaluate.c
 *	  One evaluation of (model, evidence, as_of) for the functions declared
 *	  like qualify() (evaluate.h).
 *
 * Such a function is declared (model, evidence, as_of, ...), the model as
 * lead_qual.model or text, the evidence as jsonb, text (JSON) or a row;
 * its *_columns twin (see support.c) as (model, as_of, row type, column
 * names, VARIADIC columns).  Which form a call has is read once from its
 * declaration.  Kept for the rest of the query, in the caller's fn_extra
 * state:
 *	 - the model (registry/ref.c: decoded once; looked up again only when
 *	   the argument or the registry changes);
 *	 - the binding of its criteria to the columns of a row type (or a list
 *	   of column names): made once, and again only if another type
 *	   arrives or the type's columns changed;
 *	 - the day of the last as_of.
 * Per row, nothing is looked up and nothing is kept: what is allocated goes
 * into the caller's per-row memory.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "base/fmgr_util.h"
#include "registry/ref.h"
#include "scoring/evaluate.h"
#include "scoring/reader.h"

/* Where the evidence of one call comes from. */
typedef enum EvidenceForm
{
	FORM_JSONB,
	FORM_TEXT,					/* JSON text */
	FORM_ROW,
	FORM_COLUMNS				/* a row's columns as arguments (support.c) */
} EvidenceForm;

/* The argument layout of the *_columns functions (see support.c). */
#define COLUMNS_ASOF		1
#define COLUMNS_ROWTYPE		2
#define COLUMNS_NAMES		3
#define COLUMNS_FIRST_VALUE 4

typedef struct EvalCache
{
	EvidenceForm form;
	int			asof_arg;		/* where as_of is among the arguments */
	bool		names_are_const;	/* columns: the names argument is a Const */
	bool		columns_const;	/* ... and so is the row type: the planner's call */

	LqRef		model;
	uint64		model_loads;	/* model.loads when values and grades were made */
	LqValue    *values;			/* per criterion, rewritten each row */
	LqGrade    *grades;

	MemoryContext binding_cxt;	/* the row binding; reset when rebinding */
	LqRowBinding *binding;		/* for row or column evidence */
	LqReader   *reader;			/* grades straight from the bound columns */
	const LqModel *reader_model;	/* ... the criteria of this model */
	uint64		bound_schema;	/* SchemaGeneration() when bound */

	/*
	 * The reader again, for steady(), when the model and the columns' names
	 * and row type are constants of the call; NULL when not, or not yet
	 * bound.  With it the registry's generation when bound: a constant model
	 * is loaded again only when that has moved on.
	 */
	LqReader   *steady_reader;
	uint64		steady_registry;
	struct varlena *names;		/* columns: the names the binding was made for */

	TimestampTz last_asof;		/* the last as_of seen, and its day */
	LqAsOf		last_asof_day;
	bool		have_asof;
} EvalCache;

static pg_noinline EvalCache *
make_cache(FunctionCallInfo fcinfo, void **slot)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	EvalCache  *c;
	Oid		   *argtypes;
	int			nargs;

	c = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(EvalCache));
	get_func_signature(flinfo->fn_oid, &argtypes, &nargs);
	if (nargs < 3)
		elog(ERROR, "lead_qual scoring function declared with %d arguments", nargs);
	c->asof_arg = 2;
	if (nargs == COLUMNS_FIRST_VALUE + 1 && argtypes[COLUMNS_FIRST_VALUE] == ANYOID)
	{
		c->form = FORM_COLUMNS;
		c->asof_arg = COLUMNS_ASOF;
		c->names_are_const = ArgIsConst(flinfo, COLUMNS_NAMES);
		c->columns_const = c->names_are_const && ArgIsConst(flinfo, COLUMNS_ROWTYPE);
	}
	else if (argtypes[1] == JSONBOID)
		c->form = FORM_JSONB;
	else if (argtypes[1] == TEXTOID)
		c->form = FORM_TEXT;
	else
		c->form = FORM_ROW;
	pfree(argtypes);
	RefInitArg(&c->model, REGISTRY_MODELS, fcinfo, 0);
	c->binding_cxt = AllocSetContextCreate(flinfo->fn_mcxt, "lead_qual row binding",
										   ALLOCSET_SMALL_SIZES);
	*slot = c;
	return c;
}

/* Forget the row binding (another model, row type or list of names). */
static void
unbind(EvalCache *c)
{
	c->binding = NULL;
	c->reader = NULL;
	c->steady_reader = NULL;
	c->names = NULL;
	MemoryContextReset(c->binding_cxt);
}

/* Do the column names of this *_columns call differ from the bound ones? */
static bool
other_names(EvalCache *c, Datum names)
{
	struct varlena *v;

	if (c->names_are_const && c->names != NULL)
		return false;
	v = PG_DETOAST_DATUM_PACKED(names);
	return c->names == NULL || VARSIZE_ANY(v) != VARSIZE_ANY(c->names) ||
		memcmp(v, c->names, VARSIZE_ANY(v)) != 0;
}

static void
remember_names(EvalCache *c, Datum names)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(names);

	c->names = MemoryContextAlloc(c->binding_cxt, VARSIZE_ANY(v));
	memcpy(c->names, v, VARSIZE_ANY(v));
}

/*
 * Bind the criteria to the arguments of this *_columns call, unless they
 * are.  In the calls the planner makes (support.c), the row type and the
 * names are constants: the binding made for the first row holds for every
 * row after, until a type changes its columns.
 */
static inline void
bind_columns(EvalCache *c, FunctionCallInfo fcinfo, const LqModel *m)
{
	Oid			rowtype;

	if (c->columns_const && c->binding != NULL && c->bound_schema == SchemaGeneration())
	{
		/*
		 * The model was not loaded again (that unbinds): it is current at
		 * this generation of the registry, and steady() may take the reader
		 * again after a change to the registry that left the model as it was.
		 */
		if (c->steady_reader != NULL)
			c->steady_registry = RegistryGeneration();
		return;
	}
	rowtype = PG_ARGISNULL(COLUMNS_ROWTYPE) ? RECORDOID :
		DatumGetObjectId(PG_GETARG_DATUM(COLUMNS_ROWTYPE));
	if (PG_ARGISNULL(COLUMNS_NAMES))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the column names must not be null")));
	if (!EvidenceBindingMatches(c->binding, rowtype, -1) ||
		other_names(c, PG_GETARG_DATUM(COLUMNS_NAMES)))
	{
		unbind(c);
		c->binding = EvidenceBindArgs(m, fcinfo, COLUMNS_NAMES, COLUMNS_FIRST_VALUE,
									  rowtype, c->binding_cxt);
		c->bound_schema = SchemaGeneration();
		remember_names(c, PG_GETARG_DATUM(COLUMNS_NAMES));
		c->reader = ReaderMake(m, c->binding, c->binding_cxt);
		c->reader_model = m;
		if (c->columns_const && c->model.is_const)
		{
			c->steady_reader = c->reader;
			c->steady_registry = RegistryGeneration();
		}
	}
}

/* Bind the criteria to the columns of this row's type, unless they are. */
static void
bind_row(EvalCache *c, HeapTupleHeader row, const LqModel *m)
{
	Oid			typid = HeapTupleHeaderGetTypeId(row);
	int32		typmod = HeapTupleHeaderGetTypMod(row);

	if (!EvidenceBindingMatches(c->binding, typid, typmod))
	{
		unbind(c);
		c->binding = EvidenceBindRow(m, typid, typmod, c->binding_cxt);
		c->reader = ReaderMake(m, c->binding, c->binding_cxt);
		c->reader_model = m;
	}
}

/* Read the evidence of this call into c->values. */
static void
read_evidence(EvalCache *c, FunctionCallInfo fcinfo, const LqModel *m)
{
	if (c->form == FORM_COLUMNS)
	{
		bind_columns(c, fcinfo, m);
		EvidenceFromArgs(m, c->binding, fcinfo, c->values);
	}
	else if (PG_ARGISNULL(1))
		memset(c->values, 0, sizeof(LqValue) * m->ncriteria);
	else if (c->form == FORM_JSONB)
		EvidenceFromJsonb(m, PG_GETARG_JSONB_P(1), c->values);
	else if (c->form == FORM_TEXT)
		EvidenceFromJsonText(m, PG_GETARG_TEXT_PP(1), c->values);
	else
	{
		HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(1);

		bind_row(c, row, m);
		EvidenceFromRow(m, c->binding, row, c->values);
	}
}

/*
 * Grade the evidence of this call into c->grades: rows and columns through
 * the reader, straight from their values; jsonb and JSON text through
 * c->values.
 */
static void
grade_evidence(EvalCache *c, FunctionCallInfo fcinfo, const LqModel *m)
{
	if (c->form == FORM_COLUMNS)
	{
		bind_columns(c, fcinfo, m);
		ReaderGradeArgs(c->reader, fcinfo, &c->last_asof_day, c->grades);
	}
	else if (c->form == FORM_ROW && !PG_ARGISNULL(1))
	{
		HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(1);

		bind_row(c, row, m);
		ReaderGradeRow(c->reader, row, &c->last_asof_day, c->grades);
	}
	else
	{
		read_evidence(c, fcinfo, m);
		for (int i = 0; i < m->ncriteria; i++)
			GradeCriterion(m, i, &c->values[i], &c->last_asof_day, &c->grades[i]);
	}
}

/*
 * Evaluate the call: load the model, read the evidence and grade every
 * criterion; with_values: the values read kept in ev->values too, else
 * that is NULL.  *cache is where the evaluation keeps its state for the
 * rest of the query (NULL at first; fn_extra, or a field of the caller's
 * own fn_extra state), allocated in fn_mcxt; one cache serves calls with
 * or without values alike.  Fills *ev, whose pointers stay valid until the
 * next call with the same cache; returns false when the result is NULL (a
 * NULL model or as_of).  NULL evidence means that nothing is known yet.
 */
static pg_attribute_always_inline bool
evaluate(FunctionCallInfo fcinfo, void **cache, bool with_values, LqEvaluation *ev)
{
	EvalCache  *c = *cache ? (EvalCache *) *cache : make_cache(fcinfo, cache);
	const LqModel *m;
	TimestampTz asof;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(c->asof_arg))
		return false;
	m = RefModel(&c->model, PG_GETARG_DATUM(0));
	if (c->model_loads != c->model.loads)
	{
		/* another model: room for its values and grades, and no binding */
		unbind(c);
		c->values = MemoryContextAllocZero(RefMemory(&c->model), sizeof(LqValue) * m->ncriteria);
		c->grades = MemoryContextAllocZero(RefMemory(&c->model), sizeof(LqGrade) * m->ncriteria);
		c->model_loads = c->model.loads;
	}

	asof = PG_GETARG_TIMESTAMPTZ(c->asof_arg);
	if (!c->have_asof || c->last_asof != asof)
	{
		c->last_asof = asof;
		c->last_asof_day = AsOfFromTimestamptz(TimestampTzGetDatum(asof), false);
		c->have_asof = true;
	}

	if (with_values)
	{
		read_evidence(c, fcinfo, m);
		for (int i = 0; i < m->ncriteria; i++)
			GradeCriterion(m, i, &c->values[i], &c->last_asof_day, &c->grades[i]);
	}
	else
		grade_evidence(c, fcinfo, m);

	ev->model = m;
	ev->values = with_values ? c->values : NULL;
	ev->grades = c->grades;
	ev->asof = c->last_asof_day;
	ev->model_loads = c->model_loads;
	ev->model_cxt = RefMemory(&c->model);
	return true;
}

/*
 * The cache of a *_columns call the planner made, when this row can go
 * straight to the reader: the model a constant, loaded (so not NULL) and
 * not loaded again since the criteria were bound (the registry has not
 * changed), the row types unchanged, and as_of the same as for the last
 * row.  What every row after the first of a query finds; else NULL, and
 * the row takes the way of evaluate(), which checks and loads what is
 * needed.
 */
static inline EvalCache *
steady(FunctionCallInfo fcinfo, void *cache)
{
	EvalCache  *c = (EvalCache *) cache;

	if (c == NULL || c->steady_reader == NULL ||
		PG_ARGISNULL(COLUMNS_ASOF) ||
		PG_GETARG_TIMESTAMPTZ(COLUMNS_ASOF) != c->last_asof ||
		c->steady_registry != RegistryGeneration() ||
		c->bound_schema != SchemaGeneration())
		return NULL;
	return c;
}

/* *ev for a call on the steady way: the model, no values, no grades. */
static inline void
steady_evaluation(EvalCache *c, LqEvaluation *ev)
{
	ev->model = c->reader_model;
	ev->values = NULL;
	ev->grades = NULL;
	ev->asof = c->last_asof_day;
	ev->model_loads = c->model_loads;
	ev->model_cxt = RefMemory(&c->model);
}

/* The evaluation with the values read: explain() and next_action() show them. */
bool
Evaluate(FunctionCallInfo fcinfo, void **cache, LqEvaluation *ev)
{
	return evaluate(fcinfo, cache, true, ev);
}

/*
 * The score alone (GradeScore() of the grades), and the model in *m; false
 * when it is NULL.  A *_columns call adds it up as it reads.
 */
bool
EvaluateScore(FunctionCallInfo fcinfo, void **cache, const LqModel **m, double *score)
{
	EvalCache  *c = steady(fcinfo, *cache);
	LqEvaluation ev;

	if (likely(c != NULL))
	{
		*m = c->reader_model;
		*score = ReaderScoreArgs(c->steady_reader, fcinfo, &c->last_asof_day);
		return true;
	}
	if (!evaluate(fcinfo, cache, false, &ev))
		return false;
	*m = ev.model;
	*score = GradeScore(ev.model, ev.grades);
	return true;
}

/*
 * Whether the lead is qualified (the status of GradeOutcome() of the
 * grades); false when that is NULL.  A *_columns call adds up as it reads
 * what the status rests on.
 */
bool
EvaluateQualified(FunctionCallInfo fcinfo, void **cache, bool *qualified)
{
	EvalCache  *c = steady(fcinfo, *cache);
	LqEvaluation ev;
	LqOutcome	out;

	if (likely(c != NULL))
	{
		*qualified = ReaderQualifiedArgs(c->steady_reader, fcinfo, &c->last_asof_day);
		return true;
	}
	if (!evaluate(fcinfo, cache, false, &ev))
		return false;
	GradeOutcome(ev.model, ev.grades, &out);
	*qualified = (out.status == LQ_STATUS_QUALIFIED);
	return true;
}

/*
 * The states of the criteria as one number and the sum of share * grade
 * (ReaderStatesArgs()), when this call is a *_columns call on the steady
 * way (see steady()) with a model of at most max_criteria criteria and no
 * pass score; *ev as EvaluateTally() fills it.  False when not: then
 * EvaluateTally(), which also loads what is needed.
 */
bool
EvaluateStates(FunctionCallInfo fcinfo, void *cache, int max_criteria, LqEvaluation *ev,
			   int *states, double *sum)
{
	EvalCache  *c = steady(fcinfo, cache);

	if (c == NULL || c->reader_model->has_pass_score ||
		c->reader_model->ncriteria > max_criteria)
		return false;
	*states = ReaderStatesArgs(c->steady_reader, fcinfo, &c->last_asof_day, sum);
	steady_evaluation(c, ev);
	return true;
}

/*
 * What the grades add up to (GradeTally() of the grades), in *t; *ev as
 * Evaluate() fills it, but without the values read (ev->values NULL), and
 * ev->grades may be NULL: a *_columns call adds up as it reads, without
 * the grades.  False when the result is
 * NULL.
 */
bool
EvaluateTally(FunctionCallInfo fcinfo, void **cache, LqEvaluation *ev, LqTally *t)
{
	EvalCache  *c = steady(fcinfo, *cache);

	if (likely(c != NULL))
	{
		ReaderTallyArgs(c->steady_reader, fcinfo, &c->last_asof_day, t);
		steady_evaluation(c, ev);
		return true;
	}
	if (!evaluate(fcinfo, cache, false, ev))
		return false;
	GradeTally(ev->model, ev->grades, t);
	return true;
}
