/*-------------------------------------------------------------------------
 *
 * decide.c
 *	  The decisions of readiness() and next_action() (readiness.h): pure
 *	  functions of what is known of a lead and the settings, no SQL and no
 *	  words (wording.c says why).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/date.h"

#include "base/convert.h"
#include "readiness/readiness.h"

const char *const StageNames[] = {"lead", "mql", "sql", "disqualified", NULL};
StaticAssertDecl(lengthof(StageNames) == NSTAGES + 1, "StageNames must name every ReadinessStage");

/* indexed by LqStatus */
const char *const ActionNames[] = {"hand_to_sales", "ask", "nurture", "drop", NULL};
StaticAssertDecl(lengthof(ActionNames) == LQ_NSTATUS + 1, "ActionNames must name every LqStatus");

/*
 * The stage and grade of a lead.  A lead without a fit (or whose fit has
 * no tier) counts as tier D, as a fit with nothing known scores; the
 * engagement band runs from 1 (at or above bands[0]) to 4.
 */
void
ReadinessDecide(const ReadinessThresholds *t, const ReadinessInput *in, ReadinessResult *out)
{
	double		e = in->engagement;

	out->tier = in->fit_tier >= 0 ? in->fit_tier : 3;
	if (e >= t->bands[0])
		out->band = 1;
	else if (e >= t->bands[1])
		out->band = 2;
	else if (e >= t->bands[2])
		out->band = 3;
	else
		out->band = 4;

	if (in->fit_status == LQ_STATUS_DISQUALIFIED || in->qual_status == LQ_STATUS_DISQUALIFIED)
		out->stage = STAGE_DISQUALIFIED;
	else if (in->qual_status == LQ_STATUS_QUALIFIED && out->tier <= t->sql_fit)
		out->stage = STAGE_SQL;
	else if (out->tier <= t->mql_fit && e >= t->mql_engagement)
		out->stage = STAGE_MQL;
	else
		out->stage = STAGE_LEAD;
}

/* as_of's date (UTC) plus days; an infinite as_of gives an infinite date. */
static DateADT
asof_plus(TimestampTz ts, const LqAsOf *asof, int32 days)
{
	if (TIMESTAMP_IS_NOBEGIN(ts))
		return DATEVAL_NOBEGIN;
	if (TIMESTAMP_IS_NOEND(ts))
		return DATEVAL_NOEND;
	return asof->days + days;
}

/* A date of the evidence, still to come within its criterion's window. */
typedef struct ComingDate
{
	int			criterion;
	int32		date;
	int32		opens;			/* the day it comes within: date - days */
} ComingDate;

/*
 * The dates of the evidence that will come within the window of their
 * within_days criterion (ahead or either way): for a date d more than
 * `days` ahead of as_of, from the day d - days on.  In out[], by that day,
 * then in model order; returns how many.
 */
static int
coming_dates(const LqEvaluation *ev, ComingDate *out)
{
	const LqModel *m = ev->model;
	int			n = 0;

	if (!ev->asof.finite)
		return 0;
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		const LqValue *v = &ev->values[i];
		int32		d;
		int			k;

		if (c->rule != LQ_RULE_WITHIN_DAYS || c->direction == LQ_DIR_BEHIND ||
			ev->grades[i].state == LQ_UNKNOWN)
			continue;
		if (v->kind == LQV_DAYS)
			d = v->days;
		else if (v->kind == LQV_TEXT && ParseIsoDate(v->str, v->len, &d))
			;
		else
			continue;
		/* infinite dates never come within a window */
		if (DATE_NOT_FINITE(d))
			continue;
		if ((int64) d - ev->asof.days <= c->days)
			continue;
		/* insert, after the dates that open on the same day or earlier */
		for (k = n; k > 0 && out[k - 1].opens > d - c->days; k--)
			out[k] = out[k - 1];
		out[k].criterion = i;
		out[k].date = d;
		out[k].opens = d - c->days;
		n++;
	}
	return n;
}

/*
 * The best case on day: the date rules judged on that day instead of
 * as_of, every other known grade as it is, and every unknown criterion
 * met.  The lead could qualify on that day when the outcome is qualified.
 */
