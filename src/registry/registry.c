/*-------------------------------------------------------------------------
 *
 * registry.c
 *	  Named models and named engagement rules: reading lead_qual.models and
 *	  lead_qual.engagement_rule_sets, and telling caches when they have
 *	  changed.
 *
 * A lookup reads the table through SPI, so privileges and row security
 * apply as for any query; callers cache the result for the rest of their
 * query (ref.c).  A statement trigger on the table sends a relcache
 * invalidation for it; every backend counts those in a generation number,
 * and a cache made at an older generation is stale.  This also covers the
 * case where a function's cache outlives one statement (PL/pgSQL keeps
 * the state of simple expressions for the whole transaction).  A second
 * counter does the same for the column layouts of row types.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "base/text_util.h"
#include "registry/registry.h"

/* read through RegistryGeneration() and SchemaGeneration() (registry.h) */
uint64		RegistryChanges = 1;
uint64		SchemaChanges = 1;

/* The registry tables seen so far (their OIDs differ between databases). */
static Oid	registry_relids[2];

static bool
is_registry(Oid relid)
{
	for (int i = 0; i < (int) lengthof(registry_relids); i++)
		if (registry_relids[i] == relid && OidIsValid(relid))
			return true;
	return false;
}

static void
remember_registry(RegistryKind which, Oid relid)
{
	registry_relids[which] = relid;
}

static void
relcache_inval(Datum arg, Oid relid)
{
	if (relid == InvalidOid || is_registry(relid))
		RegistryChanges++;
	/* a table or composite type may have changed its columns */
	SchemaChanges++;
}

static void
enum_inval(Datum arg, int cacheid, uint32 hashvalue)
{
	/* an enum label may have been renamed */
	SchemaChanges++;
}

void
RegistryInit(void)
{
	CacheRegisterRelcacheCallback(relcache_inval, (Datum) 0);
	CacheRegisterSyscacheCallback(ENUMOID, enum_inval, (Datum) 0);
}

/*
 * The value stored under name in a registry table (query: its value and
 * tableoid, $1 the name), copied into the caller's memory context; NULL if
 * there is none.
 */
static struct varlena *
fetch(const char *query, RegistryKind which, const char *name)
{
	MemoryContext caller = CurrentMemoryContext;
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	bool		pushed = false;
	struct varlena *result = NULL;
	int			rc;

	args[0] = CStringGetTextDatum(name);
	if (!ActiveSnapshotSet())
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		pushed = true;
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute_with_args(query, 1, argtypes, args, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "reading the lead_qual registry failed: %s", SPI_result_code_string(rc));
	if (SPI_processed > 0)
	{
		bool		value_null;
		bool		relid_null;
		Datum		value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &value_null);
		Datum		relid = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &relid_null);

		if (!relid_null)
			remember_registry(which, DatumGetObjectId(relid));
		if (!value_null)
		{
			MemoryContext spi = MemoryContextSwitchTo(caller);

			result = (struct varlena *) PG_DETOAST_DATUM_COPY(value);
			MemoryContextSwitchTo(spi);
		}
	}
	SPI_finish();
	if (pushed)
		PopActiveSnapshot();
	return result;
}

/*
 * The stored form of the model (REGISTRY_MODELS) or the engagement rules
 * (REGISTRY_RULES) registered under name, in the caller's memory context;
 * NULL when there is none and missing_ok, else an error.
 */
struct varlena *
RegistryFetch(RegistryKind kind, const char *name, bool missing_ok)
{
	struct varlena *result;

	if (kind == REGISTRY_MODELS)
		result = fetch("SELECT m.model, m.tableoid FROM lead_qual.models m "
					   "WHERE m.name OPERATOR(pg_catalog.=) $1", kind, name);
	else
		result = fetch("SELECT r.rules, r.tableoid FROM lead_qual.engagement_rule_sets r "
					   "WHERE r.name OPERATOR(pg_catalog.=) $1", kind, name);
	if (result == NULL && !missing_ok)
		RegistryNotFound(kind, name, true);
	return result;
}

