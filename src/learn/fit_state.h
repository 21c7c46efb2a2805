/*-------------------------------------------------------------------------
 *
 * fit_state.h
 *	  lead_qual.fit_state: the sums one pass of learn()'s fit adds up over
 *	  the rows (fit.c), and the spec that says how a row's values become
 *	  the indicators the fit weighs (fit_spec.c).
 *
 * learn() fits a logistic regression on indicators: each criterion's
 * values fall into bins (a bin per kept text value, one for the others,
 * one per numeric band, false and true, met and unmet) and a bin for
 * unknown; a row has exactly one bin of each criterion set, plus the
 * intercept.  With K bins in all (the intercept is bin 0), a Newton step
 * needs the gradient (K numbers) and the Hessian (K x K, symmetric: its
 * upper triangle) of the weighted log-likelihood at the coefficients
 * given, and the log-likelihood itself.  They are sums over the rows.
 *
 * The sums are exact: every row's terms are rounded once to fixed point
 * (FIT_FIXED_BITS bits after the binary point) and added as 128-bit
 * integers, so a pass gives the same sums, to the bit, whatever the order
 * of the rows and however partial states are combined (parallel workers,
 * Citus nodes).  learn() is therefore reproducible: the same rows give the
 * same model, serial or parallel.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_FIT_STATE_H
#define LQ_FIT_STATE_H

#include "postgres.h"

#include "common/int128.h"
#include "fmgr.h"

#include "compat.h"
#include "learn/fit_spec.h"

#define LQ_FIT_STATE_TYPE	"lead_qual.fit_state"
#define FIT_STATE_VERSION	1
#define FIT_FIXED_BITS		32
#define FIT_FIXED_ONE		4294967296.0	/* 2^32 */

typedef struct FitState
{
	int32		vl_len_;
	uint8		version;
	uint8		unused[3];
	int32		nbins;			/* K */
	uint32		spec_hash;		/* of the spec the sums were made with */
	uint32		unused2;
	int64		rows;			/* rows added (with an outcome) */
	INT128		loglik;			/* sum of w * log p(outcome) */
	INT128		sums[FLEXIBLE_ARRAY_MEMBER];	/* grad[K], then hess[K(K+1)/2] */
} FitState;

#define FIT_NHESS(k)		((Size) (k) * ((k) + 1) / 2)
#define FIT_NSUMS(k)		((Size) (k) + FIT_NHESS(k))
#define FIT_STATE_SIZE(k)	(offsetof(FitState, sums) + sizeof(INT128) * FIT_NSUMS(k))
#define FIT_GRAD(s)			((s)->sums)
#define FIT_HESS(s)			((s)->sums + (s)->nbins)
/* the Hessian's entry (i, j), i <= j, in the upper triangle by rows */
#define FIT_HIDX(k, i, j)	((Size) (i) * (k) - (Size) (i) * ((i) - 1) / 2 + ((j) - (i)))

extern FitState *FitStateArg(FunctionCallInfo fcinfo, int argno, bool copy);
extern FitState *FitStateNew(int nbins, uint32 spec_hash);

#endif							/* LQ_FIT_STATE_H */
