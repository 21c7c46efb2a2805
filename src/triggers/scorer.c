/*-------------------------------------------------------------------------
 *
 * scorer.c
 *	  The configuration of an autoscore trigger, resolved on the first row
 *	  of each statement (the trigger's FmgrInfo lives as long as the
 *	  statement), and qualifying a row with it (scorer.h).
 *
 * The arguments are checked and the model, the columns and the binding of
 * the criteria to the row type are resolved once, so that an unknown model
 * or a row lacking a criterion's column fails on the first row.  The model
 * is loaded again only when the registry changes (registry/ref.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "triggers/scorer.h"

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
	if (sc->evidence == 0)
		sc->binding = EvidenceBindRow(m, RelationGetForm(td->tg_relation)->reltype, -1, cxt);

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
 * [, evidence [, as_of]]), in fn_mcxt: the columns resolved and checked,
 * the model loaded.
 */
Scorer *
ScorerSetup(FunctionCallInfo fcinfo, const char *fname, char **args, int nargs)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Scorer	   *sc;
	Oid			typid;
	MemoryContext old;

	if (nargs < 2 || nargs > 4)
		TriggerMisuse(td, fname,
					  psprintf("it takes 2 to 4 arguments (model, target column[, evidence column[, as_of column]]), not %d",
							   nargs));
	sc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(Scorer));
	sc->fname = fname;
	sc->cxt = fcinfo->flinfo->fn_mcxt;
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
		EvidenceFromSlot(m, sc->binding, slot, sc->values);
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
