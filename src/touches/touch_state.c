/*-------------------------------------------------------------------------
 *
 * touch_state.c
 *	  lead_qual.touch_state, the state of the multi-touch aggregates
 *	  (touches.c): the order of observations, changing a state in place
 *	  while the change fits, merging two states, and the latest values as a
 *	  jsonb object.  Checking a state that comes from outside is in
 *	  touch_check.c, its text and binary forms are in touch_io.c.
 *
 * The layout is described in touch_state.h.  Which observation of a key
 * wins is decided here, by one total order, so that the result does not
 * depend on the order of the rows nor on how partial states are merged:
 *	 1. a dated observation beats an undated one; a later one an earlier one;
 *	 2. at the same time (or both undated), the value that sorts greater in
 *		jsonb's btree order (the order of ORDER BY on jsonb) wins;
 *	 3. values that jsonb's order holds equal but that are written
 *		differently (numbers such as 1 and 1.0, also inside arrays and
 *		objects): the one whose text is greater bytewise wins (1.0).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "port/pg_bitutils.h"
#include "utils/jsonb.h"

#include "touches/touch_state.h"

/* The layout is the same on every platform PostgreSQL runs on. */
StaticAssertDecl(sizeof(TsHeader) == 48, "TsHeader must take 48 bytes");
StaticAssertDecl(sizeof(TsEntry) == 32, "TsEntry must take 32 bytes");

/* ----------------------------------------------------------------
 * Order of keys and of observations
 * ----------------------------------------------------------------
 */

