/*-------------------------------------------------------------------------
 *
 * score_hist.c
 *	  The histogram of scores and outcomes (score_hist.h): adding, merging
 *	  and coarsening, reading in order, checking one that comes from
 *	  outside, and its text and binary forms.
 *
 * Why the result does not depend on the order of the rows.  Write K_s(D)
 * for the set of bins of the data D (a multiset of scores) at shift s, and
 * s*(D) for the smallest s with |K_s(D)| <= HIST_MAX_BINS (it exists: at
 * shift 48 there are only 2^16 bins).  |K_s(D)| never grows with s (a bin
 * at s+1 is a pair of bins at s), and never shrinks as D grows.  Every
 * histogram keeps the invariant
 *
 *		shift = s*(D), and its bins are K_s(D) with their counts,
 *
 * for the data D it was made of, so it is a function of D alone:
 *
 *	- the empty histogram has shift 0 = s*({});
 *	- adding a score x (add_at): if its bin is there, K_s(D + x) = K_s(D)
 *	  fits, and below s nothing fitted D, so nothing fits D + x either:
 *	  s*(D + x) = s.  If it is not there and there is room, it fits at s
 *	  likewise.  If the histogram is full, |K_s(D + x)| = HIST_MAX_BINS + 1
 *	  does not fit; the shift goes up one at a time, and the first shift at
 *	  which D + x fits is s*(D + x);
 *	- merging D2 into D1 (HistMerge): below max(s1, s2) one of D1, D2 alone
 *	  did not fit, so D1 + D2 does not either; starting there (D1's bins
 *	  coarsened to it, which fit as coarser bins are fewer) and adding the
 *	  bins of D2 as above ends at s*(D1 + D2).
 *
 * Neither the order of the rows nor how partial histograms are merged
 * enters: parallel workers, Citus nodes and any order of rows give the
 * same bins, counts and text.  Only the layout of the hash table may
 * differ, which nothing reads: the text and binary forms are in key order.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/float.h"

#include "base/binary.h"
#include "base/convert.h"
#include "learn/score_hist.h"

/* the key HistKey never gives: that of -0 (which has the key of 0) */
#define NEG_ZERO_KEY		UINT64CONST(0x7FFFFFFFFFFFFFFF)

/* what the functions that change a histogram name when its table is damaged */
#define HIST_TYPE_NAME		"lead_qual score histogram"

