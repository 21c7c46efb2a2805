/*-------------------------------------------------------------------------
 *
 * fit.c
 *	  The aggregate learn_fit(spec, coefficients, evidence, won, weight),
 *	  or learn_fit(spec, coefficients, won, weight, names, VARIADIC columns):
 *	  one pass of learn()'s Newton iterations, the sums of a logistic
 *	  regression's log-likelihood, gradient and Hessian at the coefficients
 *	  given (fit_state.h).  The second form is given the columns the
 *	  criteria read, by name, instead of the row (which PostgreSQL would
 *	  make for every row, and the aggregate take apart again).
 *
 * Per row: the bin of every criterion (fit_spec.c), the linear predictor
 * eta = coefficient of the intercept + the coefficient of each bin, the
 * probability p = 1 / (1 + exp(-eta)), and with the row's weight w and
 * outcome y: the gradient w * (y - p) on each bin of the row, the Hessian
 * w * p * (1 - p) on each pair of them, the log-likelihood w * log of the
 * probability of y.  Each is rounded once to fixed point and added exactly
 * (fit_state.h), so the result does not depend on the order of the rows.
 * The spec and the coefficients are constant in a pass: they are read once
 * and kept in fn_extra, with the binding of a row type.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "catalog/pg_type.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "base/binary.h"
#include "learn/fit_spec.h"
#include "learn/fit_state.h"

/* arguments after the state */
#define ARG_SPEC		1
#define ARG_THETA		2
#define ARG_EVIDENCE	3		/* the row or jsonb form */
#define ROW_NARGS		6		/* the state and 5 arguments */
/* the columns form: won, weight, the columns' names, the columns */
#define COL_WON			3
#define COL_WEIGHT		4
#define COL_NAMES		5
#define COL_FIRST		6

#define MAX_WEIGHT		1e6		/* |w| of one row */

typedef struct FitCache
{
	MemoryContext cxt;			/* what follows; reset when the spec changes */
	struct varlena *spec_raw;	/* the spec argument the rest was made for */
	FitSpec    *spec;
	double	   *theta;			/* K coefficients */
	struct varlena *theta_raw;
	bool		jsonb_evidence;	/* else a row, or columns */
	bool		columns;		/* the columns form */
	int			arg_won;
	int			arg_weight;
	bool		args_const;		/* spec and coefficients constants of the query */
	bool		names_const;	/* the columns' names a constant (columns form) */
	LqRowBinding *binding;
	LqValue    *values;
	int		   *idx;			/* a row's bins, increasing */
} FitCache;

/*
 * Is argument arg (after the state) a constant of the query, as the spec,
 * the coefficients and the names are in the passes learn() runs?  Then it
 * is read once, not compared every row.
 */
static bool
arg_const(FunctionCallInfo fcinfo, int arg)
{
	Aggref	   *agg = AggGetAggref(fcinfo);

	if (agg == NULL || list_length(agg->args) < arg)
		return false;
	return IsA(((TargetEntry *) list_nth(agg->args, arg - 1))->expr, Const);
}

static FitCache *
fit_cache(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	FitCache   *c = (FitCache *) flinfo->fn_extra;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(FitCache));
		c->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "lead_qual fit",
									   ALLOCSET_SMALL_SIZES);
		c->columns = PG_NARGS() > ROW_NARGS;
		c->jsonb_evidence = !c->columns && get_fn_expr_argtype(flinfo, ARG_EVIDENCE) == JSONBOID;
		c->arg_won = c->columns ? COL_WON : ARG_EVIDENCE + 1;
		c->arg_weight = c->columns ? COL_WEIGHT : ARG_EVIDENCE + 2;
		c->args_const = arg_const(fcinfo, ARG_SPEC) && arg_const(fcinfo, ARG_THETA);
		c->names_const = c->columns && arg_const(fcinfo, COL_NAMES);
		flinfo->fn_extra = c;
	}
	return c;
}

