/*-------------------------------------------------------------------------
 *
 * fmgr_util.c
 *	  Helpers for SQL-callable functions (fmgr_util.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/memutils.h"

#include "base/fmgr_util.h"
#include "compat.h"

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
 * Catch the error the code in a PG_TRY block raised and report it softly,
 * if it is of one of the classes given (0-terminated), else throw it on.
 * Called in the PG_CATCH block, with the caller's memory context.
 */
static void
catch_softly(FunctionCallInfo fcinfo, MemoryContext caller, uint32 holdoff,
			 const int *classes)
{
	ErrorData  *edata;
	bool		soft = false;

	MemoryContextSwitchTo(caller);
	edata = CopyErrorData();
	for (int i = 0; classes[i] != 0 && !soft; i++)
		soft = ERRCODE_TO_CATEGORY(edata->sqlerrcode) == classes[i];
	if (!soft)
	{
		FreeErrorData(edata);
		PG_RE_THROW();
	}
	FlushErrorState();
	/* ereport(ERROR) forgot the interrupt holdoffs of where it was raised */
	InterruptHoldoffCount = holdoff;
	SaveSoftError(fcinfo, edata);
}

/*
 * Run parse(arg) for an input function: returns true and the value it
 * made.  When the caller wants bad input reported softly (PostgreSQL 16's
 * pg_input_is_valid(), 17's COPY ... ON_ERROR), an error of class 22 (data
 * exception) in parse becomes a soft error and false is returned; other
 * errors (out of memory, a cancelled query ...) are thrown as ever.
 *
 * parse runs in a memory context of its own, deleted afterwards (what it
 * returns, a varlena or 0, is copied out), and must take no resource but
 * memory: no SPI, no locks, no files.  That is what makes catching its
 * errors without a subtransaction safe; the input functions look up a
 * registered name after this (see InputSoftError).
 */
bool
InputParse(FunctionCallInfo fcinfo, InputParser parse, void *arg, Datum *result)
{
	static const int classes[] = {ERRCODE_DATA_EXCEPTION, 0};
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext work;
	uint32		holdoff = InterruptHoldoffCount;
	volatile bool ok = true;
	volatile Datum made = (Datum) 0;

	if (!SoftErrorsWanted(fcinfo))
	{
		*result = parse(arg);
		return true;
	}
	work = AllocSetContextCreate(caller, "lead_qual input", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(work);
	PG_TRY();
	{
		made = parse(arg);
	}
	PG_CATCH();
	{
		catch_softly(fcinfo, caller, holdoff, classes);
		ok = false;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(caller);
	*result = (Datum) 0;
	if (ok && made != (Datum) 0)
	{
		struct varlena *v = (struct varlena *) DatumGetPointer(made);

		*result = PointerGetDatum(palloc(VARSIZE_ANY(v)));
		memcpy(DatumGetPointer(*result), v, VARSIZE_ANY(v));
	}
	MemoryContextDelete(work);
	return ok;
}

/*
 * Report softly the error raise(arg) raises, to an input function's caller
 * that wants soft errors: raise must do nothing but ereport(ERROR), which
 * it may then word as it always does (an unknown name, say).
 */
void
InputSoftError(FunctionCallInfo fcinfo, void (*raise) (void *arg), void *arg)
{
	static const int classes[] = {ERRCODE_DATA_EXCEPTION,
	ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, 0};
	MemoryContext caller = CurrentMemoryContext;
	uint32		holdoff = InterruptHoldoffCount;

	Assert(SoftErrorsWanted(fcinfo));
	PG_TRY();
	{
		raise(arg);
	}
	PG_CATCH();
	{
		catch_softly(fcinfo, caller, holdoff, classes);
	}
	PG_END_TRY();
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
