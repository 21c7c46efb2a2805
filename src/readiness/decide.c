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

/*
 * The earliest day on which a date of the evidence comes within the window
 * of its within_days criterion (ahead or either way): for a date d more
 * than `days` ahead of as_of, d - days.  Returns the criterion, or -1 when
 * there is none; *d_out is the date, *opens the day.
 */
static int
coming_date(const LqEvaluation *ev, int32 *d_out, int32 *opens)
{
	const LqModel *m = ev->model;
	int			best = -1;

	if (!ev->asof.finite)
		return -1;
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		const LqValue *v = &ev->values[i];
		int32		d;

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
		if (best < 0 || d - c->days < *opens)
		{
			best = i;
			*d_out = d;
			*opens = d - c->days;
		}
	}
	return best;
}

/*
 * What to do with the lead evaluated in ev, and when to come back: hand a
 * qualified lead to sales today; ask about the unknown criteria and follow
 * up after cfg->ask_days; nurture until a date of the evidence comes within
 * its criterion's window, else for the days of its tier; drop a
 * disqualified lead, and look again after cfg->drop_days if given.
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
			{
				int32		opens = 0;

				out->date_criterion = coming_date(ev, &out->date, &opens);
				if (out->date_criterion >= 0)
				{
					out->follow_up = opens;
					return;
				}
				out->days = cfg->nurture_days[out->outcome.tier - 'A'];
				break;
			}

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
