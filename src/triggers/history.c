/*-------------------------------------------------------------------------
 *
 * history.c
 *	  record_history(autoscore trigger, key column, table name): the
 *	  trigger that enable_history() adds after an autoscore trigger.
 *
 * AFTER INSERT OR UPDATE FOR EACH ROW: when the status, tier or score in
 * the autoscore trigger's target column changes, adds a row to
 * lead_qual.history with the criteria that changed and the reason (a new
 * lead, new evidence, or the model), as the owner of the history, so that
 * writers of leads need no rights on it.  The autoscore trigger's
 * configuration (scorer.c) is read once per statement.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "base/binary.h"
#include "triggers/history.h"
#include "triggers/scorer.h"

typedef struct History
{
	Scorer	   *scorer;
	AttrNumber	key;			/* the lead's key column */
	FmgrInfo	key_out;
	char	   *table_name;		/* the table the history names */
	Oid			history_owner;	/* who writes the history */
	bool		has_reason;		/* the history has the column reason (0.4.0) */
	QualReader	quals;			/* reads the stored qualifications */
	MemoryContext cxt;			/* the statement's (fn_mcxt) */
	Oid			changed_by_id;	/* the user last written as changed_by, */
	char	   *changed_by;		/* ... and the name (NULL: none yet) */
} History;

static bool
same_text(text *a, text *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return BinEqual(a, b);
}

static bool
array_has(ArrayType *a, const char *key)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (a == NULL)
		return false;
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
		if (!nulls[i] && strcmp(TextDatumGetCString(elems[i]), key) == 0)
			return true;
	return false;
}

/* 0 none, 1 unknown, 2 unmet, 3 met */
static int
criterion_state(const StoredQual *s, const char *key)
{
	if (!s->present)
		return 0;
	if (array_has(s->missing, key))
		return 1;
	if (array_has(s->failed, key))
		return 2;
	return 3;
}

/* Are two values found in jsonb evidence the same (NULL: no such key)? */
static bool
same_jsonb_value(JsonbValue *a, JsonbValue *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type)
		return false;
	switch (a->type)
	{
		case jbvNull:
			return true;
		case jbvBool:
			return a->val.boolean == b->val.boolean;
		case jbvString:
			return a->val.string.len == b->val.string.len &&
				memcmp(a->val.string.val, b->val.string.val, a->val.string.len) == 0;
		case jbvNumeric:
			return DatumGetBool(DirectFunctionCall2(numeric_eq,
													NumericGetDatum(a->val.numeric),
													NumericGetDatum(b->val.numeric)));
		case jbvBinary:
			/* jsonb's binary form is canonical: equal values, equal bytes */
			return a->val.binary.len == b->val.binary.len &&
				memcmp(a->val.binary.data, b->val.binary.data, a->val.binary.len) == 0;
		default:
			return false;
	}
}

/* Did criterion i read other evidence in newslot than in oldslot? */
static bool
evidence_changed(History *h, const LqModel *m, int i, TupleTableSlot *oldslot,
				 TupleTableSlot *newslot)
{
	bool		onull,
				nnull;
	Datum		o,
				nv;
	const LqCriterion *c = &m->criteria[i];
	JsonbValue	obuf,
				nbuf,
			   *ov = NULL,
			   *nvv = NULL;
	bool		by_key;

	if (h->scorer->evidence == 0)
		return !TriggerSameColumn(oldslot, newslot, EvidenceBoundColumn(h->scorer->binding, i) + 1);
	o = slot_getattr(oldslot, h->scorer->evidence, &onull);
	nv = slot_getattr(newslot, h->scorer->evidence, &nnull);
	if (!onull && JB_ROOT_IS_OBJECT(DatumGetJsonbP(o)))
		ov = EvidenceJsonbMember(c, &DatumGetJsonbP(o)->root, &obuf, &by_key);
	if (!nnull && JB_ROOT_IS_OBJECT(DatumGetJsonbP(nv)))
		nvv = EvidenceJsonbMember(c, &DatumGetJsonbP(nv)->root, &nbuf, &by_key);
	return !same_jsonb_value(ov, nvv);
}

/*
 * The criteria that changed between two rows: their state (met, unmet,
 * unknown) or the evidence they read; and why the qualification changed
 * (*reason): a new lead, new evidence (or a new as_of), or else the model
 * (nothing the trigger reads changed: the model was redefined since the
 * row was scored, or, when date rules are judged against the clock, the
 * days passed).
 */
