/*-------------------------------------------------------------------------
 *
 * readiness.h
 *	  The decisions of readiness() and next_action(), apart from the SQL
 *	  functions that read their arguments (readiness.c, next_action.c):
 *	  decide.c decides, wording.c says why in words.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_READINESS_H
#define LQ_READINESS_H

#include "postgres.h"

#include "datatype/timestamp.h"

#include "compat.h"
#include "scoring/evaluate.h"
#include "scoring/grade.h"

/* ---------------- readiness() ---------------- */

typedef struct ReadinessThresholds
{
	double		bands[3];		/* band 1 from bands[0], 2 from [1], 3 from [2] */
	int			mql_fit;		/* tier index: 0 = A (best) ... 3 = D */
	double		mql_engagement;
	int			sql_fit;
} ReadinessThresholds;

typedef enum ReadinessStage
{
	STAGE_LEAD,
	STAGE_MQL,
	STAGE_SQL,
	STAGE_DISQUALIFIED
} ReadinessStage;

#define NSTAGES		4

/* What readiness() knows of a lead. */
typedef struct ReadinessInput
{
	int			fit_status;		/* an LqStatus, or -1: none (NULL) */
	int			fit_tier;		/* 0 = A ... 3 = D, or -1: none (NULL) */
	int			qual_status;	/* an LqStatus, or -1: none */
	bool		engagement_null;
	double		engagement;		/* 0 when NULL */
} ReadinessInput;

typedef struct ReadinessResult
{
	ReadinessStage		stage;
	int			tier;			/* of the fit: 0 = A ... 3 = D (D without one) */
	int			band;			/* of the engagement: 1 (most) ... 4 */
} ReadinessResult;

extern const char *const StageNames[];
extern void ReadinessDecide(const ReadinessThresholds *t, const ReadinessInput *in,
							ReadinessResult *out);

/* ---------------- next_action() ---------------- */

typedef struct NextStepConfig
{
	int32		ask_days;
	int32		nurture_days[4];	/* by tier A-D */
	bool		drop_follow_up;		/* drop_days given (not null) */
	int32		drop_days;
} NextStepConfig;

/*
 * What to do with a lead: the action follows the status (qualified: hand
 * to sales; needs_info: ask; nurture; disqualified: drop), with the
 * criteria behind it and when to come back.
 */
typedef struct NextStep
{
	LqOutcome	outcome;
	bool		has_follow_up;
	int32		follow_up;		/* a DateADT */
	int32		days;			/* the follow-up is as_of + days (no date criterion) */
	int			ncriteria;		/* ask: the unknown ones, in the order to ask;
								 * drop: the knockouts not met; nurture, when
								 * no date helps: the knockouts not met on
								 * the first day one comes within its window */
	int		   *criteria;
	int			date_criterion; /* nurture: the criterion whose date sets the
								 * follow-up (date_helps), else the first date
								 * to come within its window; -1: none */
	int32		date;			/* ... that date */
	int32		date_opens;		/* ... the day it comes within its window */
	bool		date_helps;		/* on date_opens the lead could qualify */
	bool		more_dates;		/* !date_helps: other dates come later, and
								 * none of them helps either */
	LqOutcome	best;			/* !date_helps: the best case on date_opens */
} NextStep;

extern const char *const ActionNames[];
extern void NextStepDecide(const LqEvaluation *ev, const NextStepConfig *cfg,
						   TimestampTz as_of, NextStep *out);

/* wording.c */
extern char *ReadinessReason(const ReadinessThresholds *t, const ReadinessInput *in,
							 const ReadinessResult *r);
extern char *NextStepReason(const LqModel *m, const NextStep *ns);

#endif							/* LQ_READINESS_H */
