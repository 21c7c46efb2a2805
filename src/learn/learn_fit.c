/*-------------------------------------------------------------------------
 *
 * learn_fit.c
 *	  learn()'s fit (learn.h): leaks out, a ridge-regularised logistic
 *	  regression on the criteria's bins by Newton's method, noise out, and
 *	  the fit again.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "base/convert.h"
#include "base/text_util.h"
#include "learn/learn.h"
#include "learn/solve.h"

#define CONVERGED		1e-5	/* the largest step of a coefficient (weights have 3 decimals) */
#define QUADRATIC_FROM	1e-2	/* steps below this may predict the next (newton()) */


typedef struct FitWork
{
	int			k;
	double	   *grad;
	double	   *hess;
	double	   *a;				/* the system solved */
	double	   *step;
	double		ll;				/* the log-likelihood of the last pass */
	bool		have_pass;		/* the sums of a pass at l->theta are there */
} FitWork;

static void
work_init(FitWork *w, int k)
{
	w->k = k;
	w->grad = palloc(sizeof(double) * k);
	w->hess = palloc(sizeof(double) * k * k);
	w->a = palloc(sizeof(double) * k * k);
	w->step = palloc(sizeof(double) * k);
	w->have_pass = false;
}

/* The penalised matrix H + lambda I (not on the intercept), in w->a, factored. */
static void
penalised_factor(Learn *l, FitWork *w)
{
	int			k = w->k;

	memcpy(w->a, w->hess, sizeof(double) * k * k);
	for (int i = 1; i < k; i++)
		w->a[i * k + i] += l->opt.regularization;
	if (!CholeskyFactor(w->a, k))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learn(): the fit has no unique solution"),
				 errhint("Set the option \"regularization\" above 0 (the default is 1).")));
}

/*
 * Newton's method on the penalised log-likelihood from l->theta (K of the
 * current spec), one pass per iteration (the first one's sums may be in w
 * already); leaves the last pass's sums in w.  Those are at coefficients
 * one last small step from the ones found (below CONVERGED, or below
 * QUADRATIC_FROM with the next one predicted below CONVERGED / 10): the
 * covariance for the Wald test is taken from them, without another pass.
 */
static void
newton(Learn *l, const char *spec, FitWork *w)
{
	int			k = l->nbins;
	double		lambda = l->opt.regularization;
	double		prev = -INFINITY;
	double	   *last = palloc(sizeof(double) * k);
	double		ll;
	double		prev_step = 0;
	bool		converged = false;

	for (int it = 1; it <= LEARN_MAX_ITER; it++)
	{
		double		penalised;
		double		largest = 0;

		if (w->have_pass)
			ll = w->ll;
		else
			LearnFitPass(l, spec, l->theta, w->grad, w->hess, &ll);
		w->have_pass = false;
		penalised = ll;
		for (int i = 1; i < k; i++)
			penalised -= 0.5 * lambda * l->theta[i] * l->theta[i];
		if (penalised < prev - 1e-9 * fabs(prev))
		{
			/* the last step went too far: halve it, and look again */
			double		half = 0;

			for (int i = 0; i < k; i++)
			{
				w->step[i] *= 0.5;
				l->theta[i] = last[i] + w->step[i];
				half = Max(half, fabs(w->step[i]));
			}
			if (half < CONVERGED)
			{
				/* no step improves on where it was: that is the optimum */
				memcpy(l->theta, last, sizeof(double) * k);
				converged = true;
				break;
			}
			continue;
		}
		prev = penalised;
		penalised_factor(l, w);
		for (int i = 0; i < k; i++)
			w->step[i] = w->grad[i] - (i > 0 ? lambda * l->theta[i] : 0);
		CholeskySolve(w->a, k, w->step);
		memcpy(last, l->theta, sizeof(double) * k);
		for (int i = 0; i < k; i++)
		{
			l->theta[i] += w->step[i];
			largest = Max(largest, fabs(w->step[i]));
		}
		elog(DEBUG1, "learn(): Newton iteration %d, log-likelihood %.6f, largest step %g",
			 it, ll, largest);
		/*
		 * Converged when this step was below CONVERGED, or when Newton's
		 * quadratic convergence (each step about c times the previous one
		 * squared, c estimated from the last two) puts the next step below
		 * a tenth of it: then another pass would only confirm it.
		 */
		if (largest < CONVERGED ||
			(prev_step > 0 && largest < QUADRATIC_FROM &&
			 largest * largest * largest / (prev_step * prev_step) < CONVERGED / 10))
		{
			converged = true;
			break;
		}
		prev_step = largest;
	}
	if (!converged)
		ereport(NOTICE,
				(errmsg("learn(): the fit did not converge in %d passes; the model is the last step's",
						LEARN_MAX_ITER),
				 errhint("A larger \"regularization\" makes the fit converge sooner.")));
	pfree(last);
}