/* The spec of this call (parsed again only when it differs). */
static void
load_spec(FitCache *c, Datum arg)
{
	struct varlena *raw = PG_DETOAST_DATUM_PACKED(arg);
	Jsonb	   *jb;
	char	   *text;
	FitSpec    *spec;
	MemoryContext old;

	if (c->spec != NULL && BinEqual(raw, c->spec_raw))
		return;
	c->spec = NULL;
	c->theta = NULL;
	c->theta_raw = NULL;
	c->binding = NULL;
	MemoryContextReset(c->cxt);
	old = MemoryContextSwitchTo(c->cxt);
	c->spec_raw = palloc(VARSIZE_ANY(raw));
	memcpy(c->spec_raw, raw, VARSIZE_ANY(raw));
	jb = (Jsonb *) PG_DETOAST_DATUM(PointerGetDatum(c->spec_raw));
	text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	spec = FitSpecParse(text, strlen(text));
	c->values = palloc0(sizeof(LqValue) * spec->ncriteria);
	c->idx = palloc(sizeof(int) * (spec->ncriteria + 1));
	MemoryContextSwitchTo(old);
	c->spec = spec;				/* published last */
}

/* The coefficients of this call: K finite numbers. */
static void
load_theta(FitCache *c, Datum arg)
{
	ArrayType  *a = DatumGetArrayTypeP(arg);
	int			k = c->spec->nbins;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	double	   *theta;
	MemoryContext old;

	if (c->theta != NULL && BinEqual((struct varlena *) a, c->theta_raw))
		return;
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learn_fit(): the coefficients must be a one-dimensional array, not one of %d dimensions",
						ARR_NDIM(a))));
	deconstruct_array(a, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
	if (n != k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learn_fit(): the coefficients must be %d numbers (the spec's bins), not %d", k, n)));
	for (int i = 0; i < n; i++)
		if (nulls[i] || !isfinite(DatumGetFloat8(elems[i])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("learn_fit(): the coefficients must be finite numbers")));
	/* the previous coefficients are freed: they may change every row */
	if (c->theta != NULL)
	{
		pfree(c->theta);
		pfree(c->theta_raw);
		c->theta = NULL;
		c->theta_raw = NULL;
	}
	old = MemoryContextSwitchTo(c->cxt);
	theta = palloc(sizeof(double) * k);
	for (int i = 0; i < n; i++)
		theta[i] = DatumGetFloat8(elems[i]);
	c->theta_raw = palloc(VARSIZE(a));
	memcpy(c->theta_raw, a, VARSIZE(a));
	MemoryContextSwitchTo(old);
	c->theta = theta;			/* published last */
}

/* A number rounded to fixed point; |x| is far below 2^30 here. */
static inline int64
fixed(double x)
{
	return (int64) llrint(x * FIT_FIXED_ONE);
}

/*
 * learn_fit_step(state, spec jsonb, coefficients float8[], evidence, won,
 * weight), or (state, spec, coefficients, won, weight, names text[],
 * VARIADIC columns): a row with NULL won or weight, or weight 0, adds
 * nothing.
 */
PG_FUNCTION_INFO_V1(lq_learn_fit_step);
Datum
lq_learn_fit_step(PG_FUNCTION_ARGS)
{
	FitCache   *c;
	FitSpec    *spec;
	FitState   *s;
	bool		in_agg = AggCheckCallContext(fcinfo, NULL) != 0;
	double		w;
	double		eta;
	double		p;
	double		ll;
	bool		won;
	int64		qg,
				qh;
	int			m;
	int			k;

	if (PG_ARGISNULL(ARG_SPEC) || PG_ARGISNULL(ARG_THETA))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("learn_fit(): the spec and the coefficients must not be null")));
	c = fit_cache(fcinfo);
	if (c->spec == NULL || c->theta == NULL || !c->args_const)
	{
		load_spec(c, PG_GETARG_DATUM(ARG_SPEC));
		load_theta(c, PG_GETARG_DATUM(ARG_THETA));
	}
	spec = c->spec;
	k = spec->nbins;

	if (PG_ARGISNULL(0))
		s = FitStateNew(k, spec->hash);	/* per-row memory: PostgreSQL copies it */
	else
	{
		s = FitStateArg(fcinfo, 0, !in_agg);
		if (s->nbins != k || s->spec_hash != spec->hash)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("learn_fit(): the spec differs between rows of a group")));
	}
	if (PG_ARGISNULL(c->arg_won) || PG_ARGISNULL(c->arg_weight))
		PG_RETURN_POINTER(s);
	w = PG_GETARG_FLOAT8(c->arg_weight);
	if (isnan(w) || w < 0 || w > MAX_WEIGHT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learn_fit(): a row's weight must be from 0 to %g, not %g", MAX_WEIGHT, w)));
	if (w == 0)
		PG_RETURN_POINTER(s);
	won = PG_GETARG_BOOL(c->arg_won);

	/* the row's bins */
	if (c->columns)
	{
		if (PG_ARGISNULL(COL_NAMES))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("learn_fit(): the names of the columns must not be null")));
		/* bound once when the names are a constant, else every row */
		if (c->binding == NULL || !c->names_const)
			c->binding = EvidenceBindArgs(spec->reader, fcinfo, COL_NAMES, COL_FIRST, RECORDOID,
										  c->names_const ? c->cxt : CurrentMemoryContext);
		EvidenceFromArgs(spec->reader, c->binding, fcinfo, c->values);
	}
	else if (PG_ARGISNULL(ARG_EVIDENCE))
		memset(c->values, 0, sizeof(LqValue) * spec->ncriteria);
	else if (c->jsonb_evidence)
		EvidenceFromJsonb(spec->reader, PG_GETARG_JSONB_P(ARG_EVIDENCE), c->values);
	else
	{
		HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(ARG_EVIDENCE);
		Oid			typid = HeapTupleHeaderGetTypeId(row);
		int32		typmod = HeapTupleHeaderGetTypMod(row);

		if (!EvidenceBindingMatches(c->binding, typid, typmod))
			c->binding = EvidenceBindRow(spec->reader, typid, typmod, c->cxt);
		EvidenceFromRow(spec->reader, c->binding, row, c->values);
	}
	c->idx[0] = 0;
	eta = c->theta[0];
	for (int i = 0; i < spec->ncriteria; i++)
	{
		c->idx[i + 1] = spec->criteria[i].offset + FitBin(spec, i, &c->values[i]);
		eta += c->theta[c->idx[i + 1]];
	}
	m = spec->ncriteria + 1;

	/* the row's terms: probability of won, gradient, curvature */
	eta = Max(-40.0, Min(40.0, eta));
	p = 1.0 / (1.0 + exp(-eta));
	ll = won ? -log1p(exp(-eta)) : -log1p(exp(eta));
	qg = fixed(w * ((won ? 1.0 : 0.0) - p));
	qh = fixed(w * p * (1.0 - p));

	Int128Add(&s->loglik, int64_to_int128(fixed(w * ll)));
	for (int a = 0; a < m; a++)
	{
		int			i = c->idx[a];
		INT128	   *row = &FIT_HESS(s)[FIT_HIDX(k, i, i)];

		Int128Add(&FIT_GRAD(s)[i], int64_to_int128(qg));
		/* (i, j) for j >= i sits at row[j - i]; the row's bins increase */
		for (int b = a; b < m; b++)
			Int128Add(&row[c->idx[b] - i], int64_to_int128(qh));
	}
	s->rows++;
	PG_RETURN_POINTER(s);
}

/* Add the second partial state to the first. */
PG_FUNCTION_INFO_V1(lq_learn_fit_combine);
Datum
lq_learn_fit_combine(PG_FUNCTION_ARGS)
{
	FitState   *a;
	FitState   *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = FitStateArg(fcinfo, 1, false);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(b);	/* in an aggregate, PostgreSQL copies it */
	a = FitStateArg(fcinfo, 0, AggCheckCallContext(fcinfo, NULL) == 0);
	if (a->nbins != b->nbins || a->spec_hash != b->spec_hash)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learn_fit(): cannot combine states of different specs")));
	Int128Add(&a->loglik, b->loglik);
	for (Size i = 0; i < FIT_NSUMS(a->nbins); i++)
		Int128Add(&a->sums[i], b->sums[i]);
	if (pg_add_s64_overflow(a->rows, b->rows, &a->rows))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("learn_fit(): too many rows")));
	PG_RETURN_POINTER(a);
}
