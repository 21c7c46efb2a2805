/*-------------------------------------------------------------------------
 *
 * trigger.c
 *	  Triggers that keep a lead's qualification current as rows are written,
 *	  and record its changes.
 *
 *	 autoscore(model, target [, evidence [, as_of]])
 *		BEFORE INSERT OR UPDATE FOR EACH ROW: writes the qualification of the
 *		row into the target column (type lead_qual.qualification).  The
 *		evidence is the jsonb column named, or else the row itself; as_of is
 *		the column named, or else the transaction's start time.  An UPDATE
 *		that changes neither the evidence, nor as_of, nor the target column
 *		is not evaluated again (unless the model has date rules and as_of is
 *		the clock, which moves).
 *
 *	 record_history(model, target, evidence, as_of, key, table)
 *		AFTER INSERT OR UPDATE FOR EACH ROW, made by enable_history(): when
 *		the status, tier or score in the target column changes, adds a row
 *		to lead_qual.history, as the extension's owner so that writers of
 *		leads need no rights on the history.
 *
 * Arguments are checked and the model, the columns and the binding of the
 * criteria are resolved on the first row of each statement (the trigger's
 * FmgrInfo lives as long as the statement), not per row.  The model is
 * looked up again only when the registry changes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/fmgrprotos.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "lead_qual.h"

typedef struct TrigState
{
	const char *fname;			/* for messages */
	MemoryContext cxt;			/* the statement's state */
	MemoryContext model_cxt;	/* the model and its binding */

	/* from the trigger's arguments */
	char	   *model_text;
	AttrNumber	target;
	AttrNumber	evidence;		/* 0: the row is the evidence */
	AttrNumber	as_of;			/* 0: the transaction's start time */
	Oid			as_of_type;
	AttrNumber	key;			/* record_history */
	char	   *table_name;		/* record_history */
	FmgrInfo	key_out;

	/* the model, reloaded when the registry changes */
	uint64		generation;
	LqModel    *model;
	LqRowBinding *binding;		/* row evidence */
	LqValue    *values;
	LqGrade    *grades;
	LqResultMaker result;
	bool		can_skip;		/* an unchanged UPDATE need not be evaluated */
	TupleDesc	qual_desc;		/* lead_qual.qualification, blessed */
	Datum	   *row_values;		/* room for forming the new row */
	bool	   *row_nulls;

	Oid			history_owner;	/* record_history: who writes the history */
} TrigState;

static void trigger_misuse(TriggerData *td, const char *fname, const char *what)
			pg_attribute_noreturn();

static void
trigger_misuse(TriggerData *td, const char *fname, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("trigger \"%s\" on \"%s\" cannot use lead_qual.%s(): %s",
					td->tg_trigger->tgname, RelationGetRelationName(td->tg_relation),
					fname, what)));
}

static Oid
lq_type_oid(const char *name)
{
	Oid			nsp = get_namespace_oid("lead_qual", false);

	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
						   CStringGetDatum(name), ObjectIdGetDatum(nsp));
}

/*
 * The column of the trigger's table named by args[argno], or 0 when that is
 * empty and may be; its type (a domain's base type) in *typid.
 */
