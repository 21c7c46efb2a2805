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
 * When the model is a constant value (given as one, or looked up by name
 * when the query is planned: see below), only the columns its criteria
 * may read are passed (those named like a criterion's source or key),
 * which saves taking the rest of the row apart; else all columns are, so
 * that the call stays right whatever model it is given.  A model that
 * reads a column the table lacks gets all of them, and the error of the
 * call.  The planner calls this again whenever the plan is remade, for
 * instance after ALTER TABLE, or when a model is redefined.  Other rows
 * (subqueries, ROW(...), functions) and tables with too many columns keep
 * the row form.
 *
 * First, a model (or engagement rules) named by a constant text is looked
 * up once, when the query is planned, and the call becomes the same
 * function's form that takes the value:
 *
 *	 score('acme', l, as_of)  =>  score('{...compiled acme...}'::lead_qual.model, l, as_of)
 *
 * The plan then depends on the registry table: when a model is defined or
 * dropped, the registry's trigger invalidates it, and it is made again.
 * So a query that names a model runs the same on every node of a Citus
 * cluster (the model goes to the nodes with the query, where the name
 * might not be registered), is allowed where Citus refuses STABLE
 * functions of columns (UPDATE), and reads the registry once per plan.
 * Text that is JSON, or a name that is not registered, is left to the call
 * (and its errors to when it runs).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "parser/parse_func.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/catcache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "fmgr.h"

#include "model/model.h"
#include "registry/ref.h"
#include "registry/registry.h"

#define FIXED_ARGS 4			/* model, as_of, row type, column names */

/* A type's name, without its schema (NULL when there is no such type). */
static const char *
type_name(Oid type)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
	char	   *name;

	if (!HeapTupleIsValid(tup))
		return NULL;
	name = pstrdup(NameStr(((Form_pg_type) GETSTRUCT(tup))->typname));
	ReleaseSysCache(tup);
	return name;
}

/*
 * The overload of call's function (in lead_qual) that takes a model or
 * rules value where call takes text, the other arguments alike; the kind
 * of value in *kind.  InvalidOid if there is none.
 */
static Oid
value_overload(FuncExpr *call, RegistryKind *kind, Oid *value_type)
{
	HeapTuple	self = SearchSysCache1(PROCOID, ObjectIdGetDatum(call->funcid));
	Form_pg_proc me;
	CatCList   *list;
	Oid			found = InvalidOid;

	if (!HeapTupleIsValid(self))
		return InvalidOid;
	me = (Form_pg_proc) GETSTRUCT(self);
	list = SearchSysCacheList1(PROCNAMEARGSNSP, CStringGetDatum(NameStr(me->proname)));
	for (int i = 0; i < list->n_members && !OidIsValid(found); i++)
	{
		Form_pg_proc p = (Form_pg_proc) GETSTRUCT(&list->members[i]->tuple);
		const char *type;

		if (p->pronamespace != me->pronamespace || p->pronargs != me->pronargs ||
			p->pronargs < 1 || p->proargtypes.values[0] == TEXTOID ||
			memcmp(&p->proargtypes.values[1], &me->proargtypes.values[1],
				   sizeof(Oid) * (p->pronargs - 1)) != 0)
			continue;
		type = type_name(p->proargtypes.values[0]);
		if (type != NULL && strcmp(type, "model") == 0)
			*kind = REGISTRY_MODELS;
		else if (type != NULL && strcmp(type, "engagement_rules") == 0)
			*kind = REGISTRY_RULES;
		else
			continue;
		found = p->oid;
		*value_type = p->proargtypes.values[0];
	}
	ReleaseSysCacheList(list);
	ReleaseSysCache(self);
	return found;
}

/*
 * The call with its model (or rules), named by a constant text, looked up
 * and given as a value (see above); the call itself when it names none.
 */
