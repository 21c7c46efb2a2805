/*-------------------------------------------------------------------------
 *
 * evidence.h
 *	  The value of each criterion of a model, read from the evidence: a
 *	  jsonb object, JSON text, a table row, or a row's columns passed as
 *	  arguments (evidence.c).
 *
 * A value reaches the rules in the form it came in (LqValue); the rules
 * convert it to what they need (grade.c).  NULL, a missing key and JSON
 * null all read as LQV_NULL: unknown.
 *
 * A criterion reads the member (or column) named by its source; when the
 * evidence has none of that name, the one named by its key, if the
 * criterion reads its key (LqCriterion.read_key).  So a source that is
 * there wins over the key, even when its value is null.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_EVIDENCE_H
#define LQ_EVIDENCE_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "utils/date.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "compat.h"
#include "model/model.h"

typedef enum LqValueKind
{
	LQV_NULL = 0,				/* unknown */
	LQV_BOOL,
	LQV_NUMBER,					/* a double */
	LQV_NUMERIC,				/* a Numeric, converted when needed */
	LQV_TEXT,					/* str/len, not necessarily terminated */
	LQV_DAYS,					/* a date as days since 2000-01-01 */
	LQV_NESTED					/* a JSON array or object: not usable */
} LqValueKind;

typedef struct LqValue
{
	LqValueKind kind;
	bool		by_key;			/* read under the criterion's key, not its
								 * source */
	bool		b;
	double		num;
	Numeric		numeric;
	const char *str;
	int			len;
	int32		days;
	/* room for a small numeric read from a row, to spare a palloc per row */
	union
	{
		int32		align;
		char		data[48];
	}			numbuf;
} LqValue;

/* What a column a criterion reads holds, and so how it is read. */
typedef enum LqColKind
{
	LQ_COL_BOOL,
	LQ_COL_INT2,
	LQ_COL_INT4,
	LQ_COL_INT8,
	LQ_COL_FLOAT4,
	LQ_COL_FLOAT8,
	LQ_COL_NUMERIC,
	LQ_COL_TEXT,				/* text, varchar, char(n) */
	LQ_COL_NAME,
	LQ_COL_DATE,
	LQ_COL_TIMESTAMP,
	LQ_COL_TIMESTAMPTZ,
	LQ_COL_JSONB,
	LQ_COL_ENUM,
	LQ_COL_OTHER				/* read through the type's output function */
} LqColKind;

/*
 * How the criteria of one model read rows of one type (or the columns of a
 * *_columns call): which column each reads, and how.  Made once per row
 * type and query, in a memory context of the caller's.
 */
typedef struct LqRowBinding LqRowBinding;

extern LqRowBinding *EvidenceBindRow(const LqModel *m, Oid typid, int32 typmod,
									 MemoryContext mcxt);
extern LqRowBinding *EvidenceBindArgs(const LqModel *m, FunctionCallInfo fcinfo,
									  int names_arg, int first_arg, Oid rowtype,
									  MemoryContext mcxt);
extern bool EvidenceBindingMatches(const LqRowBinding *b, Oid typid, int32 typmod);
extern int	EvidenceBoundColumn(const LqRowBinding *b, int i);
extern LqColKind EvidenceBoundKind(const LqRowBinding *b, int i);
extern int	EvidenceBoundWidth(const LqRowBinding *b);
extern TupleTableSlot *EvidenceRowSlot(LqRowBinding *b, HeapTupleHeader row);
extern void EvidenceFromDatum(LqRowBinding *b, int i, Datum d, LqValue *v);

extern void EvidenceFromRow(const LqModel *m, LqRowBinding *b, HeapTupleHeader row,
							LqValue *values);
extern void EvidenceFromSlot(const LqModel *m, LqRowBinding *b, TupleTableSlot *slot,
							 LqValue *values);
extern void EvidenceFromArgs(const LqModel *m, LqRowBinding *b, FunctionCallInfo fcinfo,
							 LqValue *values);
extern void EvidenceFromJsonb(const LqModel *m, Jsonb *jb, LqValue *values);
extern void EvidenceFromJsonText(const LqModel *m, text *t, LqValue *values);

extern JsonbValue *EvidenceJsonbMember(const LqCriterion *c, JsonbContainer *obj,
										JsonbValue *buf, bool *by_key);
extern char **EvidenceUnmatchedKeys(const LqModel *m, Datum evidence, bool is_text,
								   int *nkeys);
extern char *EvidenceReadList(const LqModel *m);

pg_noreturn extern void EvidenceNotObject(Jsonb *jb);
extern char *EvidenceValueText(const LqValue *v);

/*
 * The day a timestamp (or timestamptz, in UTC) falls on, in days since
 * 2000-01-01: the floor, also before 2000; infinities become the infinite
 * dates.
 */
static inline int32
EvidenceTimestampDays(int64 ts)
{
	int64		d;

	if (ts == DT_NOBEGIN)
		return DATEVAL_NOBEGIN;
	if (ts == DT_NOEND)
		return DATEVAL_NOEND;
	d = ts / USECS_PER_DAY;
	if (ts % USECS_PER_DAY < 0)
		d--;
	return (int32) d;
}

/* The member or column the value of criterion c was read from. */
static inline const char *
EvidenceReadFrom(const LqCriterion *c, const LqValue *v)
{
	return v->by_key ? c->key : c->source;
}

#endif							/* LQ_EVIDENCE_H */
