/*-------------------------------------------------------------------------
 *
 * convert.h
 *	  Numbers and dates to and from text, the same whatever the session's
 *	  settings (DateStyle, TimeZone, extra_float_digits, lc_numeric), so
 *	  that the functions using them can be IMMUTABLE.
 *
 * Dates are counted in days since 2000-01-01, as PostgreSQL's DateADT,
 * with its DATEVAL_NOBEGIN and DATEVAL_NOEND for -infinity and infinity.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_CONVERT_H
#define LQ_CONVERT_H

#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "utils/numeric.h"

#include "compat.h"

/*
 * Scores and points are kept to six decimals, so that 75 does not come out
 * as 74.99999999999999 and sums do not depend on the order of their terms.
 */
static inline double
RoundTo(double x, int decimals)
{
	double		scale = pow(10, decimals);

	return rint(x * scale) / scale;
}

static inline double
Round6(double x)
{
	return RoundTo(x, 6);
}

extern bool ParseDecimal(const char *s, int len, double *out);
extern bool ParseIsoDate(const char *s, int len, int32 *days);
extern double NumericToDouble(Numeric n);
extern void AppendNumber(StringInfo out, double v);
extern void AppendNumberOrNull(StringInfo out, bool isnull, double v);
extern char *NumberText(double v);
extern char *DateText(int32 days);

#endif							/* LQ_CONVERT_H */