/* The AUC of ranking the rows by the win rate of their bin, ties half. */
static double
alone_auc(const double *rows, const double *won, int n)
{
	double	   *rate = palloc(sizeof(double) * n);
	double		twon = 0,
				tlost = 0,
				sum = 0;

	for (int i = 0; i < n; i++)
	{
		rate[i] = rows[i] > LEARN_EMPTY_BIN ? won[i] / rows[i] : -1;
		twon += rows[i] > LEARN_EMPTY_BIN ? won[i] : 0;
		tlost += rows[i] > LEARN_EMPTY_BIN ? rows[i] - won[i] : 0;
	}
	if (!(twon > 0 && tlost > 0))
		return 0.5;
	for (int i = 0; i < n; i++)
	{
		if (rate[i] < 0)
			continue;
		for (int j = 0; j < n; j++)
		{
			double		lost_j;

			if (rate[j] < 0)
				continue;
			lost_j = rows[j] - won[j];
			if (rate[j] < rate[i])
				sum += won[i] * lost_j;
			else if (rate[j] == rate[i])
				sum += 0.5 * won[i] * lost_j;
		}
	}
	pfree(rate);
	return sum / (twon * tlost);
}

static bool
kept_by_options(Learn *l, const LearnCriterion *c)
{
	for (int i = 0; i < l->opt.nkeep; i++)
		if (strcmp(l->opt.keep[i], c->key) == 0 || strcmp(l->opt.keep[i], c->source) == 0)
			return true;
	return false;
}

/*
 * The first pass of the fit, at the intercept alone, counts every bin: with
 * p0 the same for all rows, H_ii = p0 (1 - p0) W_i and g_i = Won_i - p0 W_i.
 * Criteria that rank the rows almost perfectly on their own are leaks.
 */
static void
count_bins_and_leaks(Learn *l, const char *spec, FitWork *w)
{
	int			k = l->nbins;
	double		p0 = 1.0 / (1.0 + exp(-l->theta[0]));
	double		ll;

	LearnFitPass(l, spec, l->theta, w->grad, w->hess, &ll);
	w->ll = ll;
	w->have_pass = true;
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];
		int			nb = 1 + c->nbins;

		if (c->offset < 0)
			continue;
		c->bin_rows = palloc(sizeof(double) * nb);
		c->bin_won = palloc(sizeof(double) * nb);
		for (int b = 0; b < nb; b++)
		{
			int			j = c->offset + b;

			c->bin_rows[b] = w->hess[j * k + j] / (p0 * (1 - p0));
			c->bin_won[b] = Max(0, Min(c->bin_rows[b], w->grad[j] + p0 * c->bin_rows[b]));
		}
		c->alone_auc = alone_auc(c->bin_rows, c->bin_won, nb);
		if (c->alone_auc >= l->opt.leak_auc && !kept_by_options(l, c))
		{
			c->leak = true;
			ereport(NOTICE,
					(errmsg("learn(): \"%s\" alone ranks won above lost with an AUC of %s: it was probably filled in after the outcome, and is left out",
							c->source, NumberText(Round6(c->alone_auc))),
					 errhint("To learn from it all the same, name it in the option \"keep\".")));
		}
	}
}

/*
 * The Wald statistic of a criterion's coefficients on its bins with rows,
 * against the covariance inv (K x K): how much they say, and the degrees of
 * freedom (bins with rows, less one).
 */
