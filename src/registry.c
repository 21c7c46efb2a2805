/*-------------------------------------------------------------------------
 *
 * registry.c
 *	  Named models: reading lead_qual.models, and telling caches when it
 *	  has changed.
 *
 * A lookup reads the table through SPI, so privileges and row security
 * apply as for any query; callers cache the result for the rest of their
 * query (qualify.c).  A statement trigger on the table sends a relcache
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
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "lead_qual.h"

static uint64 generation = 1;
static uint64 schema_generation = 1;
static Oid	registry_relid = InvalidOid;

static void
relcache_inval(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == registry_relid)
		generation++;
	/* a table or composite type may have changed its columns */
	schema_generation++;
}

static void
enum_inval(Datum arg, int cacheid, uint32 hashvalue)
{
	/* an enum label may have been renamed */
	schema_generation++;
}

void
lq_registry_init(void)
{
	CacheRegisterRelcacheCallback(relcache_inval, (Datum) 0);
	CacheRegisterSyscacheCallback(ENUMOID, enum_inval, (Datum) 0);
}

uint64
lq_registry_generation(void)
{
	return generation;
}

/*
 * Counts invalidations that may change how rows of a composite type read:
 * a bound row type (evidence.c) is stale once this has moved on.
 */
uint64
lq_schema_generation(void)
{
	return schema_generation;
}

/*
 * The stored form of the model registered under name, copied into the
 * caller's memory context; NULL if there is none and missing_ok.
 */
struct varlena *
lq_registry_fetch(const char *name, bool missing_ok)
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
	rc = SPI_execute_with_args("SELECT m.model, m.tableoid FROM lead_qual.models m "
							   "WHERE m.name OPERATOR(pg_catalog.=) $1",
							   1, argtypes, args, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "reading lead_qual.models failed: %s", SPI_result_code_string(rc));
	if (SPI_processed > 0)
	{
		bool		model_null;
		bool		relid_null;
		Datum		model = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &model_null);
		Datum		relid = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &relid_null);

		if (!relid_null)
			registry_relid = DatumGetObjectId(relid);
		if (!model_null)
		{
			MemoryContext spi = MemoryContextSwitchTo(caller);

			result = (struct varlena *) PG_DETOAST_DATUM_COPY(model);
			MemoryContextSwitchTo(spi);
		}
	}
	SPI_finish();
	if (pushed)
		PopActiveSnapshot();

	if (result == NULL && !missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name),
				 errhint("The registered models are listed in lead_qual.models.")));
	return result;
}

/*
 * Statement trigger on lead_qual.models: make every backend drop the
 * models it has cached, once this change is visible to it.
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
	registry_relid = RelationGetRelid(trigdata->tg_relation);
	CacheInvalidateRelcacheByRelid(registry_relid);
	return PointerGetDatum(NULL);
}
