/*-------------------------------------------------------------------------
 *
 * reader.c
 *	  Grade the criteria of a model straight from the columns of a row
 *	  (reader.h).
 *
 * Made once per row binding (so once per query, or per statement for a
 * trigger): for each criterion, the column it reads (or the argument of a
 * *_columns call) and a step chosen by the column's type and the rule:
 *
 *	 boolean column, boolean or grade rule		 met (10) or unmet (0)
 *	 int2/int4/int8/float8 column, grade rule	 the mark itself, met at >= pass
 *	 the same, at_least/at_most/between			 met (10) within the bounds
 *	 date/timestamp/timestamptz, within_days	 met (10) within the window
 *
 * Those steps read the Datum as it is: no LqValue, no conversion, nothing
 * allocated.  The rest (numeric, text, jsonb, enums ... and every other
 * rule) and every value such a step cannot grade (a mark outside 0-10,
 * NaN, an infinite as_of) go the general way, through an LqValue and
 * GradeCriterion (grade.c), which grades them as qualify() always has and
 * raises its errors.  Both ways give the same grades to the last bit: the
 * steps do the same arithmetic on the same doubles.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "utils/date.h"
#include "utils/timestamp.h"

#include "scoring/reader.h"

/* A step: the rule's kind of verdict, and the type of the column read. */
typedef enum ReadOp
{
	READ_GENERAL,				/* EvidenceFromDatum, GradeCriterion */
	READ_BOOL,					/* boolean or grade rule */
	READ_GRADE_INT2,			/* grade rule: the mark */
	READ_GRADE_INT4,
	READ_GRADE_INT8,
	READ_GRADE_FLOAT8,
	READ_RANGE_INT2,			/* at_least, at_most, between */
	READ_RANGE_INT4,
	READ_RANGE_INT8,
	READ_RANGE_FLOAT8,
	READ_WITHIN_DATE,			/* within_days */
	READ_WITHIN_TIMESTAMP		/* timestamp or timestamptz */
} ReadOp;

StaticAssertDecl(LQ_UNKNOWN == 0 && LQ_MET == 1 && LQ_UNMET == 2,
				 "the states as read_all() counts them");

typedef struct ReadStep
{
	ReadOp		op;
	int			col;			/* the column (0-based), or the argument */
	double		share;			/* the criterion's */
	double		pass;			/* grade rules: met at >= pass */
	double		unknown_grade;	/* the grade of a NULL */
	int			digit;			/* 3^i for criterion i: its place among the states */
	const LqCriterion *c;
} ReadStep;

struct LqReader
{
	const LqModel *model;
	LqRowBinding *binding;
	int			width;			/* rows: the columns to take apart */
	bool		knockouts;		/* has the model knockout criteria? */
	int			nsteps;
	ReadStep	steps[FLEXIBLE_ARRAY_MEMBER];
};

/*
 * The offset of a number column's step from the first of its kind (GRADE,
 * RANGE), or -1 for a column that holds no number read as it is.
 */
static int
number_offset(LqColKind kind)
{
	switch (kind)
	{
		case LQ_COL_INT2:
			return 0;
		case LQ_COL_INT4:
			return 1;
		case LQ_COL_INT8:
			return 2;
		case LQ_COL_FLOAT8:
			return 3;
		default:
			return -1;			/* float4 is read as its decimal: generally */
	}
}

/* The step for a criterion with this rule reading a column of this kind. */
static ReadOp
choose_op(LqRuleKind rule, LqColKind kind)
{
	int			number = number_offset(kind);

	switch (rule)
	{
		case LQ_RULE_BOOLEAN:
			return kind == LQ_COL_BOOL ? READ_BOOL : READ_GENERAL;
		case LQ_RULE_GRADE:
			if (kind == LQ_COL_BOOL)
				return READ_BOOL;
			return number >= 0 ? (ReadOp) (READ_GRADE_INT2 + number) : READ_GENERAL;
		case LQ_RULE_AT_LEAST:
		case LQ_RULE_AT_MOST:
		case LQ_RULE_BETWEEN:
			return number >= 0 ? (ReadOp) (READ_RANGE_INT2 + number) : READ_GENERAL;
		case LQ_RULE_WITHIN_DAYS:
			if (kind == LQ_COL_DATE)
				return READ_WITHIN_DATE;
			if (kind == LQ_COL_TIMESTAMP || kind == LQ_COL_TIMESTAMPTZ)
				return READ_WITHIN_TIMESTAMP;
			return READ_GENERAL;
		default:
			return READ_GENERAL;
	}
}