static double
wald(Learn *l, const LearnCriterion *c, const double *inv, int *df)
{
	int			k = l->nbins;
	int			nb = 1 + c->nbins;
	int		   *p = palloc(sizeof(int) * nb);
	int			n = 0;
	double	   *a;
	double	   *t;
	double		stat = 0;

	for (int b = 0; b < nb; b++)
		if (c->bin_rows[b] > LEARN_EMPTY_BIN)
			p[n++] = c->offset + b;
	*df = n - 1;
	if (n <= 1)
		return 0;
	a = palloc(sizeof(double) * n * n);
	t = palloc(sizeof(double) * n);
	for (int i = 0; i < n; i++)
	{
		for (int j = 0; j < n; j++)
			a[i * n + j] = inv[p[i] * k + p[j]];
		t[i] = l->theta[p[i]];
	}
	if (!CholeskyFactor(a, n))
		return 0;
	{
		double	   *x = palloc(sizeof(double) * n);

		memcpy(x, t, sizeof(double) * n);
		CholeskySolve(a, n, x);
		for (int i = 0; i < n; i++)
			stat += t[i] * x[i];
	}
	return stat;
}

/* The coefficients of a new spec: the intercept and the kept criteria's. */
static double *
carry_theta(Learn *l, const int *old_offset, const double *old_theta)
{
	double	   *theta = palloc0(sizeof(double) * l->nbins);

	theta[0] = old_theta[0];
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];

		if (c->offset >= 0 && old_offset[i] >= 0)
			memcpy(&theta[c->offset], &old_theta[old_offset[i]], sizeof(double) * (1 + c->nbins));
	}
	return theta;
}

/* The whole fit (learn.h, steps 2 to 4); l->theta and each criterion's theta set. */
void
LearnFit(Learn *l)
{
	char	   *spec;
	FitWork		w;
	int		   *old_offset = palloc(sizeof(int) * l->ncriteria);
	double	   *inv;
	bool		any_noise = false;
	bool		any_leak = false;
	int			left = 0;

	/* every criterion, at the intercept alone: bins and leaks */
	spec = LearnFitSpec(l);
	l->theta = palloc0(sizeof(double) * l->nbins);
	l->theta[0] = log((double) l->won / (double) l->lost);
	work_init(&w, l->nbins);
	count_bins_and_leaks(l, spec, &w);

	/* without the leaks (without any: that pass was Newton's first) */
	for (int i = 0; i < l->ncriteria; i++)
	{
		old_offset[i] = l->criteria[i].offset;
		any_leak |= l->criteria[i].leak;
	}
	if (any_leak)
	{
		spec = LearnFitSpec(l);
		if (l->ninfit == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("learn(): every criterion was left out as a leak")));
		l->theta = carry_theta(l, old_offset, l->theta);
		work_init(&w, l->nbins);
	}
	newton(l, spec, &w);

	/* noise: criteria that say no more than their degrees of freedom */
	penalised_factor(l, &w);
	inv = palloc(sizeof(double) * l->nbins * l->nbins);
	CholeskyInverse(w.a, l->nbins, inv);
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];

		if (c->offset < 0)
			continue;
		c->wald = wald(l, c, inv, &c->df);
		if ((c->df == 0 || c->wald <= l->opt.noise * c->df) && !kept_by_options(l, c))
		{
			c->noise = true;
			any_noise = true;
		}
		else
			left++;
	}
	if (left == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learn(): no criterion tells won from lost leads in %s", l->source_sql),
				 errdetail("Every criterion's coefficients say no more than their number (Wald statistic at most %s per degree of freedom).",
						   NumberText(l->opt.noise))));
	if (any_noise)
	{
		for (int i = 0; i < l->ncriteria; i++)
			old_offset[i] = l->criteria[i].offset;
		spec = LearnFitSpec(l);
		l->theta = carry_theta(l, old_offset, l->theta);
		work_init(&w, l->nbins);
		newton(l, spec, &w);
	}
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];

		c->theta = c->offset >= 0 ? &l->theta[c->offset] : NULL;
	}
}
