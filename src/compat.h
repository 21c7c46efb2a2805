/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  What differs between the PostgreSQL versions lead_qual builds on.
 *
 * The code is written against the newest server API; this header maps it
 * onto older servers, and is the only place with version checks besides
 * the few calls whose arguments changed (marked where they are made).
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_COMPAT_H
#define LQ_COMPAT_H

#include "postgres.h"

#include <math.h>

#include "common/int128.h"
#include "common/jsonapi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#if PG_VERSION_NUM >= 160000
#include "nodes/miscnodes.h"
#endif

/* The varlena macros (VARSIZE, VARDATA ...) have a header of their own from 16 on. */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * A function that does not return: PostgreSQL 18 writes "pg_noreturn"
 * before the declaration and no longer has pg_attribute_noreturn().
 * Earlier servers' attribute works in the same place with GCC and Clang.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/*
 * The callbacks of PostgreSQL's JSON parser (JsonSemAction) return a
 * JsonParseErrorType from version 16 on, and nothing before.
 */
#if PG_VERSION_NUM >= 160000
#define JSON_ACTION_RESULT JsonParseErrorType
#define JSON_ACTION_DONE return JSON_SUCCESS
#else
#define JSON_ACTION_RESULT void
#define JSON_ACTION_DONE return
#endif

/*
 * A lexer over len bytes of JSON text in the database encoding, with
 * object keys kept.  PostgreSQL 17 takes a lexer to fill in (NULL: make
 * one) and a const text.
 */
static inline JsonLexContext *
JsonLexerFor(const char *text, int len)
{
#if PG_VERSION_NUM >= 170000
	return makeJsonLexContextCstringLen(NULL, text, len, GetDatabaseEncoding(), true);
#else
	return makeJsonLexContextCstringLen(unconstify(char *, text), len,
										GetDatabaseEncoding(), true);
#endif
}

/*
 * Whether a JSON parse error is about characters the database encoding
 * cannot hold (SQLSTATE 22P05) rather than syntax; 16 added one such error.
 */
static inline bool
JsonErrorIsEncoding(JsonParseErrorType rc)
{
	return rc == JSON_UNICODE_CODE_POINT_ZERO || rc == JSON_UNICODE_HIGH_ESCAPE
#if PG_VERSION_NUM >= 160000
		|| rc == JSON_UNICODE_UNTRANSLATABLE
#endif
		;
}

/*
 * Does the caller of an input function want bad input reported softly, as
 * a result rather than an error?  PostgreSQL 16 passes an ErrorSaveContext
 * for that (pg_input_is_valid(), and from 17 on COPY ... ON_ERROR).
 */
static inline bool
SoftErrorsWanted(FunctionCallInfo fcinfo)
{
#if PG_VERSION_NUM >= 160000
	return fcinfo->context != NULL && IsA(fcinfo->context, ErrorSaveContext);
#else
	return false;
#endif
}

/*
 * Report the error edata softly, to a caller that SoftErrorsWanted(); it
 * keeps edata if it wants the details, else edata is freed.
 */
static inline void
SaveSoftError(FunctionCallInfo fcinfo, ErrorData *edata)
{
#if PG_VERSION_NUM >= 160000
	ErrorSaveContext *escontext = (ErrorSaveContext *) fcinfo->context;

	escontext->error_occurred = true;
	if (escontext->details_wanted)
	{
		escontext->error_data = edata;
		return;
	}
#endif
	FreeErrorData(edata);
}

/*
 * An INT128 (common/int128.h) as a double, rounded.  Not a
 * difference between versions but between builds: INT128 is the
 * compiler's 128-bit integer where the server was built with one, and a
 * pair of 64-bit halves where not.
 */
static inline double
Int128ToDouble(INT128 v)
{
#if USE_NATIVE_INT128
	return (double) v;
#else
	return ldexp((double) v.hi, 64) + (double) v.lo;
#endif
}

/*
 * *a += b, for INT128 values, modulo 2^128 (as two's complement: no signed
 * overflow, whatever the values a state's text brought in).
 */
static inline void
Int128Add(INT128 *a, INT128 b)
{
#if USE_NATIVE_INT128
	*a = (int128) ((uint128) *a + (uint128) b);
#else
	uint64		lo = a->lo + b.lo;

	a->hi = (int64) ((uint64) a->hi + (uint64) b.hi + (lo < a->lo ? 1 : 0));
	a->lo = lo;
#endif
}

/* An INT128 as its two's-complement halves, and back. */
static inline void
Int128Split(INT128 v, uint64 *hi, uint64 *lo)
{
#if USE_NATIVE_INT128
	*hi = (uint64) ((uint128) v >> 64);
	*lo = (uint64) v;
#else
	*hi = (uint64) v.hi;
	*lo = v.lo;
#endif
}

static inline INT128
Int128Join(uint64 hi, uint64 lo)
{
#if USE_NATIVE_INT128
	return (INT128) (((uint128) hi << 64) | lo);
#else
	INT128		v;

	v.hi = (int64) hi;
	v.lo = lo;
	return v;
#endif
}

#endif							/* LQ_COMPAT_H */
