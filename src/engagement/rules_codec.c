/*-------------------------------------------------------------------------
 *
 * rules_codec.c
 *	  The stored form of engagement rules: a compact binary encoding in a
 *	  varlena, and finding a kind's rule by its name.
 *
 * The encoding is canonical (kinds sorted by name, defaults written out),
 * so equality works on the bytes.  Decoding checks every length, count
 * and range, so a damaged value is an error, never a crash.
 *
 * Layout (numbers in the machine's byte order, as for models):
 *	 header, u8 version, u8 flags, str name, str description, f64 half-life,
 *	 f64 cap, f64 floor, i32 nkinds, then per kind (sorted by name):
 *	 str name, f64 points, u8 flags, f64 cap, f64 half-life.
 *	 str = i32 length + bytes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"

#include "base/binary.h"
#include "base/text_util.h"
#include "engagement/rules.h"

#define RULES_FORMAT_VERSION	1

/* rule set flags */
#define RF_HALF_LIFE		0x01
#define RF_CAP				0x02
#define RF_FLOOR			0x04
#define RF_UNKNOWN_ERROR	0x08
#define RF_ALL				0x0F
/* kind flags */
#define KF_CAP				0x01
#define KF_OWN_HALF_LIFE	0x02
#define KF_ALL				0x03

