/*-------------------------------------------------------------------------
 *
 * reader.h
 *	  Grading the criteria of a model straight from the columns of a row:
 *	  each criterion bound once to a reader for its column's type and its
 *	  rule (reader.c).
 *
 * A row binding (evidence.c) says which column each criterion reads; a
 * reader adds how to grade it.  Where the column's type and the rule allow
 * (a boolean, an integer or a float8 column under a boolean, grade or
 * range rule; a date or timestamp under within_days), a row costs a few
 * loads and compares per criterion, with no LqValue made and nothing
 * allocated; any other criterion, and any value a rule refuses, goes the
 * general way (EvidenceFromDatum, GradeCriterion), which gives the same
 * grades and the same errors.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_READER_H
#define LQ_READER_H

#include "postgres.h"

#include "executor/tuptable.h"
#include "fmgr.h"

#include "compat.h"
#include "scoring/evidence.h"
#include "scoring/grade.h"

typedef struct LqReader LqReader;

extern LqReader *ReaderMake(const LqModel *m, LqRowBinding *b, MemoryContext cxt);
extern void ReaderGradeArgs(const LqReader *r, FunctionCallInfo fcinfo,
							const LqAsOf *asof, LqGrade *grades);
extern double ReaderScoreArgs(const LqReader *r, FunctionCallInfo fcinfo,
							  const LqAsOf *asof);
extern bool ReaderQualifiedArgs(const LqReader *r, FunctionCallInfo fcinfo,
								const LqAsOf *asof);
extern int	ReaderStatesArgs(const LqReader *r, FunctionCallInfo fcinfo,
							 const LqAsOf *asof, double *sum);
extern void ReaderTallyArgs(const LqReader *r, FunctionCallInfo fcinfo,
							const LqAsOf *asof, LqTally *tally);
extern void ReaderGradeSlot(const LqReader *r, TupleTableSlot *slot,
							const LqAsOf *asof, LqGrade *grades);
extern int	ReaderStatesSlot(const LqReader *r, TupleTableSlot *slot,
							 const LqAsOf *asof, double *sum);
extern void ReaderTallySlot(const LqReader *r, TupleTableSlot *slot,
							const LqAsOf *asof, LqTally *tally);
extern void ReaderGradeRow(const LqReader *r, HeapTupleHeader row,
						   const LqAsOf *asof, LqGrade *grades);

#endif							/* LQ_READER_H */
