/*-------------------------------------------------------------------------
 *
 * touch_check.c
 *	  Checking a lead_qual.touch_state (touch_state.h) before it is read.
 *
 * The functions that receive a state from outside an aggregate's own
 * earlier calls (a direct call, the combine function's second argument,
 * output and send) check it completely, the inner structure of its jsonb
 * values included, so that a damaged state is an error (XX001), never a
 * crash.  The states an aggregate makes and passes to itself are checked
 * more lightly: the header and the directory of entries, without going
 * into the values.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/jsonb.h"

#include "base/binary.h"
#include "touches/touch_state.h"

#define corrupt(what)	ValueCorrupted(LQ_TOUCH_STATE_TYPE, what)

/*
 * A numeric datum of avail bytes at p (4-byte aligned) inside a jsonb
 * value: its header and digits as numeric.c lays them out, so that the
 * numeric functions that read it (comparing, printing) stay within it.
 * The layout is private to numeric.c; it is the same in PostgreSQL 13 to 17.
 */
#define NUM_SIGN_MASK	0xC000
#define NUM_SHORT		0x8000
#define NUM_SPECIAL		0xC000
#define NUM_NAN			0xC000
#define NUM_PINF		0xD000
#define NUM_NINF		0xF000
#define NUM_NBASE		10000

static void
check_numeric(const char *p, Size avail)
{
	Size		hdr;
	uint16		h;

	if (avail >= 1 && VARATT_IS_SHORT(p))
	{
		if (VARSIZE_SHORT(p) != avail)
			corrupt("jsonb number");
		hdr = VARHDRSZ_SHORT;
	}
	else
	{
		if (avail < VARHDRSZ || !VARATT_IS_4B_U(p) || VARSIZE(p) != avail)
			corrupt("jsonb number");
		hdr = VARHDRSZ;
	}
	if (avail < hdr + sizeof(uint16))
		corrupt("jsonb number");
	memcpy(&h, p + hdr, sizeof(uint16));
	if ((h & NUM_SIGN_MASK) == NUM_SPECIAL)
	{
		/* NaN or an infinity: the header word alone */
		if ((h != NUM_NAN && h != NUM_PINF && h != NUM_NINF) ||
			avail != hdr + sizeof(uint16))
			corrupt("jsonb number");
		return;
	}
	/* short form: one header word; long form: sign and dscale, then weight */
	hdr += (h & NUM_SIGN_MASK) == NUM_SHORT ? sizeof(uint16) : 2 * sizeof(uint16);
	if (avail < hdr || (avail - hdr) % sizeof(int16) != 0)
		corrupt("jsonb number");
	for (Size off = hdr; off < avail; off += sizeof(int16))
	{
		int16		digit;

		memcpy(&digit, p + off, sizeof(int16));
		if (digit < 0 || digit >= NUM_NBASE)
			corrupt("jsonb number");
	}
}

/*
 * The inner structure of a jsonb container of len bytes at p (4-byte
 * aligned): header, entries, offsets and the kinds and sizes of scalars,
 * recursively.  Follows the layout of utils/jsonb.h.
 */
static void
check_container(const char *p, Size len, int depth)
{
	uint32		header;
	uint32		count;
	bool		is_object;
	bool		is_array;
	Size		nent;
	Size		data;
	uint64		off = 0;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (len < sizeof(uint32))
		corrupt("jsonb value");
	memcpy(&header, p, sizeof(uint32));
	count = header & JB_CMASK;
	is_object = (header & JB_FOBJECT) != 0;
	is_array = (header & JB_FARRAY) != 0;
	if (is_object == is_array ||
		(header & ~(JB_CMASK | JB_FSCALAR | JB_FOBJECT | JB_FARRAY)) != 0 ||
		((header & JB_FSCALAR) != 0 && (is_object || count != 1 || depth > 0)))
		corrupt("jsonb value");
	nent = is_object ? (Size) count * 2 : (Size) count;
	if (nent > (len - sizeof(uint32)) / sizeof(JEntry))
		corrupt("jsonb value");
	data = sizeof(uint32) + nent * sizeof(JEntry);

	for (Size i = 0; i < nent; i++)
	{
		JEntry		je;
		uint64		start = off;
		uint64		end;
		uint64		aligned;

		memcpy(&je, p + sizeof(uint32) + i * sizeof(JEntry), sizeof(JEntry));
		end = JBE_HAS_OFF(je) ? JBE_OFFLENFLD(je) : start + JBE_OFFLENFLD(je);
		if (end < start || data + end > len)
			corrupt("jsonb value");
		if (is_object && i < count && !JBE_ISSTRING(je))
			corrupt("jsonb value");
		aligned = INTALIGN(start);
		switch (je & JENTRY_TYPEMASK)
		{
			case JENTRY_ISSTRING:
				break;
			case JENTRY_ISBOOL_FALSE:
			case JENTRY_ISBOOL_TRUE:
			case JENTRY_ISNULL:
				if (end != start)
					corrupt("jsonb value");
				break;
			case JENTRY_ISNUMERIC:
				if (aligned > end)
					corrupt("jsonb number");
				check_numeric(p + data + aligned, end - aligned);
				break;
			case JENTRY_ISCONTAINER:
				if (aligned > end)
					corrupt("jsonb value");
				check_container(p + data + aligned, end - aligned, depth + 1);
				break;
			default:
				corrupt("jsonb value");
		}
		off = end;
	}
	if (data + off != len)
		corrupt("jsonb value");
}