static FuncExpr *
resolve_name(SupportRequestSimplify *req)
{
	FuncExpr   *call = req->fcall;
	Const	   *name;
	Oid			target;
	Oid			value_type = InvalidOid;
	RegistryKind kind;
	struct varlena *stored;
	char	   *written;
	FuncExpr   *result;
	Oid			relid;

	if (req->root == NULL || req->root->glob == NULL || call->args == NIL)
		return call;
	name = (Const *) linitial(call->args);
	if (!IsA(name, Const) || name->consttype != TEXTOID || name->constisnull)
		return call;
	target = value_overload(call, &kind, &value_type);
	if (!OidIsValid(target))
		return call;
	written = TextDatumGetCString(name->constvalue);
	/*
	 * The registry as of now, not as of the snapshot the plan is made under
	 * (in a function, that of an earlier statement, which might not see a
	 * model just defined).
	 */
	PushActiveSnapshot(GetTransactionSnapshot());
	stored = RefStoredFromName(kind, written, strlen(written));
	PopActiveSnapshot();
	relid = RegistryRelation(kind);
	if (stored == NULL || !OidIsValid(relid))
		return call;
	/* the plan is made again when the registry changes */
	req->root->glob->relationOids = lappend_oid(req->root->glob->relationOids, relid);
	result = (FuncExpr *) copyObject(call);
	result->funcid = target;
	linitial(result->args) = makeConst(value_type, -1, InvalidOid, -1, PointerGetDatum(stored),
									   false, false);
	return result;
}

/*
 * The model of a constant model argument, or NULL when the argument is not
 * one (a name, an expression).
 */
static const LqModel *
const_model(Node *arg)
{
	Const	   *c = (Const *) arg;

	if (!IsA(c, Const) || c->constisnull || c->consttype != ModelTypeOid())
		return NULL;
	return ModelDecode((struct varlena *) PG_DETOAST_DATUM_PACKED(c->constvalue));
}

/* Does a criterion of m read a column named name, under its source or key? */
static bool
model_may_read(const LqModel *m, const char *name)
{
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];

		if (strcmp(c->source, name) == 0 || (c->read_key && strcmp(c->key, name) == 0))
			return true;
	}
	return false;
}

/*
 * Are the columns of desc that model m may read enough for it: has every
 * criterion a column under its source or key?  (If not, the call is given
 * them all, and fails as it would.)
 */
static bool
model_columns_found(const LqModel *m, TupleDesc desc)
{
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		bool		found = false;

		for (int a = 0; a < desc->natts && !found; a++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, a);

			found = !att->attisdropped &&
				(strcmp(NameStr(att->attname), c->source) == 0 ||
				 (c->read_key && strcmp(NameStr(att->attname), c->key) == 0));
		}
		if (!found)
			return false;
	}
	return true;
}

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
	const LqModel *m;

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
	m = const_model(model_arg);
	if (m != NULL && !model_columns_found(m, desc))
		m = NULL;
	names = palloc(sizeof(Datum) * Max(desc->natts, 1));
	args = list_make2(model_arg, lthird(call->args));
	args = lappend(args, makeConst(REGTYPEOID, -1, InvalidOid, sizeof(Oid),
								   ObjectIdGetDatum(row->vartype), false, true));
	args = lappend(args, NULL);	/* the names, filled in below */
	for (int a = 0; a < desc->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, a);
		Var		   *col;

		if (att->attisdropped || (m != NULL && !model_may_read(m, NameStr(att->attname))))
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
	{
		SupportRequestSimplify *simplify = (SupportRequestSimplify *) req;
		FuncExpr   *resolved = resolve_name(simplify);

		/*
		 * The form that takes the value, simplified in turn: folded when its
		 * arguments are constants, its row form rewritten to columns.
		 */
		if (resolved != simplify->fcall)
			PG_RETURN_POINTER(eval_const_expressions(simplify->root, (Node *) resolved));
		PG_RETURN_POINTER(rewrite_to_columns(simplify));
	}
	PG_RETURN_POINTER(NULL);
}
