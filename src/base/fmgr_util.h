/*-------------------------------------------------------------------------
 *
 * fmgr_util.h
 *	  Helpers for SQL-callable functions: what the call site says about an
 *	  argument, and the row type a function returns.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_FMGR_UTIL_H
#define LQ_FMGR_UTIL_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "fmgr.h"

#include "compat.h"

/* parses an input function's text; see InputParse() */
typedef Datum (*InputParser) (void *arg);

extern bool ArgIsConst(FmgrInfo *flinfo, int argno);
extern bool InputParse(FunctionCallInfo fcinfo, InputParser parse, void *arg, Datum *result);
extern void InputSoftError(FunctionCallInfo fcinfo, void (*raise) (void *arg), void *arg);
extern TupleDesc CallResultDesc(FunctionCallInfo fcinfo, int natts);

#endif							/* LQ_FMGR_UTIL_H */
