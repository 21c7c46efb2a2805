/*-------------------------------------------------------------------------
 *
 * convert.c
 *	  Numbers and dates to and from text, independent of settings
 *	  (convert.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/shortest_dec.h"
#include "datatype/timestamp.h"
#include "utils/date.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"

#include "base/convert.h"
#include "base/text_util.h"

/*
 * A plain decimal number, with optional sign, fraction and exponent, and
 * blanks around it.  Not NaN, Infinity or hexadecimal, which strtod takes.
 */
bool
ParseDecimal(const char *s, int len, double *out)
{
	char		buf[128];
	int			i = 0,
				digits = 0;

	TrimBlanks(&s, &len);
	if (len == 0 || len >= (int) sizeof(buf))
		return false;
	if (s[i] == '+' || s[i] == '-')
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < len && s[i] == '.')
	{
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (digits == 0)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		int			expdigits = 0;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, expdigits++;
		if (expdigits == 0)
			return false;
	}
	if (i != len)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return true;
}

static bool
take_digits(const char *s, int len, int *pos, int n, int *out)
{
	int			v = 0;

	if (*pos + n > len)
		return false;
	for (int i = 0; i < n; i++)
	{
		char		c = s[*pos + i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*pos += n;
	*out = v;
	return true;
}

/*
 * An ISO 8601 date, YYYY-MM-DD, optionally followed by a time and a UTC
 * offset (2026-11-22T09:30:00+01:00).  With an offset the date is taken in
 * UTC, as for timestamptz columns; without one, as written.  The result
 * does not depend on DateStyle or TimeZone.
 */
bool
ParseIsoDate(const char *s, int len, int32 *days)
{
	int			pos = 0,
				y,
				mo,
				d,
				h = 0,
				mi = 0,
				sec = 0,
				offset = 0;
	int64		jd;

	TrimBlanks(&s, &len);
	if (!take_digits(s, len, &pos, 4, &y) || pos >= len || s[pos++] != '-' ||
		!take_digits(s, len, &pos, 2, &mo) || pos >= len || s[pos++] != '-' ||
		!take_digits(s, len, &pos, 2, &d))
		return false;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 ||
		d > day_tab[isleap(y)][mo - 1])
		return false;
	if (pos < len)
	{
		if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')
			return false;
		pos++;
		if (!take_digits(s, len, &pos, 2, &h) || pos >= len || s[pos++] != ':' ||
			!take_digits(s, len, &pos, 2, &mi))
			return false;
		if (pos < len && s[pos] == ':')
		{
			pos++;
			if (!take_digits(s, len, &pos, 2, &sec))
				return false;
			if (pos < len && (s[pos] == '.' || s[pos] == ','))
			{
				pos++;
				if (pos >= len || s[pos] < '0' || s[pos] > '9')
					return false;
				while (pos < len && s[pos] >= '0' && s[pos] <= '9')
					pos++;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return false;
		if (pos < len && (s[pos] == 'Z' || s[pos] == 'z'))
			pos++;
		else if (pos < len && (s[pos] == '+' || s[pos] == '-'))
		{
			int			sign = (s[pos] == '-') ? -1 : 1;
			int			oh,
						om = 0;

			pos++;
			if (!take_digits(s, len, &pos, 2, &oh))
				return false;
			if (pos < len && s[pos] == ':')
			{
				pos++;
				if (!take_digits(s, len, &pos, 2, &om))
					return false;
			}
			else if (pos < len && !take_digits(s, len, &pos, 2, &om))
				return false;
			if (oh > 15 || om > 59)
				return false;
			offset = sign * (oh * 3600 + om * 60);
		}
		if (pos != len)
			return false;
	}
	jd = date2j(y, mo, d) - POSTGRES_EPOCH_JDATE;
	if (offset != 0)
	{
		int			utc = h * 3600 + mi * 60 + sec - offset;

		if (utc < 0)
			jd--;
		else if (utc >= SECS_PER_DAY)
			jd++;
	}
	*days = (int32) jd;
	return true;
}

/* A numeric as a double: an error only for NaN's sake is not wanted. */
double
NumericToDouble(Numeric n)
{
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
											  NumericGetDatum(n)));
}

/* v in its shortest exact decimal form, whatever extra_float_digits says. */
void
AppendNumber(StringInfo out, double v)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, buf);
	appendStringInfoString(out, buf);
}

/* JSON null when isnull, else v as AppendNumber writes it. */
void
AppendNumberOrNull(StringInfo out, bool isnull, double v)
{
	if (isnull)
		appendStringInfoString(out, "null");
	else
		AppendNumber(out, v);
}

/* A number as messages and results write it (see AppendNumber). */
char *
NumberText(double v)
{
	StringInfoData s;

	initStringInfo(&s);
	AppendNumber(&s, v);
	return s.data;
}

/* A date as YYYY-MM-DD (BC years as PostgreSQL writes them), whatever DateStyle says. */
char *
DateText(int32 days)
{
	int			y,
				m,
				d;

	if (days == DATEVAL_NOBEGIN)
		return pstrdup("-infinity");
	if (days == DATEVAL_NOEND)
		return pstrdup("infinity");
	j2date(days + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	if (y <= 0)
		return psprintf("%04d-%02d-%02d BC", 1 - y, m, d);
	return psprintf("%04d-%02d-%02d", y, m, d);
}
