/*-------------------------------------------------------------------------
 *
 * fit_spec.h
 *	  How learn()'s fit reads a row: the criteria, where their values come
 *	  from, and which bin each value falls in (fit_spec.c).
 *
 * The spec is a JSON object that learn() writes and passes to every pass
 * of the fit (the aggregate learn_fit, fit.c):
 *
 *	 {"version": 1, "as_of_day": 9497,
 *	  "criteria": [{"source": "lead_source", "kind": "values", "values": ["google", "olark chat"]},
 *				   {"source": "time_on_site", "kind": "bands", "cuts": [12, 250, 900]},
 *				   {"source": "do_not_email", "kind": "boolean"},
 *				   {"source": "timeframe", "kind": "graded", "rule": "{\"type\": \"within_days\", \"days\": 90}"}]}
 *
 * A criterion's bins: 0 is unknown; then for "values" 1 for a value not
 * listed and 2 + i for values[i] (compared folded: blanks around them
 * dropped, ASCII letters in lower case); for "bands" 1 + the number of
 * cuts <= the value; for "boolean" 1 false, 2 true; for "graded" (a rule
 * of a template model, given as its JSON text and judged as of the day
 * as_of_day, in days since 2000-01-01) 1 unmet, 2 met.  The criteria's bins
 * follow each other after the intercept (bin 0 of the whole): a criterion
 * starts at its offset.  A criterion may give its "key", named in the
 * errors about its values.
 *
 * The values are read and judged by the scoring code itself (evidence.c,
 * grade.c), through a model whose rules tell the bins apart by their
 * grades: numbers, booleans and text are read exactly as score() reads
 * them, with the same errors.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_FIT_SPEC_H
#define LQ_FIT_SPEC_H

#include "postgres.h"

#include "compat.h"
#include "model/model.h"
#include "scoring/evidence.h"
#include "scoring/grade.h"

#define LQ_MAX_FIT_BINS		512 /* K: the intercept and every bin */

typedef enum FitKind
{
	FIT_VALUES,
	FIT_BANDS,
	FIT_BOOLEAN,
	FIT_GRADED
} FitKind;

typedef struct FitCriterion
{
	FitKind		kind;
	char	   *source;			/* the column or jsonb key, for messages */
	int			offset;			/* the index of its bin 0 among all bins */
	int			nbins;			/* its bins, unknown included */
	int			nvalues;		/* values: how many are listed */
	int			ncuts;			/* bands: increasing */
	double	   *cuts;
} FitCriterion;

typedef struct FitSpec
{
	int			ncriteria;
	FitCriterion *criteria;
	int			nbins;			/* K: the intercept and every criterion's bins */
	uint32		hash;			/* of the spec's text */
	LqModel    *reader;			/* reads and grades the criteria's values */
	LqAsOf		asof;			/* for graded criteria */
} FitSpec;

extern FitSpec *FitSpecParse(const char *text, int len);
extern int	FitBin(const FitSpec *spec, int c, const LqValue *v);

#endif							/* LQ_FIT_SPEC_H */
