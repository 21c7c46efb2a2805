/*-------------------------------------------------------------------------
 *
 * autoscore.c
 *	  autoscore(model, target [, evidence [, as_of]]): the trigger that
 *	  keeps a lead's qualification current as rows are written.
 *
 * BEFORE INSERT OR UPDATE FOR EACH ROW: writes the qualification of the
 * row into the target column (type lead_qual.qualification).  The evidence
 * is the jsonb column named, or else the row itself; as_of is the column
 * named, or else the transaction's start time.  An UPDATE that changes
 * neither the evidence, nor as_of, nor the target column is not evaluated
 * again (unless the model has date rules and as_of is the clock, which
 * moves).  What the trigger's arguments say is resolved once per
 * statement (scorer.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "utils/rel.h"

#include "triggers/scorer.h"

typedef struct Autoscore
{
	Scorer	   *scorer;
	Datum	   *row_values;		/* room for forming the new row */
	bool	   *row_nulls;
} Autoscore;

/*
 * Does the UPDATE from oldslot to newslot leave every input as it was, with
 * a qualification already stored?  (A row stored before the trigger came
 * has none yet: any UPDATE fills it in.)
 */
static bool
inputs_unchanged(Scorer *sc, const LqModel *m, TupleTableSlot *oldslot,
				 TupleTableSlot *newslot)
{
	bool		isnull;

	(void) slot_getattr(oldslot, sc->target, &isnull);
	if (isnull || !TriggerSameColumn(oldslot, newslot, sc->target))
		return false;
	if (sc->as_of != 0 && !TriggerSameColumn(oldslot, newslot, sc->as_of))
		return false;
	if (sc->evidence != 0)
		return TriggerSameColumn(oldslot, newslot, sc->evidence);
	for (int i = 0; i < m->ncriteria; i++)
		if (!TriggerSameColumn(oldslot, newslot, EvidenceBoundColumn(sc->binding, i) + 1))
			return false;
	return true;
}

/*
 * The row in slot with the qualification q in the target column.  The slot
 * holds the row the trigger was given, its columns already taken apart by
 * PostgreSQL when it made the tuple (or by reading the evidence): forming
 * the new row from them saves taking the tuple apart again.
 */
static HeapTuple
row_with(Autoscore *as, TupleTableSlot *slot, Datum q, bool isnull)
{
	int			natts = slot->tts_tupleDescriptor->natts;

	slot_getallattrs(slot);
	memcpy(as->row_values, slot->tts_values, sizeof(Datum) * natts);
	memcpy(as->row_nulls, slot->tts_isnull, sizeof(bool) * natts);
	as->row_values[as->scorer->target - 1] = q;
	as->row_nulls[as->scorer->target - 1] = isnull;
	return heap_form_tuple(slot->tts_tupleDescriptor, as->row_values, as->row_nulls);
}

PG_FUNCTION_INFO_V1(lq_autoscore);
Datum
lq_autoscore(PG_FUNCTION_ARGS)
{
	Autoscore  *as = (Autoscore *) fcinfo->flinfo->fn_extra;
	TriggerData *td;
	Scorer	   *sc;
	bool		update;
	TupleTableSlot *slot;
	HeapTuple	tuple;
	const LqModel *m;
	Datum		q = (Datum) 0;
	bool		isnull = true;

	if (as == NULL)
	{
		int			natts;

		TriggerCheckCall(fcinfo, "autoscore", true);
		td = (TriggerData *) fcinfo->context;
		sc = ScorerSetup(td, fcinfo->flinfo->fn_mcxt, "autoscore", td->tg_trigger->tgargs,
						 td->tg_trigger->tgnargs);
		natts = RelationGetDescr(td->tg_relation)->natts;
		as = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(Autoscore));
		as->scorer = sc;
		as->row_values = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(Datum) * natts);
		as->row_nulls = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(bool) * natts);
		fcinfo->flinfo->fn_extra = as;
	}
	sc = as->scorer;
	td = (TriggerData *) fcinfo->context;
	update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	slot = update ? td->tg_newslot : td->tg_trigslot;
	tuple = update ? td->tg_newtuple : td->tg_trigtuple;
	m = ScorerModel(sc, td);

	if (update && sc->can_skip && inputs_unchanged(sc, m, td->tg_trigslot, slot))
		return PointerGetDatum(tuple);

	if (ScorerGrade(sc, m, slot))
	{
		q = QualMake(&sc->maker, m, sc->grades);
		isnull = false;
	}
	return PointerGetDatum(row_with(as, slot, q, isnull));
}