/* Keys in jsonb's order of object keys: shorter first, then bytewise. */
int
TsCmpKeys(const char *a, int alen, const char *b, int blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

/* Position of key, or where it would go; true if found. */
static bool
ts_find(const TsHeader *st, const char *key, int keylen, int *pos)
{
	const TsEntry *e = TS_ENTRIES(st);
	int			lo = 0,
				hi = st->nentries;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = TsCmpKeys(TS_KEY(st, &e[mid]), e[mid].key_len, key, keylen);

		if (c == 0)
		{
			*pos = mid;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return false;
}

/* Dated after undated, later after earlier. */
static int
cmp_when(bool has_a, int64 a, bool has_b, int64 b)
{
	if (has_a != has_b)
		return has_a ? 1 : -1;
	if (!has_a || a == b)
		return 0;
	return a < b ? -1 : 1;
}

/*
 * Values observed at the same time: jsonb's btree order, then the text,
 * then (for values whose text is the same but whose bytes are not, which
 * jsonb's own functions never produce) the bytes.  0 only for equal bytes.
 */
static int
cmp_values(Jsonb *a, Jsonb *b)
{
	int			c = compareJsonbContainers(&a->root, &b->root);
	char	   *ta,
			   *tb;

	if (c != 0)
		return c;
	if (VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0)
		return 0;
	ta = JsonbToCString(NULL, &a->root, VARSIZE(a));
	tb = JsonbToCString(NULL, &b->root, VARSIZE(b));
	c = strcmp(ta, tb);
	if (c != 0)
		return c;
	if (VARSIZE(a) != VARSIZE(b))
		return VARSIZE(a) < VARSIZE(b) ? -1 : 1;
	return memcmp(a, b, VARSIZE(a));
}

/* ----------------------------------------------------------------
 * Building and changing states
 * ----------------------------------------------------------------
 */

/* Bytes in use: header, entries, keys, values (aligned) and model. */
Size
TsLiveSize(const TsHeader *st)
{
	const TsEntry *e = TS_ENTRIES(st);
	Size		size = sizeof(TsHeader) + (Size) st->nentries * sizeof(TsEntry);

	size += TYPEALIGN(8, st->model_len);
	for (int i = 0; i < st->nentries; i++)
		size += e[i].key_len + TYPEALIGN(8, e[i].val_len);
	return size;
}

/*
 * Take len bytes (aligned to align) from the bottom of the data area,
 * keeping clear of the directory; 0 when they do not fit.
 */
static uint32
alloc_down(TsHeader *st, Size len, Size align)
{
	Size		dir_end = sizeof(TsHeader) + (Size) st->nentries * sizeof(TsEntry);
	Size		off;

	if (len > st->data_off)
		return 0;
	off = (st->data_off - len) & ~(align - 1);
	if (off < dir_end)
		return 0;
	st->data_off = (uint32) off;
	return (uint32) off;
}

static Size
checked_size(Size size)
{
	size = TYPEALIGN(8, size);
	if (size > TS_MAX_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("lead_qual.touch_state would take more than %d bytes",
						TS_MAX_BYTES),
				 errhint("The evidence of one group has too many distinct keys or too large values.")));
	return size;
}

/*
 * How many bytes to allocate for a state that needs need bytes.  Outside
 * an aggregate, just those.  Inside, some room to grow: up to 8 kB the
 * next power of two (palloc rounds small requests up to one anyway, so
 * the room costs no memory), above that a quarter more.
 */
static Size
capacity(Size need, bool in_agg)
{
	if (!in_agg)
		return checked_size(need);
	if (need + 32 <= 8192)
		return pg_nextpower2_32((uint32) (need + 32));
	return checked_size(need + need / 4);
}

/*
 * A compact copy of src, in the current memory context, with extra free
 * bytes (and room to grow inside an aggregate).  Values are laid out from
 * the end: model, values, then keys.
 */
static TsHeader *
rebuild(const TsHeader *src, Size extra, bool in_agg)
{
	Size		live = TsLiveSize(src);
	Size		cap = capacity(live + extra + 8, in_agg);
	TsHeader   *dst = palloc0(cap);
	const TsEntry *se = TS_ENTRIES(src);
	TsEntry    *de = TS_ENTRIES(dst);
	Size		off = cap;

	SET_VARSIZE(dst, cap);
	dst->version = TS_VERSION;
	dst->kind = src->kind;
	dst->flags = src->flags;
	dst->nentries = src->nentries;
	dst->as_of = src->as_of;
	dst->latest = src->latest;
	if (src->model_len > 0)
	{
		off -= TYPEALIGN(8, src->model_len);
		memcpy((char *) dst + off, TS_MODEL(src), src->model_len);
		dst->model_off = (uint32) off;
		dst->model_len = src->model_len;
	}
	for (int i = 0; i < src->nentries; i++)
	{
		off -= TYPEALIGN(8, se[i].val_len);
		memcpy((char *) dst + off, TS_VALUE(src, &se[i]), se[i].val_len);
		de[i].val_off = (uint32) off;
		de[i].val_len = se[i].val_len;
		de[i].val_room = (uint32) TYPEALIGN(8, se[i].val_len);
		de[i].ts = se[i].ts;
		de[i].has_ts = se[i].has_ts;
	}
	for (int i = 0; i < src->nentries; i++)
	{
		off -= se[i].key_len;
		memcpy((char *) dst + off, TS_KEY(src, &se[i]), se[i].key_len);
		de[i].key_off = (uint32) off;
		de[i].key_len = se[i].key_len;
	}
	dst->data_off = (uint32) off;
	return dst;
}

/*
 * A new, empty state in the current memory context, with room free bytes
 * (and, in an aggregate, room to grow).  model (qualify_touches) is a
 * complete lead_qual.model datum.
 */
TsHeader *
TsCreate(uint8 kind, uint8 flags, const struct varlena *model, int64 as_of,
		  Size room, bool in_agg)
{
	TsHeader	proto;

	memset(&proto, 0, sizeof(proto));
	SET_VARSIZE(&proto, sizeof(TsHeader));
	proto.version = TS_VERSION;
	proto.kind = kind;
	proto.flags = flags;
	proto.as_of = as_of;
	proto.data_off = sizeof(TsHeader);
	if (model == NULL)
		return rebuild(&proto, room, in_agg);

	/* rebuild() copies the model from where the header says it is */
	{
		Size		mlen = VARSIZE_ANY(model);
		Size		size = TYPEALIGN(8, sizeof(TsHeader)) + TYPEALIGN(8, mlen);
		char	   *tmp = palloc0(size);
		TsHeader   *result;

		if (mlen > LQ_MAX_MODEL_BYTES + VARHDRSZ || !VARATT_IS_4B_U(model))
			elog(ERROR, "lead_qual.touch_state: unexpected model datum");
		memcpy(tmp, &proto, sizeof(TsHeader));
		memcpy(tmp + TYPEALIGN(8, sizeof(TsHeader)), model, mlen);
		((TsHeader *) tmp)->model_off = TYPEALIGN(8, sizeof(TsHeader));
		((TsHeader *) tmp)->model_len = (uint32) mlen;
		result = rebuild((TsHeader *) tmp, room, in_agg);
		pfree(tmp);
		return result;
	}
}

/*
 * Make b->st writable, with at least need free bytes for new_entries more
 * entries (rebuilding it when it is not writable or too full).
 */
static void
ensure_room(TsBuf *b, int new_entries, Size need)
{
	TsHeader   *st = b->st;
	Size		dir_end = sizeof(TsHeader) + (Size) (st->nentries + new_entries) * sizeof(TsEntry);
	Size		want = need > 0 ? need + 16 : 0;

	if (b->writable && st->data_off >= dir_end && st->data_off - dir_end >= want)
		return;

	/*
	 * Once this call has a state of its own, it grows it geometrically and
	 * frees the copy it replaces, also outside an aggregate: a direct call
	 * with evidence of many keys would otherwise copy the whole state for
	 * each key and keep every copy (memory quadratic in the keys).
	 * TsResult() makes the state compact again for a direct call.
	 */
	b->st = rebuild(st, new_entries * sizeof(TsEntry) + want, b->in_agg || b->made_here);
	if (b->made_here)
		pfree(st);
	b->writable = true;
	b->made_here = true;
}

/*
 * The state to return from a transition or combine function: outside an
 * aggregate a state this call made is returned compact (no room to grow).
 */
TsHeader *
TsResult(TsBuf *b)
{
	if (!b->in_agg && b->made_here &&
		VARSIZE(b->st) > checked_size(TsLiveSize(b->st) + 8))
	{
		TsHeader   *old = b->st;

		b->st = rebuild(old, 0, false);
		pfree(old);
	}
	return b->st;
}

void
TsMakeWritable(TsBuf *b, Size need)
{
	ensure_room(b, 0, need);
}

/*
 * An observation of key (at ts, if has_ts) with a value given either as a
 * JsonbValue jv (converted only if it is kept) or as a jsonb datum jb.
 * Keeps it if it beats what the state holds for the key.  Returns whether
 * the state changed.
 */
/*
 * A value of evidence nested deeper than evidence may be is an error, as
 * it is for the scoring functions (and a state holding it could not be
 * read back from its text).
 */
static void
check_depth(const JsonbValue *jv)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			depth = 1;		/* the evidence object holding the value */

	if (jv->type != jbvBinary)
		return;
	it = JsonbIteratorInit(jv->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		if (tok == WJB_BEGIN_ARRAY || tok == WJB_BEGIN_OBJECT)
		{
			if (++depth > LQ_MAX_EVIDENCE_DEPTH)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("evidence JSON is nested more than %d levels deep",
								LQ_MAX_EVIDENCE_DEPTH)));
		}
		else if (tok == WJB_END_ARRAY || tok == WJB_END_OBJECT)
			depth--;
	}
}