/*
 * The reader of model m's criteria for the columns binding b binds them to,
 * in cxt.  It keeps m and b, which must live as long.
 */
LqReader *
ReaderMake(const LqModel *m, LqRowBinding *b, MemoryContext cxt)
{
	LqReader   *r = MemoryContextAllocZero(cxt, offsetof(LqReader, steps) +
										   sizeof(ReadStep) * Max(m->ncriteria, 1));

	r->model = m;
	r->binding = b;
	r->nsteps = m->ncriteria;
	for (int i = 0, digit = 1; i < m->ncriteria; i++, digit = Min(digit, PG_INT32_MAX / 3) * 3)
	{
		const LqCriterion *c = &m->criteria[i];
		ReadStep   *s = &r->steps[i];

		s->c = c;
		r->knockouts |= c->knockout;
		s->digit = digit;		/* used only for models of few criteria */
		s->share = c->share;
		s->pass = c->pass;
		s->col = EvidenceBoundColumn(b, i);
		s->op = choose_op(c->rule, EvidenceBoundKind(b, i));
		s->unknown_grade = c->has_unknown_grade ? c->unknown_grade : 0;
		r->width = Max(r->width, s->col + 1);
	}
	return r;
}

/* The general way, for what the steps do not grade themselves. */
static pg_noinline double
grade_generally(const LqReader *r, int i, Datum d, const LqAsOf *asof, LqState *state)
{
	LqValue		v;
	LqGrade		g;

	EvidenceFromDatum(r->binding, i, d, &v);
	GradeCriterion(r->model, i, &v, asof, &g);
	*state = g.state;
	return g.grade;
}

/*
 * The grade of criterion i from d, its column's value, and in *met whether
 * it is met; false when the step cannot grade it (a general step, a mark
 * outside 0-10, NaN, an infinite as_of), and the general way must.  d may
 * be the Datum of a NULL, whose grade is then not used: every step reads
 * its value as a bool, an integer, a double or a date, which any bits are.
 * No branch depends on the value (see GradeChoose).
 */
static pg_attribute_always_inline bool
grade_fast(const ReadStep *s, Datum d, const LqAsOf *asof, double *grade, bool *met)
{
	double		x;
	int32		days;

	switch (s->op)
	{
		case READ_BOOL:
			*met = DatumGetBool(d);
			*grade = GradeChoose(*met, 10, 0);
			return true;
		case READ_GRADE_INT2:
			x = DatumGetInt16(d);
			goto mark;
		case READ_GRADE_INT4:
			x = DatumGetInt32(d);
			goto mark;
		case READ_GRADE_INT8:
			x = (double) DatumGetInt64(d);
			goto mark;
		case READ_GRADE_FLOAT8:
			x = DatumGetFloat8(d);
			goto mark;
		case READ_RANGE_INT2:
			x = DatumGetInt16(d);
			goto range;
		case READ_RANGE_INT4:
			x = DatumGetInt32(d);
			goto range;
		case READ_RANGE_INT8:
			x = (double) DatumGetInt64(d);
			goto range;
		case READ_RANGE_FLOAT8:
			x = DatumGetFloat8(d);
			goto range;
		case READ_WITHIN_DATE:
			days = DatumGetDateADT(d);
			goto within;
		case READ_WITHIN_TIMESTAMP:
			days = EvidenceTimestampDays(DatumGetInt64(d));
			goto within;
		case READ_GENERAL:
			return false;
		default:
			pg_unreachable();
	}

mark:
	/* the mark itself, met at >= pass */
	*grade = x;
	*met = x >= s->pass;
	return (x >= 0) & (x <= 10);

range:
	*met = GradeInRange(s->c, x);
	*grade = GradeChoose(*met, 10, 0);
	return !isnan(x);

within:
	*met = GradeWithinDays(s->c, days, asof->days);
	*grade = GradeChoose(*met, 10, 0);
	return asof->finite;
}

