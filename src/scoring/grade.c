/*-------------------------------------------------------------------------
 *
 * grade.c
 *	  Grade each criterion from its value, and turn the grades into the
 *	  qualification: score, met/known counts, status and tier.
 *
 * Grades run from 0 to 10 like a school mark.  Rules that only pass or
 * fail give 10 or 0.  An unknown value gives no grade: it is neither met
 * nor unmet, and the lead may still qualify once it is known.  It gives no
 * points either, unless its criterion has an unknown_grade: then it earns
 * that grade's points toward the score, and stays unknown for the rest.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "base/convert.h"
#include "base/text_util.h"
#include "scoring/grade.h"

pg_noreturn static void evidence_error(const LqModel *m, const LqCriterion *c, int code,
									   const char *why, const LqValue *v);

static void
evidence_error(const LqModel *m, const LqCriterion *c, int code, const char *why,
			   const LqValue *v)
{
	char	   *shown = (v->kind == LQV_NESTED) ? NULL : TextClip(EvidenceValueText(v), 100);

	ereport(ERROR,
			(errcode(code),
			 errmsg("invalid evidence for criterion \"%s\" of model \"%s\": %s",
					c->key, m->name, why),
			 shown ? errdetail("The value of \"%s\" is \"%s\"; the rule is: %s.",
							   EvidenceReadFrom(c, v), shown, RuleDescribe(c))
			 : errdetail("The value of \"%s\" is a JSON array or object; the rule is: %s.",
						 EvidenceReadFrom(c, v), RuleDescribe(c))));
}

static const char *
kind_name(LqValueKind kind)
{
	switch (kind)
	{
		case LQV_BOOL:
			return "a boolean";
		case LQV_NUMBER:
		case LQV_NUMERIC:
			return "a number";
		case LQV_TEXT:
			return "text";
		case LQV_DAYS:
			return "a date";
		case LQV_NESTED:
			return "a JSON array or object";
		default:
			return "null";
	}
}

static bool
text_as_bool(const LqValue *v, bool *b)
{
	const char *s = v->str;
	int			len = v->len;

	TrimBlanks(&s, &len);
	return parse_bool_with_len(s, len, b);
}

static bool
as_bool(const LqModel *m, const LqCriterion *c, const LqValue *v)
{
	bool		b;

	if (v->kind == LQV_BOOL)
		return v->b;
	if (v->kind == LQV_TEXT)
	{
		if (text_as_bool(v, &b))
			return b;
		evidence_error(m, c, ERRCODE_INVALID_TEXT_REPRESENTATION,
					   "expected a boolean (true/false, yes/no, t/f, 1/0)", v);
	}
	evidence_error(m, c, ERRCODE_INVALID_PARAMETER_VALUE,
				   psprintf("expected a boolean, not %s", kind_name(v->kind)), v);
}

static double
as_number(const LqModel *m, const LqCriterion *c, const LqValue *v)
{
	double		x;

	switch (v->kind)
	{
		case LQV_NUMBER:
			x = v->num;
			break;
		case LQV_NUMERIC:
			x = NumericToDouble(v->numeric);
			break;
		case LQV_TEXT:
			if (!ParseDecimal(v->str, v->len, &x))
				evidence_error(m, c, ERRCODE_INVALID_TEXT_REPRESENTATION,
							   "expected a number", v);
			break;
		default:
			evidence_error(m, c, ERRCODE_INVALID_PARAMETER_VALUE,
						   psprintf("expected a number, not %s", kind_name(v->kind)), v);
	}
	if (isnan(x))
		evidence_error(m, c, ERRCODE_INVALID_PARAMETER_VALUE,
					   "NaN is not a usable number", v);
	return x;
}

static int32
as_days(const LqModel *m, const LqCriterion *c, const LqValue *v)
{
	int32		days;

	if (v->kind == LQV_DAYS)
		return v->days;
	if (v->kind == LQV_TEXT)
	{
		if (ParseIsoDate(v->str, v->len, &days))
			return days;
		evidence_error(m, c, ERRCODE_INVALID_DATETIME_FORMAT,
					   "expected an ISO 8601 date such as 2026-12-31", v);
	}
	evidence_error(m, c, ERRCODE_INVALID_PARAMETER_VALUE,
				   psprintf("expected a date, not %s", kind_name(v->kind)), v);
}

/*
 * Index of the value in c->values (compared without surrounding blanks and
 * ignoring ASCII case), or -1.
 */
