/*-------------------------------------------------------------------------
 *
 * thresholds.c
 *	  What the rows scored by a model say (learn.h, step 6): the AUC, the
 *	  calibration (P(won) from the score), the tiers, and the pass_score
 *	  and min_met that best serve a goal.
 *
 * One pass (LearnScorePass) groups the rows by score in hundredths, the
 * number of criteria met and whether the knockouts let them through; the
 * rest works on those groups, whose number is bounded by the scores and
 * criteria, not by the rows.  A lead is qualified at (min_met, pass_score)
 * when its knockouts let it through, met >= min_met and score >=
 * pass_score: with pass_score a score in hundredths, the groups say
 * exactly which rows qualify.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "base/convert.h"
#include "learn/learn.h"

#define PLATT_ITER		100

static int
score_desc_cmp(const void *a, const void *b)
{
	const LearnGroup *x = a;
	const LearnGroup *y = b;

	if (x->score100 != y->score100)
		return x->score100 > y->score100 ? -1 : 1;
	if (x->met != y->met)
		return x->met > y->met ? -1 : 1;
	return (int) y->gate - (int) x->gate;
}

/* The AUC of the score (ties half), from groups sorted by score, highest first. */
static double
groups_auc(const LearnGroup *g, int n, double won, double lost)
{
	double		sum = 0;
	double		lost_above = 0;

	for (int i = 0; i < n;)
	{
		double		w = 0,
					l = 0;
		int			j;

		for (j = i; j < n && g[j].score100 == g[i].score100; j++)
		{
			w += g[j].won;
			l += g[j].lost;
		}
		/* the won of this score rank above the lost below it, half the lost beside */
		sum += w * (lost - lost_above - l) + 0.5 * w * l;
		lost_above += l;
		i = j;
	}
	return sum / (won * lost);
}

/*
 * Platt's calibration: the logistic regression of won on the score,
 * P(won) = 1 / (1 + exp(-(a + b score))), by Newton's method on the
 * groups (the score at the middle of its hundredth).  The score is
 * centred and scaled while fitting, for a well-conditioned system.
 */
static void
platt(const LearnGroup *g, int n, double won, double lost, double *a, double *b)
{
	double		c0 = 0,
				c1 = 0;			/* coefficients on z = (score - 50) / 25 */
	double		prev = -INFINITY;
	double		prev_c0 = 0,
				prev_c1 = 0;

	c0 = log(won / lost);
	for (int it = 0; it < PLATT_ITER; it++)
	{
		double		g0 = 0,
					g1 = 0,
					h00 = 0,
					h01 = 0,
					h11 = 0,
					ll = 0,
					det,
					s0,
					s1;

		for (int i = 0; i < n; i++)
		{
			double		z = ((g[i].score100 + 0.5) / 100.0 - 50) / 25;
			double		t = c0 + c1 * z;
			double		p = 1 / (1 + exp(-t));
			double		m = g[i].won + g[i].lost;
			double		v = m * p * (1 - p);

			/* log p = -log(1 + exp(-t)), log (1 - p) = -log(1 + exp(t)) */
			ll -= g[i].won * (t > 0 ? log1p(exp(-t)) : -t + log1p(exp(t)));
			ll -= g[i].lost * (t > 0 ? t + log1p(exp(-t)) : log1p(exp(t)));
			g0 += g[i].won - m * p;
			g1 += (g[i].won - m * p) * z;
			h00 += v;
			h01 += v * z;
			h11 += v * z * z;
		}
		/* a slight ridge on the slope: a score that separates won from lost perfectly */
		h11 += 1e-6 * (won + lost);
		g1 -= 1e-6 * (won + lost) * c1;
		if (ll < prev - 1e-12 * fabs(prev))
		{
			/* the last step made it worse: back to where it was */
			c0 = prev_c0;
			c1 = prev_c1;
			break;
		}
		prev = ll;
		prev_c0 = c0;
		prev_c1 = c1;
		det = h00 * h11 - h01 * h01;
		if (!(det > 0))
			break;
		s0 = (h11 * g0 - h01 * g1) / det;
		s1 = (h00 * g1 - h01 * g0) / det;
		c0 += s0;
		c1 += s1;
		if (fabs(s0) < 1e-10 && fabs(s1) < 1e-10)
			break;
	}
	/* c0 + c1 (score - 50) / 25 = a + b score */
	*b = c1 / 25;
	*a = c0 - 2 * c1;
}

/* The score above which about share of the rows lie. */
static double
score_at_share(const LearnGroup *g, int n, double total, double share)
{
	double		above = 0;

	for (int i = 0; i < n; i++)
	{
		above += g[i].won + g[i].lost;
		if (above >= share * total && (i + 1 == n || g[i + 1].score100 != g[i].score100))
			return g[i].score100 / 100.0;
	}
	return 0;
}