static Datum
changed_criteria(History *h, const LqModel *m, const StoredQual *before,
				 const StoredQual *after, TupleTableSlot *oldslot, TupleTableSlot *newslot,
				 const char **reason)
{
	Datum	   *keys = palloc(sizeof(Datum) * m->ncriteria);
	int			n = 0;
	bool		new_evidence = false;

	if (oldslot != NULL && h->scorer->as_of != 0)
		new_evidence = !TriggerSameColumn(oldslot, newslot, h->scorer->as_of);
	for (int i = 0; i < m->ncriteria; i++)
	{
		const char *key = m->criteria[i].key;
		bool		changed;

		/* a new lead: the criteria known from the start */
		if (!before->present)
		{
			if (criterion_state(after, key) >= 2)
				keys[n++] = CStringGetTextDatum(key);
			continue;
		}
		changed = criterion_state(before, key) != criterion_state(after, key);
		if (oldslot != NULL && evidence_changed(h, m, i, oldslot, newslot))
			changed = new_evidence = true;
		if (changed)
			keys[n++] = CStringGetTextDatum(key);
	}
	*reason = !before->present ? "new" : new_evidence ? "evidence" : "model";
	if (n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return PointerGetDatum(construct_array(keys, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* the INSERT into lead_qual.history: without and with the column reason */
static SPIPlanPtr history_plans[2];

/* Add a row to lead_qual.history, as the owner of that table. */
static void
write_history(History *h, const char *lead_key, const char *model_name,
			  const StoredQual *before, const StoredQual *after, Datum criteria,
			  const char *reason)
{
	Datum		values[12];
	char		nulls[12];
	int			nargs = h->has_reason ? 12 : 11;
	Oid			save_user;
	int			save_sec;

	/* the name looked up once per statement, again only for another user */
	if (h->changed_by == NULL || h->changed_by_id != GetUserId())
	{
		char	   *name = GetUserNameFromId(GetUserId(), false);

		h->changed_by = MemoryContextStrdup(h->cxt, name);
		h->changed_by_id = GetUserId();
	}
	memset(nulls, ' ', sizeof(nulls));
	values[0] = CStringGetTextDatum(h->table_name);
	values[1] = CStringGetTextDatum(lead_key);
	values[2] = CStringGetTextDatum(model_name);
	values[3] = PointerGetDatum(before->status);
	values[4] = PointerGetDatum(after->status);
	values[5] = PointerGetDatum(before->tier);
	values[6] = PointerGetDatum(after->tier);
	values[7] = Float8GetDatum(before->score);
	values[8] = Float8GetDatum(after->score);
	values[9] = criteria;
	values[10] = CStringGetTextDatum(h->changed_by);
	values[11] = CStringGetTextDatum(reason);
	for (int i = 3; i <= 6; i++)
		if (DatumGetPointer(values[i]) == NULL)
			nulls[i] = 'n';
	if (!before->has_score)
		nulls[7] = 'n';
	if (!after->has_score)
		nulls[8] = 'n';

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(h->history_owner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (history_plans[h->has_reason] == NULL)
	{
		Oid			types[12] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
		TEXTOID, FLOAT8OID, FLOAT8OID, TEXTARRAYOID, TEXTOID, TEXTOID};
		SPIPlanPtr	plan = SPI_prepare(h->has_reason ?
									   "INSERT INTO lead_qual.history (table_name, lead_key, model, "
									   "old_status, new_status, old_tier, new_tier, old_score, new_score, "
									   "changed_criteria, changed_by, reason) "
									   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)" :
									   "INSERT INTO lead_qual.history (table_name, lead_key, model, "
									   "old_status, new_status, old_tier, new_tier, old_score, new_score, "
									   "changed_criteria, changed_by) "
									   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
									   nargs, types);

		if (plan == NULL)
			elog(ERROR, "preparing the history insert failed: %s",
				 SPI_result_code_string(SPI_result));
		SPI_keepplan(plan);
		history_plans[h->has_reason] = plan;
	}
	if (SPI_execute_plan(history_plans[h->has_reason], values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "inserting into lead_qual.history failed");
	SPI_finish();
	SetUserIdAndSecContext(save_user, save_sec);
}

/*
 * The owner of lead_qual.history, who writes it; whether the table has the
 * column reason (*has_reason: not before the update to 0.4.0).
 */
static Oid
history_owner(bool *has_reason)
{
	Oid			relid = get_relname_relid("history", get_namespace_oid("lead_qual", false));
	HeapTuple	tp;
	Oid			owner;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table lead_qual.history does not exist")));
	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tp))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tp))->relowner;
	ReleaseSysCache(tp);
	*has_reason = get_attnum(relid, "reason") != InvalidAttrNumber;
	return owner;
}

/*
 * record_history(autoscore trigger, key column, table name): the
 * configuration is that of the named autoscore trigger on the same table.
 */
/*
 * The table a history trigger records its rows under: the table the trigger
 * was created on, never the name in its arguments (any table owner can
 * create this trigger, and the history is written as the history's owner;
 * enable_history() passes the same name, which is now checked for count
 * only).  On a partition the trigger is a copy of its parent's: follow
 * tgparentid up to the partitioned table enable_history() was called on,
 * so that a lead's history stays under one name, readable by those who may
 * read that table.  (The relcache's Trigger does not carry tgparentid, so
 * the chain is read from pg_trigger, once per statement.)
 */
