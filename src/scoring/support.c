/*-------------------------------------------------------------------------
 *
 * support.c
 *	  Planner support for the row forms of qualify(), score(),
 *	  win_probability() and is_qualified().
 *
 * `score(model, l, as_of)` over a table makes PostgreSQL build the whole
 * row `l` for every row (copying every column, fetching toasted ones)
 * only for the function to take it apart again.  When the row is a whole
 * row of a plain table, this support function rewrites the call into its
 * *_columns twin, which receives the table's columns as arguments, with
 * their names:
 *
 *	 score(m, l, as_of)
 *	   => score_columns(m, as_of, 'leads'::regtype, '{id,budget,...}', l.id, l.budget, ...)
 *
 * All columns are passed, not only those the model reads, so the rewritten
 * call stays right when a registered model is redefined to read others.
 * The planner calls this again whenever the plan is remade, for instance
 * after ALTER TABLE.  Other rows (subqueries, ROW(...), functions) and
 * tables with too many columns keep the row form.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "parser/parse_func.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "fmgr.h"

#define FIXED_ARGS 4			/* model, as_of, row type, column names */

static Node *
rewrite_to_columns(SupportRequestSimplify *req)
{
	FuncExpr   *call = req->fcall;
	PlannerInfo *root = req->root;
	Node	   *model_arg;
	Var		   *row;
	RangeTblEntry *rte;
	TupleDesc	desc;
	List	   *args;
	Datum	   *names;
	int			ncols = 0;
	Oid			argtypes[FIXED_ARGS + 1];
	Oid			target;
	char	   *fname;
	FuncExpr   *result;

	if (root == NULL || list_length(call->args) != 3)
		return NULL;
	model_arg = linitial(call->args);
	row = (Var *) lsecond(call->args);
	if (!IsA(row, Var) || row->varattno != 0 || row->varlevelsup != 0 ||
		row->varno < 1 || row->varno > list_length(root->parse->rtable))
		return NULL;
	rte = planner_rt_fetch(row->varno, root);
	if (rte->rtekind != RTE_RELATION || get_rel_type_id(rte->relid) != row->vartype)
		return NULL;

	/* the *_columns twin of this function */
	fname = get_func_name(call->funcid);
	if (fname == NULL)
		return NULL;
	argtypes[0] = exprType(model_arg);
	argtypes[1] = TIMESTAMPTZOID;
	argtypes[2] = REGTYPEOID;
	argtypes[3] = TEXTARRAYOID;
	argtypes[4] = ANYOID;
	target = LookupFuncName(list_make2(makeString("lead_qual"),
									   makeString(psprintf("%s_columns", fname))),
							FIXED_ARGS + 1, argtypes, true);
	if (!OidIsValid(target))
		return NULL;

	desc = lookup_rowtype_tupdesc(row->vartype, -1);
	names = palloc(sizeof(Datum) * Max(desc->natts, 1));
	args = list_make2(model_arg, lthird(call->args));
	args = lappend(args, makeConst(REGTYPEOID, -1, InvalidOid, sizeof(Oid),
								   ObjectIdGetDatum(row->vartype), false, true));
	args = lappend(args, NULL);	/* the names, filled in below */
	for (int a = 0; a < desc->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, a);
		Var		   *col;

		if (att->attisdropped)
			continue;
		col = makeVar(row->varno, att->attnum, att->atttypid, att->atttypmod,
					  att->attcollation, 0);
#if PG_VERSION_NUM >= 160000
		col->varnullingrels = bms_copy(row->varnullingrels);
#endif
		args = lappend(args, col);
		names[ncols++] = CStringGetTextDatum(NameStr(att->attname));
	}
	ReleaseTupleDesc(desc);
	if (ncols == 0 || FIXED_ARGS + ncols > FUNC_MAX_ARGS)
		return NULL;
	lfourth(args) = makeConst(TEXTARRAYOID, -1, InvalidOid, -1,
							  PointerGetDatum(construct_array(names, ncols, TEXTOID, -1,
															  false, TYPALIGN_INT)),
							  false, false);

	result = makeFuncExpr(target, call->funcresulttype, args, call->funccollid,
						  call->inputcollid, COERCE_EXPLICIT_CALL);
	result->location = call->location;
	return (Node *) result;
}

PG_FUNCTION_INFO_V1(lq_row_support);
Datum
lq_row_support(PG_FUNCTION_ARGS)
{
	Node	   *req = (Node *) PG_GETARG_POINTER(0);

	if (IsA(req, SupportRequestSimplify))
		PG_RETURN_POINTER(rewrite_to_columns((SupportRequestSimplify *) req));
	PG_RETURN_POINTER(NULL);
}