static void
best_case_on(const LqEvaluation *ev, int32 day, LqGrade *grades, LqOutcome *out)
{
	const LqModel *m = ev->model;
	LqAsOf		asof = ev->asof;

	asof.days = day;
	for (int i = 0; i < m->ncriteria; i++)
	{
		grades[i] = ev->grades[i];
		if (grades[i].state == LQ_UNKNOWN)
		{
			grades[i].state = LQ_MET;
			grades[i].grade = 10;
		}
		else if (m->criteria[i].rule == LQ_RULE_WITHIN_DAYS)
			GradeCriterion(m, i, &ev->values[i], &asof, &grades[i]);
	}
	GradeOutcome(m, grades, out);
}

/*
 * A nurtured lead: the first day on which a date of the evidence comes
 * within its window and the lead could then qualify, as far as the date
 * rules go.  Returns whether there is one (out->follow_up); else out tells
 * of the first coming date, if any, and why it is not enough.
 */
static bool
nurture_until(const LqEvaluation *ev, NextStep *out)
{
	const LqModel *m = ev->model;
	ComingDate *dates = palloc(sizeof(ComingDate) * m->ncriteria);
	LqGrade    *grades = palloc(sizeof(LqGrade) * m->ncriteria);
	int			n = coming_dates(ev, dates);

	for (int k = 0; k < n; k++)
	{
		LqOutcome	best;

		/* a day is judged once, whichever dates come within on it */
		if (k > 0 && dates[k].opens == dates[k - 1].opens)
			continue;
		best_case_on(ev, dates[k].opens, grades, &best);
		if (best.status == LQ_STATUS_QUALIFIED)
		{
			out->date_criterion = dates[k].criterion;
			out->date = dates[k].date;
			out->date_opens = out->follow_up = dates[k].opens;
			out->date_helps = true;
			return true;
		}
		if (k == 0)
		{
			out->date_criterion = dates[0].criterion;
			out->date = dates[0].date;
			out->date_opens = dates[0].opens;
			out->more_dates = (n > 1);
			out->best = best;
			for (int i = 0; i < m->ncriteria; i++)
				if (m->criteria[i].knockout && grades[i].state == LQ_UNMET)
					out->criteria[out->ncriteria++] = i;
		}
	}
	return false;
}

/*
 * What to do with the lead evaluated in ev, and when to come back: hand a
 * qualified lead to sales today; ask about the unknown criteria and follow
 * up after cfg->ask_days; nurture until a date of the evidence comes within
 * its criterion's window and the lead could then qualify, else for the days
 * of its tier; drop a disqualified lead, and look again after
 * cfg->drop_days if given.
 */
void
NextStepDecide(const LqEvaluation *ev, const NextStepConfig *cfg, TimestampTz as_of,
			   NextStep *out)
{
	const LqModel *m = ev->model;

	memset(out, 0, sizeof(*out));
	out->date_criterion = -1;
	out->criteria = palloc(sizeof(int) * m->ncriteria);
	GradeOutcome(m, ev->grades, &out->outcome);
	out->has_follow_up = true;
	switch (out->outcome.status)
	{
		case LQ_STATUS_QUALIFIED:
			out->days = 0;
			break;

		case LQ_STATUS_NEEDS_INFO:
			for (int k = 0; k < m->ncriteria; k++)
				if (ev->grades[m->ask_order[k]].state == LQ_UNKNOWN)
					out->criteria[out->ncriteria++] = m->ask_order[k];
			out->days = cfg->ask_days;
			break;

		case LQ_STATUS_NURTURE:
			if (nurture_until(ev, out))
				return;
			out->days = cfg->nurture_days[out->outcome.tier - 'A'];
			break;

		case LQ_STATUS_DISQUALIFIED:
			for (int i = 0; i < m->ncriteria; i++)
				if (m->criteria[i].knockout && ev->grades[i].state == LQ_UNMET)
					out->criteria[out->ncriteria++] = i;
			out->has_follow_up = cfg->drop_follow_up;
			out->days = cfg->drop_days;
			break;
	}
	if (out->has_follow_up)
		out->follow_up = asof_plus(as_of, &ev->asof, out->days);
}