/* Kinds in the order of their names' bytes, shorter first among equal prefixes. */
int
RulesKindCmp(const LqKind *a, const LqKind *b)
{
	int			c = memcmp(a->name, b->name, Min(a->len, b->len));

	return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

bytea *
RulesEncode(const LqRules *r)
{
	StringInfoData buf;
	uint8		flags = 0;
	const char *desc = r->description ? r->description : "";

	initStringInfo(&buf);
	appendStringInfoSpaces(&buf, VARHDRSZ);
	flags |= r->half_life > 0 ? RF_HALF_LIFE : 0;
	flags |= r->has_cap ? RF_CAP : 0;
	flags |= r->has_floor ? RF_FLOOR : 0;
	flags |= r->unknown_is_error ? RF_UNKNOWN_ERROR : 0;
	BinPutU8(&buf, RULES_FORMAT_VERSION);
	BinPutU8(&buf, flags);
	BinPutStr(&buf, r->name, strlen(r->name));
	BinPutStr(&buf, desc, strlen(desc));
	BinPutF64(&buf, r->half_life);
	BinPutF64(&buf, r->cap);
	BinPutF64(&buf, r->floor);
	BinPutI32(&buf, r->nkinds);
	for (int i = 0; i < r->nkinds; i++)
	{
		const LqKind *k = &r->kinds[i];

		BinPutStr(&buf, k->name, k->len);
		BinPutF64(&buf, k->points);
		BinPutU8(&buf, (k->has_cap ? KF_CAP : 0) | (k->own_half_life ? KF_OWN_HALF_LIFE : 0));
		BinPutF64(&buf, k->has_cap ? k->cap : 0);
		BinPutF64(&buf, k->own_half_life ? k->half_life : 0);
	}
	SET_VARSIZE(buf.data, buf.len);
	return (bytea *) buf.data;
}

#define corrupt(what)	ValueCorrupted(LQ_RULES_TYPE, what)

/* Put kind i into a hash table of nslots under name (len bytes). */
static void
put_slot(int *slots, int nslots, const char *name, int len, int i)
{
	uint32		h = hash_bytes((const unsigned char *) name, len);

	while (slots[h & (nslots - 1)] >= 0)
		h++;
	slots[h & (nslots - 1)] = i;
}

/* The kind of a hash table whose name (by_folded: folded) is name, or NULL. */
static const LqKind *
get_slot(const LqRules *r, const int *slots, bool by_folded, const char *name, int len)
{
	uint32		h = hash_bytes((const unsigned char *) name, len);

	for (;;)
	{
		int			i = slots[h & (r->nslots - 1)];
		const LqKind *k;

		if (i < 0)
			return NULL;
		k = &r->kinds[i];
		if (by_folded ? (k->folded_len == len && memcmp(k->folded, name, len) == 0)
			: (k->len == len && memcmp(k->name, name, len) == 0))
			return k;
		h++;
	}
}

/* The rules of a stored form, in the current memory context. */
LqRules *
RulesDecode(const struct varlena *raw)
{
	LqRules    *r = palloc0(sizeof(LqRules));
	BinReader	rd;
	uint8		flags;
	int			naccum = 1;

	BinReaderInit(&rd, raw, LQ_RULES_TYPE);
	if (BinGetU8(&rd, "version") != RULES_FORMAT_VERSION)
		corrupt("version");
	flags = BinGetU8(&rd, "flags");
	if (flags & ~RF_ALL)
		corrupt("flags");
	r->name = BinGetStr(&rd, "name", LQ_MAX_NAME_LEN, NULL);
	if (r->name[0] != '\0' && !IsIdentifier(r->name))
		corrupt("name");
	r->description = BinGetStr(&rd, "description", LQ_MAX_TEXT_LEN, NULL);
	if (r->description[0] == '\0')
		r->description = NULL;
	r->half_life = BinGetF64(&rd, "half-life", 0, LQ_MAX_HALF_LIFE);
	if ((r->half_life > 0) != ((flags & RF_HALF_LIFE) != 0))
		corrupt("half-life");
	r->cap = BinGetF64(&rd, "cap", -LQ_MAX_CAP, LQ_MAX_CAP);
	r->floor = BinGetF64(&rd, "floor", -LQ_MAX_CAP, LQ_MAX_CAP);
	r->has_cap = (flags & RF_CAP) != 0;
	r->has_floor = (flags & RF_FLOOR) != 0;
	if (r->has_cap && r->has_floor && r->floor > r->cap)
		corrupt("floor");
	r->unknown_is_error = (flags & RF_UNKNOWN_ERROR) != 0;
	r->nkinds = BinGetI32(&rd, "number of kinds", 1, LQ_MAX_KINDS);
	r->kinds = palloc0(sizeof(LqKind) * r->nkinds);
	for (int i = 0; i < r->nkinds; i++)
	{
		LqKind	   *k = &r->kinds[i];
		uint8		kflags;

		k->name = BinGetStr(&rd, "kind", LQ_MAX_KIND_LEN, &k->len);
		if (k->len == 0 || (i > 0 && RulesKindCmp(&r->kinds[i - 1], k) >= 0))
			corrupt("kind");
		k->points = BinGetF64(&rd, "points", -LQ_MAX_POINTS, LQ_MAX_POINTS);
		kflags = BinGetU8(&rd, "kind flags");
		if (kflags & ~KF_ALL)
			corrupt("kind flags");
		k->has_cap = (kflags & KF_CAP) != 0;
		k->own_half_life = (kflags & KF_OWN_HALF_LIFE) != 0;
		k->cap = BinGetF64(&rd, "kind cap", 0, LQ_MAX_CAP);
		k->half_life = BinGetF64(&rd, "kind half-life", 0, LQ_MAX_HALF_LIFE);
		if (!k->own_half_life)
			k->half_life = r->half_life;
		/* capped kinds get a sum of their own; the others share sum 0 */
		k->accum = k->has_cap ? naccum++ : 0;
	}
	BinGetEnd(&rd);

	r->naccum = naccum;
	r->fingerprint = hash_bytes((const unsigned char *) VARDATA_ANY(raw),
								VARSIZE_ANY_EXHDR(raw));
	r->nslots = 4;
	while (r->nslots < 2 * r->nkinds)
		r->nslots *= 2;
	r->slots = palloc(sizeof(int) * r->nslots);
	memset(r->slots, -1, sizeof(int) * r->nslots);
	for (int i = 0; i < r->nkinds; i++)
	{
		LqKind	   *k = &r->kinds[i];

		k->folded = palloc(k->len);
		k->folded_len = FoldNameInto(k->name, k->len, k->folded, k->len);
		if (k->folded_len <= 0 ||
			get_slot(r, r->slots, true, k->folded, k->folded_len) != NULL)
			r->exact_first = true;	/* refused on input since 0.4.0 */
		else
			put_slot(r->slots, r->nslots, k->folded, k->folded_len, i);
	}
	if (r->exact_first)
	{
		r->exact_slots = palloc(sizeof(int) * r->nslots);
		memset(r->exact_slots, -1, sizeof(int) * r->nslots);
		for (int i = 0; i < r->nkinds; i++)
			put_slot(r->exact_slots, r->nslots, r->kinds[i].name, r->kinds[i].len, i);
	}
	return r;
}

/*
 * The kind an event of kind name (len bytes) is, or NULL when the rules do
 * not list it: compared folded (FoldNameInto), and before that as written
 * when the rules have kinds that fold alike.
 */
const LqKind *
RulesKind(const LqRules *r, const char *name, int len)
{
	char		buf[LQ_MAX_KIND_LEN];
	const LqKind *k;
	int			flen;

	if (r->exact_first && (k = get_slot(r, r->exact_slots, false, name, len)) != NULL)
		return k;
	/* most events write the kind as it folds (folding again changes nothing) */
	if ((k = get_slot(r, r->slots, true, name, len)) != NULL)
		return k;
	/* a longer folded name is no kind's: those are at most LQ_MAX_KIND_LEN */
	flen = FoldNameInto(name, len, buf, sizeof(buf));
	if (flen <= 0 || (flen == len && memcmp(buf, name, len) == 0))
		return NULL;
	return get_slot(r, r->slots, true, buf, flen);
}
