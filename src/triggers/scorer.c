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
 * The column of the trigger's table named name (the role it plays, for
 * messages), or 0 when name is empty and may be; its type (a domain's base
 * type) in *typid.
 */
static AttrNumber
column_named(TriggerData *td, const char *fname, const char *name, bool optional,
			 const char *role, Oid *typid)
{
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

/*
 * The column of the trigger's table named by args[argno], or 0 when that is
 * empty and may be; its type (a domain's base type) in *typid.
 */
AttrNumber
TriggerColumnArg(TriggerData *td, const char *fname, char **args, int argno,
				 bool optional, const char *role, Oid *typid)
{
	return column_named(td, fname, args[argno], optional, role, typid);
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

/* Does the trigger write column attnum (the target or a flat target)? */
static bool
column_written(const Scorer *sc, AttrNumber attnum)
{
	bool		written = (attnum == sc->target);

	for (int k = 0; k < sc->nflat; k++)
		written |= (attnum == sc->flat[k].column);
	return written;
}

/*
 * Criterion i of m reads column attnum: an error if the trigger writes it,
 * which would put the result in place of the evidence.
 */
static void
check_not_written(TriggerData *td, Scorer *sc, const LqModel *m, int i, AttrNumber attnum)
{
	if (column_written(sc, attnum))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_COLUMN),
				 errmsg("trigger \"%s\": column \"%s\" is both read by criterion \"%s\" of model \"%s\" and written by the trigger",
						td->tg_trigger->tgname,
						NameStr(TupleDescAttr(RelationGetDescr(td->tg_relation), attnum - 1)->attname),
						m->criteria[i].key, m->name),
				 errhint("Write the result into another column, or give the criterion another \"source\".")));
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
		for (int i = 0; i < m->ncriteria; i++)
			check_not_written(td, sc, m, i, EvidenceBoundColumn(sc->binding, i) + 1);
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
 * Does a column of type typid (typmod typmod, not a domain's base type: a
 * domain's constraints would not be checked) suit flat target f?  as_text
 * says how missing and failed are written.
 */
static bool
flat_type_fits(QualField f, Oid typid, int32 typmod, bool *as_text)
{
	Oid			want = QualFieldType(f);

	*as_text = false;
	if (typid == want)
		return true;
	/* text fields: also an unbounded varchar; the lists: also as "a, b" */
	if (want == TEXTOID || want == TEXTARRAYOID)
	{
		*as_text = (want == TEXTARRAYOID);
		return typid == TEXTOID || (typid == VARCHAROID && typmod < 0);
	}
	return false;
}

/* The words for the types a column of flat target f may have. */
static const char *
flat_types(QualField f)
{
	Oid			want = QualFieldType(f);

	if (want == TEXTOID)
		return "text or varchar (without a length)";
	if (want == TEXTARRAYOID)
		return "text[], text or varchar (without a length)";
	return format_type_be(want);
}

/*
 * Is column attnum already written or read by the trigger (the target, the
 * evidence, as_of, a flat target)?  An error if it is: one column, one
 * role.
 */
static void
check_column_unused(TriggerData *td, Scorer *sc, AttrNumber attnum, const char *arg)
{
	if (attnum == sc->evidence || attnum == sc->as_of || column_written(sc, attnum))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_COLUMN),
				 errmsg("trigger \"%s\": column \"%s\" is named twice (in \"%s\")",
						td->tg_trigger->tgname,
						NameStr(TupleDescAttr(RelationGetDescr(td->tg_relation), attnum - 1)->attname),
						arg),
				 errdetail("Each column of the table is the target, the evidence, as_of or one field of the qualification, not two of them.")));
}

/*
 * Add the flat target of argument arg, "field=column": the field checked,
 * the column resolved and its type checked against the field's.
 */
static void
add_flat_target(TriggerData *td, Scorer *sc, const char *fname, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char	   *name = pnstrdup(arg, eq - arg);
	QualField	f = QualFieldByName(name);
	Form_pg_attribute att;
	ScorerFlat *flat;
	Oid			typid;
	AttrNumber	attnum;

	if (f == 0)
	{
		const char *names[QF_NFIELDS];
		StringInfoData list;

		for (int k = 0; k < QF_NFIELDS; k++)
			names[k] = QualFieldName((QualField) (k + 1));
		initStringInfo(&list);
		AppendList(&list, names, QF_NFIELDS, " and ");
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\": \"%s\" is not a field of lead_qual.qualification (in \"%s\")",
						td->tg_trigger->tgname, TextClip(name, 64), TextClip(arg, 128)),
				 errdetail("An argument field=column writes that field of the qualification into the column."),
				 errhint("The fields are %s.", list.data)));
	}
	for (int k = 0; k < sc->nflat; k++)
		if (sc->flat[k].field == f)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("trigger \"%s\": field \"%s\" is written twice (in \"%s\")",
							td->tg_trigger->tgname, name, TextClip(arg, 128)),
					 errdetail("Each field of the qualification goes into one column at most.")));
	attnum = column_named(td, fname, eq + 1, false, psprintf("%s target", name), &typid);
	check_column_unused(td, sc, attnum, arg);
	flat = &sc->flat[sc->nflat];
	flat->field = f;
	flat->column = attnum;
	att = TupleDescAttr(RelationGetDescr(td->tg_relation), attnum - 1);
	if (att->attgenerated)
		ereport(ERROR,
				(errcode(ERRCODE_GENERATED_ALWAYS),
				 errmsg("trigger \"%s\": column \"%s\" (the %s target) is a generated column",
						td->tg_trigger->tgname, eq + 1, name),
				 errdetail("A generated column is computed after the trigger, from its expression.")));
	if (!flat_type_fits(f, att->atttypid, att->atttypmod, &flat->as_text))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("trigger \"%s\": column \"%s\" (the %s target) has type %s, not %s",
						td->tg_trigger->tgname, eq + 1, name,
						format_type_with_typemod(att->atttypid, att->atttypmod), flat_types(f)),
				 errdetail("Field %s of lead_qual.qualification is written as it is, without a cast.", name)));
	sc->nflat++;
}

