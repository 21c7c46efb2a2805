/*-------------------------------------------------------------------------
 *
 * engagement_state.c
 *	  lead_qual.engagement_state (engagement_state.h): checking a state
 *	  argument, and the state's text and binary forms.
 *
 * A distributed engine such as Citus ships partial states between nodes as
 * their text, so the text is exact: each sum as the exact decimal of its
 * fixed-point value.  The input functions check everything a state must
 * satisfy, so a hand-written state is an error or a valid state, never a
 * crash or a wrong answer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "base/binary.h"
#include "base/convert.h"
#include "base/fmgr_util.h"
#include "base/json_fields.h"
#include "base/json_tree.h"
#include "engagement/engagement_state.h"
#include "engagement/rules.h"

void
EngOutOfRange(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("engagement(): a lead's points of one kind are out of range"),
			 errdetail("A sum of points holds at most 34359738367 either way.")));
}

/*
 * Exact decimal text of f: the integer part, and the fraction (a multiple
 * of 2^-28, so at most 28 decimal digits) without trailing zeros.
 */
static void
fixed_append_text(StringInfo out, int64 f)
{
	uint64		a = f < 0 ? -(uint64) f : (uint64) f;
	uint64		frac = a & ENG_FIXED_FRAC_MASK;

	appendStringInfo(out, "%s" UINT64_FORMAT, f < 0 ? "-" : "", a >> ENG_FIXED_BITS);
	if (frac != 0)
	{
		appendStringInfoChar(out, '.');
		while (frac != 0)
		{
			frac *= 10;
			appendStringInfoChar(out, (char) ('0' + (frac >> ENG_FIXED_BITS)));
			frac &= ENG_FIXED_FRAC_MASK;
		}
	}
}

/*
 * Parse the text fixed_append_text writes; false unless s is exactly such a
 * text (canonical: no plus sign, no leading or trailing zeros, no "-0").
 */
static bool
fixed_parse(const char *s, int64 *f)
{
	const char *p = s;
	bool		neg = false;
	uint64		whole = 0;
	uint64		frac = 0;
	uint64		a;
	StringInfoData again;
	bool		ok;

	if (*p == '-')
		neg = true, p++;
	if (!(*p >= '0' && *p <= '9'))
		return false;
	for (; *p >= '0' && *p <= '9'; p++)
	{
		whole = whole * 10 + (uint64) (*p - '0');
		if (whole > (UINT64CONST(1) << (63 - ENG_FIXED_BITS)))
			return false;		/* too large */
	}
	if (*p == '.')
	{
		int			n;

		p++;
		for (n = 0; p[n] >= '0' && p[n] <= '9'; n++)
			;
		if (n == 0 || n > ENG_FIXED_BITS || p[n] != '\0')
			return false;
		/* Horner from the last digit: frac = floor(0.ddd * 2^28) */
		for (int i = n - 1; i >= 0; i--)
			frac = (frac + ((uint64) (p[i] - '0') << ENG_FIXED_BITS)) / 10;
	}
	else if (*p != '\0')
		return false;
	a = (whole << ENG_FIXED_BITS) | frac;
	if (a > (uint64) PG_INT64_MAX)
		return false;
	*f = neg ? -(int64) a : (int64) a;

	/* exactly what we would write? */
	initStringInfo(&again);
	fixed_append_text(&again, *f);
	ok = strcmp(again.data, s) == 0;
	pfree(again.data);
	return ok;
}

/*
 * A state argument, checked to be whole (a value made elsewhere may have
 * been written by hand, see engagement_state_in); a copy when copy is set
 * (a function called outside an aggregate must not change its argument).
 */
