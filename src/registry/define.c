/*-------------------------------------------------------------------------
 *
 * define.c
 *	  define_model(), drop_model(), define_engagement_rules() and
 *	  drop_engagement_rules(): writing the registries.
 *
 * The arguments are checked first, with errors that name the argument at
 * fault, and the definition is compiled as the type's input compiles it.
 * The row is then written through SPI, as the caller: privileges, row
 * security and the triggers that protect the built-ins apply.  An error of
 * that statement is raised again as it was (SQLSTATE, message, detail,
 * hint), but without the context from inside (the statement's text, the
 * line of the trigger function that raised it): the caller sees the error
 * of the call it made, in the context of its own statement.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "base/json_fields.h"
#include "base/text_util.h"
#include "engagement/rules.h"
#include "model/model.h"
#include "registry/registry.h"

/* What differs between the two registries. */
typedef struct Registry
{
	const char *define;			/* the SQL functions, for messages */
	const char *drop;
	const char *what;			/* "model": invalid <what>, a <what> name */
	const char *upsert;			/* $1 the name, $2 the value */
	const char *delete;			/* $1 the name */
} Registry;

static const Registry registries[] = {
	[REGISTRY_MODELS] = {
		"lead_qual.define_model", "lead_qual.drop_model", "model",
		"INSERT INTO lead_qual.models AS r (name, model) VALUES ($1, $2) "
		"ON CONFLICT ON CONSTRAINT models_pkey "
		"DO UPDATE SET model = EXCLUDED.model, updated_at = pg_catalog.now()",
		"DELETE FROM lead_qual.models m WHERE m.name OPERATOR(pg_catalog.=) $1"
	},
	[REGISTRY_RULES] = {
		"lead_qual.define_engagement_rules", "lead_qual.drop_engagement_rules",
		"engagement rules",
		"INSERT INTO lead_qual.engagement_rule_sets AS r (name, rules) VALUES ($1, $2) "
		"ON CONFLICT ON CONSTRAINT engagement_rule_sets_pkey "
		"DO UPDATE SET rules = EXCLUDED.rules, updated_at = pg_catalog.now()",
		"DELETE FROM lead_qual.engagement_rule_sets r WHERE r.name OPERATOR(pg_catalog.=) $1"
	},
};

/*
 * Run a statement on a registry table, inside SPI; the number of rows it
 * wrote.  Its error is raised again without the context from inside it,
 * and with the caller's (ThrowErrorData runs the context callbacks that are
 * there when it is called, those of the caller).
 */
static uint64
run(const char *sql, int nargs, Oid *types, Datum *values)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile uint64 processed = 0;

	PG_TRY();
	{
		int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0);

		if (rc < 0)
			elog(ERROR, "writing the lead_qual registry failed: %s", SPI_result_code_string(rc));
		processed = SPI_processed;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		edata->context = NULL;
		edata->internalquery = NULL;
		edata->internalpos = 0;
		ThrowErrorData(edata);
		pg_unreachable();
	}
	PG_END_TRY();
	return processed;
}

/*
 * On the coordinator of a Citus cluster, run the statement (a call of a
 * registry function, with its arguments written in) on every worker too,
 * so that a name written in a query the nodes run (an aggregate's, say)
 * means the same there.  Citus runs it on its own connections, committed
 * on each worker as it ends: lead_qual.sync_registry() makes the workers'
 * registries the coordinator's again after a transaction that rolled back.
 * Inside SPI.
 */
static void
propagate(const char *statement)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(statement)};
	uint64		n;

	if (!OidIsValid(get_relname_relid("pg_dist_node", PG_CATALOG_NAMESPACE)))
		return;
	run("SELECT pg_catalog.citus_is_coordinator()", 0, NULL, NULL);
	if (SPI_processed == 0 ||
		!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &(bool){false})))
		return;
	run("SELECT w.nodename OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) w.nodeport, w.result "
		"FROM pg_catalog.run_command_on_workers($1) w WHERE NOT w.success",
		1, types, values);
	n = SPI_processed;
	if (n > 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("the lead_qual registry could not be changed on the Citus worker %s: %s",
						SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
						SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2)),
				 errhint("Run SELECT lead_qual.sync_registry(); once the workers can be reached.")));
}

/* The name argument, checked: a name that a registry can hold. */
static char *
name_arg(FunctionCallInfo fcinfo, const Registry *reg)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *better;

	if (IsIdentifier(name))
		return name;
	better = NameSuggestion(name);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("the name given to %s() is not a valid %s name: \"%s\"",
					reg->define, reg->what, TextClip(name, 64)),
			 errdetail("%s", LQ_NAME_RULES),
			 better ? errhint("Write the name as \"%s\".", better) : 0));
	return NULL;				/* not reached */
}

/*
 * The definition with its "name" set to name, compiled, in the current
 * memory context: a definition that names itself otherwise is an error.
 */
