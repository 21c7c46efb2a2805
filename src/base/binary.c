/*-------------------------------------------------------------------------
 *
 * binary.c
 *	  Writing and reading stored forms, and the protocol's binary forms
 *	  (binary.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "base/binary.h"

/* ---------------- stored forms ---------------- */

void
BinPutU8(StringInfo buf, uint8 v)
{
	appendBinaryStringInfo(buf, (const char *) &v, 1);
}

void
BinPutI32(StringInfo buf, int32 v)
{
	appendBinaryStringInfo(buf, (const char *) &v, sizeof(v));
}

void
BinPutF64(StringInfo buf, double v)
{
	appendBinaryStringInfo(buf, (const char *) &v, sizeof(v));
}

void
BinPutStr(StringInfo buf, const char *s, int len)
{
	BinPutI32(buf, len);
	appendBinaryStringInfo(buf, s, len);
}

/*
 * Equal bytes, whatever the varlena headers (a short one on disk, a full
 * one in memory): for types whose encoding is canonical, equal values.
 */
bool
BinEqual(const struct varlena *a, const struct varlena *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

/*
 * The stored form encode() makes of text (parsing, validating, encoding),
 * allocated in the caller's memory context; what encode() allocates on
 * the way is freed.
 */
struct varlena *
BinCompile(BinEncoder encode, const char *text, int len)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext work = AllocSetContextCreate(caller, "lead_qual input",
											   ALLOCSET_DEFAULT_SIZES);
	bytea	   *encoded;
	struct varlena *result;

	MemoryContextSwitchTo(work);
	encoded = encode(text, len);
	MemoryContextSwitchTo(caller);
	result = palloc(VARSIZE(encoded));
	memcpy(result, encoded, VARSIZE(encoded));
	MemoryContextDelete(work);
	return result;
}

/* A stored value of type that fails a check: what says which part. */
void
ValueCorrupted(const char *type, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("%s value is corrupted", type),
			 errdetail("Bad %s.", what)));
}

void
BinReaderInit(BinReader *r, const struct varlena *raw, const char *type)
{
	r->p = VARDATA_ANY(raw);
	r->end = r->p + VARSIZE_ANY_EXHDR(raw);
	r->type = type;
}

static void
get_bytes(BinReader *r, void *out, int len, const char *what)
{
	if (len < 0 || r->end - r->p < len)
		ValueCorrupted(r->type, what);
	memcpy(out, r->p, len);
	r->p += len;
}

uint8
BinGetU8(BinReader *r, const char *what)
{
	uint8		v;

	get_bytes(r, &v, 1, what);
	return v;
}

int32
BinGetI32(BinReader *r, const char *what, int32 lo, int32 hi)
{
	int32		v;

	get_bytes(r, &v, sizeof(v), what);
	if (v < lo || v > hi)
		ValueCorrupted(r->type, what);
	return v;
}

/* A finite double within [lo, hi]. */
double
BinGetF64(BinReader *r, const char *what, double lo, double hi)
{
	double		v;

	get_bytes(r, &v, sizeof(v), what);
	if (!isfinite(v) || v < lo || v > hi)
		ValueCorrupted(r->type, what);
	return v;
}

/* A string of at most maxlen bytes, without NUL; its length in *len if given. */
char *
BinGetStr(BinReader *r, const char *what, int maxlen, int *len)
{
	int32		n = BinGetI32(r, what, 0, maxlen);
	char	   *s;

	if (r->end - r->p < n || memchr(r->p, '\0', n) != NULL)
		ValueCorrupted(r->type, what);
	s = pnstrdup(r->p, n);
	r->p += n;
	if (len)
		*len = n;
	return s;
}

/* The value must end here. */
void
BinGetEnd(BinReader *r)
{
	if (r->p != r->end)
		ValueCorrupted(r->type, "length");
}

/* ---------------- the protocol's binary form ---------------- */

/*
 * The receive functions check that the message holds what they read next,
 * and nothing after the end, so that a value cut short or too long is
 * 22P03 naming the type rather than the protocol error 08P01 that
 * PostgreSQL's pq_getmsg functions raise.
 */
void
RecvNeed(StringInfo buf, int nbytes, const char *type)
{
	if (nbytes < 0 || buf->len - buf->cursor < nbytes)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary %s: the value ends too early", type)));
}

void
RecvEnd(StringInfo buf, const char *type)
{
	if (buf->cursor != buf->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg_plural("invalid binary %s: %d byte after the end of the value",
							   "invalid binary %s: %d bytes after the end of the value",
							   buf->len - buf->cursor, type, buf->len - buf->cursor)));
}

/*
 * The binary form of the types written as JSON (models, engagement rules):
 * a version byte, 1, then the canonical JSON text in the client encoding.
 */
char *
RecvJson(StringInfo buf, const char *type, int *nbytes)
{
	int			version;

	RecvNeed(buf, 1, type);
	version = pq_getmsgint(buf, 1);
	if (version != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported %s binary format version %d", type, version)));
	return pq_getmsgtext(buf, buf->len - buf->cursor, nbytes);
}

bytea *
SendJson(const char *json)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, 1);
	pq_sendtext(&buf, json, strlen(json));
	return pq_endtypsend(&buf);
}