/* A value as a jsonb datum (from a state's text or binary form). */
void
TsCheckValueDepth(Jsonb *jb)
{
	JsonbValue	v;

	v.type = jbvBinary;
	v.val.binary.data = &jb->root;
	v.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	check_depth(&v);
}

/*
 * Every value of an evidence object checked as above, also those of keys
 * the model does not read: qualify_touches() refuses what fold_evidence()
 * refuses, so that it stays qualify() of the folded evidence.
 */
void
TsCheckDepths(Jsonb *jb)
{
	JsonbIterator *it = JsonbIteratorInit(&jb->root);
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		if (tok == WJB_VALUE)
			check_depth(&v);
}

bool
TsOffer(TsBuf *b, const char *key, int keylen, bool has_ts, int64 ts,
		 JsonbValue *jv, Jsonb *jb)
{
	int			pos;
	TsEntry    *e;
	uint32		len;

	if (jv != NULL)
		check_depth(jv);

	if (ts_find(b->st, key, keylen, &pos))
	{
		int			c;

		e = &TS_ENTRIES(b->st)[pos];
		c = cmp_when(has_ts, ts, e->has_ts, e->ts);
		if (c < 0)
			return false;
		if (jb == NULL)
			jb = JsonbValueToJsonb(jv);
		if (c == 0 && cmp_values(jb, TS_VALUE(b->st, e)) <= 0)
			return false;

		len = VARSIZE(jb);
		if (b->writable && len <= e->val_room)
		{
			memcpy(TS_VALUE(b->st, e), jb, len);
			e->val_len = len;
		}
		else
		{
			uint32		off;
			uint32		top;

			ensure_room(b, 0, TYPEALIGN(8, len) + 8);
			e = &TS_ENTRIES(b->st)[pos];
			if (len <= e->val_room)
				off = e->val_off;
			else
			{
				top = b->st->data_off;
				off = alloc_down(b->st, len, 8);
				if (off == 0)
					elog(ERROR, "lead_qual.touch_state: no room after rebuilding");
				e->val_off = off;
				e->val_room = top - off;
			}
			memcpy((char *) b->st + off, jb, len);
			e->val_len = len;
		}
		e->has_ts = has_ts ? 1 : 0;
		e->ts = has_ts ? ts : 0;
		return true;
	}
	else
	{
		TsHeader   *st;
		uint32		voff;
		uint32		koff;
		uint32		top;

		if (jb == NULL)
			jb = JsonbValueToJsonb(jv);
		len = VARSIZE(jb);
		ensure_room(b, 1, (Size) keylen + TYPEALIGN(8, len) + 8);
		st = b->st;
		e = TS_ENTRIES(st);
		memmove(&e[pos + 1], &e[pos], (st->nentries - pos) * sizeof(TsEntry));
		st->nentries++;
		top = st->data_off;
		voff = alloc_down(st, len, 8);
		if (voff == 0)
			elog(ERROR, "lead_qual.touch_state: no room after rebuilding");
		memcpy((char *) st + voff, jb, len);
		e[pos].val_off = voff;
		e[pos].val_len = len;
		e[pos].val_room = top - voff;
		koff = alloc_down(st, keylen, 1);
		if (koff == 0)
			elog(ERROR, "lead_qual.touch_state: no room after rebuilding");
		memcpy((char *) st + koff, key, keylen);
		e[pos].key_off = koff;
		e[pos].key_len = keylen;
		e[pos].has_ts = has_ts ? 1 : 0;
		e[pos].ts = has_ts ? ts : 0;
		memset(e[pos].unused, 0, sizeof(e[pos].unused));
		return true;
	}
}

