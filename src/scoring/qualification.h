/*-------------------------------------------------------------------------
 *
 * qualification.h
 *	  Values of the composite type lead_qual.qualification: making them
 *	  from grades, and reading stored ones (qualification.c).
 *
 * The type's fields are listed here once, by position; the C code names
 * them by these constants.  A descriptor the code writes with is checked
 * against them once per query; one it reads with, once per row type.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_QUALIFICATION_H
#define LQ_QUALIFICATION_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "fmgr.h"
#include "utils/array.h"

#include "compat.h"
#include "model/model.h"
#include "scoring/grade.h"

/* The fields of lead_qual.qualification, by attribute number. */
typedef enum QualField
{
	QF_MODEL = 1,				/* text */
	QF_SCORE,					/* double precision */
	QF_QUALIFIED,				/* boolean */
	QF_STATUS,					/* text, StatusName() */
	QF_TIER,					/* text, A-D */
	QF_MET,						/* integer */
	QF_KNOWN,					/* integer */
	QF_TOTAL,					/* integer */
	QF_MISSING,					/* text[], unknown criteria in the order to ask */
	QF_FAILED					/* text[], unmet criteria in model order */
} QualField;

#define QF_NFIELDS	QF_FAILED

/*
 * What makes qualifications of one model: its name and criterion keys as
 * text, and for models of at most QUAL_KEY_ARRAY_CACHE criteria what was
 * made so far: the arrays of keys (missing, failed) and their texts (for
 * flat targets), by which criteria they hold (bit i: criterion i), and
 * whole qualifications as templates, by the state of each criterion and
 * status, which leave only the score and the tier to fill in.  There are few
 * such sets, and a lead's qualification is then copied rather than built.
 */
#define QUAL_KEY_ARRAY_CACHE	8
#define QUAL_MAX_TEMPLATES		4096	/* kept per maker at most */

typedef struct QualTemplate QualTemplate;

typedef struct QualMaker
{
	TupleDesc	desc;			/* blessed descriptor of lead_qual.qualification */
	MemoryContext cxt;			/* where the maker keeps what follows */
	Datum		name_text;
	Datum	   *key_texts;
	Datum	   *scratch;		/* room for building the arrays */
	Datum		status_text[LQ_NSTATUS];
	Datum		tier_text[4];
	Datum	   *key_arrays[2];	/* [0] missing, [1] failed; NULL until used */
	Datum	   *key_lists[2];	/* the same as text, "a, b"; NULL until used */
	QualTemplate ***templates;	/* [states][status]; NULL until used */
	QualTemplate **by_states;	/* [states], without a pass score; NULL
								 * until used */
	struct QualOutcome **outcomes;	/* the same: outcomes; NULL until used */
	int			ntemplates;
	uint16	   *base3;			/* a set of criteria as a number in base 3 */
} QualMaker;

/*
 * What a lead's grades come to, from which every field of its
 * qualification follows: the outcome, and the criteria unknown and unmet
 * (bit i: criterion i).
 */
typedef struct QualOutcome
{
	LqOutcome	out;
	uint64		unknown;
	uint64		unmet;
} QualOutcome;

/*
 * A stored qualification, as far as readers care.  The texts point into
 * the value (or a detoasted copy); the arrays are read only when asked for.
 */
typedef struct StoredQual
{
	bool		present;		/* false: NULL */
	text	   *model;
	bool		has_score;
	double		score;
	text	   *status;
	text	   *tier;
	ArrayType  *missing;
	ArrayType  *failed;
} StoredQual;

extern QualField QualFieldByName(const char *name);
extern const char *QualFieldName(QualField f);
extern Oid	QualFieldType(QualField f);
extern TupleDesc QualCallResultDesc(FunctionCallInfo fcinfo);
extern TupleDesc QualTypeDesc(Oid typid);
extern void QualMakerInit(QualMaker *qm, const LqModel *m, TupleDesc desc, MemoryContext cxt);
extern Datum QualMake(QualMaker *qm, const LqModel *m, const LqGrade *grades);
extern void QualOutcomeOf(const LqModel *m, const LqTally *t, QualOutcome *qo);
extern Datum QualMakeFrom(QualMaker *qm, const LqModel *m, const QualOutcome *qo);
extern void QualOutcomeOfStates(QualMaker *qm, const LqModel *m, int states, double sum,
								QualOutcome *qo);
extern Datum QualMakeFromStates(QualMaker *qm, const LqModel *m, int states, double sum);
extern Datum QualFieldValue(QualMaker *qm, const LqModel *m, const QualOutcome *qo,
							QualField f, bool as_text);
/* Reads stored qualifications, with the descriptor of their row type kept. */
typedef struct QualReader
{
	MemoryContext cxt;			/* where the descriptor is kept */
	Oid			typid;
	int32		typmod;
	TupleDesc	desc;			/* NULL until the first value */
} QualReader;

extern void QualReaderInit(QualReader *r, MemoryContext cxt);
extern void QualRead(QualReader *r, Datum d, bool isnull, bool arrays, StoredQual *q);

#endif							/* LQ_QUALIFICATION_H */