static AttrNumber
column_argument(TriggerData *td, const char *fname, char **args, int argno,
				bool optional, const char *role, Oid *typid)
{
	const char *name = args[argno];
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	int			attnum;

	if (name[0] == '\0')
	{
		if (optional)
			return 0;
		trigger_misuse(td, fname, psprintf("the %s column must be named", role));
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

/* Load the model (again, when the registry changed since). */
static const LqModel *
trigger_model(TrigState *st, TriggerData *td)
{
	uint64		generation = lq_registry_generation();
	MemoryContext old;
	LqModel    *m;

	if (st->model != NULL && st->generation == generation)
		return st->model;

	st->model = NULL;
	st->binding = NULL;
	MemoryContextReset(st->model_cxt);
	old = MemoryContextSwitchTo(st->model_cxt);
	m = lq_model_decode(lq_model_from_text(st->model_text, strlen(st->model_text)));
	st->values = palloc0(sizeof(LqValue) * m->ncriteria);
	st->grades = palloc0(sizeof(LqGrade) * m->ncriteria);
	MemoryContextSwitchTo(old);
	lq_result_maker_init(&st->result, m, st->qual_desc, st->model_cxt);
	if (st->evidence == 0)
		st->binding = lq_row_bind(m, RelationGetForm(td->tg_relation)->reltype, -1,
								  st->model_cxt);

	/*
	 * An UPDATE that changes no input gives the same result, except when the
	 * result depends on the clock: date rules judged against now().
	 */
	st->can_skip = true;
	for (int i = 0; i < m->ncriteria && st->as_of == 0; i++)
		if (m->criteria[i].rule == LQ_RULE_WITHIN_DAYS)
			st->can_skip = false;

	st->generation = generation;
	st->model = m;
	return m;
}

/* Check that the trigger fires as fname needs: FOR EACH ROW, BEFORE or AFTER. */
static void
check_firing(TriggerData *td, const char *fname, bool before)
{
	if (!TRIGGER_FIRED_FOR_ROW(td->tg_event))
		trigger_misuse(td, fname, "it must be a FOR EACH ROW trigger");
	if (before ? !TRIGGER_FIRED_BEFORE(td->tg_event) : !TRIGGER_FIRED_AFTER(td->tg_event))
		trigger_misuse(td, fname, before ? "it must be a BEFORE trigger" : "it must be an AFTER trigger");
	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event) && !TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		trigger_misuse(td, fname, "it runs on INSERT and UPDATE only");
}

/*
 * Set up the state for the autoscore arguments args (model, target
 * [, evidence [, as_of]]): resolve and check the columns and load the model,
 * so that an unknown model or a row lacking a criterion's column fails on
 * the first row.
 */
static TrigState *
setup_state(FunctionCallInfo fcinfo, const char *fname, char **args, int nargs)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TrigState  *st;
	Oid			typid;
	MemoryContext old;

	if (nargs < 2 || nargs > 4)
		trigger_misuse(td, fname,
					   psprintf("it takes 2 to 4 arguments (model, target column[, evidence column[, as_of column]]), not %d",
								nargs));
	st = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TrigState));
	st->fname = fname;
	st->cxt = fcinfo->flinfo->fn_mcxt;
	st->model_cxt = AllocSetContextCreate(st->cxt, "lead_qual trigger model",
										  ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(st->cxt);
	st->model_text = pstrdup(args[0]);

	st->target = column_argument(td, fname, args, 1, false, "target", &typid);
	if (typid != lq_type_oid("qualification"))
		column_type_error(td, args[1], "target", typid, "lead_qual.qualification");
	st->qual_desc = BlessTupleDesc(lookup_rowtype_tupdesc_copy(typid, -1));

	if (nargs > 2)
	{
		st->evidence = column_argument(td, fname, args, 2, true, "evidence", &typid);
		if (st->evidence != 0 && typid != JSONBOID)
			column_type_error(td, args[2], "evidence", typid, "jsonb");
	}
	if (nargs > 3)
	{
		st->as_of = column_argument(td, fname, args, 3, true, "as_of", &st->as_of_type);
		if (st->as_of != 0 && st->as_of_type != TIMESTAMPTZOID &&
			st->as_of_type != TIMESTAMPOID && st->as_of_type != DATEOID)
			column_type_error(td, args[3], "as_of", st->as_of_type,
							  "timestamptz, timestamp or date");
	}
	st->row_values = palloc(sizeof(Datum) * RelationGetDescr(td->tg_relation)->natts);
	st->row_nulls = palloc(sizeof(bool) * RelationGetDescr(td->tg_relation)->natts);
	MemoryContextSwitchTo(old);

	trigger_model(st, td);
	return st;
}

