/*-------------------------------------------------------------------------
 *
 * qualify.c
 *	  qualify(), score(), win_probability(), is_qualified() and explain():
 *	  the scoring functions, for a model given as a value or by name, and
 *	  evidence given as jsonb, JSON text, a table row, or a row's columns
 *	  (the *_columns twins that the planner rewrites row forms into, see
 *	  support.c).  unmatched_keys() and check_evidence(): the keys of
 *	  evidence that no criterion reads.
 *
 * Each SQL overload points at one of these five C functions; evaluate.c
 * reads the arguments, whichever form they have, and keeps what it can for
 * the rest of the query.  qualify() also keeps what making its result
 * needs (qualification.c), prepared once per model.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "base/text_util.h"
#include "model/model.h"
#include "registry/ref.h"
#include "scoring/evaluate.h"
#include "scoring/qualification.h"

typedef struct QualifyCache
{
	void	   *eval;			/* evaluate.c's state */
	TupleDesc	desc;			/* lead_qual.qualification, blessed */
	uint64		maker_for;		/* the model loads the maker was made for */
	QualMaker	maker;
} QualifyCache;

PG_FUNCTION_INFO_V1(lq_qualify);
Datum
lq_qualify(PG_FUNCTION_ARGS)
{
	QualifyCache *qc = (QualifyCache *) fcinfo->flinfo->fn_extra;
	LqEvaluation ev;
	LqTally		tally;
	QualOutcome qo;
	int			states;
	double		sum;

	if (qc == NULL)
	{
		qc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(QualifyCache));
		qc->desc = QualCallResultDesc(fcinfo);
		fcinfo->flinfo->fn_extra = qc;
	}
	/* a lead's states and sum, when they are all its qualification follows from */
	if (likely(EvaluateStates(fcinfo, qc->eval, QUAL_KEY_ARRAY_CACHE, &ev, &states, &sum)) &&
		likely(qc->maker_for == ev.model_loads))
		PG_RETURN_DATUM(QualMakeFromStates(&qc->maker, ev.model, states, sum));
	if (!EvaluateTally(fcinfo, &qc->eval, &ev, &tally))
		PG_RETURN_NULL();
	if (qc->maker_for != ev.model_loads)
	{
		QualMakerInit(&qc->maker, ev.model, qc->desc, ev.model_cxt);
		qc->maker_for = ev.model_loads;
	}
	QualOutcomeOf(ev.model, &tally, &qo);
	PG_RETURN_DATUM(QualMakeFrom(&qc->maker, ev.model, &qo));
}

PG_FUNCTION_INFO_V1(lq_score);
Datum
lq_score(PG_FUNCTION_ARGS)
{
	const LqModel *m;
	double		score;

	if (!EvaluateScore(fcinfo, &fcinfo->flinfo->fn_extra, &m, &score))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(score);
}

/*
 * The model's probability that the lead is won, from its score:
 * 1 / (1 + exp(-(intercept + slope * score))); NULL when the model has no
 * calibration.  The evidence is read all the same, so that its errors are
 * reported whatever the model.
 */
