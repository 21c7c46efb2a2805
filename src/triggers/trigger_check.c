/*-------------------------------------------------------------------------
 *
 * trigger_check.c
 *	  check_triggers(): the event trigger that checks lead_qual's triggers
 *	  when they are created and when their table is altered, so that a
 *	  mistake fails the command rather than the first row written later.
 *
 * At the end of CREATE TRIGGER it checks the new trigger, if its function
 * is lead_qual.autoscore or lead_qual.record_history; at the end of ALTER
 * TABLE, ALTER FOREIGN TABLE and ALTER TRIGGER, every enabled trigger of
 * the table (and of the tables that inherit from it) with one of those
 * functions.  Each is checked as the first row it fires for would check
 * it (scorer.c, history.c): its timing, level and events, its arguments,
 * the columns they name and their types, the model and the binding of the
 * model's criteria to the row.  An error rolls the command back: a column
 * a trigger reads cannot be dropped, renamed or given another type, nor an
 * autoscore trigger renamed while a history trigger names it.
 *
 * A history trigger depends (pg_depend) on the autoscore trigger it
 * follows, so that DROP TRIGGER of the latter needs CASCADE, which drops
 * the history trigger too.
 *
 * Nothing is checked while check_function_bodies is off, as it is in the
 * scripts of pg_dump, pg_restore and pg_upgrade, which restore what worked
 * (a user's model may come later), and in extension scripts; the
 * dependency is recorded all the same.  The trigger functions check again
 * on the first row, for triggers made before 0.4.0 or with event triggers
 * off.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/dependency.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_trigger.h"
#include "commands/event_trigger.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "triggers/history.h"
#include "triggers/scorer.h"

/* lead_qual's trigger functions */
typedef struct Functions
{
	Oid			autoscore;
	Oid			record_history;
} Functions;

/* What the context of an error names. */
typedef struct Checking
{
	TriggerData *td;
	const char *after;			/* the command that altered the table, or NULL */
} Checking;

static void
checking_context(void *arg)
{
	Checking   *c = (Checking *) arg;

	if (c->after)
		errcontext("while checking trigger \"%s\" on table \"%s\" after %s",
				   c->td->tg_trigger->tgname, RelationGetRelationName(c->td->tg_relation),
				   c->after);
	else
		errcontext("while checking trigger \"%s\" on table \"%s\"",
				   c->td->tg_trigger->tgname, RelationGetRelationName(c->td->tg_relation));
}

/* Check trigger t of rel as its first row would, if it is lead_qual's. */
static void
check_trigger(Relation rel, Trigger *t, const Functions *fn, const char *after)
{
	TriggerData td = {.type = T_TriggerData,.tg_relation = rel,.tg_trigger = t};
	Checking	c = {.td = &td,.after = after};
	ErrorContextCallback context = {.callback = checking_context,.arg = &c,
	.previous = error_context_stack};

	if (t->tgfoid != fn->autoscore && t->tgfoid != fn->record_history)
		return;
	error_context_stack = &context;
	if (t->tgfoid == fn->autoscore)
	{
		MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
												  "lead_qual trigger check",
												  ALLOCSET_SMALL_SIZES);

		TriggerCheckType(&td, "autoscore", true);
		(void) ScorerSetup(&td, cxt, "autoscore", t->tgargs, t->tgnargs);
		MemoryContextDelete(cxt);
	}
	else
	{
		TriggerCheckType(&td, "record_history", false);
		HistoryCheck(&td);
	}
	error_context_stack = context.previous;
}

/*
 * Is rel a table Citus distributes (the coordinator's table, whose
 * triggers Citus copies to the shards)?  Citus refuses a trigger that
 * depends on another there.
 */
static bool
citus_distributed(Relation rel)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(RelationGetRelid(rel))};
	bool		found;

	if (!OidIsValid(get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE)))
		return false;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT FROM pg_catalog.pg_dist_partition "
							  "WHERE logicalrelid OPERATOR(pg_catalog.=) $1::pg_catalog.regclass",
							  1, types, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading pg_dist_partition failed");
	found = SPI_processed > 0;
	SPI_finish();
	return found;
}

/*
 * A new history trigger depends on the autoscore trigger it names, when
 * there is one on the table (not on a table Citus distributes, whose
 * triggers may not depend on each other: its shards' do).  A trigger made by CREATE OR REPLACE TRIGGER
 * keeps its OID: what it depended on before goes first.  (No trigger of
 * PostgreSQL's own depends on another in the normal way: partitions'
 * copies depend on their parents' otherwise.)
 */
static void
record_dependency(Relation rel, Trigger *t, const Functions *fn)
{
	Trigger    *s;
	ObjectAddress history,
				scoring;

	deleteDependencyRecordsForClass(TriggerRelationId, t->tgoid, TriggerRelationId,
									DEPENDENCY_NORMAL);
	if (t->tgfoid != fn->record_history || t->tgnargs < 1)
		return;
	s = TriggerByName(rel, t->tgargs[0]);
	if (s == NULL || s->tgfoid != fn->autoscore || citus_distributed(rel))
		return;
	ObjectAddressSet(history, TriggerRelationId, t->tgoid);
	ObjectAddressSet(scoring, TriggerRelationId, s->tgoid);
	recordDependencyOn(&history, &scoring, DEPENDENCY_NORMAL);
}

