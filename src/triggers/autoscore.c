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
 * statement (scorer.c).  An error while a row is scored says which row:
 * its place in the statement and, where the user may read it, the value
 * of the table's primary key.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/rls.h"

#include "base/text_util.h"
#include "triggers/scorer.h"

typedef struct Autoscore
{
	Scorer	   *scorer;
	Datum	   *row_values;		/* room for forming the new row */
	bool	   *row_nulls;

	/* for messages: the row being scored */
	TriggerData *td;
	TupleTableSlot *slot;
	uint64		row;			/* its place in the statement, from 1 */
	int			nkeys;			/* the primary key's columns */
	AttrNumber *keys;
} Autoscore;

/*
 * The primary key's columns of the trigger's table, in order of their
 * numbers (the relation cache keeps them; none without a primary key).
 */
static void
find_key(Autoscore *as, Relation rel, MemoryContext cxt)
{
	Bitmapset  *cols = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_PRIMARY_KEY);
	int			i = -1;

	as->nkeys = 0;
	as->keys = MemoryContextAlloc(cxt, sizeof(AttrNumber) * Max(bms_num_members(cols), 1));
	while ((i = bms_next_member(cols, i)) >= 0)
		as->keys[as->nkeys++] = i + FirstLowInvalidHeapAttributeNumber;
	bms_free(cols);
}

/*
 * "(id)=(42)": the key of the row being scored, as PostgreSQL writes keys
 * in its messages, or NULL when the user may not see it (no SELECT on the
 * table or on every key column, or row security applies: as
 * BuildIndexValueDescription decides for unique violations).
 */
static char *
row_key(Autoscore *as)
{
	Relation	rel = as->td->tg_relation;
	Oid			relid = RelationGetRelid(rel);
	TupleDesc	desc = RelationGetDescr(rel);
	StringInfoData names,
				values;

	if (as->nkeys == 0 || check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		return NULL;
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		for (int k = 0; k < as->nkeys; k++)
			if (pg_attribute_aclcheck(relid, as->keys[k], GetUserId(), ACL_SELECT) != ACLCHECK_OK)
				return NULL;
	initStringInfo(&names);
	initStringInfo(&values);
	for (int k = 0; k < as->nkeys; k++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, as->keys[k] - 1);
		bool		isnull;
		Datum		d = slot_getattr(as->slot, as->keys[k], &isnull);

		if (k > 0)
		{
			appendStringInfoString(&names, ", ");
			appendStringInfoString(&values, ", ");
		}
		appendStringInfoString(&names, quote_identifier(NameStr(att->attname)));
		if (isnull)
			appendStringInfoString(&values, "null");
		else
		{
			Oid			outfn;
			bool		varlena;

			getTypeOutputInfo(att->atttypid, &outfn, &varlena);
			appendStringInfoString(&values, TextClip(OidOutputFunctionCall(outfn, d), 64));
		}
	}
	return psprintf("(%s)=(%s)", names.data, values.data);
}

/*
 * The context of an error while a row is scored: the trigger, the table
 * and the row (the message itself is what qualify() would say).
 */
static void
scoring_context(void *arg)
{
	Autoscore  *as = (Autoscore *) arg;
	char	   *key = row_key(as);

	errcontext("lead_qual.autoscore trigger \"%s\" on table \"%s\", row " UINT64_FORMAT " of the statement%s%s",
			   as->td->tg_trigger->tgname, RelationGetRelationName(as->td->tg_relation),
			   as->row, key ? ", key " : "", key ? key : "");
}

/*
 * Does column attnum hold a value, the same in oldslot and newslot?  (A
 * row stored before the trigger came has none yet: any UPDATE fills it
 * in.)
 */
static bool
kept(TupleTableSlot *oldslot, TupleTableSlot *newslot, AttrNumber attnum)
{
	bool		isnull;

	(void) slot_getattr(oldslot, attnum, &isnull);
	return !isnull && TriggerSameColumn(oldslot, newslot, attnum);
}

/*
 * Does the UPDATE from oldslot to newslot leave every input as it was, with
 * a result already stored in every target?
 */
static bool
inputs_unchanged(Scorer *sc, const LqModel *m, TupleTableSlot *oldslot,
				 TupleTableSlot *newslot)
{
	if (sc->target != 0 && !kept(oldslot, newslot, sc->target))
		return false;
	for (int k = 0; k < sc->nflat; k++)
		if (!kept(oldslot, newslot, sc->flat[k].column))
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
 * The row in slot with the lead's qualification (qo; NULL when qo is) in
 * the target column and its fields in the flat targets.  The slot holds
 * the row the trigger was given, its columns already taken apart by
 * PostgreSQL when it made the tuple (or by reading the evidence): forming
 * the new row from them saves taking the tuple apart again.
 */
static HeapTuple
row_with(Autoscore *as, TupleTableSlot *slot, const LqModel *m, const QualOutcome *qo)
{
	Scorer	   *sc = as->scorer;
	int			natts = slot->tts_tupleDescriptor->natts;

	slot_getallattrs(slot);
	memcpy(as->row_values, slot->tts_values, sizeof(Datum) * natts);
	memcpy(as->row_nulls, slot->tts_isnull, sizeof(bool) * natts);
	if (sc->target != 0)
	{
		as->row_values[sc->target - 1] = qo ? QualMakeFrom(&sc->maker, m, qo) : (Datum) 0;
		as->row_nulls[sc->target - 1] = (qo == NULL);
	}
	for (int k = 0; k < sc->nflat; k++)
	{
		const ScorerFlat *f = &sc->flat[k];

		as->row_values[f->column - 1] = qo ?
			QualFieldValue(&sc->maker, m, qo, f->field, f->as_text) : (Datum) 0;
		as->row_nulls[f->column - 1] = (qo == NULL);
	}
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
	QualOutcome qo;
	HeapTuple	result;
	ErrorContextCallback context;

	if (as == NULL)
	{
		TriggerCheckCall(fcinfo, "autoscore", true);
		as = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(Autoscore));
	}
	td = (TriggerData *) fcinfo->context;
	update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	slot = update ? td->tg_newslot : td->tg_trigslot;
	tuple = update ? td->tg_newtuple : td->tg_trigtuple;

	as->td = td;
	as->slot = slot;
	as->row++;
	context.callback = scoring_context;
	context.arg = as;
	context.previous = error_context_stack;
	error_context_stack = &context;

	if (as->scorer == NULL)
	{
		MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
		int			natts = RelationGetDescr(td->tg_relation)->natts;

		find_key(as, td->tg_relation, cxt);
		as->row_values = MemoryContextAlloc(cxt, sizeof(Datum) * natts);
		as->row_nulls = MemoryContextAlloc(cxt, sizeof(bool) * natts);
		as->scorer = ScorerSetup(td, cxt, "autoscore", td->tg_trigger->tgargs,
								 td->tg_trigger->tgnargs);
		fcinfo->flinfo->fn_extra = as;	/* published once complete */
	}
	sc = as->scorer;
	m = ScorerModel(sc, td);
	if (update && sc->can_skip && inputs_unchanged(sc, m, td->tg_trigslot, slot))
	{
		error_context_stack = context.previous;
		return PointerGetDatum(tuple);
	}
	if (ScorerOutcome(sc, m, slot, &qo))
		result = row_with(as, slot, m, &qo);
	else
		result = row_with(as, slot, m, NULL);
	error_context_stack = context.previous;
	return PointerGetDatum(result);
}