static int
match_value(const LqModel *m, const LqCriterion *c, const LqValue *v)
{
	const char *s;
	int			len;
	char	   *tmp = NULL;

	switch (v->kind)
	{
		case LQV_TEXT:
			s = v->str;
			len = v->len;
			break;
		case LQV_BOOL:
		case LQV_NUMBER:
		case LQV_NUMERIC:
		case LQV_DAYS:
			s = tmp = EvidenceValueText(v);
			len = strlen(s);
			break;
		default:
			evidence_error(m, c, ERRCODE_INVALID_PARAMETER_VALUE,
						   psprintf("expected a text value, not %s", kind_name(v->kind)), v);
	}
	TrimBlanks(&s, &len);
	for (int i = 0; i < c->nvalues; i++)
	{
		const char *f = c->folded[i];
		int			k;

		if (c->folded_len[i] != len)
			continue;
		for (k = 0; k < len && AsciiLower(s[k]) == f[k]; k++)
			;
		if (k == len)
		{
			if (tmp)
				pfree(tmp);
			return i;
		}
	}
	if (tmp)
		pfree(tmp);
	return -1;
}

static inline int
numeric_cmp_datum(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b)));
}

/*
 * The band of a bands rule the value falls in: the number of cuts at or
 * below it (binary search; the cuts increase strictly).  A numeric value
 * is compared as numeric, exactly, as at_least compares it.
 */
