/*-------------------------------------------------------------------------
 *
 * learn.c
 *	  The SQL functions learn() and choose_thresholds() (learn.h).
 *
 * learn(source, outcome, criteria text[] | template model, options)
 * checks its arguments (learn_args.c), then runs the steps of learn.h
 * through SPI and returns the model, compiled like any other.
 *
 * choose_thresholds(source, outcome, model, options) scores the rows with
 * the model and returns the pass_score and min_met that best serve the
 * goal, what they give, and the model with them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "base/fmgr_util.h"
#include "scoring/evaluate.h"
#include "learn/learn.h"

/* Run the steps of learn.h; the model's JSON text, in the caller's context. */
static char *
learn_steps(Learn *l)
{
	MemoryContext caller = CurrentMemoryContext;
	char	   *json;
	bool		any = false;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "learn(): SPI_connect failed");
	if (l->opt.evidence != NULL)
		LearnKeyKinds(l, l->tmpl == NULL);
	LearnCountRows(l);
	LearnFirstPass(l);
	LearnFit(l);
	LearnGrades(l);
	for (int i = 0; i < l->ncriteria && !any; i++)
		any = l->criteria[i].weight > 0;
	if (!any)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learn(): no criterion tells won from lost leads in %s", l->source_sql),
				 errdetail("The criteria left after the leaks and the noise rank the leads no better than chance, or against their rules.")));
	LearnScore(l, LearnModelJson(l));
	json = MemoryContextStrdup(caller, LearnModelJson(l));
	SPI_finish();
	return json;
}

PG_FUNCTION_INFO_V1(lq_learn);

/*
 * learn(source regclass, outcome text, criteria text[], options jsonb)
 * learn(source regclass, outcome text, template model, options jsonb)
 */
Datum
lq_learn(PG_FUNCTION_ARGS)
{
	Learn	   *l = palloc0(sizeof(Learn));
	char	   *outcome = text_to_cstring(PG_GETARG_TEXT_PP(1));
	bool		by_columns = get_fn_expr_argtype(fcinfo->flinfo, 2) == TEXTARRAYOID;
	char	   *json;

	l->fn = "learn()";

	LearnSetSource(l, PG_GETARG_OID(0), outcome);
	LearnParseOptions(l, PG_GETARG_JSONB_P(3), true);
	if (by_columns)
	{
		LearnCriteriaFromNames(l, PG_GETARG_ARRAYTYPE_P(2));
		if (l->opt.name == NULL)
			l->opt.name = "learned";
	}
	else
	{
		LqModel    *m = ModelDecode(PG_GETARG_VARLENA_P(2));

		LearnCriteriaFromTemplate(l, m);
		if (l->opt.name == NULL)
			l->opt.name = TextClip(psprintf("%s_learned", m->name), LQ_MAX_NAME_LEN);
		if (l->opt.label == NULL && m->label != NULL)
			l->opt.label = m->label;
	}
	LearnCheckKeep(l);
	json = learn_steps(l);
	PG_RETURN_POINTER(ModelCompile(json, strlen(json)));
}

/* the columns of choose_thresholds()'s result */
enum
{
	CT_MIN_MET,
	CT_PASS_SCORE,
	CT_QUALIFIED_SHARE,
	CT_PRECISION,
	CT_RECALL,
	CT_F1,
	CT_AUC,
	CT_MODEL,
	CT_NATTS
};

PG_FUNCTION_INFO_V1(lq_choose_thresholds);

/* choose_thresholds(source regclass, outcome text, model, options jsonb) */
Datum
lq_choose_thresholds(PG_FUNCTION_ARGS)
{
	Learn	   *l = palloc0(sizeof(Learn));
	LqModel    *m = ModelDecode(PG_GETARG_VARLENA_P(2));
	TupleDesc	desc = CallResultDesc(fcinfo, CT_NATTS);
	Datum		values[CT_NATTS];
	bool		nulls[CT_NATTS] = {0};
	MemoryContext caller = CurrentMemoryContext;
	LearnGroup *g;
	int			n;
	ThresholdResult r;

	l->fn = "choose_thresholds()";
	LearnSetSource(l, PG_GETARG_OID(0), text_to_cstring(PG_GETARG_TEXT_PP(1)));
	LearnParseOptions(l, PG_GETARG_JSONB_P(3), false);

	/* the model qualifying every lead its knockouts let through */
	m->min_met = 0;
	m->has_pass_score = false;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "choose_thresholds(): SPI_connect failed");
	LearnCountRows(l);
	g = LearnScorePass(l, (struct varlena *) ModelEncode(m), &n);
	ThresholdsFromGroups(g, n, m->ncriteria, &l->opt.goal, &r);
	SPI_finish();
	MemoryContextSwitchTo(caller);

	if (!r.choice.found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("choose_thresholds(): no lead of %s can qualify under model \"%s\"", l->source_sql,
						m->name),
				 errdetail("Every lead fails a knockout, or the leads that pass weigh nothing.")));
	m->min_met = r.choice.min_met;
	m->has_pass_score = true;
	m->pass_score = r.choice.pass_score;

	values[CT_MIN_MET] = Int32GetDatum(r.choice.min_met);
	values[CT_PASS_SCORE] = Float8GetDatum(r.choice.pass_score);
	values[CT_QUALIFIED_SHARE] = Float8GetDatum(r.choice.selected);
	values[CT_PRECISION] = Float8GetDatum(r.choice.precision);
	values[CT_RECALL] = Float8GetDatum(r.choice.recall);
	values[CT_F1] = Float8GetDatum(r.choice.f1);
	values[CT_AUC] = Float8GetDatum(r.auc);
	values[CT_MODEL] = PointerGetDatum(ModelEncode(m));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(lq_learn_group);

/*
 * learn_group(model, evidence, as_of): the group of a row in learn()'s
 * scoring pass (thresholds.h), as one number: its score's hundredth k
 * (the largest k with k / 100 <= score, as a pass_score of k / 100 is
 * compared with it) times LEARN_GROUP_K, plus twice the criteria it meets,
 * plus 1 when its knockouts let it through (the model given has min_met 0
 * and no pass_score: qualified says just that).  What qualify() computes,
 * without making its row.
 */
Datum
lq_learn_group(PG_FUNCTION_ARGS)
{
	LqEvaluation ev;
	LqOutcome	out;
	int64		k;

	if (!Evaluate(fcinfo, &fcinfo->flinfo->fn_extra, &ev))
		PG_RETURN_NULL();
	GradeOutcome(ev.model, ev.grades, &out);
	k = (int64) floor(out.score * 100);
	if ((double) (k + 1) / 100.0 <= out.score)
		k++;
	else if ((double) k / 100.0 > out.score)
		k--;
	PG_RETURN_INT64(k * LEARN_GROUP_K + 2 * out.met + (out.status == LQ_STATUS_QUALIFIED ? 1 : 0));
}