/*
 * The scorer for the autoscore arguments args of a trigger on td's table,
 * in cxt (the statement's fn_mcxt): the columns resolved and checked, the
 * model loaded and its criteria bound to the row.  The arguments are the
 * model, then up to three columns (target, evidence, as_of), then any
 * number of flat targets "field=column" (an argument with "=" is one);
 * the target may be empty when there are flat targets.
 */
Scorer *
ScorerSetup(TriggerData *td, MemoryContext cxt, const char *fname, char **args, int nargs)
{
	Scorer	   *sc;
	Oid			typid;
	MemoryContext old;
	int			npositional = 1;

	while (npositional < nargs && strchr(args[npositional], '=') == NULL)
		npositional++;
	if (nargs < 2 || npositional > 4)
		TriggerMisuse(td, fname,
					  psprintf("it takes 2 to 4 arguments (model, target column[, evidence column[, as_of column]]), then any targets written field=column, not %d",
							   nargs < 2 ? nargs : npositional));
	for (int a = npositional; a < nargs; a++)
		if (strchr(args[a], '=') == NULL)
			TriggerMisuse(td, fname,
						  psprintf("argument \"%s\" follows a target written field=column: the columns target, evidence and as_of come first",
								   TextClip(args[a], 64)));
	sc = MemoryContextAllocZero(cxt, sizeof(Scorer));
	sc->fname = fname;
	sc->cxt = cxt;
	old = MemoryContextSwitchTo(sc->cxt);
	sc->model_text = pstrdup(args[0]);

	if (npositional > 1)
		sc->target = TriggerColumnArg(td, fname, args, 1, npositional < nargs, "target", &typid);
	else
		sc->target = 0;
	if (sc->target != 0)
	{
		if (typid != qualification_type())
			column_type_error(td, args[1], "target", typid, "lead_qual.qualification");
		sc->qual_desc = QualTypeDesc(typid);
	}

	if (npositional > 2)
	{
		sc->evidence = TriggerColumnArg(td, fname, args, 2, true, "evidence", &typid);
		if (sc->evidence != 0 && typid != JSONBOID)
			column_type_error(td, args[2], "evidence", typid, "jsonb");
	}
	if (npositional > 3)
	{
		sc->as_of = TriggerColumnArg(td, fname, args, 3, true, "as_of", &sc->as_of_type);
		if (sc->as_of != 0 && sc->as_of_type != TIMESTAMPTZOID &&
			sc->as_of_type != TIMESTAMPOID && sc->as_of_type != DATEOID)
			column_type_error(td, args[3], "as_of", sc->as_of_type,
							  "timestamptz, timestamp or date");
	}
	/* at most one per field (else an error): sc->flat has room for all */
	for (int a = npositional; a < nargs; a++)
		add_flat_target(td, sc, fname, args[a]);
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

/*
 * The outcome of the row in slot, in *qo; false when the qualification is
 * NULL (no as_of).  The row's columns go straight to the reader: for a
 * model without a pass score and of few criteria, as the states of the
 * criteria, whose outcome is kept; else as a tally.
 */
bool
ScorerOutcome(Scorer *sc, const LqModel *m, TupleTableSlot *slot, QualOutcome *qo)
{
	LqAsOf		asof = row_as_of(sc, slot);
	LqTally		tally;

	if (asof.isnull)
		return false;
	if (sc->evidence == 0)
	{
		if (!m->has_pass_score && m->ncriteria <= QUAL_KEY_ARRAY_CACHE)
		{
			double		sum;
			int			states = ReaderStatesSlot(sc->reader, slot, &asof, &sum);

			QualOutcomeOfStates(&sc->maker, m, states, sum, qo);
			return true;
		}
		ReaderTallySlot(sc->reader, slot, &asof, &tally);
	}
	else
	{
		bool		isnull;
		Datum		d = slot_getattr(slot, sc->evidence, &isnull);

		if (isnull)
			memset(sc->values, 0, sizeof(LqValue) * m->ncriteria);
		else
			EvidenceFromJsonb(m, DatumGetJsonbP(d), sc->values);
		for (int i = 0; i < m->ncriteria; i++)
			GradeCriterion(m, i, &sc->values[i], &asof, &sc->grades[i]);
		GradeTally(m, sc->grades, &tally);
	}
	QualOutcomeOf(m, &tally, qo);
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
