/*-------------------------------------------------------------------------
 *
 * engagement_state.h
 *	  lead_qual.engagement_state, the state of the engagement aggregate
 *	  (engagement.c), and its fixed-point sums; its text and binary forms
 *	  are in engagement_state.c.
 *
 * The sums are 64-bit fixed-point numbers with 28 bits after the binary
 * point: each event's decayed points are rounded once, to 2^-28 (about
 * 4e-9), and from then on adding and subtracting are exact.  A sum holds
 * up to 2^35 (about 34 billion) points either way.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_ENGAGEMENT_STATE_H
#define LQ_ENGAGEMENT_STATE_H

#include "postgres.h"

#include "fmgr.h"

#include "common/int.h"

#include "compat.h"

#define LQ_ENGAGEMENT_STATE_TYPE	"lead_qual.engagement_state"

#define ENG_STATE_VERSION	1
#define ENG_SF_CAP			0x01
#define ENG_SF_FLOOR		0x02
#define ENG_FIXED_BITS		28
#define ENG_FIXED_ONE		268435456.0 /* 2^28: one point */
#define ENG_FIXED_FRAC_MASK ((INT64CONST(1) << ENG_FIXED_BITS) - 1)

typedef struct EngSum
{
	int64		sum;			/* points, times 2^28 */
	double		cap;			/* unused for accum 0 (the kinds without a cap) */
	int32		accum;			/* which sum of the rules (LqKind.accum) */
	int32		unused;
} EngSum;

typedef struct EngState
{
	int32		vl_len_;
	uint32		fingerprint;	/* of the rules */
	int64		events;			/* events counted */
	int64		not_counted;	/* events of unknown kinds, or after as_of */
	double		cap;
	double		floor;
	uint8		version;
	uint8		flags;
	uint16		nsums;			/* sums present, in order of accum */
	uint16		room;			/* sums there is room for */
	uint16		unused;
	EngSum		sums[FLEXIBLE_ARRAY_MEMBER];
} EngState;

#define ENG_STATE_SIZE(n)	(offsetof(EngState, sums) + sizeof(EngSum) * (n))

extern EngState *EngStateArg(FunctionCallInfo fcinfo, int argno, bool copy);
pg_noreturn extern void EngOutOfRange(void);

/* Add v to *sum; the sum stays within (-2^63, 2^63), what its text can hold. */
static inline void
FixedAdd(int64 *sum, int64 v)
{
	if (unlikely(pg_add_s64_overflow(*sum, v, sum) || *sum == PG_INT64_MIN))
		EngOutOfRange();
}

static inline double
FixedToDouble(int64 f)
{
	return (double) f / ENG_FIXED_ONE;
}

#endif							/* LQ_ENGAGEMENT_STATE_H */