/* murmur3's 64-bit finalizer: spreads neighbouring keys over the table */
static inline uint32
hash_bin(uint64 k)
{
	k ^= k >> 33;
	k *= UINT64CONST(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64CONST(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return (uint32) k;
}

static inline bool
slot_empty(const HistBin *b)
{
	return b->won == 0 && b->lost == 0;
}

/* Count rows: a group cannot hold more than int64 counts. */
static inline void
count_add(int64 *count, int64 v)
{
	if (unlikely(pg_add_s64_overflow(*count, v, count)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("too many rows in one score histogram"),
				 errdetail("A histogram counts at most 9223372036854775807 won and as many lost rows.")));
}

/* ---------------- keys and bins ---------------- */

/*
 * The first and last key HistKey gives in bin at shift; false when it
 * gives none (a bin beyond the keys, or one of NaNs or -0 alone).
 */
static bool
bin_range(uint64 bin, int shift, uint64 *first, uint64 *last)
{
	uint64		lo,
				hi;

	if (shift > 0 && (bin >> (64 - shift)) != 0)
		return false;
	lo = bin << shift;
	hi = lo | ((UINT64CONST(1) << shift) - 1);
	if (lo > HIST_KEY_MAX || hi < HIST_KEY_MIN)
		return false;
	lo = Max(lo, HIST_KEY_MIN);
	hi = Min(hi, HIST_KEY_MAX);
	/* -0's key is always the last of its bin */
	if (hi == NEG_ZERO_KEY)
	{
		if (lo == hi)
			return false;
		hi--;
	}
	*first = lo;
	*last = hi;
	return true;
}

double
HistBinLow(uint64 bin, int shift)
{
	uint64		first,
				last;

	if (!bin_range(bin, shift, &first, &last))
		elog(ERROR, "bin " UINT64_FORMAT " holds no score at shift %d", bin, shift);
	return HistKeyScore(first);
}

/* How many bins of shift - 1 that hold a score bin (at shift > 0) spans. */
static int
bin_halves(uint64 bin, int shift)
{
	uint64		first,
				last;

	return (bin_range(bin << 1, shift - 1, &first, &last) ? 1 : 0) +
		(bin_range((bin << 1) | 1, shift - 1, &first, &last) ? 1 : 0);
}

/*
 * What is wrong with bins in key order, at shift, as a histogram's bins
 * (NULL when nothing is): every bin holds a score, the bins rise, counts
 * are not negative and count a row, their totals fit, and the shift is the
 * smallest the data can have had: at shift - 1 it must not have fitted.
 * The data of a bin with two rows or more may have filled both halves of
 * it, so some data of these bins does not fit at shift - 1 exactly when
 * the sum over the bins of min(rows, halves) exceeds HIST_MAX_BINS.
 */
static char *
bins_problem(const HistBin *bins, int n, int shift)
{
	int64		won = 0;
	int64		lost = 0;
	int64		finer = 0;

	if (n > HIST_MAX_BINS)
		return psprintf("it holds %d bins, more than %d", n, HIST_MAX_BINS);
	for (int i = 0; i < n; i++)
	{
		const HistBin *b = &bins[i];
		uint64		first,
					last;

		if (!bin_range(b->key, shift, &first, &last))
			return psprintf("bins[%d] holds no score at shift %d", i, shift);
		if (i > 0 && b->key <= bins[i - 1].key)
			return psprintf("bins[%d] does not come after bins[%d]: bins are in order of their scores, each once",
							i, i - 1);
		if (b->won < 0 || b->lost < 0)
			return psprintf("the counts of bins[%d] must not be negative", i);
		if (b->won == 0 && b->lost == 0)
			return psprintf("bins[%d] counts no row", i);
		if (pg_add_s64_overflow(won, b->won, &won) || pg_add_s64_overflow(lost, b->lost, &lost))
			return pstrdup("the won or the lost counts add up to more than 9223372036854775807");
		if (shift > 0)
			finer += (b->won >= 2 || b->lost >= 2 || (b->won >= 1 && b->lost >= 1)) ?
				bin_halves(b->key, shift) : 1;
	}
	if (shift > 0 && finer <= HIST_MAX_BINS)
		return psprintf("its shift %d is more than its bins need: at shift %d they fit in %d bins",
						shift, shift - 1, HIST_MAX_BINS);
	return NULL;
}

static int
bin_cmp(const void *a, const void *b)
{
	uint64		ka = ((const HistBin *) a)->key;
	uint64		kb = ((const HistBin *) b)->key;

	return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/* ---------------- the table ---------------- */

/* The room for n bins: a power of two, at most 3/4 used. */
static int
room_for(int n)
{
	int			room = HIST_MIN_ROOM;

	while ((int64) n * 4 > (int64) room * 3)
		room *= 2;
	return room;
}

static ScoreHist *
hist_alloc(int room)
{
	ScoreHist  *h = palloc0(HIST_SIZE(room));

	SET_VARSIZE(h, HIST_SIZE(room));
	h->version = HIST_VERSION;
	h->room = room;
	return h;
}

/* An empty histogram with room for nbins bins, in the current memory context. */
ScoreHist *
HistCreate(int nbins)
{
	return hist_alloc(room_for(Min(Max(nbins, 0), HIST_MAX_BINS)));
}

ScoreHist *
HistCopy(const ScoreHist *h)
{
	ScoreHist  *c = palloc(VARSIZE(h));

	memcpy(c, h, VARSIZE(h));
	return c;
}

/*
 * The slot of bin in h, or the empty slot where it would go; -1 when
 * neither is found (a damaged table: a whole one has empty slots).
 */
static int
find_slot(const ScoreHist *h, uint64 bin)
{
	uint32		mask = (uint32) h->room - 1;
	uint32		i = hash_bin(bin) & mask;

	for (int n = 0; n < h->room; n++, i = (i + 1) & mask)
	{
		const HistBin *b = &h->slots[i];

		if (slot_empty(b) || b->key == bin)
			return (int) i;
	}
	return -1;
}

/* Add counts to bin in a table being built (no coarsening, no growing). */
static void
put(ScoreHist *h, uint64 bin, int64 won, int64 lost)
{
	int			i = find_slot(h, bin);
	HistBin    *b;

	if (i < 0)
		ValueCorrupted(HIST_TYPE_NAME, "hash table");
	b = &h->slots[i];
	if (slot_empty(b))
	{
		if ((int64) (h->nbins + 1) * 4 > (int64) h->room * 3)
			ValueCorrupted(HIST_TYPE_NAME, "hash table");
		b->key = bin;
		h->nbins++;
	}
	count_add(&b->won, won);
	count_add(&b->lost, lost);
}

/*
 * h's bins in a new table of room slots (in the current memory context),
 * each bin shifted right by more bits: the shift goes up by as much, and
 * bins that meet merge.
 */
static ScoreHist *
rebuild(const ScoreHist *h, int room, int more)
{
	ScoreHist  *t = hist_alloc(room);

	if (h->shift + more > HIST_MAX_SHIFT)
		ValueCorrupted(HIST_TYPE_NAME, "shift");
	t->shift = h->shift + more;
	t->won = h->won;
	t->lost = h->lost;
	for (int i = 0; i < h->room; i++)
	{
		const HistBin *b = &h->slots[i];

		if (!slot_empty(b))
			put(t, b->key >> more, b->won, b->lost);
	}
	return t;
}

/*
 * t replaces h; h is freed if this operation made it (*made), and t is
 * made by it from now on.
 */
static ScoreHist *
replace(ScoreHist *h, ScoreHist *t, bool *made)
{
	if (*made)
		pfree(h);
	*made = true;
	return t;
}

/*
 * Add won and lost rows to the bin of key, a bin at shift kshift (at most
 * h's shift): the bin at h's shift is key shifted right by the difference.
 * A new bin that would make the histogram hold more than HIST_MAX_BINS
 * coarsens it first, as often as needed (see the head of this file for why
 * the shift reached is the smallest the data fits at).
 */
static ScoreHist *
add_at(ScoreHist *h, uint64 key, int kshift, int64 won, int64 lost, bool *made)
{
	uint64		bin = key >> (h->shift - kshift);

	if (won < 0 || lost < 0)
		elog(ERROR, "a score histogram cannot count negative rows");
	if (won == 0 && lost == 0)
		return h;
	count_add(&h->won, won);
	count_add(&h->lost, lost);
	for (;;)
	{
		int			i = find_slot(h, bin);
		HistBin    *b;

		if (i < 0)
			ValueCorrupted(HIST_TYPE_NAME, "hash table");
		b = &h->slots[i];
		if (!slot_empty(b))
		{
			count_add(&b->won, won);
			count_add(&b->lost, lost);
			return h;
		}
		if (h->nbins >= HIST_MAX_BINS)
		{
			/* coarsen: one bit more, neighbouring bins merge */
			h = replace(h, rebuild(h, h->room, 1), made);
			bin >>= 1;
			continue;
		}
		if ((int64) (h->nbins + 1) * 4 > (int64) h->room * 3)
		{
			h = replace(h, rebuild(h, h->room * 2, 0), made);
			continue;
		}
		b->key = bin;
		b->won = won;
		b->lost = lost;
		h->nbins++;
		return h;
	}
}

/*
 * Add won and lost rows (not negative) with the score of key (HistKey)
 * to h: h changed in place, or a new histogram (see score_hist.h).
 */
ScoreHist *
HistAdd(ScoreHist *h, uint64 key, int64 won, int64 lost)
{
	bool		made = false;

	return add_at(h, key, 0, won, lost, &made);
}

/*
 * Add the bins of other to h: first both at the larger shift, then each
 * bin of other added as a row would be.  h changed in place, or a new
 * histogram; other is not changed.
 */
ScoreHist *
HistMerge(ScoreHist *h, const ScoreHist *other)
{
	bool		made = false;

	if (other == h)
		other = HistCopy(other);
	if (other->shift > h->shift)
		h = replace(h, rebuild(h, h->room, other->shift - h->shift), &made);
	for (int i = 0; i < other->room; i++)
	{
		const HistBin *b = &other->slots[i];

		if (!slot_empty(b))
			h = add_at(h, b->key, other->shift, b->won, b->lost, &made);
	}
	return h;
}

/* ---------------- a histogram from outside ---------------- */

/*
 * The histogram a datum holds, detoasted and aligned, its header checked;
 * with check, checked in depth too (HistCheck); with copy, a copy that
 * may be changed (a function called outside an aggregate must not change
 * its arguments).  type names it in messages.
 *
 * Unchecked, a histogram's table is still read safely: every search ends
 * within the table, and what cannot be is an error; the aggregates' own
 * states are read that way, for speed.
 */
ScoreHist *
HistFromDatum(Datum d, bool check, bool copy, const char *type)
{
	ScoreHist  *h = (ScoreHist *) PG_DETOAST_DATUM(d);
	bool		own = (Pointer) h != DatumGetPointer(d);

	if ((uintptr_t) h % MAXIMUM_ALIGNOF != 0)
	{
		ScoreHist  *aligned = palloc(VARSIZE(h));

		memcpy(aligned, h, VARSIZE(h));
		h = aligned;
		own = true;
	}
	if (VARSIZE(h) < HIST_SIZE(0) || h->version != HIST_VERSION ||
		h->shift > HIST_MAX_SHIFT || h->room < HIST_MIN_ROOM ||
		h->room > HIST_MAX_ROOM || (h->room & (h->room - 1)) != 0 ||
		VARSIZE(h) != HIST_SIZE(h->room) || h->nbins < 0 ||
		h->nbins > HIST_MAX_BINS || (int64) h->nbins * 4 > (int64) h->room * 3 ||
		h->won < 0 || h->lost < 0)
		ValueCorrupted(type, "header");
	if (check)
		HistCheck(h, type);
	if (copy && !own)
		h = HistCopy(h);
	return h;
}

/*
 * Check the table of h in depth (its header is checked): as many bins as
 * it says, each found where a search for it looks (no empty slot between
 * the slot its hash points to and its own), and the bins in order what a
 * histogram holds (HistSort).  O(room) and a sort.
 */
void
HistCheck(const ScoreHist *h, const char *type)
{
	uint32		mask = (uint32) h->room - 1;
	int			used = 0;
	int			start = -1;
	int			run = 0;
	HistSorted	s;

	for (int i = 0; i < h->room; i++)
	{
		if (!slot_empty(&h->slots[i]))
			used++;
		else if (start < 0)
			start = i;
	}
	if (used != h->nbins || start < 0)
		ValueCorrupted(type, "count of bins");
	/* from an empty slot round the table: the run of used slots up to each */
	for (int n = 1; n <= h->room; n++)
	{
		uint32		i = ((uint32) start + n) & mask;
		const HistBin *b = &h->slots[i];

		if (slot_empty(b))
		{
			run = 0;
			continue;
		}
		run++;
		if (((i - hash_bin(b->key)) & mask) >= (uint32) run)
			ValueCorrupted(type, "hash table");
	}
	HistSort(h, &s, type);
	pfree(s.bins);
}

/* ---------------- in order ---------------- */

/*
 * The bins of h in key order, in out (bins palloc'd), checked: a
 * histogram whose bins are not what one holds is damaged (XX001).
 */
void
HistSort(const ScoreHist *h, HistSorted *out, const char *type)
{
	HistBin    *bins = palloc(sizeof(HistBin) * Max(h->nbins, 1));
	int			n = 0;
	char	   *problem;

	for (int i = 0; i < h->room; i++)
	{
		if (slot_empty(&h->slots[i]))
			continue;
		if (n >= h->nbins)
			ValueCorrupted(type, "count of bins");
		bins[n++] = h->slots[i];
	}
	if (n != h->nbins)
		ValueCorrupted(type, "count of bins");
	qsort(bins, n, sizeof(HistBin), bin_cmp);
	problem = bins_problem(bins, n, h->shift);
	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s value is corrupted", type),
				 errdetail("Bad bins: %s.", problem)));
	out->shift = h->shift;
	out->nbins = n;
	out->won = 0;
	out->lost = 0;
	for (int i = 0; i < n; i++)
	{
		out->won += bins[i].won;	/* cannot overflow: bins_problem */
		out->lost += bins[i].lost;
	}
	if (out->won != h->won || out->lost != h->lost)
		ValueCorrupted(type, "totals");
	out->bins = bins;
}

/*
 * The index of the first bin (in key order) at which the rows of side
 * counted so far reach the fraction q (0 to 1) of all the rows of side,
 * and at least one: q = 0 gives the first bin with such a row, q = 1 the
 * last, q = 0.5 the median's.  -1 when there is no such row (or q is NaN).
 */
int
HistQuantile(const HistSorted *s, double q, HistSide side)
{
	uint64		total;
	uint64		need;
	uint64		sum = 0;

	total = side == HIST_WON ? (uint64) s->won :
		side == HIST_LOST ? (uint64) s->lost : (uint64) s->won + (uint64) s->lost;
	if (total == 0 || isnan(q))
		return -1;
	q = Max(0.0, Min(q, 1.0));
	need = q * (double) total >= (double) total ? total : (uint64) ceil(q * (double) total);
	need = Max(need, 1);
	for (int i = 0; i < s->nbins; i++)
	{
		const HistBin *b = &s->bins[i];

		sum += side == HIST_WON ? (uint64) b->won :
			side == HIST_LOST ? (uint64) b->lost : (uint64) b->won + (uint64) b->lost;
		if (sum >= need)
			return i;
	}
	return s->nbins - 1;
}

/* A histogram of bins in key order, checked (bins_problem), at shift. */
static ScoreHist *
from_bins(const HistBin *bins, int n, int shift)
{
	ScoreHist  *h = HistCreate(n);

	h->shift = shift;
	for (int i = 0; i < n; i++)
	{
		put(h, bins[i].key, bins[i].won, bins[i].lost);
		h->won += bins[i].won;
		h->lost += bins[i].lost;
	}
	return h;
}

/* ---------------- text ---------------- */

/*
 * The text form, exact and the same for the same data:
 *
 *	{"version": 1, "shift": 0, "bins": [[0.25, 3, 1], [0.5, 0, 2], ["Infinity", 1, 0]]}
 *
 * a bin as [score, won, lost], in order of the scores; the score the lowest
 * one the bin holds, written as the shortest decimal that reads back to
 * the same double (the infinities as the strings "Infinity" and
 * "-Infinity", which JSON numbers cannot be).
 */
static void
append_score(StringInfo out, double score)
{
	if (isinf(score))
		appendStringInfoString(out, score < 0 ? "\"-Infinity\"" : "\"Infinity\"");
	else
		AppendNumber(out, score);
}

char *
HistText(const ScoreHist *h, const char *type)
{
	HistSorted	s;
	StringInfoData out;

	HistSort(h, &s, type);
	initStringInfo(&out);
	appendStringInfo(&out, "{\"version\": %d, \"shift\": %d, \"bins\": [", HIST_VERSION, s.shift);
	for (int i = 0; i < s.nbins; i++)
	{
		appendStringInfoString(&out, i == 0 ? "[" : ", [");
		append_score(&out, HistBinLow(s.bins[i].key, s.shift));
		appendStringInfo(&out, ", " INT64_FORMAT ", " INT64_FORMAT "]", s.bins[i].won, s.bins[i].lost);
	}
	appendStringInfoString(&out, "]}");
	pfree(s.bins);
	return out.data;
}

typedef struct TextReader
{
	const char *start;
	const char *p;
	const char *type;
} TextReader;

pg_noreturn static void bad_text(const TextReader *r, const char *why);

static void
bad_text(const TextReader *r, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid %s: %s", r->type, why),
			 errhint("Its text is what its output function writes: {\"version\": 1, \"shift\": n, \"bins\": [[score, won, lost], ...]}.")));
}