static struct varlena *
compile(RegistryKind kind, const Registry *reg, Jsonb *def, const char *name)
{
	JsonbValue	buf;
	JsonbValue *own;
	StringInfoData named;
	Jsonb	   *full;
	char	   *text;

	if (!JB_ROOT_IS_OBJECT(def))
		NotAnObjectError(reg->what, JsonbRootTypeName(def), NULL);
	own = getKeyJsonValueFromContainer(&def->root, "name", 4, &buf);
	if (own != NULL &&
		!(own->type == jbvString && own->val.string.len == (int) strlen(name) &&
		  memcmp(own->val.string.val, name, own->val.string.len) == 0))
	{
		Jsonb	   *j = JsonbValueToJsonb(own);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s definition is named %s, not \"%s\"", reg->what,
						TextClip(JsonbToCString(NULL, &j->root, VARSIZE(j)), 64), name),
				 errhint("Leave \"name\" out of the definition, or make it match.")));
	}

	initStringInfo(&named);
	appendStringInfoString(&named, "{\"name\": ");
	escape_json(&named, name);
	appendStringInfoChar(&named, '}');
	full = DatumGetJsonbP(DirectFunctionCall2(jsonb_concat, JsonbPGetDatum(def),
											  DirectFunctionCall1(jsonb_in,
																  CStringGetDatum(named.data))));
	text = JsonbToCString(NULL, &full->root, VARSIZE(full));
	if (kind == REGISTRY_MODELS)
		return ModelCompile(text, strlen(text));
	return RulesCompile(text, strlen(text));
}

/* define_*(name, definition): the compiled value, stored under name. */
static Datum
define(FunctionCallInfo fcinfo, RegistryKind kind)
{
	const Registry *reg = &registries[kind];
	char	   *name;
	struct varlena *compiled;
	Oid			types[2];
	Datum		values[2];

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: name and definition must not be null", reg->define)));
	name = name_arg(fcinfo, reg);
	compiled = compile(kind, reg, PG_GETARG_JSONB_P(1), name);

	types[0] = TEXTOID;
	types[1] = get_func_rettype(fcinfo->flinfo->fn_oid);
	values[0] = CStringGetTextDatum(name);
	values[1] = PointerGetDatum(compiled);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	run(reg->upsert, 2, types, values);
	propagate(psprintf("SELECT %s(%s, %s)", reg->define, quote_literal_cstr(name),
					   quote_literal_cstr(JsonbToCString(NULL, &PG_GETARG_JSONB_P(1)->root,
														 VARSIZE(PG_GETARG_JSONB_P(1))))));
	SPI_finish();
	PG_RETURN_POINTER(compiled);
}

/*
 * The autoscore triggers that use the model name (named as the scoring
 * functions read it: blanks around dropped, in any case): dropped with a
 * notice when cascade, else the error that names them.  Inside SPI.
 */
static void
drop_model_users(const char *name, bool cascade)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(name)};
	StringInfoData users;
	uint64		n;
	SPITupleTable *tuptable;

	run("SELECT a.table_name::pg_catalog.text, a.trigger_name::pg_catalog.text, "
		"pg_catalog.format('DROP TRIGGER %I ON %s CASCADE', a.trigger_name, a.table_name) "
		"FROM lead_qual.autoscore_triggers() a "
		"WHERE pg_catalog.lower(pg_catalog.btrim(a.model, E' \\t\\n\\r') COLLATE pg_catalog.\"C\") "
		"OPERATOR(pg_catalog.=) $1 ORDER BY 1, 2",
		1, types, values);
	n = SPI_processed;
	tuptable = SPI_tuptable;
	initStringInfo(&users);
	for (uint64 i = 0; i < n; i++)
	{
		char	   *table = SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 1);
		char	   *trigger = SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 2);

		if (cascade)
		{
			ereport(NOTICE,
					(errmsg("drop cascades to trigger %s on table %s", trigger, table)));
			run(SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 3), 0, NULL, NULL);
		}
		else
			appendStringInfo(&users, "%strigger %s on table %s uses model \"%s\"",
							 users.len > 0 ? "\n" : "", trigger, table, name);
	}
	if (users.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop model \"%s\" because autoscore triggers use it", name),
				 errdetail("%s", users.data),
				 errhint("Drop those triggers first, or drop them with the model: SELECT lead_qual.drop_model(%s, cascade => true);",
						 quote_literal_cstr(name))));
}

/*
 * drop_*(name, if_exists[, cascade]): true when a row was removed; false
 * when there was none and if_exists, else an error.  A model that autoscore
 * triggers use is dropped only with cascade, which drops those triggers.
 */
static Datum
drop(FunctionCallInfo fcinfo, RegistryKind kind)
{
	const Registry *reg = &registries[kind];
	char	   *name;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	uint64		dropped;
	bool		cascade = PG_NARGS() > 2 && !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: name must not be null", reg->drop)));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	values[0] = CStringGetTextDatum(name);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	dropped = run(reg->delete, 1, types, values);
	if (dropped > 0 && kind == REGISTRY_MODELS)
		drop_model_users(name, cascade);
	if (dropped > 0)
		propagate(psprintf("SELECT %s(%s, true)", reg->drop, quote_literal_cstr(name)));
	SPI_finish();
	if (dropped > 0)
		PG_RETURN_BOOL(true);
	if (!PG_ARGISNULL(1) && PG_GETARG_BOOL(1))
		PG_RETURN_BOOL(false);
	RegistryNotFound(kind, name, false);
}

PG_FUNCTION_INFO_V1(lq_define_model);
Datum
lq_define_model(PG_FUNCTION_ARGS)
{
	return define(fcinfo, REGISTRY_MODELS);
}

PG_FUNCTION_INFO_V1(lq_drop_model);
Datum
lq_drop_model(PG_FUNCTION_ARGS)
{
	return drop(fcinfo, REGISTRY_MODELS);
}

PG_FUNCTION_INFO_V1(lq_define_engagement_rules);
Datum
lq_define_engagement_rules(PG_FUNCTION_ARGS)
{
	return define(fcinfo, REGISTRY_RULES);
}

PG_FUNCTION_INFO_V1(lq_drop_engagement_rules);
Datum
lq_drop_engagement_rules(PG_FUNCTION_ARGS)
{
	return drop(fcinfo, REGISTRY_RULES);
}