/* What a pass over the criteria gives. */
typedef enum ReadWant
{
	WANT_GRADES,				/* each criterion's grade */
	WANT_SCORE,					/* the sum of share * grade */
	WANT_COUNT,					/* LqTally, GradeTallyCount()'s part */
	WANT_MET,					/* the same without the sum */
	WANT_MET_ONLY,				/* the criteria met, nothing else */
	WANT_TALLY,					/* LqTally */
	WANT_STATES					/* the sum, and every criterion's state */
} ReadWant;

/*
 * One pass over the criteria, the values from the arguments of a
 * *_columns call (args) or from a slot's arrays (values, nulls); what it
 * gives, by want, into grades, *sum or *tally.  Inlined into each public
 * function below with want a constant, so that each does only its part.
 */
static pg_attribute_always_inline void
read_all(const LqReader *r, const NullableDatum *args, const Datum *values,
		 const bool *nulls, const LqAsOf *asof, ReadWant want,
		 LqGrade *grades, double *sum, LqTally *tally, int *states)
{
	double		total = 0;
	int			digits = 0;		/* WANT_STATES: the states; WANT_MET_ONLY: met */
	LqTally		sums;			/* a local: its fields can stay in registers */

	if (want == WANT_COUNT || want == WANT_MET || want == WANT_TALLY)
		GradeTallyStart(&sums, r->model);
	for (int i = 0; i < r->nsteps; i++)
	{
		const ReadStep *s = &r->steps[i];
		bool		isnull = args ? args[s->col].isnull : nulls[s->col];
		Datum		d = args ? args[s->col].value : values[s->col];
		double		grade = 0;
		bool		met = false;
		bool		unknown = isnull;

		if (likely(grade_fast(s, d, asof, &grade, &met)) || isnull)
		{
			/* unknown: the criterion's unknown_grade, or 0 */
			grade = GradeChoose(isnull, s->unknown_grade, grade);
			met = met & !isnull;
		}
		else
		{
			LqState		state;

			grade = grade_generally(r, i, d, asof, &state);
			unknown = (state == LQ_UNKNOWN);
			met = (state == LQ_MET);
		}

		if (want == WANT_GRADES)
		{
			/* unknown 0, met 1, unmet 2, as LqState counts */
			grades[i].state = (LqState) (!unknown * (2 - met));
			grades[i].grade = grade;
		}
		else if (want == WANT_SCORE)
			total += s->share * grade;	/* in model order, as GradeScore() */
		else if (want == WANT_STATES)
		{
			total += s->share * grade;
			/* unknown 0, met 1, unmet 2, as LqState counts */
			digits += (int) !unknown * (2 - (int) met) * s->digit;
		}
		else if (want == WANT_COUNT || want == WANT_MET)
			GradeTallyCount(&sums, s->c, unknown, met, grade, want == WANT_COUNT);
		else if (want == WANT_MET_ONLY)
			digits += met;
		else
			GradeTallyAdd(&sums, i, s->c, unknown, met, grade);
	}
	if (want == WANT_SCORE)
		*sum = total;
	else if (want == WANT_STATES)
	{
		*sum = total;
		*states = digits;
	}
	else if (want == WANT_MET_ONLY)
		*states = digits;
	else if (want == WANT_COUNT || want == WANT_MET || want == WANT_TALLY)
		*tally = sums;
}

/* Grade every criterion from the arguments of a *_columns call. */
void
ReaderGradeArgs(const LqReader *r, FunctionCallInfo fcinfo, const LqAsOf *asof,
				LqGrade *grades)
{
	read_all(r, fcinfo->args, NULL, NULL, asof, WANT_GRADES, grades, NULL, NULL, NULL);
}

/*
 * The score from the arguments of a *_columns call: GradeScore() of their
 * grades, without the grades.
 */
