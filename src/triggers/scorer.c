/*-------------------------------------------------------------------------
 *
 * scorer.c
 *	  The configuration of an autoscore trigger, resolved on the first row
 *	  of each statement (the trigger's FmgrInfo lives as long as the
 *	  statement), and qualifying a row with it (scorer.h).
 *
 * The arguments are checked and the model, the columns and the binding of
 * the criteria to the row type are resolved once, so that an unknown model
 * or a row lacking a criterion's column fails on the first row.  The same
 * checks run when the trigger is created and when its table is altered
 * (trigger_check.c), so that they fail there already.  The model is loaded
 * again only when the registry changes (registry/ref.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "triggers/scorer.h"

/* The OID of lead_qual's trigger function name (autoscore, record_history). */
Oid
TriggerFunctionOid(const char *name, bool missing_ok)
{
	return LookupFuncName(list_make2(makeString("lead_qual"), makeString(pstrdup(name))),
						  0, NULL, missing_ok);
}

/*
 * The table of trigger trigoid, and the trigger of the partitioned table
 * it was copied from (InvalidOid if none), read from pg_trigger: false
 * when there is no such trigger.  (The relation cache's Trigger has
 * neither.)
 */
bool
TriggerLookup(Oid trigoid, Oid *relid, Oid *parentid)
{
	Relation	rel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found;

	ScanKeyInit(&key, Anum_pg_trigger_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(trigoid));
	scan = systable_beginscan(rel, TriggerOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	found = HeapTupleIsValid(tup);
	if (found)
	{
		*relid = ((Form_pg_trigger) GETSTRUCT(tup))->tgrelid;
		*parentid = ((Form_pg_trigger) GETSTRUCT(tup))->tgparentid;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

static Trigger *
trigger_named(Relation rel, const char *name)
{
	TriggerDesc *trigdesc = rel->trigdesc;

	for (int i = 0; trigdesc != NULL && i < trigdesc->numtriggers; i++)
		if (strcmp(trigdesc->triggers[i].tgname, name) == 0)
			return &trigdesc->triggers[i];
	return NULL;
}

/*
 * The trigger of rel named name, or NULL.  On a shard of a table Citus
 * distributes (named like the table, then _ and the shard's number), the
 * table's trigger is named with the same ending: that one.
 */
Trigger *
TriggerByName(Relation rel, const char *name)
{
	Trigger    *t = trigger_named(rel, name);
	const char *relname = RelationGetRelationName(rel);
	const char *end = strrchr(relname, '_');

	if (t != NULL || end == NULL || end[1] == '\0' ||
		strspn(end + 1, "0123456789") != strlen(end + 1))
		return t;
	return trigger_named(rel, psprintf("%s%s", name, end));
}

/* A trigger created in a way the function cannot work with. */
void
TriggerMisuse(TriggerData *td, const char *fname, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("trigger \"%s\" on \"%s\" cannot use lead_qual.%s(): %s",
					td->tg_trigger->tgname, RelationGetRelationName(td->tg_relation),
					fname, what)));
}

/*
 * Check that fname is called as a trigger that fires as it needs:
 * FOR EACH ROW, BEFORE (before) or AFTER, on INSERT or UPDATE.
 */
void
TriggerCheckCall(FunctionCallInfo fcinfo, const char *fname, bool before)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("lead_qual.%s() must be called as a trigger", fname)));
	if (!TRIGGER_FIRED_FOR_ROW(td->tg_event))
		TriggerMisuse(td, fname, "it must be a FOR EACH ROW trigger");
	if (before ? !TRIGGER_FIRED_BEFORE(td->tg_event) : !TRIGGER_FIRED_AFTER(td->tg_event))
		TriggerMisuse(td, fname, before ? "it must be a BEFORE trigger" : "it must be an AFTER trigger");
	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event) && !TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		TriggerMisuse(td, fname, "it runs on INSERT and UPDATE only");
}

/*
 * The same, for a trigger being created: it must fire as fname needs on
 * every event it is created for (tgtype), as TriggerCheckCall checks when
 * it fires.
 */
