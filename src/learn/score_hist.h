/*-------------------------------------------------------------------------
 *
 * score_hist.h
 *	  A histogram of scores and outcomes in one flat varlena: for every
 *	  distinct score (a bin), how many won and how many lost leads had it.
 *	  The state of the auc aggregate (learn/auc.c), and the base of the
 *	  other evaluations of scores against outcomes (deciles, thresholds,
 *	  calibration).
 *
 * Keys.  A score (a double, not NaN) is mapped to a 64-bit key that sorts
 * as the scores do (HistKey: the IEEE bits with the sign bit flipped for
 * positive numbers, all bits flipped for negative ones), so distinct
 * doubles have distinct keys, -0 and 0 the same one, -infinity the
 * smallest and infinity the largest.
 *
 * Bins.  A histogram has a shift: a bin is a key shifted right by that many
 * bits, so a bin at shift s holds the 2^s neighbouring doubles whose keys
 * differ only in their lowest s bits.  At shift 0 every distinct score has
 * a bin of its own.  A histogram holds at most HIST_MAX_BINS bins; when
 * one more would not fit it is coarsened: the shift goes up by one (the
 * bins of neighbouring doubles merge, their counts add) until it fits.
 *
 * The shift of a histogram is always the smallest at which its data (all
 * the scores ever added to it or to the histograms merged into it) fits in
 * HIST_MAX_BINS bins, whatever the order of the rows and however partial
 * histograms were merged (see HistAdd in score_hist.c for the argument).
 * So a histogram is a function of its data alone: two made of the same
 * rows have the same bins and counts, and the same text.
 *
 * Resolution.  Within a binade [2^e, 2^(e+1)) a double's key steps by 1 for
 * every 2^(e-52), so a bin at shift s spans 2^(e-52+s): scores closer
 * than 2^(s-52) relative to their size may share a bin.  A bin never
 * mixes signs, and for s <= 48 (the most ever needed: 2^16 bins of shift
 * 48 cover every key) never spans two binades and never holds an
 * infinity together with a finite score.
 *
 * Layout.  An open-addressing hash table (linear probing) of bins in the
 * varlena itself: room slots, a power of two, at most 3/4 of them used; a
 * slot whose counts are both 0 is empty.  Adding a score is O(1); the table
 * doubles when it is 3/4 full.  Order is made only where it is needed
 * (HistSort: the final function, the text and binary forms).  The most a
 * histogram takes is 65,536 bins in 131,072 slots of 24 bytes: 3 MB.
 *
 * Memory.  The functions that change a histogram change it in place when
 * it has room, and otherwise return a new one, made in the current memory
 * context (the one given is then left as it was): an aggregate's
 * transition function returns it, and PostgreSQL copies it into the
 * aggregate's memory.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_SCORE_HIST_H
#define LQ_SCORE_HIST_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "compat.h"

#define HIST_VERSION		1
#define HIST_MAX_BINS		65536	/* distinct bins in one histogram */
#define HIST_MAX_SHIFT		48		/* 2^16 bins of shift 48 cover every key */
#define HIST_MIN_ROOM		8
#define HIST_MAX_ROOM		131072	/* HIST_MAX_BINS at most 3/4 full */

#define HIST_SIGN			(UINT64CONST(1) << 63)
#define HIST_KEY_MIN		UINT64CONST(0x000FFFFFFFFFFFFF)	/* -infinity */
#define HIST_KEY_MAX		UINT64CONST(0xFFF0000000000000)	/* infinity */

typedef struct HistBin
{
	uint64		key;			/* the bin: a key shifted right by the shift */
	int64		won;
	int64		lost;
} HistBin;

typedef struct ScoreHist
{
	int32		vl_len_;
	uint8		version;
	uint8		shift;			/* 0 .. HIST_MAX_SHIFT */
	uint16		unused;
	int32		nbins;			/* slots used */
	int32		room;			/* slots: a power of two */
	int64		won;			/* the counts of all bins */
	int64		lost;
	HistBin		slots[FLEXIBLE_ARRAY_MEMBER];
} ScoreHist;

#define HIST_SIZE(room)		(offsetof(ScoreHist, slots) + sizeof(HistBin) * (room))

/* Bins in key order (HistSort), with their totals. */
typedef struct HistSorted
{
	int			shift;
	int			nbins;
	int64		won;
	int64		lost;
	HistBin    *bins;			/* palloc'd, nbins long */
} HistSorted;

/* What a quantile counts. */
typedef enum HistSide
{
	HIST_ALL,					/* won and lost rows */
	HIST_WON,
	HIST_LOST
} HistSide;

/* The key of a score, which must not be NaN (-0 has the key of 0). */
static inline uint64
HistKey(double score)
{
	uint64		bits;

	if (score == 0)
		score = 0;				/* not -0 */
	memcpy(&bits, &score, sizeof(bits));
	return (bits & HIST_SIGN) ? ~bits : bits | HIST_SIGN;
}

/* The score of a key that HistKey gives. */
static inline double
HistKeyScore(uint64 key)
{
	uint64		bits = (key & HIST_SIGN) ? key & ~HIST_SIGN : ~key;
	double		score;

	memcpy(&score, &bits, sizeof(score));
	return score;
}

/* the lowest score a bin of a shift holds */
extern double HistBinLow(uint64 bin, int shift);

/* making and changing */
extern ScoreHist *HistCreate(int nbins);
extern ScoreHist *HistCopy(const ScoreHist *h);
extern ScoreHist *HistAdd(ScoreHist *h, uint64 key, int64 won, int64 lost);
extern ScoreHist *HistMerge(ScoreHist *h, const ScoreHist *other);

/* a histogram that is an argument of a SQL function */
extern ScoreHist *HistFromDatum(Datum d, bool check, bool copy, const char *type);
extern void HistCheck(const ScoreHist *h, const char *type);

/* reading in order */
extern void HistSort(const ScoreHist *h, HistSorted *out, const char *type);
extern int	HistQuantile(const HistSorted *s, double q, HistSide side);

/* text and binary forms */
extern char *HistText(const ScoreHist *h, const char *type);
extern ScoreHist *HistFromText(const char *text, const char *type);
extern void HistSend(StringInfo buf, const ScoreHist *h, const char *type);
extern ScoreHist *HistRecv(StringInfo buf, const char *type);

#endif							/* LQ_SCORE_HIST_H */
