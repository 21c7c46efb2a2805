/*-------------------------------------------------------------------------
 *
 * thresholds.h
 *	  A model against rows whose outcome is known, from one pass grouped by
 *	  score: the AUC, Platt's calibration, tiers at the score's quartiles,
 *	  and the pass_score and min_met that best serve a goal (thresholds.c).
 *	  learn() sets them in the model it learns; choose_thresholds() in a
 *	  model it is given.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_THRESHOLDS_H
#define LQ_THRESHOLDS_H

#include "postgres.h"

/* What to optimise when choosing the thresholds. */
typedef enum LearnGoal
{
	GOAL_F1,					/* the best F1 */
	GOAL_PRECISION,				/* the best recall at a precision of at least value */
	GOAL_TOP					/* the best recall qualifying at most a share value of the leads */
} LearnGoal;

typedef struct LearnGoalSpec
{
	LearnGoal	goal;
	double		value;
} LearnGoalSpec;

/* The rows of one score, in hundredths, met count and knockouts: won and lost. */
/* learn_group(): k * LEARN_GROUP_K + 2 met + gate (met <= 64) */
#define LEARN_GROUP_K	256

typedef struct LearnGroup
{
	int64		score100;		/* floor(score * 100) */
	int			met;
	bool		gate;			/* every knockout met */
	double		won;
	double		lost;
} LearnGroup;

typedef struct ThresholdChoice
{
	bool		found;
	int			min_met;
	double		pass_score;
	double		precision;
	double		recall;
	double		f1;
	double		selected;		/* the share of the rows qualified */
} ThresholdChoice;

typedef struct ThresholdResult
{
	double		won;
	double		lost;
	double		auc;
	double		cal_intercept;
	double		cal_slope;
	double		tiers[3];		/* A, B, C */
	ThresholdChoice choice;
} ThresholdResult;

extern void ThresholdsFromGroups(LearnGroup *g, int n, int max_met,
								 const LearnGoalSpec *goal, ThresholdResult *r);

#endif							/* LQ_THRESHOLDS_H */