/*
 * Check a state of size bytes: everything the code reading it relies on.
 * deep: also every entry and the inner structure of each jsonb value (for
 * states that did not come from this aggregate's own earlier calls).  The model's bytes
 * are not decoded here: they are either compared with a model decoded
 * elsewhere or decoded (and so checked) where they are used.
 */
static void
ts_check(const TsHeader *st, Size size, bool deep)
{
	const TsEntry *e = TS_ENTRIES(st);
	Size		dir_end;

	if (size < sizeof(TsHeader) || size > TS_MAX_BYTES)
		corrupt("size");
	if (st->version != TS_VERSION)
		corrupt("format version");
	if (st->kind != TS_KIND_FOLD && st->kind != TS_KIND_QUALIFY)
		corrupt("kind");
	if ((st->flags & ~TS_ALL_FLAGS) != 0)
		corrupt("flags");
	if (st->nentries < 0 ||
		(Size) st->nentries > (size - sizeof(TsHeader)) / sizeof(TsEntry))
		corrupt("entry count");
	dir_end = sizeof(TsHeader) + (Size) st->nentries * sizeof(TsEntry);
	if (st->data_off < dir_end || st->data_off > size)
		corrupt("data offset");

	if (st->kind == TS_KIND_FOLD)
	{
		if (st->flags != 0 || st->model_len != 0 || st->as_of != 0 || st->latest != 0)
			corrupt("header");
	}
	else
	{
		const struct varlena *model;

		if (st->model_len < VARHDRSZ + 2 || st->model_off % 8 != 0 ||
			st->model_off < st->data_off || (Size) st->model_off + st->model_len > size)
			corrupt("model");
		model = TS_MODEL(st);
		if (!VARATT_IS_4B_U(model) || VARSIZE(model) != st->model_len)
			corrupt("model");
		if ((st->flags & TS_HAS_ASOF) != 0)
		{
			if ((st->flags & TS_HAS_LATEST) != 0 || st->latest != 0 ||
				((st->flags & TS_ASOF_NULL) != 0 && (st->nentries != 0 || st->as_of != 0)))
				corrupt("as_of");
		}
		else if ((st->flags & TS_ASOF_NULL) != 0 || st->as_of != 0 ||
				 ((st->flags & TS_HAS_LATEST) == 0 && st->latest != 0))
			corrupt("as_of");
	}

	/*
	 * An aggregate's own state (not deep) was made by these functions, or
	 * by the type's input function, which checks deeply: the header is
	 * enough, and keeps a transition O(1) in the number of keys.
	 */
	if (!deep)
		return;
	for (int i = 0; i < st->nentries; i++)
	{
		const Jsonb *v;

		if (e[i].key_off < st->data_off || (Size) e[i].key_off + e[i].key_len > size ||
			e[i].val_off < st->data_off || e[i].val_off % 8 != 0 ||
			e[i].val_len > e[i].val_room || (Size) e[i].val_off + e[i].val_room > size ||
			e[i].val_len < VARHDRSZ + sizeof(uint32))
			corrupt("entry");
		if (e[i].has_ts > 1 || (e[i].has_ts == 0 && e[i].ts != 0))
			corrupt("entry time");
		if (i > 0 && TsCmpKeys(TS_KEY(st, &e[i - 1]), e[i - 1].key_len,
							  TS_KEY(st, &e[i]), e[i].key_len) >= 0)
			corrupt("order of keys");
		v = TS_VALUE(st, &e[i]);
		if (!VARATT_IS_4B_U(v) || VARSIZE(v) != e[i].val_len)
			corrupt("entry value");
		if (st->kind == TS_KIND_QUALIFY && e[i].has_ts)
		{
			if ((st->flags & TS_HAS_ASOF) != 0 ? e[i].ts > st->as_of :
				((st->flags & TS_HAS_LATEST) == 0 || e[i].ts > st->latest))
				corrupt("entry time");
		}
		check_container(VARDATA(v), e[i].val_len - VARHDRSZ, 0);
		{
			JsonbValue	scalar;

			if (JsonbExtractScalar((JsonbContainer *) &v->root, &scalar) &&
				scalar.type == jbvNull)
				corrupt("entry value");
		}
	}
}

/*
 * The state in datum d, checked, in memory that is 8-byte aligned and has
 * a 4-byte header.  *own_memory: the result is d's own memory (otherwise
 * it is a copy in the current memory context, which the caller may
 * change).
 */
TsHeader *
TsRead(Datum d, bool deep, bool *own_memory)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(d);
	struct varlena *v = PG_DETOAST_DATUM(d);

	if (((uintptr_t) v) % 8 != 0)
	{
		struct varlena *copy = palloc(VARSIZE(v));

		memcpy(copy, v, VARSIZE(v));
		v = copy;
	}
	*own_memory = (v == raw);
	ts_check((TsHeader *) v, VARSIZE(v), deep);
	return (TsHeader *) v;
}