static void
skip_blanks(TextReader *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		r->p++;
}

/* The token tok next (after blanks), else an error. */
static void
expect(TextReader *r, const char *tok)
{
	size_t		len = strlen(tok);

	skip_blanks(r);
	if (strncmp(r->p, tok, len) != 0)
		bad_text(r, psprintf("expected %s at character %d", tok, (int) (r->p - r->start) + 1));
	r->p += len;
}

/* Whether tok is next (after blanks); taken if so. */
static bool
accept(TextReader *r, const char *tok)
{
	size_t		len = strlen(tok);

	skip_blanks(r);
	if (strncmp(r->p, tok, len) != 0)
		return false;
	r->p += len;
	return true;
}

/* A count: 0 or a whole number without leading zeros, at most 2^63 - 1. */
static int64
read_count(TextReader *r, const char *what)
{
	int64		v = 0;
	const char *p;

	skip_blanks(r);
	p = r->p;
	if (!(*p >= '0' && *p <= '9') || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		bad_text(r, psprintf("%s must be a whole number, not negative, as the output writes it", what));
	for (; *p >= '0' && *p <= '9'; p++)
	{
		if (pg_mul_s64_overflow(v, 10, &v) || pg_add_s64_overflow(v, *p - '0', &v))
			bad_text(r, psprintf("%s is out of range", what));
	}
	r->p = p;
	return v;
}

/*
 * A score as the output writes it: a JSON number, or "Infinity" or
 * "-Infinity"; *written is the text read.
 */
static double
read_score(TextReader *r, int i, char **written)
{
	const char *p;
	const char *start;
	char	   *text;
	double		v;

	skip_blanks(r);
	if (accept(r, "\"Infinity\""))
	{
		*written = pstrdup("\"Infinity\"");
		return get_float8_infinity();
	}
	if (accept(r, "\"-Infinity\""))
	{
		*written = pstrdup("\"-Infinity\"");
		return -get_float8_infinity();
	}
	/* a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
	start = p = r->p;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		bad_text(r, psprintf("the score of bins[%d] must be a number, \"Infinity\" or \"-Infinity\"", i));
	if (*p == '.')
	{
		p++;
		if (!(*p >= '0' && *p <= '9'))
			bad_text(r, psprintf("the score of bins[%d] is not a number", i));
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E')
	{
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			bad_text(r, psprintf("the score of bins[%d] is not a number", i));
		while (*p >= '0' && *p <= '9')
			p++;
	}
	text = pnstrdup(start, p - start);
	r->p = p;
	v = strtod(text, NULL);
	*written = text;
	if (isinf(v))
		bad_text(r, psprintf("the score of bins[%d] is out of range (%s)", i, text));
	if (strcmp(NumberText(v), text) != 0)
		bad_text(r, psprintf("the score of bins[%d] is not written as the output writes it (%s, not %s)",
							 i, NumberText(v), text));
	return v;
}

/*
 * The histogram of the text HistText writes; blanks between its parts may
 * differ, nothing else.  Everything is checked (a bad text is an error
 * 22P02 naming what is wrong, never a histogram no data makes).
 */
ScoreHist *
HistFromText(const char *text, const char *type)
{
	TextReader	r = {text, text, type};
	int64		v;
	int			shift;
	int			n = 0;
	int			cap = 16;
	HistBin    *bins = palloc(sizeof(HistBin) * cap);
	char	   *problem;

	expect(&r, "{");
	expect(&r, "\"version\"");
	expect(&r, ":");
	v = read_count(&r, "\"version\"");
	if (v != HIST_VERSION)
		bad_text(&r, psprintf("unsupported version " INT64_FORMAT, v));
	expect(&r, ",");
	expect(&r, "\"shift\"");
	expect(&r, ":");
	v = read_count(&r, "\"shift\"");
	if (v > HIST_MAX_SHIFT)
		bad_text(&r, psprintf("\"shift\" must be from 0 to %d", HIST_MAX_SHIFT));
	shift = (int) v;
	expect(&r, ",");
	expect(&r, "\"bins\"");
	expect(&r, ":");
	expect(&r, "[");
	if (!accept(&r, "]"))
	{
		do
		{
			char	   *written;
			double		score;
			uint64		bin;
			double		low;

			if (n >= HIST_MAX_BINS)
				bad_text(&r, psprintf("more than %d bins", HIST_MAX_BINS));
			if (n == cap)
			{
				cap *= 2;
				bins = repalloc(bins, sizeof(HistBin) * cap);
			}
			expect(&r, "[");
			score = read_score(&r, n, &written);
			bin = HistKey(score) >> shift;
			low = HistBinLow(bin, shift);
			if (HistKey(low) != HistKey(score) || (score == 0 && signbit(score)))
				bad_text(&r, psprintf("the score of bins[%d] is not the lowest score of its bin at shift %d (%s, not %s)",
									  n, shift, NumberText(low), written));
			bins[n].key = bin;
			expect(&r, ",");
			bins[n].won = read_count(&r, psprintf("the won count of bins[%d]", n));
			expect(&r, ",");
			bins[n].lost = read_count(&r, psprintf("the lost count of bins[%d]", n));
			expect(&r, "]");
			n++;
		} while (accept(&r, ","));
		expect(&r, "]");
	}
	expect(&r, "}");
	skip_blanks(&r);
	if (*r.p != '\0')
		bad_text(&r, psprintf("text after the end at character %d", (int) (r.p - r.start) + 1));
	problem = bins_problem(bins, n, shift);
	if (problem != NULL)
		bad_text(&r, problem);
	return from_bins(bins, n, shift);
}

/* ---------------- binary ---------------- */

/*
 * The binary form: version (1 byte, 1), shift (1 byte), the number of
 * bins (int32), and per bin in order its lowest score (float8), won and
 * lost (int64 each): the text form's content, exactly.
 */
void
HistSend(StringInfo buf, const ScoreHist *h, const char *type)
{
	HistSorted	s;

	HistSort(h, &s, type);
	pq_sendint8(buf, HIST_VERSION);
	pq_sendint8(buf, s.shift);
	pq_sendint32(buf, s.nbins);
	for (int i = 0; i < s.nbins; i++)
	{
		pq_sendfloat8(buf, HistBinLow(s.bins[i].key, s.shift));
		pq_sendint64(buf, s.bins[i].won);
		pq_sendint64(buf, s.bins[i].lost);
	}
	pfree(s.bins);
}

pg_noreturn static void bad_binary(const char *type, const char *why);

static void
bad_binary(const char *type, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary %s: %s", type, why)));
}

ScoreHist *
HistRecv(StringInfo buf, const char *type)
{
	int			version;
	int			shift;
	int			n;
	HistBin    *bins;
	char	   *problem;

	RecvNeed(buf, 1 + 1 + 4, type);
	version = pq_getmsgint(buf, 1);
	if (version != HIST_VERSION)
		bad_binary(type, psprintf("unsupported format version %d", version));
	shift = pq_getmsgint(buf, 1);
	if (shift > HIST_MAX_SHIFT)
		bad_binary(type, psprintf("the shift %d is not from 0 to %d", shift, HIST_MAX_SHIFT));
	n = (int32) pq_getmsgint(buf, 4);
	if (n < 0 || n > HIST_MAX_BINS)
		bad_binary(type, psprintf("%d bins (at most %d)", n, HIST_MAX_BINS));
	RecvNeed(buf, n * (8 + 8 + 8), type);
	bins = palloc(sizeof(HistBin) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		double		score = pq_getmsgfloat8(buf);
		double		low;

		if (isnan(score))
			bad_binary(type, psprintf("the score of bins[%d] is NaN", i));
		bins[i].key = HistKey(score) >> shift;
		low = HistBinLow(bins[i].key, shift);
		if (memcmp(&low, &score, sizeof(double)) != 0)
			bad_binary(type, psprintf("the score of bins[%d] is not the lowest score of its bin at shift %d", i, shift));
		bins[i].won = pq_getmsgint64(buf);
		bins[i].lost = pq_getmsgint64(buf);
	}
	RecvEnd(buf, type);
	problem = bins_problem(bins, n, shift);
	if (problem != NULL)
		bad_binary(type, problem);
	return from_bins(bins, n, shift);
}