static char *
history_table_name(TriggerData *td)
{
	Oid			relid = RelationGetRelid(td->tg_relation);
	Oid			parent = td->tg_trigger->tgoid;	/* the trigger itself first */
	int			depth = 0;

	if (td->tg_relation->rd_rel->relpersistence == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("lead_qual does not record the history of temporary table \"%s\"",
						RelationGetRelationName(td->tg_relation)),
				 errdetail("Its name would be another session's temporary table later, and so would its history.")));

	while (td->tg_relation->rd_rel->relispartition && OidIsValid(parent))
	{
		Oid			trigger = parent;

		if (++depth > 1000)
			elog(ERROR, "trigger %u has a cycle of parent triggers", td->tg_trigger->tgoid);
		if (!TriggerLookup(trigger, &relid, &parent))
			elog(ERROR, "could not find trigger %u", trigger);
	}
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/* The qualification stored in slot's target column (none when slot is NULL). */
static void
read_stored(History *h, TupleTableSlot *slot, StoredQual *q)
{
	bool		isnull = true;
	Datum		d = (Datum) 0;

	if (slot != NULL)
		d = slot_getattr(slot, h->scorer->target, &isnull);
	QualRead(&h->quals, d, isnull, true, q);
}

/*
 * The state of history trigger td for a statement, in cxt (fn_mcxt): the
 * autoscore trigger of the same table it names, that trigger's scorer, the
 * key column; every argument checked.
 */
static History *
history_setup(TriggerData *td, MemoryContext cxt)
{
	Trigger    *scoring;
	History    *h;
	Oid			typid;
	Oid			outfn;
	bool		varlena;
	MemoryContext old;

	if (td->tg_trigger->tgnargs != 3)
		TriggerMisuse(td, "record_history",
					  psprintf("it takes 3 arguments (autoscore trigger, key column, table name), not %d",
							   td->tg_trigger->tgnargs));
	scoring = TriggerByName(td->tg_relation, td->tg_trigger->tgargs[0]);
	if (scoring == NULL)
		TriggerMisuse(td, "record_history",
					  psprintf("table \"%s\" has no trigger \"%s\"",
							   RelationGetRelationName(td->tg_relation),
							   td->tg_trigger->tgargs[0]));
	if (scoring->tgfoid != TriggerFunctionOid("autoscore", false))
		TriggerMisuse(td, "record_history",
					  psprintf("trigger \"%s\" is not a lead_qual.autoscore trigger",
							   td->tg_trigger->tgargs[0]));

	h = MemoryContextAllocZero(cxt, sizeof(History));
	h->cxt = cxt;
	h->scorer = ScorerSetup(td, cxt, "record_history", scoring->tgargs, scoring->tgnargs);
	if (h->scorer->target == 0)
		TriggerMisuse(td, "record_history",
					  psprintf("trigger \"%s\" writes no lead_qual.qualification column, which the history is read from",
							   td->tg_trigger->tgargs[0]));
	QualReaderInit(&h->quals, cxt);
	old = MemoryContextSwitchTo(cxt);
	h->key = TriggerColumnArg(td, "record_history", td->tg_trigger->tgargs, 1, false,
							  "key", &typid);
	getTypeOutputInfo(TupleDescAttr(RelationGetDescr(td->tg_relation), h->key - 1)->atttypid,
					  &outfn, &varlena);
	fmgr_info_cxt(outfn, &h->key_out, cxt);
	h->table_name = history_table_name(td);
	h->history_owner = history_owner(&h->has_reason);
	MemoryContextSwitchTo(old);
	return h;
}

/*
 * Check history trigger td as it is created or its table altered: what
 * the first row would check.
 */
void
HistoryCheck(TriggerData *td)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "lead_qual history check",
											  ALLOCSET_SMALL_SIZES);

	(void) history_setup(td, cxt);
	MemoryContextDelete(cxt);
}

PG_FUNCTION_INFO_V1(lq_record_history);
Datum
lq_record_history(PG_FUNCTION_ARGS)
{
	History    *h = (History *) fcinfo->flinfo->fn_extra;
	TriggerData *td;
	bool		update;
	TupleTableSlot *oldslot;
	TupleTableSlot *newslot;
	const LqModel *m;
	StoredQual	before,
				after;
	bool		keynull;
	Datum		key;
	char	   *model_name;
	Datum		criteria;
	const char *reason;

	if (h == NULL)
	{
		TriggerCheckCall(fcinfo, "record_history", false);
		h = history_setup((TriggerData *) fcinfo->context, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = h;
	}
	td = (TriggerData *) fcinfo->context;
	update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	oldslot = update ? td->tg_trigslot : NULL;
	newslot = update ? td->tg_newslot : td->tg_trigslot;
	m = ScorerModel(h->scorer, td);

	read_stored(h, oldslot, &before);
	read_stored(h, newslot, &after);
	if (before.present == after.present && same_text(before.status, after.status) &&
		same_text(before.tier, after.tier) && before.has_score == after.has_score &&
		before.score == after.score)
		return PointerGetDatum(NULL);	/* nothing the history records changed */

	key = slot_getattr(newslot, h->key, &keynull);
	model_name = after.model ? text_to_cstring(after.model) :
		before.model ? text_to_cstring(before.model) : m->name;
	criteria = changed_criteria(h, m, &before, &after, oldslot, newslot, &reason);
	write_history(h, keynull ? "" : OutputFunctionCall(&h->key_out, key), model_name,
				  &before, &after, criteria, reason);
	return PointerGetDatum(NULL);
}