double
ReaderScoreArgs(const LqReader *r, FunctionCallInfo fcinfo, const LqAsOf *asof)
{
	double		sum;

	read_all(r, fcinfo->args, NULL, NULL, asof, WANT_SCORE, NULL, &sum, NULL, NULL);
	return GradeScoreOfSum(sum);
}

/*
 * Is the lead of the arguments of a *_columns call qualified?  What
 * GradeOutcome() says of their grades, without the rest of the outcome.
 */
bool
ReaderQualifiedArgs(const LqReader *r, FunctionCallInfo fcinfo, const LqAsOf *asof)
{
	LqTally		tally;

	if (!r->model->has_pass_score && !r->knockouts)
	{
		int			met;

		/* GradeTallyQualified() of a model without a pass score or knockouts */
		read_all(r, fcinfo->args, NULL, NULL, asof, WANT_MET_ONLY, NULL, NULL, NULL, &met);
		return met >= r->model->min_met;
	}
	if (!r->model->has_pass_score)
	{
		read_all(r, fcinfo->args, NULL, NULL, asof, WANT_MET, NULL, NULL, &tally, NULL);
		return GradeTallyQualified(r->model, &tally, 0);
	}
	read_all(r, fcinfo->args, NULL, NULL, asof, WANT_COUNT, NULL, NULL, &tally, NULL);
	return GradeTallyQualified(r->model, &tally, GradeScoreOfSum(tally.sum));
}

/*
 * The states of the criteria from the arguments of a *_columns call, one
 * number in base 3 (criterion i its digit i: unknown 0, met 1, unmet 2),
 * and the sum of share * grade in *sum: all that the qualification of a
 * lead follows from when the model has no pass score
 * (GradeTallyOfStates).  For models of at most 19 criteria (3^19 < 2^31).
 */
int
ReaderStatesArgs(const LqReader *r, FunctionCallInfo fcinfo, const LqAsOf *asof,
				 double *sum)
{
	int			states;

	Assert(r->nsteps <= 19);
	read_all(r, fcinfo->args, NULL, NULL, asof, WANT_STATES, NULL, sum, NULL, &states);
	return states;
}

/* The same (ReaderStatesArgs()) from a slot holding a row of the bound type. */
int
ReaderStatesSlot(const LqReader *r, TupleTableSlot *slot, const LqAsOf *asof, double *sum)
{
	int			states;

	Assert(r->nsteps <= 19);
	slot_getsomeattrs(slot, r->width);
	read_all(r, NULL, slot->tts_values, slot->tts_isnull, asof, WANT_STATES, NULL, sum,
			 NULL, &states);
	return states;
}

/* What the grades from the arguments of a *_columns call add up to. */
void
ReaderTallyArgs(const LqReader *r, FunctionCallInfo fcinfo, const LqAsOf *asof,
				LqTally *tally)
{
	read_all(r, fcinfo->args, NULL, NULL, asof, WANT_TALLY, NULL, NULL, tally, NULL);
}

/* Grade every criterion from a slot holding a row of the bound type. */
void
ReaderGradeSlot(const LqReader *r, TupleTableSlot *slot, const LqAsOf *asof,
				LqGrade *grades)
{
	slot_getsomeattrs(slot, r->width);
	read_all(r, NULL, slot->tts_values, slot->tts_isnull, asof, WANT_GRADES, grades,
			 NULL, NULL, NULL);
}

/* What the grades from a slot holding a row of the bound type add up to. */
void
ReaderTallySlot(const LqReader *r, TupleTableSlot *slot, const LqAsOf *asof,
				LqTally *tally)
{
	slot_getsomeattrs(slot, r->width);
	read_all(r, NULL, slot->tts_values, slot->tts_isnull, asof, WANT_TALLY, NULL,
			 NULL, tally, NULL);
}

/* Grade every criterion from a row value of the bound type. */
void
ReaderGradeRow(const LqReader *r, HeapTupleHeader row, const LqAsOf *asof,
			   LqGrade *grades)
{
	TupleTableSlot *slot = EvidenceRowSlot(r->binding, row);

	ReaderGradeSlot(r, slot, asof, grades);
	ExecClearTuple(slot);
}
