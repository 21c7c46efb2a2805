/*-------------------------------------------------------------------------
 *
 * learn.h
 *	  learn(): a model learned from the won and lost leads of a table.
 *
 * learn.c reads the arguments and options and runs the steps; the data
 * come from learn_data.c (every pass over the rows is a query of
 * combinable aggregates, run through SPI); the fit is solved in
 * learn_fit.c (Newton's method on the sums fit.c adds up); learn_model.c
 * turns the coefficients into a readable model; thresholds.c calibrates
 * it and chooses its pass mark.
 *
 * How it learns:
 *	 1. One pass counts, for every criterion, the won and lost rows of each
 *		value (text), of each distinct number (a histogram), of true and
 *		false, and of unknown.  Text values seen at least min_rows times are
 *		kept (at most LEARN_MAX_KEPT); the others are grouped as "other".
 *		Numbers are cut into bands at quantiles.
 *	 2. A criterion that ranks won above lost almost perfectly on its own
 *		(leak_auc) was probably filled in after the outcome: it is left out
 *		unless the options keep it.
 *	 3. A ridge-regularised logistic regression on the bins (one indicator
 *		per bin, unknown a bin of its own) is fitted by Newton's method, one
 *		pass per iteration.
 *	 4. A criterion whose coefficients do not carry more information than
 *		their number (Wald statistic <= noise * degrees of freedom, Akaike's
 *		criterion for noise = 2) is noise: it is left out (weight 0 in a
 *		template), and the rest is fitted again.
 *	 5. Each criterion's coefficients become grades 0-10 (the best bin 10,
 *		the worst 0) and its weight the distance between them, so that the
 *		score is a linear function of the fitted log-odds: it ranks the leads
 *		as the fit does.  Unknown gets its own grade (unknown_grade).
 *	 6. One pass scores the training rows with the learned model: the
 *		calibration (P(won) from the score), the tiers (score quartiles) and
 *		the thresholds (pass_score, min_met) for the goal come from it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_LEARN_H
#define LQ_LEARN_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/array.h"
#include "utils/jsonb.h"

#include "compat.h"
#include "learn/fit_spec.h"
#include "learn/thresholds.h"
#include "model/model.h"

#define LEARN_MAX_KEPT		255		/* text values kept per criterion */
#define LEARN_MAX_DISTINCT	10000	/* distinct text values a criterion may have */
#define LEARN_MAX_ITER		30		/* Newton iterations */
#define LEARN_EMPTY_BIN		1e-9	/* a bin with less weight than this has no rows */
#define LEARN_MAX_WEIGHT_RATIO 1e6	/* the largest weight, in means (learn_fit's limit) */

typedef struct LearnOptions
{
	char	   *name;			/* NULL: the default */
	char	   *label;
	double		regularization; /* ridge, in rows */
	int			bands;
	int			min_rows;
	double		leak_auc;
	double		noise;			/* per degree of freedom */
	char	   *weight;			/* a column, or NULL */
	char	   *evidence;		/* a jsonb column, or NULL: the row */
	char	  **keep;			/* criteria kept whatever they look like */
	int			nkeep;
	LearnGoalSpec goal;
	TimestampTz as_of;			/* for the date rules of a template */
} LearnOptions;

/* A value of a text criterion and its rows. */
typedef struct LearnValue
{
	char	   *folded;
	char	   *shown;			/* as the rows write it */
	int64		won;
	int64		lost;
} LearnValue;

typedef struct LearnCriterion
{
	char	   *key;
	char	   *label;
	char	   *source;
	FitKind		kind;
	const LqCriterion *tmpl;	/* the template's criterion, or NULL */

	/* the first pass */
	int64		unknown_won;
	int64		unknown_lost;
	int			nvalues;		/* values: every distinct one, then the kept first */
	int			room;
	LearnValue *values;
	int			nkept;
	int			ncuts;			/* bands */
	double	   *cuts;
	int			nbins;			/* known bins (other, values, bands, false/true) */
	double	   *bin_rows;		/* rows (weighted) per bin, 0 = unknown, then 1.. */
	double	   *bin_won;
	double		alone_auc;		/* how well it ranks the rows on its own */

	/* what became of it */
	bool		leak;
	bool		noise;
	double		wald;
	int			df;
	int			offset;			/* its bin 0 in the fit, or -1 when left out */
	double	   *theta;			/* its coefficients, bin 0 (unknown) first */

	/* as the model shows it (learn_model.c) */
	double	   *grade;			/* per bin, 0-10; NaN: none (unknown) */
	double		weight;
	double		pass;
	bool		has_unknown_grade;
	double		unknown_grade;
	bool		against;		/* a template's rule, met less often won than unmet */
} LearnCriterion;

typedef struct Learn
{
	const char *fn;				/* "learn()" or "choose_thresholds()", for messages */
	LearnOptions opt;
	Oid			source;
	char	   *source_sql;		/* quoted, schema-qualified */
	char	   *alias;			/* of the source in the queries: no column's name */
	char	   *outcome;
	const LqModel *tmpl;		/* the template, or NULL */
	int			ncriteria;
	LearnCriterion *criteria;
	int64		won;
	int64		lost;
	double		mean_weight;
	int			ninfit;			/* criteria in the fit */
	int			nbins;			/* K */
	double	   *theta;			/* K */

	/* from the pass over the rows scored by the learned model (thresholds.c) */
	bool		scored;
	int			min_met;
	double		pass_score;
	double		tiers[3];		/* A, B, C */
	double		cal_intercept;
	double		cal_slope;
	double		train_auc;
	double		precision;		/* of qualified at the thresholds */
	double		recall;
	double		f1;
	double		selected;		/* share of the rows qualified */
} Learn;

/* learn_args.c */
extern void LearnSetSource(Learn *l, Oid relid, const char *outcome);
extern Oid	LearnColumnType(Learn *l, const char *column, const char *what);
extern void LearnParseOptions(Learn *l, Jsonb *options, bool learning);
extern void LearnCriteriaFromNames(Learn *l, ArrayType *names);
extern void LearnCriteriaFromTemplate(Learn *l, const LqModel *m);
extern void LearnCheckKeep(Learn *l);

/* learn_data.c */
extern void LearnKeyKinds(Learn *l, bool set_kinds);
extern void LearnCountRows(Learn *l);
extern void LearnFirstPass(Learn *l);
extern char *LearnFitSpec(Learn *l);
extern void LearnFitPass(Learn *l, const char *spec, const double *theta, double *grad,
						 double *hess, double *loglik);
extern char *LearnRowSql(Learn *l, const char *what);
extern LearnGroup *LearnScorePass(Learn *l, const struct varlena *model, int *ngroups);

/* learn_fit.c */
extern void LearnFit(Learn *l);

/* learn_model.c */
extern void LearnGrades(Learn *l);
extern char *LearnModelJson(Learn *l);

/* thresholds.c */
extern void LearnScore(Learn *l, const char *model);

#endif							/* LQ_LEARN_H */
