/*-------------------------------------------------------------------------
 *
 * grade.h
 *	  Grading each criterion of a model from its value, and the
 *	  qualification the grades add up to: score, counts, status and tier
 *	  (grade.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_GRADE_H
#define LQ_GRADE_H

#include "postgres.h"

#include "base/convert.h"
#include "compat.h"
#include "model/model.h"
#include "scoring/evidence.h"

typedef enum LqState
{
	LQ_UNKNOWN = 0,
	LQ_MET,
	LQ_UNMET
} LqState;

typedef struct LqGrade
{
	LqState		state;
	double		grade;			/* 0-10; when unknown, the criterion's
								 * unknown_grade (points only), else 0 */
} LqGrade;

typedef enum LqStatus
{
	LQ_STATUS_QUALIFIED,
	LQ_STATUS_NEEDS_INFO,
	LQ_STATUS_NURTURE,
	LQ_STATUS_DISQUALIFIED
} LqStatus;

#define LQ_NSTATUS	4

typedef struct LqOutcome
{
	double		score;			/* 0-100 */
	int			met;
	int			known;
	int			total;
	LqStatus	status;
	char		tier;			/* 'A'..'D' */
} LqOutcome;

/* The date that as_of falls on, in days since 2000-01-01 (UTC). */
typedef struct LqAsOf
{
	bool		isnull;
	bool		finite;
	int32		days;
} LqAsOf;

extern void GradeCriterion(const LqModel *m, int i, const LqValue *v,
						   const LqAsOf *asof, LqGrade *g);

/*
 * The verdicts of the rules that compare, shared by GradeCriterion and the
 * readers of reader.c; the comparisons of the value joined with & rather
 * than &&, so that no branch depends on it (see GradeChoose).
 * at_least, at_most, between: is the number x (not NaN) within the bounds?
 */
static inline bool
GradeInRange(const LqCriterion *c, double x)
{
	return ((c->rule == LQ_RULE_AT_MOST) | (x >= c->lo)) &
		((c->rule == LQ_RULE_AT_LEAST) | (x <= c->hi));
}

/* within_days: is the date (days) within the window around as_of (a finite day)? */
static inline bool
GradeWithinDays(const LqCriterion *c, int32 days, int32 asof_days)
{
	int64		diff = (int64) days - asof_days;

	if (c->direction == LQ_DIR_AHEAD)
		return (diff >= 0) & (diff <= c->days);
	if (c->direction == LQ_DIR_BEHIND)
		return (diff <= 0) & (-diff <= c->days);
	return (diff >= -c->days) & (diff <= c->days);
}
/*
 * What the grades of a lead add up to, criterion by criterion in model
 * order: the sums and counts the outcome is decided on (GradeOutcome, and
 * the readers of reader.c, which add up as they read).
 */
typedef struct LqTally
{
	double		sum;			/* share * grade of every criterion */
	int			met;
	int			unknown;
	bool		knockout_failed;
	bool		knockouts_met;
	uint64		unknown_set;	/* bit i: criterion i is unknown */
	uint64		unmet_set;		/* bit i: criterion i is unmet */
	bool		with_best;		/* the model has a pass score: the sums below */
	double		known_sum;		/* share * grade of the known criteria */
	double		unknown_share;	/* the shares of the unknown ones */
} LqTally;

/*
 * c ? x : y for doubles, without a branch: where the choice varies from
 * lead to lead (known or not, met or not), a branch is mispredicted for
 * about every other lead, and that costs more than the rest of a
 * criterion's grading.  (The bits are chosen with a mask, which compilers
 * leave as it is; a conditional they turn into a branch again.)
 */
static inline double
GradeChoose(bool c, double x, double y)
{
	uint64		mask = -(uint64) c;
	uint64		bx,
				by,
				br;
	double		r;

	memcpy(&bx, &x, sizeof(double));
	memcpy(&by, &y, sizeof(double));
	br = (bx & mask) | (by & ~mask);
	memcpy(&r, &br, sizeof(double));
	return r;
}