/* Is candidate c better than the best so far for the goal? */
static bool
better(const LearnGoalSpec *goal, const ThresholdChoice *c, const ThresholdChoice *best)
{
	if (!best->found)
		return true;
	switch (goal->goal)
	{
		case GOAL_F1:
			if (c->f1 != best->f1)
				return c->f1 > best->f1;
			break;
		case GOAL_PRECISION:
			{
				bool		ok = c->precision >= goal->value;
				bool		best_ok = best->precision >= goal->value;

				if (ok != best_ok)
					return ok;
				if (!ok)
					return c->precision > best->precision;
				if (c->recall != best->recall)
					return c->recall > best->recall;
				break;
			}
		case GOAL_TOP:
			{
				bool		ok = c->selected <= goal->value + 1e-12;
				bool		best_ok = best->selected <= goal->value + 1e-12;

				if (ok != best_ok)
					return ok;
				if (!ok)
					return c->selected < best->selected;
				if (c->recall != best->recall)
					return c->recall > best->recall;
				break;
			}
	}
	/* then the more precise, then the fewer criteria */
	if (c->precision != best->precision)
		return c->precision > best->precision;
	return c->min_met < best->min_met;
}

/*
 * The best (min_met, pass_score) for the goal, from the groups sorted by
 * score, highest first; max_met the most criteria a row can meet.
 */
static ThresholdChoice
choose(const LearnGroup *g, int n, double won, double lost, int max_met,
	   const LearnGoalSpec *goal)
{
	ThresholdChoice best;

	memset(&best, 0, sizeof(best));
	for (int m = 0; m <= max_met; m++)
	{
		double		w = 0,
					l = 0;

		for (int i = 0; i < n; i++)
		{
			ThresholdChoice c;

			if (g[i].gate && g[i].met >= m)
			{
				w += g[i].won;
				l += g[i].lost;
			}
			if (i + 1 < n && g[i + 1].score100 == g[i].score100)
				continue;
			if (w + l <= 0)
				continue;
			/* the rows so far: every score down to this one */
			c.found = true;
			c.min_met = m;
			c.pass_score = g[i].score100 / 100.0;
			/* (sums of weights in another order than the totals': at most 1) */
			c.precision = w / (w + l);
			c.recall = Min(1.0, w / won);
			c.f1 = c.precision + c.recall > 0 ? 2 * c.precision * c.recall / (c.precision + c.recall) : 0;
			c.selected = Min(1.0, (w + l) / (won + lost));
			if (better(goal, &c, &best))
				best = c;
		}
	}
	return best;
}

/*
 * From the groups of a scoring pass: the AUC, the calibration, the tiers
 * and the thresholds for the goal.  The groups are sorted here.
 */
void
ThresholdsFromGroups(LearnGroup *g, int n, int max_met, const LearnGoalSpec *goal,
					 ThresholdResult *r)
{
	double		won = 0,
				lost = 0;

	for (int i = 0; i < n; i++)
	{
		won += g[i].won;
		lost += g[i].lost;
	}
	memset(r, 0, sizeof(*r));
	r->won = won;
	r->lost = lost;
	if (!(won > 0 && lost > 0))
		return;
	qsort(g, n, sizeof(LearnGroup), score_desc_cmp);
	r->auc = groups_auc(g, n, won, lost);
	platt(g, n, won, lost, &r->cal_intercept, &r->cal_slope);
	r->tiers[0] = score_at_share(g, n, won + lost, 0.25);
	r->tiers[1] = score_at_share(g, n, won + lost, 0.50);
	r->tiers[2] = score_at_share(g, n, won + lost, 0.75);
	r->choice = choose(g, n, won, lost, max_met, goal);
}

/* Step 6 of learn(): the learned model (JSON, unscored) against its rows. */
void
LearnScore(Learn *l, const char *model)
{
	int			n;
	int			max_met = 0;
	LearnGroup *g = LearnScorePass(l, ModelCompile(model, strlen(model)), &n);
	ThresholdResult r;

	for (int i = 0; i < l->ncriteria; i++)
		if (l->tmpl != NULL || l->criteria[i].weight > 0)
			max_met++;
	ThresholdsFromGroups(g, n, max_met, &l->opt.goal, &r);
	if (!r.choice.found)
		return;
	l->scored = true;
	l->train_auc = r.auc;
	l->cal_intercept = r.cal_intercept;
	l->cal_slope = r.cal_slope;
	memcpy(l->tiers, r.tiers, sizeof(l->tiers));
	l->min_met = r.choice.min_met;
	l->pass_score = r.choice.pass_score;
	l->precision = r.choice.precision;
	l->recall = r.choice.recall;
	l->f1 = r.choice.f1;
	l->selected = r.choice.selected;
}
