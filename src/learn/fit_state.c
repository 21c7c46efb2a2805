/*-------------------------------------------------------------------------
 *
 * fit_state.c
 *	  lead_qual.fit_state (fit_state.h): checking a state argument, and its
 *	  text and binary forms.
 *
 * The text form is what Citus ships partial states in, so it is exact:
 *	 {"version": 1, "bins": 3, "spec": "1f2e3d4c", "rows": 120,
 *	  "loglik": "ffff...", "sums": ["0000...", ...]}
 * with every 128-bit sum as 32 hexadecimal digits (two's complement).
 * The input checks everything, so a hand-written state is an error or a
 * valid state, never a crash.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"

#include "base/binary.h"
#include "base/fmgr_util.h"
#include "base/json_tree.h"
#include "learn/fit_state.h"

/* A new state of nbins bins, all sums 0, in the current memory context. */
FitState *
FitStateNew(int nbins, uint32 spec_hash)
{
	FitState   *s = palloc0(FIT_STATE_SIZE(nbins));

	SET_VARSIZE(s, FIT_STATE_SIZE(nbins));
	s->version = FIT_STATE_VERSION;
	s->nbins = nbins;
	s->spec_hash = spec_hash;
	return s;
}

/*
 * A state argument, checked to be whole; a copy when copy is set (a
 * function called outside an aggregate must not change its argument).
 */
FitState *
FitStateArg(FunctionCallInfo fcinfo, int argno, bool copy)
{
	FitState   *s = (FitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	if ((uintptr_t) s % MAXIMUM_ALIGNOF != 0)
	{
		FitState   *aligned = palloc(VARSIZE(s));

		memcpy(aligned, s, VARSIZE(s));
		s = aligned;
		copy = false;
	}
	if (VARSIZE(s) < offsetof(FitState, sums) || s->version != FIT_STATE_VERSION ||
		s->nbins < 1 || s->nbins > LQ_MAX_FIT_BINS || VARSIZE(s) != FIT_STATE_SIZE(s->nbins) ||
		s->rows < 0)
		ValueCorrupted(LQ_FIT_STATE_TYPE, "header");
	if (copy)
	{
		FitState   *c = palloc(VARSIZE(s));

		memcpy(c, s, VARSIZE(s));
		s = c;
	}
	return s;
}

static void
append_hex(StringInfo out, INT128 v)
{
	uint64		hi,
				lo;

	Int128Split(v, &hi, &lo);
	appendStringInfo(out, "\"%016llx%016llx\"", (unsigned long long) hi, (unsigned long long) lo);
}

static bool
parse_hex(const char *s, INT128 *v)
{
	uint64		part[2] = {0, 0};

	if (strlen(s) != 32)
		return false;
	for (int i = 0; i < 32; i++)
	{
		char		c = s[i];
		int			d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;

		if (d < 0)
			return false;
		part[i / 16] = (part[i / 16] << 4) | (uint64) d;
	}
	*v = Int128Join(part[0], part[1]);
	return true;
}

PG_FUNCTION_INFO_V1(lq_fit_state_out);
Datum
lq_fit_state_out(PG_FUNCTION_ARGS)
{
	FitState   *s = FitStateArg(fcinfo, 0, false);
	StringInfoData out;

	initStringInfo(&out);
	appendStringInfo(&out, "{\"version\": %d, \"bins\": %d, \"spec\": \"%08x\", \"rows\": " INT64_FORMAT
					 ", \"loglik\": ", s->version, s->nbins, s->spec_hash, s->rows);
	append_hex(&out, s->loglik);
	appendStringInfoString(&out, ", \"sums\": [");
	for (Size i = 0; i < FIT_NSUMS(s->nbins); i++)
	{
		if (i > 0)
			appendStringInfoString(&out, ", ");
		append_hex(&out, s->sums[i]);
	}
	appendStringInfoString(&out, "]}");
	PG_RETURN_CSTRING(out.data);
}

pg_noreturn static void bad_state(const char *what);

static void
bad_state(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid %s: %s", LQ_FIT_STATE_TYPE, what),
			 errhint("A fit_state is the partial state of learn()'s fit; its text is what fit_state_out writes.")));
}

static const JNode *
member(const JNode *obj, const char *key, JNodeType type)
{
	const JNode *n = JsonMember(obj, key);

	if (n == NULL || n->type != type)
		bad_state(psprintf("\"%s\" must be %s", key, JsonTypeName(type)));
	return n;
}

