/*-------------------------------------------------------------------------
 *
 * wording.c
 *	  The sentences lead_qual writes into results: why readiness() gave a
 *	  stage, and why next_action() chose an action (readiness.h).  All in
 *	  English, in one place, from the decisions decide.c made; figures are
 *	  rounded to one decimal where that does not change how they compare.
 *	  (The questions made from a criterion's rule, which explain() gives
 *	  too, are in model/question.c.)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"

#include "base/convert.h"
#include "base/text_util.h"
#include "readiness/readiness.h"

/* "today", "in 1 day", "in 7 days" */
static char *
in_days(int32 days)
{
	if (days == 0)
		return pstrdup("today");
	return psprintf("in %d day%s", days, days == 1 ? "" : "s");
}

/* "a", "a and b", "a, b and c": the keys of criteria[0 .. n-1] of m */
static void
append_keys(StringInfo s, const LqModel *m, const int *criteria, int n)
{
	const char **keys = palloc(sizeof(char *) * Max(n, 1));

	for (int i = 0; i < n; i++)
		keys[i] = m->criteria[criteria[i]].key;
	AppendList(s, keys, n, " and ");
}

/* x to one decimal: "54.5", "60", "-45.6" */
static char *
one_decimal(double x)
{
	double		r = rint(x * 10) / 10;

	if (!isfinite(r))
		return NumberText(x);
	if (r == 0)
		r = 0;					/* not "-0" */
	return NumberText(r);
}

/*
 * x compared with limit: to one decimal, unless rounding would put it on
 * the other side of limit or onto it (24.99 is not "25" below 25).
 */
static char *
against(double x, double limit)
{
	double		r = rint(x * 10) / 10;

	if (isfinite(r) && (r < limit) == (x < limit) && (r > limit) == (x > limit))
		return one_decimal(x);
	return NumberText(x);
}

/*
 * Why readiness() gave its stage: what decided it, with the fit and
 * engagement it compared and what each stage needs.
 */
char *
ReadinessReason(const ReadinessThresholds *t, const ReadinessInput *in, const ReadinessResult *r)
{
	StringInfoData s;
	char	   *fit = in->fit_tier >= 0 ? psprintf("fit %c", 'A' + r->tier) : pstrdup("fit unknown, counted as D");
	char	   *eng = in->engagement_null ? pstrdup("no engagement") :
		psprintf("engagement %s", against(in->engagement, t->mql_engagement));
	bool		fit_out = (in->fit_status == LQ_STATUS_DISQUALIFIED);
	bool		qual_out = (in->qual_status == LQ_STATUS_DISQUALIFIED);

	initStringInfo(&s);
	switch (r->stage)
	{
		case STAGE_DISQUALIFIED:
			appendStringInfo(&s, "Disqualified: %s a must-have (knockout) criterion.",
							 fit_out && qual_out ? "both the fit and the qualification fail" :
							 fit_out ? "the fit fails" : "the qualification fails");
			break;
		case STAGE_SQL:
			appendStringInfo(&s, "Sales-qualified: qualified in conversation, with %s (%c or better needed).",
							 fit, 'A' + t->sql_fit);
			break;
		case STAGE_MQL:
			appendStringInfo(&s, "Marketing-qualified: %s (%c or better needed) and %s (%s or more needed).",
							 fit, 'A' + t->mql_fit, eng, NumberText(t->mql_engagement));
			break;
		case STAGE_LEAD:
			{
				bool		weak_fit = r->tier > t->mql_fit;

				appendStringInfoString(&s, "Stays with marketing: ");
				if (weak_fit)
					appendStringInfo(&s, "%s (%c or better needed)", fit, 'A' + t->mql_fit);
				if (in->engagement < t->mql_engagement)
					appendStringInfo(&s, "%s%s (%s or more needed)", weak_fit ? " and " : "", eng,
									 NumberText(t->mql_engagement));
				if (in->qual_status == LQ_STATUS_QUALIFIED)
					appendStringInfo(&s, "; qualified in conversation, but sales needs a fit of %c or better",
									 'A' + t->sql_fit);
				appendStringInfoChar(&s, '.');
				break;
			}
	}
	return s.data;
}

/* Why a date of the evidence does not let the lead qualify (ns->best). */
static void
append_shortfall(StringInfo s, const LqModel *m, const NextStep *ns)
{
	const LqOutcome *b = &ns->best;
	const char *sep = "";

	if (b->status == LQ_STATUS_DISQUALIFIED)
	{
		appendStringInfo(s, "knockout criteri%s ", ns->ncriteria == 1 ? "on" : "a");
		append_keys(s, m, ns->criteria, ns->ncriteria);
		appendStringInfoString(s, " would no longer be met");
		return;
	}
	if (b->met < m->min_met)
	{
		appendStringInfo(s, "at most %d of the %d criteria needed could be met", b->met, m->min_met);
		sep = ", and ";
	}
	if (m->has_pass_score && b->score < m->pass_score)
		appendStringInfo(s, "%sthe score could reach %s at most, below the pass score of %s", sep,
						 against(b->score, m->pass_score), NumberText(m->pass_score));
}

/* Why next_action() chose its action, and when to come back. */
char *
NextStepReason(const LqModel *m, const NextStep *ns)
{
	StringInfoData s;
	int			n = ns->ncriteria;

	initStringInfo(&s);
	switch (ns->outcome.status)
	{
		case LQ_STATUS_QUALIFIED:
			appendStringInfo(&s, "Qualified with a score of %s (tier %c): hand to sales now.",
							 one_decimal(ns->outcome.score), ns->outcome.tier);
			break;

		case LQ_STATUS_NEEDS_INFO:
			appendStringInfoString(&s, "Could qualify once ");
			append_keys(&s, m, ns->criteria, n);
			appendStringInfo(&s, " %s known: ask, and follow up %s.",
							 n == 1 ? "is" : "are", in_days(ns->days));
			break;

		case LQ_STATUS_NURTURE:
			if (ns->date_criterion < 0)
			{
				appendStringInfo(&s,
								 "Cannot qualify on what is known now and no coming date is known: follow up %s (tier %c).",
								 in_days(ns->days), ns->outcome.tier);
				break;
			}
			{
				const LqCriterion *c = &m->criteria[ns->date_criterion];
				char	   *when = psprintf("on %s, when %s (%s) is %d day%s away",
											DateText(ns->date_opens), c->key, DateText(ns->date),
											c->days, c->days == 1 ? "" : "s");

				if (ns->date_helps)
				{
					appendStringInfo(&s, "Cannot qualify on what is known now, but could %s: follow up then.",
									 when);
					break;
				}
				appendStringInfo(&s, "Cannot qualify on what is known now, nor %s%s: ", when,
								 ns->more_dates ? ", or on a later date of the evidence" : "");
				append_shortfall(&s, m, ns);
				appendStringInfo(&s, "; follow up %s (tier %c).", in_days(ns->days), ns->outcome.tier);
			}
			break;

		case LQ_STATUS_DISQUALIFIED:
			appendStringInfo(&s, "Disqualified: knockout criteri%s ", n == 1 ? "on" : "a");
			append_keys(&s, m, ns->criteria, n);
			appendStringInfo(&s, " %s not met", n == 1 ? "is" : "are");
			if (ns->has_follow_up)
				appendStringInfo(&s, ": drop, and look again %s.", in_days(ns->days));
			else
				appendStringInfoString(&s, ": drop, no follow-up.");
			break;
	}
	return s.data;
}
