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
extern void GradeOutcome(const LqModel *m, const LqGrade *grades, LqOutcome *out);
extern double GradeScore(const LqModel *m, const LqGrade *grades);
extern double GradePoints(const LqModel *m, int i, const LqGrade *g);
extern const char *StatusName(LqStatus status);
extern int	StatusFromName(const char *s, int len);
extern LqAsOf AsOfFromTimestamptz(Datum ts, bool isnull);

#endif							/* LQ_GRADE_H */
