/*-------------------------------------------------------------------------
 *
 * binary.h
 *	  Binary forms: the compact encodings stored on disk (models,
 *	  engagement rules) and the send/receive forms of the client protocol.
 *
 * Stored encodings are written with the BinPut functions (integers and
 * doubles in the machine's byte order, a string as an int32 length and
 * its bytes) and read back with a BinReader, which checks every length and
 * count against the end of the value: a damaged value is an error
 * (XX001, "<type> value is corrupted"), never a crash.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_BINARY_H
#define LQ_BINARY_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "compat.h"

/* writing a stored form */
extern void BinPutU8(StringInfo buf, uint8 v);
extern void BinPutI32(StringInfo buf, int32 v);
extern void BinPutF64(StringInfo buf, double v);
extern void BinPutStr(StringInfo buf, const char *s, int len);

/* whether two values of a type whose encoding is canonical are equal */
extern bool BinEqual(const struct varlena *a, const struct varlena *b);

/* a stored form made from text in a scratch context, copied out */
typedef bytea *(*BinEncoder) (const char *text, int len);
extern struct varlena *BinCompile(BinEncoder encode, const char *text, int len);

/* reading one */
typedef struct BinReader
{
	const char *p;
	const char *end;
	const char *type;			/* "lead_qual.model", for messages */
} BinReader;

extern void BinReaderInit(BinReader *r, const struct varlena *raw, const char *type);
extern uint8 BinGetU8(BinReader *r, const char *what);
extern int32 BinGetI32(BinReader *r, const char *what, int32 lo, int32 hi);
extern double BinGetF64(BinReader *r, const char *what, double lo, double hi);
extern char *BinGetStr(BinReader *r, const char *what, int maxlen, int *len);
extern void BinGetEnd(BinReader *r);
pg_noreturn extern void ValueCorrupted(const char *type, const char *what);

/* the client protocol's binary form */
extern void RecvNeed(StringInfo buf, int nbytes, const char *type);
extern void RecvEnd(StringInfo buf, const char *type);
extern char *RecvJson(StringInfo buf, const char *type, int *nbytes);
extern bytea *SendJson(const char *json);

#endif							/* LQ_BINARY_H */