static void
check_called_as_trigger(FunctionCallInfo fcinfo, const char *fname)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("lead_qual.%s() must be called as a trigger", fname)));
}

static LqAsOf
row_as_of(TrigState *st, TupleTableSlot *slot)
{
	bool		isnull;
	Datum		d;
	LqAsOf		a;

	if (st->as_of == 0)
		return lq_asof_from_timestamptz(TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
										false);
	d = slot_getattr(slot, st->as_of, &isnull);
	if (isnull || st->as_of_type != DATEOID)
		return lq_asof_from_timestamptz(d, isnull);	/* timestamp counts alike */
	a.isnull = false;
	a.finite = !DATE_NOT_FINITE(DatumGetDateADT(d));
	a.days = DatumGetDateADT(d);
	return a;
}

/* Grade the row in slot; false when the qualification is NULL (no as_of). */
static bool
grade_row(TrigState *st, const LqModel *m, TupleTableSlot *slot)
{
	LqAsOf		asof = row_as_of(st, slot);

	if (asof.isnull)
		return false;
	if (st->evidence != 0)
	{
		bool		isnull;
		Datum		d = slot_getattr(slot, st->evidence, &isnull);

		if (isnull)
			memset(st->values, 0, sizeof(LqValue) * m->ncriteria);
		else
			lq_values_from_jsonb(m, DatumGetJsonbP(d), st->values);
	}
	else
		lq_values_from_slot(m, st->binding, slot, st->values);
	for (int i = 0; i < m->ncriteria; i++)
		lq_grade_criterion(m, i, &st->values[i], &asof, &st->grades[i]);
	return true;
}

static bool
same_column(TupleTableSlot *a, TupleTableSlot *b, AttrNumber attnum)
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

/*
 * Does the UPDATE from oldslot to newslot leave every input as it was, with
 * a qualification already stored?  (A row stored before the trigger came
 * has none yet: any UPDATE fills it in.)
 */