static int64
whole(const JNode *obj, const char *key, int64 lo, int64 hi)
{
	const JNode *n = member(obj, key, JN_NUMBER);
	char	   *end;
	long long	v;

	errno = 0;
	v = strtoll(n->str, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		bad_state(psprintf("\"%s\" must be a whole number from " INT64_FORMAT " to " INT64_FORMAT,
						   key, lo, hi));
	return (int64) v;
}

/* The state written as text; see InputParse. */
static Datum
state_from_text(void *arg)
{
	char	   *text = (char *) arg;
	JNode	   *root = JsonTreeParse(text, strlen(text), "fit state");
	const JNode *n;
	const JNode *sums;
	FitState   *s;
	int			nbins;
	char	   *end;
	unsigned long hash;

	if (root->type != JN_OBJECT || root->dupkey != NULL || root->nitems != 6)
		bad_state("not an object with the fields version, bins, spec, rows, loglik and sums");
	if (whole(root, "version", FIT_STATE_VERSION, FIT_STATE_VERSION) != FIT_STATE_VERSION)
		bad_state("unsupported version");
	nbins = (int) whole(root, "bins", 1, LQ_MAX_FIT_BINS);
	s = FitStateNew(nbins, 0);
	n = member(root, "spec", JN_STRING);
	errno = 0;
	hash = strtoul(n->str, &end, 16);
	if (strlen(n->str) != 8 || strspn(n->str, "0123456789abcdef") != 8 || errno != 0 ||
		*end != '\0' || hash > PG_UINT32_MAX)
		bad_state("\"spec\" must be 8 hexadecimal digits");
	s->spec_hash = (uint32) hash;
	s->rows = whole(root, "rows", 0, PG_INT64_MAX);
	if (!parse_hex(member(root, "loglik", JN_STRING)->str, &s->loglik))
		bad_state("\"loglik\" must be 32 hexadecimal digits");
	sums = member(root, "sums", JN_ARRAY);
	if ((Size) sums->nitems != FIT_NSUMS(nbins))
		bad_state(psprintf("\"sums\" must hold %zu sums for %d bins", FIT_NSUMS(nbins), nbins));
	for (int i = 0; i < sums->nitems; i++)
		if (sums->items[i]->type != JN_STRING || !parse_hex(sums->items[i]->str, &s->sums[i]))
			bad_state("every sum must be 32 hexadecimal digits");
	return PointerGetDatum(s);
}

PG_FUNCTION_INFO_V1(lq_fit_state_in);
Datum
lq_fit_state_in(PG_FUNCTION_ARGS)
{
	Datum		result;

	if (!InputParse(fcinfo, state_from_text, PG_GETARG_CSTRING(0), &result))
		return (Datum) 0;		/* reported softly */
	PG_RETURN_DATUM(result);
}

static void
send_int128(StringInfo buf, INT128 v)
{
	uint64		hi,
				lo;

	Int128Split(v, &hi, &lo);
	pq_sendint64(buf, (int64) hi);
	pq_sendint64(buf, (int64) lo);
}

static INT128
recv_int128(StringInfo buf)
{
	uint64		hi = (uint64) pq_getmsgint64(buf);
	uint64		lo = (uint64) pq_getmsgint64(buf);

	return Int128Join(hi, lo);
}

PG_FUNCTION_INFO_V1(lq_fit_state_send);
Datum
lq_fit_state_send(PG_FUNCTION_ARGS)
{
	FitState   *s = FitStateArg(fcinfo, 0, false);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, s->version);
	pq_sendint32(&buf, s->nbins);
	pq_sendint32(&buf, s->spec_hash);
	pq_sendint64(&buf, s->rows);
	send_int128(&buf, s->loglik);
	for (Size i = 0; i < FIT_NSUMS(s->nbins); i++)
		send_int128(&buf, s->sums[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(lq_fit_state_recv);
Datum
lq_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	FitState   *s;
	int			version;
	int			nbins;

	RecvNeed(buf, 1 + 4 + 4 + 8 + 16, LQ_FIT_STATE_TYPE);
	version = pq_getmsgint(buf, 1);
	nbins = pq_getmsgint(buf, 4);
	if (version != FIT_STATE_VERSION || nbins < 1 || nbins > LQ_MAX_FIT_BINS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary %s: bad version or number of bins", LQ_FIT_STATE_TYPE)));
	s = FitStateNew(nbins, (uint32) pq_getmsgint(buf, 4));
	s->rows = pq_getmsgint64(buf);
	if (s->rows < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary %s: a negative number of rows", LQ_FIT_STATE_TYPE)));
	s->loglik = recv_int128(buf);
	RecvNeed(buf, (int) (16 * FIT_NSUMS(nbins)), LQ_FIT_STATE_TYPE);
	for (Size i = 0; i < FIT_NSUMS(nbins); i++)
		s->sums[i] = recv_int128(buf);
	RecvEnd(buf, LQ_FIT_STATE_TYPE);
	PG_RETURN_POINTER(s);
}