/* The table of trigger trigoid (InvalidOid when there is no such trigger). */
static Oid
trigger_table(Oid trigoid)
{
	Oid			relid,
				parentid;

	return TriggerLookup(trigoid, &relid, &parentid) ? relid : InvalidOid;
}

/* The new trigger trigoid: checked, and its dependency recorded. */
static void
check_new_trigger(Oid trigoid, const Functions *fn)
{
	Oid			relid = trigger_table(trigoid);
	Relation	rel;
	TriggerDesc *trigdesc;

	if (!OidIsValid(relid))
		return;
	rel = relation_open(relid, AccessShareLock);
	trigdesc = rel->trigdesc;
	for (int i = 0; trigdesc != NULL && i < trigdesc->numtriggers; i++)
		if (trigdesc->triggers[i].tgoid == trigoid)
		{
			if (check_function_bodies)
				check_trigger(rel, &trigdesc->triggers[i], fn, NULL);
			record_dependency(rel, &trigdesc->triggers[i], fn);
			break;
		}
	relation_close(rel, AccessShareLock);
}

/* Every enabled trigger of lead_qual on relid and the tables inheriting from it. */
static void
check_table(Oid relid, const Functions *fn, const char *after)
{
	List	   *tables = list_make1_oid(relid);
	ListCell   *lc;

	if (has_subclass(relid))
		tables = find_all_inheritors(relid, AccessShareLock, NULL);
	foreach(lc, tables)
	{
		Relation	rel = try_relation_open(lfirst_oid(lc), AccessShareLock);
		TriggerDesc *trigdesc;

		if (rel == NULL)
			continue;
		trigdesc = rel->trigdesc;
		for (int i = 0; trigdesc != NULL && i < trigdesc->numtriggers; i++)
			if (trigdesc->triggers[i].tgenabled != TRIGGER_DISABLED)
				check_trigger(rel, &trigdesc->triggers[i], fn, after);
		relation_close(rel, AccessShareLock);
	}
}

/* A command the event trigger was told of: what it made or altered. */
typedef struct Command
{
	Oid			classid;
	Oid			objid;
	char	   *tag;
} Command;

/*
 * The commands of the statement, from pg_event_trigger_ddl_commands().
 * The query names no operator or function that the search_path could
 * replace: it runs in any user's session, superusers' too.
 */
static List *
ddl_commands(void)
{
	MemoryContext outer = CurrentMemoryContext;
	List	   *commands = NIL;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT classid, objid, command_tag FROM pg_catalog.pg_event_trigger_ddl_commands()",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading pg_event_trigger_ddl_commands() failed");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		n1,
					n2,
					n3;
		Datum		classid = SPI_getbinval(tup, desc, 1, &n1);
		Datum		objid = SPI_getbinval(tup, desc, 2, &n2);
		Datum		tag = SPI_getbinval(tup, desc, 3, &n3);
		MemoryContext old;
		Command    *c;

		if (n1 || n2 || n3)
			continue;
		old = MemoryContextSwitchTo(outer);
		c = palloc(sizeof(Command));
		c->classid = DatumGetObjectId(classid);
		c->objid = DatumGetObjectId(objid);
		c->tag = TextDatumGetCString(tag);
		commands = lappend(commands, c);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return commands;
}

PG_FUNCTION_INFO_V1(lq_check_triggers);
Datum
lq_check_triggers(PG_FUNCTION_ARGS)
{
	Functions	fn;
	List	   *done = NIL;		/* tables checked */
	ListCell   *lc;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("lead_qual.check_triggers() must be called as an event trigger")));
	/* (missing during an update of the extension that makes them, say) */
	fn.autoscore = TriggerFunctionOid("autoscore", true);
	fn.record_history = TriggerFunctionOid("record_history", true);
	if (!OidIsValid(fn.autoscore) || !OidIsValid(fn.record_history))
		PG_RETURN_VOID();

	foreach(lc, ddl_commands())
	{
		Command    *c = (Command *) lfirst(lc);
		Oid			relid;

		if (c->classid == TriggerRelationId && strcmp(c->tag, "CREATE TRIGGER") == 0)
		{
			check_new_trigger(c->objid, &fn);
			continue;
		}
		if (!check_function_bodies)
			continue;
		if (c->classid == TriggerRelationId)
			relid = trigger_table(c->objid);
		else if (c->classid == RelationRelationId)
			relid = c->objid;
		else
			continue;
		if (!OidIsValid(relid) || list_member_oid(done, relid))
			continue;
		done = lappend_oid(done, relid);
		check_table(relid, &fn, c->tag);
	}
	PG_RETURN_VOID();
}
