/*-------------------------------------------------------------------------
 *
 * scorer.h
 *	  What an autoscore trigger is set to do, resolved once per statement:
 *	  the model, the columns it reads and writes, and how to qualify a row
 *	  (scorer.c).  The autoscore trigger (autoscore.c) and the history
 *	  trigger that follows it (history.c) share it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_SCORER_H
#define LQ_SCORER_H

#include "postgres.h"

#include "commands/trigger.h"
#include "executor/tuptable.h"
#include "fmgr.h"

#include "compat.h"
#include "registry/ref.h"
#include "scoring/evidence.h"
#include "scoring/grade.h"
#include "scoring/qualification.h"
#include "scoring/reader.h"

/*
 * A field of the qualification that the trigger writes into a column of its
 * own ("flat target", an argument field=column).
 */
typedef struct ScorerFlat
{
	QualField	field;
	AttrNumber	column;
	bool		as_text;		/* missing, failed: into a text column, "a, b" */
} ScorerFlat;

typedef struct Scorer
{
	const char *fname;			/* the trigger function, for messages */
	MemoryContext cxt;			/* the statement's: fn_mcxt */

	/* from the autoscore trigger's arguments */
	char	   *model_text;
	AttrNumber	target;			/* the qualification; 0: flat targets only */
	AttrNumber	evidence;		/* 0: the row is the evidence */
	AttrNumber	as_of;			/* 0: the transaction's start time */
	Oid			as_of_type;
	TupleDesc	qual_desc;		/* lead_qual.qualification, blessed; NULL
								 * without target */
	int			nflat;			/* the flat targets, in the arguments' order */
	ScorerFlat	flat[QF_NFIELDS];

	/* the model, loaded again when the registry changes */
	LqRef		model;
	uint64		model_loads;	/* model.loads when what follows was made */
	LqRowBinding *binding;		/* row evidence */
	LqReader   *reader;			/* grades it from the row's columns */
	LqValue    *values;			/* jsonb evidence */
	LqGrade    *grades;
	QualMaker	maker;
	bool		can_skip;		/* an unchanged UPDATE need not be evaluated */
} Scorer;

extern Oid	TriggerFunctionOid(const char *name, bool missing_ok);
extern bool TriggerLookup(Oid trigoid, Oid *relid, Oid *parentid);
extern Trigger *TriggerByName(Relation rel, const char *name);
pg_noreturn extern void TriggerMisuse(TriggerData *td, const char *fname, const char *what);
extern void TriggerCheckCall(FunctionCallInfo fcinfo, const char *fname, bool before);
extern void TriggerCheckType(TriggerData *td, const char *fname, bool before);
extern AttrNumber TriggerColumnArg(TriggerData *td, const char *fname, char **args,
								   int argno, bool optional, const char *role, Oid *typid);

extern Scorer *ScorerSetup(TriggerData *td, MemoryContext cxt, const char *fname,
						   char **args, int nargs);
extern const LqModel *ScorerModel(Scorer *sc, TriggerData *td);
extern bool ScorerOutcome(Scorer *sc, const LqModel *m, TupleTableSlot *slot,
						  QualOutcome *qo);
extern bool TriggerSameColumn(TupleTableSlot *a, TupleTableSlot *b, AttrNumber attnum);

#endif							/* LQ_SCORER_H */
