/*-------------------------------------------------------------------------
 *
 * fmgr_util.c
 *	  Helpers for SQL-callable functions (fmgr_util.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "nodes/primnodes.h"

#include "base/fmgr_util.h"

/*
 * Whether argument argno of the call is a constant of the query.  Only a
 * Const counts: a Param can change between evaluations of the same
 * expression (PL/pgSQL keeps the state of simple expressions across
 * statements).
 */
bool
ArgIsConst(FmgrInfo *flinfo, int argno)
{
	Node	   *expr = flinfo->fn_expr;
	List	   *args;

	if (expr == NULL || !IsA(expr, FuncExpr))
		return false;
	args = ((FuncExpr *) expr)->args;
	return argno < list_length(args) && IsA(list_nth(args, argno), Const);
}

/*
 * The row type the function returns, blessed and copied into fn_mcxt so
 * that it can be kept in fn_extra; an error unless it has natts fields (a
 * function declared otherwise than the C code expects).
 */
TupleDesc
CallResultDesc(FunctionCallInfo fcinfo, int natts)
{
	TupleDesc	desc;
	MemoryContext old;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "function %u must return a composite type", fcinfo->flinfo->fn_oid);
	if (desc->natts != natts)
		elog(ERROR, "function %u returns a row of %d fields, expected %d",
			 fcinfo->flinfo->fn_oid, desc->natts, natts);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	desc = BlessTupleDesc(CreateTupleDescCopy(desc));
	MemoryContextSwitchTo(old);
	return desc;
}
