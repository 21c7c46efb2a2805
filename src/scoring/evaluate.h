/*-------------------------------------------------------------------------
 *
 * evaluate.h
 *	  One evaluation of (model, evidence, as_of): the model and the
 *	  evidence read from the arguments of a scoring function, every
 *	  criterion graded (evaluate.c).
 *
 * The functions declared like qualify() use it: qualify(), score(),
 * is_qualified(), explain() and next_action(), in all their forms (the
 * model as a value or as text; the evidence as jsonb, JSON text, a row, or
 * a row's columns).
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_EVALUATE_H
#define LQ_EVALUATE_H

#include "postgres.h"

#include "fmgr.h"

#include "compat.h"
#include "scoring/evidence.h"
#include "scoring/grade.h"

typedef struct LqEvaluation
{
	const LqModel *model;
	const LqValue *values;		/* per criterion, as read (Evaluate() only) */
	const LqGrade *grades;		/* per criterion (not from EvaluateTally()) */
	LqAsOf		asof;
	uint64		model_loads;	/* changes when another model is loaded ... */
	MemoryContext model_cxt;	/* ... and this is reset: what callers derive
								 * from the model may live here */
} LqEvaluation;

extern bool Evaluate(FunctionCallInfo fcinfo, void **cache, LqEvaluation *ev);
extern bool EvaluateScore(FunctionCallInfo fcinfo, void **cache, const LqModel **m,
						  double *score);
extern bool EvaluateQualified(FunctionCallInfo fcinfo, void **cache, bool *qualified);
extern bool EvaluateStates(FunctionCallInfo fcinfo, void *cache, int max_criteria,
						   LqEvaluation *ev, int *states, double *sum);
extern bool EvaluateTally(FunctionCallInfo fcinfo, void **cache, LqEvaluation *ev,
						  LqTally *t);

#endif							/* LQ_EVALUATE_H */