EngState *
EngStateArg(FunctionCallInfo fcinfo, int argno, bool copy)
{
	EngState   *s = (EngState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	/* the type is double-aligned, but a copy costs little and is safe */
	if ((uintptr_t) s % MAXIMUM_ALIGNOF != 0)
	{
		EngState   *aligned = palloc(VARSIZE(s));

		memcpy(aligned, s, VARSIZE(s));
		s = aligned;
		copy = false;
	}
	if (VARSIZE(s) < ENG_STATE_SIZE(0) || s->version != ENG_STATE_VERSION ||
		s->room > LQ_MAX_KINDS + 1 || s->nsums > s->room ||
		VARSIZE(s) != ENG_STATE_SIZE(s->room))
		ValueCorrupted(LQ_ENGAGEMENT_STATE_TYPE, "header");
	if (copy)
	{
		EngState   *c = palloc(VARSIZE(s));

		memcpy(c, s, VARSIZE(s));
		s = c;
	}
	return s;
}

/* ---------------- text and binary forms ---------------- */

PG_FUNCTION_INFO_V1(lq_engagement_state_out);
Datum
lq_engagement_state_out(PG_FUNCTION_ARGS)
{
	EngState   *s = EngStateArg(fcinfo, 0, false);
	StringInfoData out;

	initStringInfo(&out);
	appendStringInfo(&out, "{\"version\": %d, \"rules\": \"%08x\", \"events\": " INT64_FORMAT
					 ", \"not_counted\": " INT64_FORMAT ", \"cap\": ",
					 s->version, s->fingerprint, s->events, s->not_counted);
	AppendNumberOrNull(&out, !(s->flags & ENG_SF_CAP), s->cap);
	appendStringInfoString(&out, ", \"floor\": ");
	AppendNumberOrNull(&out, !(s->flags & ENG_SF_FLOOR), s->floor);
	appendStringInfoString(&out, ", \"sums\": [");
	for (int i = 0; i < s->nsums; i++)
	{
		appendStringInfoString(&out, i == 0 ? "{" : ", {");
		if (s->sums[i].accum > 0)
		{
			appendStringInfo(&out, "\"capped_kind\": %d, \"cap\": ", s->sums[i].accum);
			AppendNumber(&out, s->sums[i].cap);
			appendStringInfoString(&out, ", ");
		}
		appendStringInfoString(&out, "\"sum\": \"");
		fixed_append_text(&out, s->sums[i].sum);
		appendStringInfoString(&out, "\"}");
	}
	appendStringInfoString(&out, "]}");
	PG_RETURN_CSTRING(out.data);
}

static const StateText state_text = {
	"lead_qual.engagement_state",
	"Engagement states are made by the engagement aggregate; their text is its output."
};

static double
number_member(const JNode *obj, const char *key, bool *isnull)
{
	const JNode *n = StateTextMember(&state_text, obj, key, JN_NUMBER, isnull != NULL);
	double		v;

	if (n->type == JN_NULL)
	{
		*isnull = true;
		return 0;
	}
	if (isnull)
		*isnull = false;
	v = strtod(n->str, NULL);
	if (!isfinite(v) || fabs(v) > LQ_MAX_CAP)
		StateTextError(&state_text, "\"%s\" is out of range", key);
	return v == 0 ? 0 : v;
}

/* The state written as text (see engagement_state_out); see InputParse. */
static Datum
state_from_text(void *arg)
{
	char	   *text = (char *) arg;
	JNode	   *root = JsonTreeParse(text, strlen(text), "engagement state");
	const JNode *n;
	const JNode *sums;
	EngState   *s;
	bool		isnull;
	char	   *end;
	unsigned long fp;

	if (root->type != JN_OBJECT || root->dupkey != NULL || root->nitems != 7)
		StateTextError(&state_text, "not an object with the fields version, rules, events, not_counted, cap, floor and sums");
	n = StateTextMember(&state_text, root, "version", JN_NUMBER, false);
	if (strcmp(n->str, "1") != 0)
		StateTextError(&state_text, "unsupported version");
	sums = StateTextMember(&state_text, root, "sums", JN_ARRAY, false);
	if (sums->nitems > LQ_MAX_KINDS + 1)
		StateTextError(&state_text, "\"sums\" holds too many sums");
	s = palloc0(ENG_STATE_SIZE(sums->nitems));
	SET_VARSIZE(s, ENG_STATE_SIZE(sums->nitems));
	s->version = ENG_STATE_VERSION;
	s->nsums = s->room = sums->nitems;

	n = StateTextMember(&state_text, root, "rules", JN_STRING, false);
	if (strlen(n->str) != 8 || strspn(n->str, "0123456789abcdef") != 8)
		StateTextError(&state_text, "\"rules\" must be 8 hexadecimal digits");
	errno = 0;
	fp = strtoul(n->str, &end, 16);
	if (errno != 0 || *end != '\0' || fp > PG_UINT32_MAX)
		StateTextError(&state_text, "\"rules\" must be 8 hexadecimal digits");
	s->fingerprint = (uint32) fp;
	s->events = StateTextWhole(&state_text, root, "events", PG_INT64_MIN, PG_INT64_MAX);
	s->not_counted = StateTextWhole(&state_text, root, "not_counted", PG_INT64_MIN, PG_INT64_MAX);
	if (s->events < 0 || s->not_counted < 0)
		StateTextError(&state_text, "\"events\" and \"not_counted\" must not be negative");
	s->cap = number_member(root, "cap", &isnull);
	s->flags |= isnull ? 0 : ENG_SF_CAP;
	s->floor = number_member(root, "floor", &isnull);
	s->flags |= isnull ? 0 : ENG_SF_FLOOR;
	for (int i = 0; i < sums->nitems; i++)
	{
		const JNode *e = sums->items[i];

		if (e->type != JN_OBJECT || e->dupkey != NULL ||
			(e->nitems != 1 && e->nitems != 3))
			StateTextError(&state_text, "a sum must be {\"sum\": \"...\"} (the kinds without a cap) or {\"capped_kind\": n, \"cap\": ..., \"sum\": \"...\"}");
		if (e->nitems == 3)
		{
			int64		accum = StateTextWhole(&state_text, e, "capped_kind", PG_INT64_MIN, PG_INT64_MAX);

			if (accum < 1 || accum > LQ_MAX_KINDS)
				StateTextError(&state_text, "\"capped_kind\" is out of range");
			s->sums[i].accum = (int32) accum;
			s->sums[i].cap = number_member(e, "cap", NULL);
			if (s->sums[i].cap < 0)
				StateTextError(&state_text, "a cap must not be negative");
		}
		if (i > 0 && s->sums[i].accum <= s->sums[i - 1].accum)
			StateTextError(&state_text, "the sums must be in order of \"capped_kind\", each once, the kinds without a cap first");
		if (!fixed_parse(StateTextMember(&state_text, e, "sum", JN_STRING, false)->str, &s->sums[i].sum))
			StateTextError(&state_text, "a sum must be an exact decimal number as the output writes it");
	}
	for (int i = 0; i < s->nsums; i++)
		if (s->events == 0 && s->sums[i].sum != 0)
			StateTextError(&state_text, "a state without events has no points");
	return PointerGetDatum(s);
}

PG_FUNCTION_INFO_V1(lq_engagement_state_in);
Datum
lq_engagement_state_in(PG_FUNCTION_ARGS)
{
	Datum		result;

	if (!InputParse(fcinfo, state_from_text, PG_GETARG_CSTRING(0), &result))
		return (Datum) 0;		/* reported softly */
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(lq_engagement_state_send);
Datum
lq_engagement_state_send(PG_FUNCTION_ARGS)
{
	EngState   *s = EngStateArg(fcinfo, 0, false);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, s->version);
	pq_sendint8(&buf, s->flags);
	pq_sendint32(&buf, s->fingerprint);
	pq_sendint64(&buf, s->events);
	pq_sendint64(&buf, s->not_counted);
	pq_sendfloat8(&buf, s->cap);
	pq_sendfloat8(&buf, s->floor);
	pq_sendint16(&buf, s->nsums);
	for (int i = 0; i < s->nsums; i++)
	{
		pq_sendint16(&buf, s->sums[i].accum);
		pq_sendfloat8(&buf, s->sums[i].cap);
		pq_sendint64(&buf, s->sums[i].sum);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
bad_binary(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary lead_qual.engagement_state")));
}

PG_FUNCTION_INFO_V1(lq_engagement_state_recv);
Datum
lq_engagement_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	EngState   *s;
	int			version;
	int			flags;
	uint32		fingerprint;
	int64		events;
	int64		not_counted;
	double		cap;
	double		floor_;
	int			nsums;

	/* version, flags, fingerprint, counters, cap, floor, number of sums */
	RecvNeed(buf, 1 + 1 + 4 + 8 + 8 + 8 + 8 + 2, LQ_ENGAGEMENT_STATE_TYPE);
	version = pq_getmsgint(buf, 1);
	flags = pq_getmsgint(buf, 1);
	fingerprint = pq_getmsgint(buf, 4);
	events = pq_getmsgint64(buf);
	not_counted = pq_getmsgint64(buf);
	cap = pq_getmsgfloat8(buf);
	floor_ = pq_getmsgfloat8(buf);
	nsums = pq_getmsgint(buf, 2);
	if (version != ENG_STATE_VERSION || (flags & ~(ENG_SF_CAP | ENG_SF_FLOOR)) ||
		nsums > LQ_MAX_KINDS + 1 || events < 0 || not_counted < 0 ||
		!isfinite(cap) || fabs(cap) > LQ_MAX_CAP ||
		!isfinite(floor_) || fabs(floor_) > LQ_MAX_CAP)
		bad_binary();
	RecvNeed(buf, nsums * (2 + 8 + 8), LQ_ENGAGEMENT_STATE_TYPE);
	s = palloc0(ENG_STATE_SIZE(nsums));
	SET_VARSIZE(s, ENG_STATE_SIZE(nsums));
	/* -0 reads as 0, as from the text form, so both forms stay canonical */
	if (cap == 0)
		cap = 0;
	if (floor_ == 0)
		floor_ = 0;
	s->version = version;
	s->flags = flags;
	s->fingerprint = fingerprint;
	s->events = events;
	s->not_counted = not_counted;
	s->cap = cap;
	s->floor = floor_;
	s->nsums = s->room = nsums;
	for (int i = 0; i < nsums; i++)
	{
		s->sums[i].accum = pq_getmsgint(buf, 2);
		s->sums[i].cap = pq_getmsgfloat8(buf);
		s->sums[i].sum = pq_getmsgint64(buf);
		if (!isfinite(s->sums[i].cap) || s->sums[i].cap < 0 || s->sums[i].cap > LQ_MAX_CAP ||
			s->sums[i].accum > LQ_MAX_KINDS ||
			(i > 0 && s->sums[i].accum <= s->sums[i - 1].accum) ||
			s->sums[i].sum == PG_INT64_MIN || (events == 0 && s->sums[i].sum != 0))
			bad_binary();
		if (s->sums[i].cap == 0)
			s->sums[i].cap = 0;	/* not -0 */
	}
	RecvEnd(buf, LQ_ENGAGEMENT_STATE_TYPE);
	PG_RETURN_POINTER(s);
}