/* What the messages about names need of each registry. */
static const struct
{
	const char *nouns;			/* the registered <nouns> */
	const char *json;			/* what JSON starts with */
	const char *query;			/* the names, in byte order */
}			registries[] = {
	[REGISTRY_MODELS] = {
		"models",
		"A model written as JSON starts with \"{\".",
		"SELECT m.name FROM lead_qual.models m ORDER BY m.name COLLATE pg_catalog.\"C\""
	},
	[REGISTRY_RULES] = {
		"engagement rules",
		"Rules written as JSON start with \"{\".",
		"SELECT r.name FROM lead_qual.engagement_rule_sets r ORDER BY r.name COLLATE pg_catalog.\"C\""
	},
};

/* the names a hint lists at most */
#define HINT_NAMES	20

/*
 * The hint of a name nothing is registered under: the name it most likely
 * means, when that is registered, and the registered names (at most
 * HINT_NAMES of them, in byte order).
 */
static char *
not_found_hint(RegistryKind kind, const char *name)
{
	char	   *better = NameSuggestion(name);
	StringInfoData names;
	StringInfoData hint;
	bool		pushed = false;
	bool		meant = false;
	uint64		n;

	initStringInfo(&names);
	if (!ActiveSnapshotSet())
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		pushed = true;
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(registries[kind].query, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the lead_qual registry failed");
	n = SPI_processed;
	for (uint64 i = 0; i < n; i++)
	{
		char	   *r = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

		if (r == NULL)
			continue;
		if (better != NULL && strcmp(r, better) == 0)
			meant = true;
		if (i < HINT_NAMES)
			appendStringInfo(&names, "%s%s", i > 0 ? ", " : "", r);
	}
	if (n > HINT_NAMES)
		appendStringInfo(&names, " and %llu more", (unsigned long long) (n - HINT_NAMES));
	initStringInfo(&hint);
	/* the name meant, when it is registered; else what is */
	if (meant)
		appendStringInfo(&hint, "Did you mean \"%s\"?", better);
	else if (n > 0)
		appendStringInfo(&hint, "The registered %s are: %s.", registries[kind].nouns, names.data);
	SPI_finish();
	if (pushed)
		PopActiveSnapshot();
	return hint.len > 0 ? hint.data : NULL;
}

/*
 * The OID of a registry table (after a lookup in it), InvalidOid before: a
 * plan that resolved a name in it depends on it.
 */
Oid
RegistryRelation(RegistryKind kind)
{
	return registry_relids[kind];
}

/*
 * The error for a name nothing is registered under (42704): name as the
 * user wrote it (in lower case, when it is a valid name).  A name that
 * cannot be one is told so, and, when the text could have been JSON
 * (or_json), what JSON starts with.
 */
void
RegistryNotFound(RegistryKind kind, const char *name, bool or_json)
{
	bool		valid = IsIdentifier(name);
	char	   *hint = not_found_hint(kind, name);

	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 kind == REGISTRY_MODELS
			 ? errmsg("model \"%s\" does not exist", TextClip(name, 64))
			 : errmsg("engagement rules \"%s\" do not exist", TextClip(name, 64)),
			 valid ? 0 : errdetail("%s%s%s", LQ_NAME_RULES, or_json ? " " : "",
								   or_json ? registries[kind].json : ""),
			 hint ? errhint("%s", hint) : 0));
}

/*
 * Statement trigger on lead_qual.models and lead_qual.engagement_rule_sets:
 * make every backend drop what it has cached from them, once this change
 * is visible to it.
 */
PG_FUNCTION_INFO_V1(lq_registry_changed);
Datum
lq_registry_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("lead_qual.registry_changed() must be called as a trigger")));
	remember_registry(strcmp(RelationGetRelationName(trigdata->tg_relation), "models") == 0
					  ? REGISTRY_MODELS : REGISTRY_RULES,
					  RelationGetRelid(trigdata->tg_relation));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}