static inline void
GradeTallyStart(LqTally *t, const LqModel *m)
{
	t->sum = 0;
	t->met = t->unknown = 0;
	t->knockout_failed = false;
	t->knockouts_met = true;
	t->unknown_set = t->unmet_set = 0;
	t->with_best = m->has_pass_score;
	t->known_sum = t->unknown_share = 0;
}

/*
 * Add criterion c's grade, unknown or else met or not, to what whether the
 * lead is qualified rests on: the sum (when with_sum: a model without a
 * pass score does not need it), the criteria met, the knockouts
 * (GradeTallyQualified); criteria must come in model order.  No branch
 * depends on the grade (see GradeChoose).
 */
static inline void
GradeTallyCount(LqTally *t, const LqCriterion *c, bool unknown, bool met, double grade,
				bool with_sum)
{
	if (with_sum)
		t->sum += c->share * grade;
	t->met += met;
	if (c->knockout)
	{
		/* a knockout unknown or unmet is not met; unmet, it disqualifies */
		t->knockouts_met = t->knockouts_met & met;
		t->knockout_failed = t->knockout_failed | (!unknown & !met);
	}
}

/*
 * Add the grade of criterion i, c, to all the tally; criteria must come in
 * model order.  Adding 0 where there is nothing to add leaves a sum as it
 * is, as none is ever -0.
 */
static inline void
GradeTallyAdd(LqTally *t, int i, const LqCriterion *c, bool unknown, bool met,
			  double grade)
{
	GradeTallyCount(t, c, unknown, met, grade, true);
	t->unknown += unknown;
	t->unknown_set |= (uint64) unknown << i;
	t->unmet_set |= (uint64) (!unknown & !met) << i;
	if (t->with_best)
	{
		t->known_sum += GradeChoose(unknown, 0, c->share * grade);
		t->unknown_share += GradeChoose(unknown, c->share, 0);
	}
}

/*
 * The score (0-100) of the sum of share * grade over the criteria, added in
 * model order: 100 * sum(weight * grade / 10) / sum(weight), to six
 * decimals.
 */
static inline double
GradeScoreOfSum(double sum)
{
	return Round6(10.0 * sum);
}

/*
 * Is the lead qualified, by what its grades add up to (GradeTallyCount()
 * is enough, without the sum when the model has no pass score) and its
 * score (used only when the model has a pass score)?
 */
static inline bool
GradeTallyQualified(const LqModel *m, const LqTally *t, double score)
{
	return !t->knockout_failed & (t->met >= m->min_met) & t->knockouts_met &
		(!m->has_pass_score | (score >= m->pass_score));
}

/*
 * The tier of a score: the first whose threshold it reaches, worked out by
 * arithmetic rather than branches (the tier varies from lead to lead).
 */
static inline char
GradeTier(const LqModel *m, double score)
{
	int			below_a = score < m->tier_a;
	int			below_b = below_a & (score < m->tier_b);
	int			below_c = below_b & (score < m->tier_c);

	return (char) ('A' + below_a + below_b + below_c);
}

extern void GradeTally(const LqModel *m, const LqGrade *grades, LqTally *t);
extern void GradeTallyOfStates(const LqModel *m, int states, double sum, LqTally *t);
extern void GradeTallyOutcome(const LqModel *m, const LqTally *t, LqOutcome *out);
extern void GradeOutcome(const LqModel *m, const LqGrade *grades, LqOutcome *out);
extern double GradeScore(const LqModel *m, const LqGrade *grades);
extern double GradePoints(const LqModel *m, int i, const LqGrade *g);
extern const char *StatusName(LqStatus status);
extern int	StatusFromName(const char *s, int len);
extern LqAsOf AsOfFromTimestamptz(Datum ts, bool isnull);

#endif							/* LQ_GRADE_H */
