/*-------------------------------------------------------------------------
 *
 * touch_state.h
 *	  lead_qual.touch_state: the transition state of the multi-touch
 *	  aggregates fold_evidence() and qualify_touches(), shared by
 *	  touch_state.c (the value: order, changes, merging), touch_check.c
 *	  (checking a state that comes from outside), touch_io.c (its text and
 *	  binary forms) and touches.c (the aggregate functions).
 *
 * A state is one flat varlena, laid out like a small slotted page:
 *
 *	 TsHeader | TsEntry[nentries] -> free space <- keys, values, model
 *
 * The directory of entries (one per evidence key, sorted by key the way
 * jsonb sorts object keys: shorter first, then bytewise) grows upwards
 * from the header; the bytes it points at are allocated downwards from
 * the end of the value.  VARSIZE is the whole allocation, free space
 * included, so that an aggregate can change its state in place while the
 * change fits (see touches.c).  A replaced value leaves its old bytes
 * behind unless the new one fits in the old slot; rebuilding the state
 * (when it is full) drops them.
 *
 * Every value is a complete jsonb datum (4-byte header) at an 8-byte
 * aligned offset; keys are raw bytes; the model (qualify_touches) is a
 * complete lead_qual.model datum without descriptions and questions, at
 * an 8-byte aligned offset.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_TOUCH_STATE_H
#define LQ_TOUCH_STATE_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "compat.h"
#include "model/model.h"

#define TS_VERSION			1

#define TS_KIND_FOLD		1	/* fold_evidence() */
#define TS_KIND_QUALIFY		2	/* qualify_touches() */

#define TS_HAS_ASOF			0x01	/* qualify_touches(..., as_of) */
#define TS_ASOF_NULL		0x02	/* ... called with as_of NULL */
#define TS_HAS_LATEST		0x04	/* without as_of: a dated touch was seen */
#define TS_ALL_FLAGS		(TS_HAS_ASOF | TS_ASOF_NULL | TS_HAS_LATEST)

/* The largest state accepted: far below the 1 GB a varlena may hold. */
#define TS_MAX_BYTES		(256 * 1024 * 1024)

#define LQ_TOUCH_STATE_TYPE	"lead_qual.touch_state"

typedef struct TsHeader
{
	int32		vl_len_;		/* varlena header, the whole allocation */
	uint8		version;		/* TS_VERSION */
	uint8		kind;			/* TS_KIND_* */
	uint8		flags;			/* TS_* flags (qualify_touches only) */
	uint8		unused1;
	int32		nentries;
	uint32		data_off;		/* lowest allocated byte of the data area */
	uint32		model_off;		/* qualify_touches: the model datum */
	uint32		model_len;
	uint32		unused2;
	int64		as_of;			/* TS_HAS_ASOF and not TS_ASOF_NULL */
	int64		latest;			/* TS_HAS_LATEST: the latest touched_at */
} TsHeader;

typedef struct TsEntry
{
	int64		ts;				/* when observed, if has_ts */
	uint32		key_off;
	uint32		key_len;
	uint32		val_off;		/* a jsonb datum of val_len bytes ... */
	uint32		val_len;
	uint32		val_room;		/* ... in a slot of val_room bytes */
	uint8		has_ts;			/* 0: undated, older than any dated one */
	uint8		unused[3];
} TsEntry;

#define TS_ENTRIES(st)		((TsEntry *) ((char *) (st) + sizeof(TsHeader)))
#define TS_KEY(st, e)		((char *) (st) + (e)->key_off)
#define TS_VALUE(st, e)		((Jsonb *) ((char *) (st) + (e)->val_off))
#define TS_MODEL(st)		((struct varlena *) ((char *) (st) + (st)->model_off))

/*
 * A state being changed by a transition or combine function.  writable:
 * st may be changed in place (an aggregate's own state, or a copy made by
 * this call); otherwise it is copied before the first change.  in_agg:
 * called as an aggregate, so a rebuilt state gets room to grow (outside an
 * aggregate states are made compact).
 */
typedef struct TsBuf
{
	TsHeader   *st;
	bool		writable;
	bool		in_agg;
	bool		made_here;		/* st was allocated by this call: a rebuild
								 * frees it, and grows it geometrically */
} TsBuf;

/* touch_check.c */
extern TsHeader *TsRead(Datum d, bool deep, bool *own_memory);

/* touch_state.c (the text and binary forms are in touch_io.c) */
extern int	TsCmpKeys(const char *a, int alen, const char *b, int blen);
extern TsHeader *TsCreate(uint8 kind, uint8 flags, const struct varlena *model,
						   int64 as_of, Size room, bool in_agg);
extern void TsMakeWritable(TsBuf *b, Size need);
extern TsHeader *TsResult(TsBuf *b);
extern bool TsOffer(TsBuf *b, const char *key, int keylen, bool has_ts, int64 ts,
					 JsonbValue *jv, Jsonb *jb);
extern void TsMerge(TsBuf *b, const TsHeader *other);
extern Jsonb *TsLatestValues(const TsHeader *st);
extern Size TsLiveSize(const TsHeader *st);
extern struct varlena *TsStripModel(const LqModel *m);
extern void TsCheckDepths(Jsonb *jb);
extern void TsCheckValueDepth(Jsonb *jb);

#endif							/* LQ_TOUCH_STATE_H */