/*
 * Merge the observations of other into b (the caller has checked that
 * the two states are of the same kind, model and as_of).
 */
void
TsMerge(TsBuf *b, const TsHeader *other)
{
	const TsEntry *oe = TS_ENTRIES(other);

	for (int i = 0; i < other->nentries; i++)
		TsOffer(b, TS_KEY(other, &oe[i]), oe[i].key_len, oe[i].has_ts != 0, oe[i].ts,
				 NULL, TS_VALUE(other, &oe[i]));
	if ((other->flags & TS_HAS_LATEST) != 0 &&
		((b->st->flags & TS_HAS_LATEST) == 0 || other->latest > b->st->latest))
	{
		TsMakeWritable(b, 0);
		b->st->flags |= TS_HAS_LATEST;
		b->st->latest = other->latest;
	}
}

/* The latest value of every key, as a jsonb object. */
Jsonb *
TsLatestValues(const TsHeader *st)
{
	JsonbParseState *ps = NULL;
	const TsEntry *e = TS_ENTRIES(st);
	JsonbValue *res;

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < st->nentries; i++)
	{
		Jsonb	   *v = TS_VALUE(st, &e[i]);
		JsonbValue	k;
		JsonbValue	val;

		k.type = jbvString;
		k.val.string.val = TS_KEY(st, &e[i]);
		k.val.string.len = e[i].key_len;
		pushJsonbValue(&ps, WJB_KEY, &k);
		if (!JsonbExtractScalar(&v->root, &val))
		{
			val.type = jbvBinary;
			val.val.binary.data = &v->root;
			val.val.binary.len = e[i].val_len - VARHDRSZ;
		}
		pushJsonbValue(&ps, WJB_VALUE, &val);
	}
	res = pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/*
 * The model as a state carries it: without the descriptions and questions,
 * which a qualification does not use (m itself is left as it is).
 */
struct varlena *
TsStripModel(const LqModel *m)
{
	LqModel		copy = *m;
	LqCriterion *crit = palloc(sizeof(LqCriterion) * m->ncriteria);

	copy.description.nlang = 0;
	for (int i = 0; i < m->ncriteria; i++)
	{
		crit[i] = m->criteria[i];
		crit[i].description.nlang = 0;
		crit[i].questions.nlang = 0;
	}
	copy.criteria = crit;
	return (struct varlena *) ModelEncode(&copy);
}