static bool
inputs_unchanged(TrigState *st, const LqModel *m, TupleTableSlot *oldslot,
				 TupleTableSlot *newslot)
{
	bool		isnull;

	(void) slot_getattr(oldslot, st->target, &isnull);
	if (isnull || !same_column(oldslot, newslot, st->target))
		return false;
	if (st->as_of != 0 && !same_column(oldslot, newslot, st->as_of))
		return false;
	if (st->evidence != 0)
		return same_column(oldslot, newslot, st->evidence);
	for (int i = 0; i < m->ncriteria; i++)
		if (!same_column(oldslot, newslot, lq_row_binding_column(st->binding, i) + 1))
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
row_with(TrigState *st, TupleTableSlot *slot, Datum q, bool isnull)
{
	int			natts = slot->tts_tupleDescriptor->natts;

	slot_getallattrs(slot);
	memcpy(st->row_values, slot->tts_values, sizeof(Datum) * natts);
	memcpy(st->row_nulls, slot->tts_isnull, sizeof(bool) * natts);
	st->row_values[st->target - 1] = q;
	st->row_nulls[st->target - 1] = isnull;
	return heap_form_tuple(slot->tts_tupleDescriptor, st->row_values, st->row_nulls);
}

PG_FUNCTION_INFO_V1(lq_autoscore);
Datum
lq_autoscore(PG_FUNCTION_ARGS)
{
	TriggerData *td;
	TrigState  *st = (TrigState *) fcinfo->flinfo->fn_extra;
	bool		update;
	TupleTableSlot *slot;
	HeapTuple	tuple;
	const LqModel *m;
	Datum		q = (Datum) 0;
	bool		isnull = true;

	if (st == NULL)
	{
		check_called_as_trigger(fcinfo, "autoscore");
		td = (TriggerData *) fcinfo->context;
		check_firing(td, "autoscore", true);
		st = setup_state(fcinfo, "autoscore", td->tg_trigger->tgargs, td->tg_trigger->tgnargs);
		fcinfo->flinfo->fn_extra = st;
	}
	td = (TriggerData *) fcinfo->context;
	update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	slot = update ? td->tg_newslot : td->tg_trigslot;
	tuple = update ? td->tg_newtuple : td->tg_trigtuple;
	m = trigger_model(st, td);

	if (update && st->can_skip && inputs_unchanged(st, m, td->tg_trigslot, slot))
		return PointerGetDatum(tuple);

	if (grade_row(st, m, slot))
	{
		q = lq_make_qualification(&st->result, m, st->grades);
		isnull = false;
	}
	return PointerGetDatum(row_with(st, slot, q, isnull));
}

/* ---------------------------------------------------------------------
 * History
 * ---------------------------------------------------------------------
 */

/* What a stored qualification says, as far as the history cares. */
typedef struct Stored
{
	bool		present;
	char	   *model;
	text	   *status;
	text	   *tier;
	bool		has_score;
	double		score;
	ArrayType  *missing;
	ArrayType  *failed;
} Stored;

/* The qualification stored in slot's target column (none when slot is NULL). */
static Stored
read_stored(TupleTableSlot *slot, AttrNumber target)
{
	Stored	s;
	bool		isnull;
	Datum		d;
	HeapTupleHeader q;
	Datum		f;

	memset(&s, 0, sizeof(s));
	if (slot == NULL)
		return s;
	d = slot_getattr(slot, target, &isnull);
	if (isnull)
		return s;
	q = DatumGetHeapTupleHeader(d);
	s.present = true;
	f = GetAttributeByNum(q, 1, &isnull);
	s.model = isnull ? NULL : TextDatumGetCString(f);
	f = GetAttributeByNum(q, 2, &isnull);
	s.has_score = !isnull;
	s.score = isnull ? 0 : DatumGetFloat8(f);
	f = GetAttributeByNum(q, 4, &isnull);
	s.status = isnull ? NULL : DatumGetTextPP(f);
	f = GetAttributeByNum(q, 5, &isnull);
	s.tier = isnull ? NULL : DatumGetTextPP(f);
	f = GetAttributeByNum(q, 9, &isnull);
	s.missing = isnull ? NULL : DatumGetArrayTypeP(f);
	f = GetAttributeByNum(q, 10, &isnull);
	s.failed = isnull ? NULL : DatumGetArrayTypeP(f);
	return s;
}

static bool
same_text(text *a, text *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
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
criterion_state(const Stored *s, const char *key)
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

/*
 * The criteria that changed between two rows: their state (met, unmet,
 * unknown) or the evidence they read.
 */
static Datum
changed_criteria(TrigState *st, const LqModel *m, const Stored *before,
				 const Stored *after, TupleTableSlot *oldslot, TupleTableSlot *newslot)
{
	Datum	   *keys = palloc(sizeof(Datum) * m->ncriteria);
	int			n = 0;

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
		if (!changed && oldslot != NULL)
		{
			if (st->evidence == 0)
				changed = !same_column(oldslot, newslot, lq_row_binding_column(st->binding, i) + 1);
			else
			{
				bool		onull,
							nnull;
				Datum		o = slot_getattr(oldslot, st->evidence, &onull);
				Datum		nv = slot_getattr(newslot, st->evidence, &nnull);
				const char *src = m->criteria[i].source;
				JsonbValue	obuf,
							nbuf,
						   *ov = NULL,
						   *nvv = NULL;

				if (!onull && JB_ROOT_IS_OBJECT(DatumGetJsonbP(o)))
					ov = getKeyJsonValueFromContainer(&DatumGetJsonbP(o)->root, src, strlen(src), &obuf);
				if (!nnull && JB_ROOT_IS_OBJECT(DatumGetJsonbP(nv)))
					nvv = getKeyJsonValueFromContainer(&DatumGetJsonbP(nv)->root, src, strlen(src), &nbuf);
				changed = !same_jsonb_value(ov, nvv);
			}
		}
		if (changed)
			keys[n++] = CStringGetTextDatum(key);
	}
	if (n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return PointerGetDatum(construct_array(keys, n, TEXTOID, -1, false, TYPALIGN_INT));
}

static SPIPlanPtr history_plan = NULL;

/* Add a row to lead_qual.history, as the owner of that table. */
static void
write_history(TrigState *st, const char *lead_key, const char *model_name,
			  const Stored *before, const Stored *after, Datum criteria)
{
	Datum		values[11];
	char		nulls[11];
	Oid			save_user;
	int			save_sec;
	char	   *changed_by = GetUserNameFromId(GetUserId(), false);

	memset(nulls, ' ', sizeof(nulls));
	values[0] = CStringGetTextDatum(st->table_name);
	values[1] = CStringGetTextDatum(lead_key);
	values[2] = CStringGetTextDatum(model_name);
	values[3] = PointerGetDatum(before->status);
	values[4] = PointerGetDatum(after->status);
	values[5] = PointerGetDatum(before->tier);
	values[6] = PointerGetDatum(after->tier);
	values[7] = Float8GetDatum(before->score);
	values[8] = Float8GetDatum(after->score);
	values[9] = criteria;
	values[10] = CStringGetTextDatum(changed_by);
	for (int i = 3; i <= 6; i++)
		if (DatumGetPointer(values[i]) == NULL)
			nulls[i] = 'n';
	if (!before->has_score)
		nulls[7] = 'n';
	if (!after->has_score)
		nulls[8] = 'n';

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(st->history_owner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (history_plan == NULL)
	{
		Oid			types[11] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
		TEXTOID, FLOAT8OID, FLOAT8OID, TEXTARRAYOID, TEXTOID};
		SPIPlanPtr	plan = SPI_prepare("INSERT INTO lead_qual.history (table_name, lead_key, model, "
									   "old_status, new_status, old_tier, new_tier, old_score, new_score, "
									   "changed_criteria, changed_by) "
									   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
									   11, types);

		if (plan == NULL)
			elog(ERROR, "preparing the history insert failed: %s",
				 SPI_result_code_string(SPI_result));
		SPI_keepplan(plan);
		history_plan = plan;
	}
	if (SPI_execute_plan(history_plan, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "inserting into lead_qual.history failed");
	SPI_finish();
	SetUserIdAndSecContext(save_user, save_sec);
}

/* The owner of lead_qual.history, who writes it. */
static Oid
history_owner(void)
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

	if (td->tg_relation->rd_rel->relispartition)
	{
		Relation	rel = table_open(TriggerRelationId, AccessShareLock);

		while (OidIsValid(parent))
		{
			ScanKeyData key;
			SysScanDesc scan;
			HeapTuple	tup;
			Form_pg_trigger trig;

			if (++depth > 1000)
				elog(ERROR, "trigger %u has a cycle of parent triggers", td->tg_trigger->tgoid);
			ScanKeyInit(&key, Anum_pg_trigger_oid, BTEqualStrategyNumber, F_OIDEQ,
						ObjectIdGetDatum(parent));
			scan = systable_beginscan(rel, TriggerOidIndexId, true, NULL, 1, &key);
			tup = systable_getnext(scan);
			if (!HeapTupleIsValid(tup))
				elog(ERROR, "could not find trigger %u", parent);
			trig = (Form_pg_trigger) GETSTRUCT(tup);
			relid = trig->tgrelid;
			parent = trig->tgparentid;
			systable_endscan(scan);
		}
		table_close(rel, AccessShareLock);
	}
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

PG_FUNCTION_INFO_V1(lq_record_history);
Datum
lq_record_history(PG_FUNCTION_ARGS)
{
	TrigState  *st = (TrigState *) fcinfo->flinfo->fn_extra;
	TriggerData *td;
	bool		update;
	TupleTableSlot *oldslot;
	TupleTableSlot *newslot;
	const LqModel *m;
	Stored		before,
				after;
	bool		keynull;
	Datum		key;

	if (st == NULL)
	{
		Trigger    *scorer = NULL;
		TriggerDesc *trigdesc;
		Oid			typid;
		Oid			outfn;
		bool		varlena;
		MemoryContext old;

		check_called_as_trigger(fcinfo, "record_history");
		td = (TriggerData *) fcinfo->context;
		check_firing(td, "record_history", false);
		if (td->tg_trigger->tgnargs != 3)
			trigger_misuse(td, "record_history",
						   psprintf("it takes 3 arguments (autoscore trigger, key column, table name), not %d",
									td->tg_trigger->tgnargs));
		trigdesc = td->tg_relation->trigdesc;
		for (int i = 0; trigdesc != NULL && i < trigdesc->numtriggers; i++)
			if (strcmp(trigdesc->triggers[i].tgname, td->tg_trigger->tgargs[0]) == 0)
				scorer = &trigdesc->triggers[i];
		if (scorer == NULL)
			trigger_misuse(td, "record_history",
						   psprintf("table \"%s\" has no trigger \"%s\"",
									RelationGetRelationName(td->tg_relation),
									td->tg_trigger->tgargs[0]));
		st = setup_state(fcinfo, "record_history", scorer->tgargs, scorer->tgnargs);
		old = MemoryContextSwitchTo(st->cxt);
		st->key = column_argument(td, "record_history", td->tg_trigger->tgargs, 1, false,
								  "key", &typid);
		getTypeOutputInfo(TupleDescAttr(RelationGetDescr(td->tg_relation), st->key - 1)->atttypid,
						  &outfn, &varlena);
		fmgr_info_cxt(outfn, &st->key_out, st->cxt);
		st->table_name = history_table_name(td);
		st->history_owner = history_owner();
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = st;
	}
	td = (TriggerData *) fcinfo->context;
	update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	oldslot = update ? td->tg_trigslot : NULL;
	newslot = update ? td->tg_newslot : td->tg_trigslot;
	m = trigger_model(st, td);

	before = read_stored(oldslot, st->target);
	after = read_stored(newslot, st->target);
	if (before.present == after.present && same_text(before.status, after.status) &&
		same_text(before.tier, after.tier) && before.has_score == after.has_score &&
		before.score == after.score)
		return PointerGetDatum(NULL);	/* nothing the history records changed */

	key = slot_getattr(newslot, st->key, &keynull);
	write_history(st, keynull ? "" : OutputFunctionCall(&st->key_out, key),
				  after.model ? after.model : before.model ? before.model : m->name,
				  &before, &after,
				  changed_criteria(st, m, &before, &after, oldslot, newslot));
	return PointerGetDatum(NULL);
}

/* ---------------------------------------------------------------------
 * Listing the autoscore triggers
 * ---------------------------------------------------------------------
 */

static Oid
lq_trigger_function_oid(const char *name)
{
	return LookupFuncName(list_make2(makeString("lead_qual"), makeString(pstrdup(name))),
						  0, NULL, false);
}

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
	TupleDesc	outdesc;
	Tuplestorestate *store = lq_srf_begin(fcinfo, &outdesc);
	Oid			only = PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0);
	Oid			scorer = lq_trigger_function_oid("autoscore");
	Oid			recorder = lq_trigger_function_oid("record_history");
	Relation	rel = table_open(TriggerRelationId, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *recorded = NIL;	/* "relid/trigger name" of recorded triggers */
	SysScanDesc scan;
	HeapTuple	tup;

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
			for (int a = 0; a < 4; a++)
			{
				if (a < t->tgnargs && args[a][0] != '\0')
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
			tuplestore_putvalues(store, outdesc, values, nulls);
		}
		systable_endscan(scan);
	}
	table_close(rel, AccessShareLock);
	return (Datum) 0;
}