static int
band_of(const LqModel *m, const LqCriterion *c, const LqValue *v)
{
	int			lo = 0,
				hi = c->ncuts;	/* the band is in [lo, hi] */
	double		x = 0;

	if (v->kind == LQV_NUMERIC)
	{
		if (numeric_is_nan(v->numeric))
			evidence_error(m, c, ERRCODE_INVALID_PARAMETER_VALUE,
						   "NaN is not a usable number", v);
	}
	else
		x = as_number(m, c, v);
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;	/* cuts[mid] is the (mid+1)th cut */
		bool		at_or_below;

		if (v->kind == LQV_NUMERIC)
			at_or_below = numeric_cmp_datum(c->cuts_num[mid], v->numeric) <= 0;
		else
			at_or_below = c->cuts[mid] <= x;
		if (at_or_below)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline void
set_grade(LqGrade *g, double grade, bool met)
{
	g->state = met ? LQ_MET : LQ_UNMET;
	g->grade = grade;
}

void
GradeCriterion(const LqModel *m, int i, const LqValue *v,
			   const LqAsOf *asof, LqGrade *g)
{
	const LqCriterion *c = &m->criteria[i];
	double		x;

	/* an unknown value earns the criterion's unknown_grade, if it has one */
	g->state = LQ_UNKNOWN;
	g->grade = c->has_unknown_grade ? c->unknown_grade : 0;
	if (v->kind == LQV_NULL)
		return;
	if (v->kind == LQV_NESTED)
		evidence_error(m, c, ERRCODE_INVALID_PARAMETER_VALUE,
					   "expected a single value, not a JSON array or object", v);

	switch (c->rule)
	{
		case LQ_RULE_BOOLEAN:
			if (as_bool(m, c, v))
				set_grade(g, 10, true);
			else
				set_grade(g, 0, false);
			break;

		case LQ_RULE_GRADE:
			if (v->kind == LQV_BOOL)
			{
				set_grade(g, v->b ? 10 : 0, v->b);
				break;
			}
			if (v->kind == LQV_TEXT && !ParseDecimal(v->str, v->len, &x))
			{
				/* a boolean written as text: yes = 10, no = 0 */
				bool		b;

				if (!text_as_bool(v, &b))
					evidence_error(m, c, ERRCODE_INVALID_TEXT_REPRESENTATION,
								   "expected a grade from 0 to 10, or a boolean", v);
				set_grade(g, b ? 10 : 0, b);
				break;
			}
			x = as_number(m, c, v);
			if (x < 0 || x > 10)
				evidence_error(m, c, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
							   "a grade must be between 0 and 10", v);
			set_grade(g, x, x >= c->pass);
			break;

		case LQ_RULE_AT_LEAST:
		case LQ_RULE_AT_MOST:
		case LQ_RULE_BETWEEN:
			{
				bool		check_lo = (c->rule != LQ_RULE_AT_MOST);
				bool		check_hi = (c->rule != LQ_RULE_AT_LEAST);
				bool		met;

				if (v->kind == LQV_NUMERIC)
				{
					/* compare as numeric: exact, and no conversion to text */
					if (numeric_is_nan(v->numeric))
						evidence_error(m, c, ERRCODE_INVALID_PARAMETER_VALUE,
									   "NaN is not a usable number", v);
					met = (!check_lo || numeric_cmp_datum(v->numeric, c->lo_num) >= 0) &&
						(!check_hi || numeric_cmp_datum(v->numeric, c->hi_num) <= 0);
				}
				else
					met = GradeInRange(c, as_number(m, c, v));
				set_grade(g, met ? 10 : 0, met);
				break;
			}

		case LQ_RULE_ONE_OF:
			if (match_value(m, c, v) >= 0)
				set_grade(g, 10, true);
			else
				set_grade(g, 0, false);
			break;

		case LQ_RULE_SCALE:
			{
				int			k = match_value(m, c, v);

				if (k >= 0)
					set_grade(g, c->grades[k], c->grades[k] >= c->pass);
				else if (c->default_known)
					set_grade(g, c->default_grade, c->default_grade >= c->pass);
				/* else: a value the scale does not list stays unknown */
				break;
			}

		case LQ_RULE_BANDS:
			{
				double		grade = c->band_grades[band_of(m, c, v)];

				set_grade(g, grade, grade >= c->pass);
				break;
			}

		case LQ_RULE_WITHIN_DAYS:
			{
				bool		met;

				if (!asof->finite)
					ereport(ERROR,
							(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
							 errmsg("as_of must be a finite timestamp for criterion \"%s\" of model \"%s\"",
									c->key, m->name)));
				met = GradeWithinDays(c, as_days(m, c, v), asof->days);
				set_grade(g, met ? 10 : 0, met);
				break;
			}
	}
}

double
GradePoints(const LqModel *m, int i, const LqGrade *g)
{
	return Round6(10.0 * m->criteria[i].share * g->grade);
}

/*
 * The score alone: 100 * sum(weight * grade / 10) / sum(weight), computed
 * from each criterion's share of the total weight (so that neither huge nor
 * tiny weights lose the sum).  Unknown criteria count with their
 * unknown_grade, or 0.
 */
double
GradeScore(const LqModel *m, const LqGrade *grades)
{
	double		sum = 0;

	/* in model order, as GradeTallyAdd() adds them */
	for (int i = 0; i < m->ncriteria; i++)
		sum += m->criteria[i].share * grades[i].grade;
	return GradeScoreOfSum(sum);
}

/* What the grades add up to. */
void
GradeTally(const LqModel *m, const LqGrade *grades, LqTally *t)
{
	GradeTallyStart(t, m);
	for (int i = 0; i < m->ncriteria; i++)
		GradeTallyAdd(t, i, &m->criteria[i], grades[i].state == LQ_UNKNOWN,
					  grades[i].state == LQ_MET, grades[i].grade);
}

/*
 * The tally of a lead from the states of its criteria, one number in base 3
 * (criterion i its digit i: unknown 0, met 1, unmet 2), and the sum of
 * share * grade, for a model without a pass score (whose tally needs no
 * more).
 */
void
GradeTallyOfStates(const LqModel *m, int states, double sum, LqTally *t)
{
	Assert(!m->has_pass_score);
	GradeTallyStart(t, m);
	for (int i = 0; i < m->ncriteria; i++, states /= 3)
		GradeTallyAdd(t, i, &m->criteria[i], states % 3 == LQ_UNKNOWN, states % 3 == LQ_MET, 0);
	t->sum = sum;
}

/* The outcome of the grades: score, counts, status and tier. */
void
GradeOutcome(const LqModel *m, const LqGrade *grades, LqOutcome *out)
{
	LqTally		t;

	GradeTally(m, grades, &t);
	GradeTallyOutcome(m, &t, out);
}

/*
 * The outcome of what the grades added up to.  The conditions are worked
 * out first and chosen between after, rather than tested one after the
 * other: status and tier vary from lead to lead, and branches on them would
 * be mispredicted (see GradeChoose).
 */
void
GradeTallyOutcome(const LqModel *m, const LqTally *t, LqOutcome *out)
{
	double		score = GradeScoreOfSum(t->sum);
	bool		could = true;
	int			qualified,
				needs_info,
				rest;

	out->met = t->met;
	out->known = m->ncriteria - t->unknown;
	out->total = m->ncriteria;
	out->score = score;

	/*
	 * Needs info: it could still qualify, with the unknown criteria known;
	 * with a pass score, if the score when every unknown criterion turned
	 * out fully met (instead of earning its unknown_grade) would pass.
	 */
	if (m->has_pass_score)
		could = Round6(10.0 * t->known_sum + 100.0 * t->unknown_share) >= m->pass_score;
	qualified = GradeTallyQualified(m, t, score);
	needs_info = (t->met + t->unknown >= m->min_met) & (t->unknown > 0) & could;

	/*
	 * Disqualified by a failed knockout, else qualified, else needs info,
	 * else nurture: chosen by arithmetic, which compilers do not turn into
	 * branches again.
	 */
	StaticAssertStmt(LQ_STATUS_QUALIFIED == 0 && LQ_STATUS_NEEDS_INFO == 1 &&
					 LQ_STATUS_NURTURE == 2 && LQ_STATUS_DISQUALIFIED == 3,
					 "the statuses in the order chosen below");
	rest = !qualified * (2 - needs_info);
	out->status = (LqStatus) (rest + t->knockout_failed * (3 - rest));

	out->tier = GradeTier(m, score);
}

const char *
StatusName(LqStatus status)
{
	switch (status)
	{
		case LQ_STATUS_QUALIFIED:
			return "qualified";
		case LQ_STATUS_NEEDS_INFO:
			return "needs_info";
		case LQ_STATUS_NURTURE:
			return "nurture";
		case LQ_STATUS_DISQUALIFIED:
			return "disqualified";
	}
	return "nurture";
}

/* The status named by s (len bytes) as StatusName() writes it, or -1. */
int
StatusFromName(const char *s, int len)
{
	for (int k = 0; k < LQ_NSTATUS; k++)
	{
		const char *name = StatusName((LqStatus) k);

		if ((int) strlen(name) == len && memcmp(name, s, len) == 0)
			return k;
	}
	return -1;
}

LqAsOf
AsOfFromTimestamptz(Datum ts, bool isnull)
{
	LqAsOf		a;
	TimestampTz t;

	a.isnull = isnull;
	a.finite = false;
	a.days = 0;
	if (isnull)
		return a;
	t = DatumGetTimestampTz(ts);
	if (TIMESTAMP_NOT_FINITE(t))
		return a;
	a.finite = true;
	a.days = (int32) (t / USECS_PER_DAY);
	if (t % USECS_PER_DAY < 0)
		a.days--;
	return a;
}