void
TriggerCheckType(TriggerData *td, const char *fname, bool before)
{
	int16		type = td->tg_trigger->tgtype;

	if (!TRIGGER_FOR_ROW(type))
		TriggerMisuse(td, fname, "it must be a FOR EACH ROW trigger");
	if (before ? !TRIGGER_FOR_BEFORE(type) : (TRIGGER_FOR_BEFORE(type) || TRIGGER_FOR_INSTEAD(type)))
		TriggerMisuse(td, fname, before ? "it must be a BEFORE trigger" : "it must be an AFTER trigger");
	if (TRIGGER_FOR_DELETE(type) || TRIGGER_FOR_TRUNCATE(type))
		TriggerMisuse(td, fname, "it runs on INSERT and UPDATE only");
}

/*
 * The column of the trigger's table named by args[argno], or 0 when that is
 * empty and may be; its type (a domain's base type) in *typid.
 */
AttrNumber
TriggerColumnArg(TriggerData *td, const char *fname, char **args, int argno,
				 bool optional, const char *role, Oid *typid)
{
	const char *name = args[argno];
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	int			attnum;

	if (name[0] == '\0')
	{
		if (optional)
			return 0;
		TriggerMisuse(td, fname, psprintf("the %s column must be named", role));
	}
	attnum = SPI_fnumber(desc, name);
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("trigger \"%s\": table \"%s\" has no column \"%s\" (the %s column)",
						td->tg_trigger->tgname, RelationGetRelationName(td->tg_relation),
						name, role)));
	*typid = getBaseType(TupleDescAttr(desc, attnum - 1)->atttypid);
	return (AttrNumber) attnum;
}

static void
column_type_error(TriggerData *td, const char *column, const char *role, Oid typid,
				  const char *want)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("trigger \"%s\": column \"%s\" (the %s column) has type %s, not %s",
					td->tg_trigger->tgname, column, role, format_type_be(typid), want)));
}

static Oid
qualification_type(void)
{
	Oid			nsp = get_namespace_oid("lead_qual", false);

	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
						   CStringGetDatum("qualification"), ObjectIdGetDatum(nsp));
}

/*
 * The model (loaded again when the registry changed since), with what the
 * trigger derives from it: the binding of its criteria to the table's row
 * type, room for values and grades, the maker of qualifications.
 */
const LqModel *
ScorerModel(Scorer *sc, TriggerData *td)
{
	const LqModel *m = RefGetText(&sc->model, sc->model_text, strlen(sc->model_text));
	MemoryContext cxt = RefMemory(&sc->model);

	if (sc->model_loads == sc->model.loads)
		return m;

	sc->values = MemoryContextAllocZero(cxt, sizeof(LqValue) * m->ncriteria);
	sc->grades = MemoryContextAllocZero(cxt, sizeof(LqGrade) * m->ncriteria);
	QualMakerInit(&sc->maker, m, sc->qual_desc, cxt);
	sc->binding = NULL;
	sc->reader = NULL;
	if (sc->evidence == 0)
	{
		sc->binding = EvidenceBindRow(m, RelationGetForm(td->tg_relation)->reltype, -1, cxt);
		sc->reader = ReaderMake(m, sc->binding, cxt);
	}

	/*
	 * An UPDATE that changes no input gives the same result, except when the
	 * result depends on the clock: date rules judged against now().
	 */
	sc->can_skip = true;
	for (int i = 0; i < m->ncriteria && sc->as_of == 0; i++)
		if (m->criteria[i].rule == LQ_RULE_WITHIN_DAYS)
			sc->can_skip = false;
	sc->model_loads = sc->model.loads;
	return m;
}

/*
 * The scorer for the autoscore arguments args (model, target
 * [, evidence [, as_of]]) of a trigger on td's table, in cxt (the
 * statement's fn_mcxt): the columns resolved and checked, the model loaded
 * and its criteria bound to the row.
 */
