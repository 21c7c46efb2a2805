/*-------------------------------------------------------------------------
 *
 * trigger_list.c
 *	  autoscore_triggers(table): the autoscore triggers of a table, or of
 *	  every table, read from pg_trigger.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_trigger.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "triggers/scorer.h"

/* The arguments of a pg_trigger row, as a palloc'd array of strings. */
static char **
trigger_args(HeapTuple tup, TupleDesc desc, int nargs)
{
	char	  **args = palloc0(sizeof(char *) * Max(nargs, 1));
	bool		isnull;
	Datum		d = heap_getattr(tup, Anum_pg_trigger_tgargs, desc, &isnull);
	bytea	   *raw;
	const char *p,
			   *end;

	if (isnull || nargs == 0)
		return args;
	raw = DatumGetByteaPP(d);
	p = VARDATA_ANY(raw);
	end = p + VARSIZE_ANY_EXHDR(raw);
	for (int i = 0; i < nargs; i++)
	{
		const char *nul = memchr(p, '\0', end - p);

		if (nul == NULL)
			elog(ERROR, "malformed tgargs in pg_trigger");
		args[i] = pnstrdup(p, nul - p);
		p = nul + 1;
	}
	return args;
}

/*
 * autoscore_triggers(table): the autoscore triggers on the table (on every
 * table when NULL): model, target, evidence and as_of columns, and whether
 * enable_history() records their changes.  A partition's copies of its
 * parent's triggers are not listed again.
 */
PG_FUNCTION_INFO_V1(lq_autoscore_triggers);
Datum
lq_autoscore_triggers(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			only = PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0);
	Oid			scorer = TriggerFunctionOid("autoscore", false);
	Oid			recorder = TriggerFunctionOid("record_history", false);
	Relation	rel;
	TupleDesc	desc;
	List	   *recorded = NIL;	/* "relid/trigger name" of recorded triggers */
	SysScanDesc scan;
	HeapTuple	tup;

	InitMaterializedSRF(fcinfo, 0);
	rel = table_open(TriggerRelationId, AccessShareLock);
	desc = RelationGetDescr(rel);

	/* first the history triggers, then the scorers they name */
	for (int pass = 0; pass < 2; pass++)
	{
		scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
		while (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			Form_pg_trigger t = (Form_pg_trigger) GETSTRUCT(tup);
			char	  **args;
			Datum		values[7];
			bool		nulls[7] = {0};

			if (OidIsValid(only) && t->tgrelid != only)
				continue;
			if (OidIsValid(t->tgparentid))
				continue;
			if (pass == 0)
			{
				if (t->tgfoid == recorder && t->tgnargs >= 1)
					recorded = lappend(recorded,
									   psprintf("%u/%s", t->tgrelid,
												trigger_args(tup, desc, t->tgnargs)[0]));
				continue;
			}
			if (t->tgfoid != scorer)
				continue;
			args = trigger_args(tup, desc, t->tgnargs);
			values[0] = ObjectIdGetDatum(t->tgrelid);
			values[1] = NameGetDatum(&t->tgname);
			/* model, target, evidence, as_of: not the flat targets, field=column */
			for (int a = 0; a < 4; a++)
			{
				if (a < t->tgnargs && args[a][0] != '\0' &&
					(a == 0 || strchr(args[a], '=') == NULL))
					values[2 + a] = CStringGetTextDatum(args[a]);
				else
					nulls[2 + a] = true;
			}
			values[6] = BoolGetDatum(false);
			{
				char	   *me = psprintf("%u/%s", t->tgrelid, NameStr(t->tgname));
				ListCell   *lc;

				foreach(lc, recorded)
					if (strcmp((char *) lfirst(lc), me) == 0)
						values[6] = BoolGetDatum(true);
			}
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		systable_endscan(scan);
	}
	table_close(rel, AccessShareLock);
	return (Datum) 0;
}