PG_FUNCTION_INFO_V1(lq_win_probability);
Datum
lq_win_probability(PG_FUNCTION_ARGS)
{
	const LqModel *m;
	double		score;
	double		z;
	double		e;

	if (!EvaluateScore(fcinfo, &fcinfo->flinfo->fn_extra, &m, &score))
		PG_RETURN_NULL();
	if (!m->has_calibration)
		PG_RETURN_NULL();
	/* never NaN: the intercept is finite, the score 0-100 */
	z = m->cal_intercept + m->cal_slope * score;
	/* exp() of what is not positive only: no overflow, whatever the calibration */
	e = exp(-fabs(z));
	PG_RETURN_FLOAT8(z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
}

PG_FUNCTION_INFO_V1(lq_is_qualified);
Datum
lq_is_qualified(PG_FUNCTION_ARGS)
{
	bool		qualified;

	if (!EvaluateQualified(fcinfo, &fcinfo->flinfo->fn_extra, &qualified))
		PG_RETURN_NULL();
	PG_RETURN_BOOL(qualified);
}

typedef struct ExplainCache
{
	void	   *eval;			/* evaluate.c's state */
	uint64		texts_for;		/* the model loads the texts were made for */
	Datum	   *texts;			/* per criterion: key, label, rule in words */
} ExplainCache;

/*
 * explain(model, evidence, as_of, lang): one row per criterion, showing
 * how the score came about and, for unknown criteria, what to ask.
 */
PG_FUNCTION_INFO_V1(lq_explain);
Datum
lq_explain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ExplainCache *xc = (ExplainCache *) fcinfo->flinfo->fn_extra;
	LqEvaluation ev;
	const LqModel *m;
	char	   *lang;

	InitMaterializedSRF(fcinfo, 0);
	if (xc == NULL)
	{
		xc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ExplainCache));
		fcinfo->flinfo->fn_extra = xc;
	}
	if (!Evaluate(fcinfo, &xc->eval, &ev))
		return (Datum) 0;
	m = ev.model;
	lang = (PG_NARGS() > 3 && !PG_ARGISNULL(3)) ? text_to_cstring(PG_GETARG_TEXT_PP(3)) : "en";

	/* what the rows say of the model alone: made once per model loaded */
	if (xc->texts == NULL || xc->texts_for != ev.model_loads)
	{
		MemoryContext old = MemoryContextSwitchTo(ev.model_cxt);
		Datum	   *texts = palloc(sizeof(Datum) * 3 * Max(m->ncriteria, 1));

		for (int i = 0; i < m->ncriteria; i++)
		{
			texts[3 * i] = CStringGetTextDatum(m->criteria[i].key);
			texts[3 * i + 1] = CStringGetTextDatum(m->criteria[i].label);
			texts[3 * i + 2] = CStringGetTextDatum(RuleDescribe(&m->criteria[i]));
		}
		MemoryContextSwitchTo(old);
		xc->texts = texts;
		xc->texts_for = ev.model_loads;
	}

	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		const LqGrade *g = &ev.grades[i];
		bool		known = (g->state != LQ_UNKNOWN);
		const char *question = known ? NULL : ModelQuestion(c, lang);
		Datum		values[13];
		bool		nulls[13] = {0};

		values[0] = Int32GetDatum(i + 1);
		values[1] = xc->texts[3 * i];
		values[2] = xc->texts[3 * i + 1];
		values[3] = CStringGetTextDatum(EvidenceReadFrom(c, &ev.values[i]));
		values[4] = xc->texts[3 * i + 2];
		if (ev.values[i].kind == LQV_NULL)
			nulls[5] = true;
		else
			values[5] = CStringGetTextDatum(EvidenceValueText(&ev.values[i]));
		values[6] = Float8GetDatum(g->grade);
		nulls[6] = !known;
		values[7] = Float8GetDatum(c->weight);
		values[8] = Float8GetDatum(GradePoints(m, i, g));
		values[9] = BoolGetDatum(g->state == LQ_MET);
		nulls[9] = !known;
		values[10] = BoolGetDatum(known);
		values[11] = BoolGetDatum(c->knockout);
		if (question != NULL)
			values[12] = CStringGetTextDatum(question);
		else
			nulls[12] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------------- keys that no criterion reads ---------------- */

/* unmatched_keys() and check_evidence(): (model, evidence jsonb or text) */
typedef struct KeysCache
{
	LqRef		model;
	bool		text_evidence;	/* evidence declared as text (JSON) */
} KeysCache;

/* The keys of this call's evidence that no criterion of its model reads. */
static char **
unmatched_keys(FunctionCallInfo fcinfo, const LqModel **m, int *n)
{
	KeysCache  *kc = (KeysCache *) fcinfo->flinfo->fn_extra;

	if (kc == NULL)
	{
		Oid		   *argtypes;
		int			nargs;

		kc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(KeysCache));
		get_func_signature(fcinfo->flinfo->fn_oid, &argtypes, &nargs);
		kc->text_evidence = (nargs > 1 && argtypes[1] == TEXTOID);
		pfree(argtypes);
		RefInitArg(&kc->model, REGISTRY_MODELS, fcinfo, 0);
		fcinfo->flinfo->fn_extra = kc;
	}
	*m = RefModel(&kc->model, PG_GETARG_DATUM(0));
	return EvidenceUnmatchedKeys(*m, PG_GETARG_DATUM(1), kc->text_evidence, n);
}

/* unmatched_keys(model, evidence): those keys as a text array (strict). */
PG_FUNCTION_INFO_V1(lq_unmatched_keys);
Datum
lq_unmatched_keys(PG_FUNCTION_ARGS)
{
	const LqModel *m;
	int			n;
	char	  **keys = unmatched_keys(fcinfo, &m, &n);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		elems[i] = CStringGetTextDatum(keys[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* the keys a message names at most */
#define SHOWN_KEYS	10

/*
 * check_evidence(model, evidence): the evidence, when the model reads all
 * its keys; else an error naming the others (strict).
 */
PG_FUNCTION_INFO_V1(lq_check_evidence);
Datum
lq_check_evidence(PG_FUNCTION_ARGS)
{
	const LqModel *m;
	int			n;
	char	  **keys = unmatched_keys(fcinfo, &m, &n);
	StringInfoData shown;

	if (n == 0)
		PG_RETURN_DATUM(PG_GETARG_DATUM(1));
	initStringInfo(&shown);
	for (int i = 0; i < n && i < SHOWN_KEYS; i++)
		appendStringInfo(&shown, "%s\"%s\"", i > 0 ? ", " : "", TextClip(keys[i], 64));
	if (n > SHOWN_KEYS)
		appendStringInfo(&shown, " and %d more", n - SHOWN_KEYS);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg_plural("evidence key %s matches no criterion of model \"%s\"",
						   "evidence keys %s match no criterion of model \"%s\"",
						   n, shown.data, m->name),
			 errdetail("Model \"%s\" reads %s.", m->name, EvidenceReadList(m)),
			 errhint("A criterion reads the key its \"source\" names, or its own key when the evidence has no key of that name.")));
	PG_RETURN_NULL();			/* not reached */
}