Scorer *
ScorerSetup(TriggerData *td, MemoryContext cxt, const char *fname, char **args, int nargs)
{
	Scorer	   *sc;
	Oid			typid;
	MemoryContext old;

	if (nargs < 2 || nargs > 4)
		TriggerMisuse(td, fname,
					  psprintf("it takes 2 to 4 arguments (model, target column[, evidence column[, as_of column]]), not %d",
							   nargs));
	sc = MemoryContextAllocZero(cxt, sizeof(Scorer));
	sc->fname = fname;
	sc->cxt = cxt;
	old = MemoryContextSwitchTo(sc->cxt);
	sc->model_text = pstrdup(args[0]);

	sc->target = TriggerColumnArg(td, fname, args, 1, false, "target", &typid);
	if (typid != qualification_type())
		column_type_error(td, args[1], "target", typid, "lead_qual.qualification");
	sc->qual_desc = QualTypeDesc(typid);

	if (nargs > 2)
	{
		sc->evidence = TriggerColumnArg(td, fname, args, 2, true, "evidence", &typid);
		if (sc->evidence != 0 && typid != JSONBOID)
			column_type_error(td, args[2], "evidence", typid, "jsonb");
	}
	if (nargs > 3)
	{
		sc->as_of = TriggerColumnArg(td, fname, args, 3, true, "as_of", &sc->as_of_type);
		if (sc->as_of != 0 && sc->as_of_type != TIMESTAMPTZOID &&
			sc->as_of_type != TIMESTAMPOID && sc->as_of_type != DATEOID)
			column_type_error(td, args[3], "as_of", sc->as_of_type,
							  "timestamptz, timestamp or date");
	}
	MemoryContextSwitchTo(old);

	RefInit(&sc->model, REGISTRY_MODELS, sc->cxt, true, true);
	ScorerModel(sc, td);
	return sc;
}

static LqAsOf
row_as_of(Scorer *sc, TupleTableSlot *slot)
{
	bool		isnull;
	Datum		d;
	LqAsOf		a;

	if (sc->as_of == 0)
		return AsOfFromTimestamptz(TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
								   false);
	d = slot_getattr(slot, sc->as_of, &isnull);
	if (isnull || sc->as_of_type != DATEOID)
		return AsOfFromTimestamptz(d, isnull);	/* timestamp counts alike */
	a.isnull = false;
	a.finite = !DATE_NOT_FINITE(DatumGetDateADT(d));
	a.days = DatumGetDateADT(d);
	return a;
}

/* Grade the row in slot into sc->grades; false when the qualification is NULL (no as_of). */
bool
ScorerGrade(Scorer *sc, const LqModel *m, TupleTableSlot *slot)
{
	LqAsOf		asof = row_as_of(sc, slot);

	if (asof.isnull)
		return false;
	if (sc->evidence != 0)
	{
		bool		isnull;
		Datum		d = slot_getattr(slot, sc->evidence, &isnull);

		if (isnull)
			memset(sc->values, 0, sizeof(LqValue) * m->ncriteria);
		else
			EvidenceFromJsonb(m, DatumGetJsonbP(d), sc->values);
	}
	else
	{
		ReaderGradeSlot(sc->reader, slot, &asof, sc->grades);
		return true;
	}
	for (int i = 0; i < m->ncriteria; i++)
		GradeCriterion(m, i, &sc->values[i], &asof, &sc->grades[i]);
	return true;
}

/* Does column attnum hold the same value in both rows? */
bool
TriggerSameColumn(TupleTableSlot *a, TupleTableSlot *b, AttrNumber attnum)
{
	Form_pg_attribute att = TupleDescAttr(a->tts_tupleDescriptor, attnum - 1);
	bool		anull,
				bnull;
	Datum		av = slot_getattr(a, attnum, &anull);
	Datum		bv = slot_getattr(b, attnum, &bnull);

	if (anull || bnull)
		return anull == bnull;
	return datumIsEqual(av, bv, att->attbyval, att->attlen);
}
