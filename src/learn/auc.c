/*-------------------------------------------------------------------------
 *
 * auc.c
 *	  The auc aggregate: auc(score, won), the ROC AUC of scores against
 *	  outcomes, the probability that a won lead scores above a lost one
 *	  (ties counting half); and its state type, lead_qual.auc_state.
 *
 * The state is a histogram of the scores (learn/score_hist.h): per
 * distinct score, how many won and how many lost rows had it.  A row costs
 * one hash table search; the final function sorts the bins once and walks
 * them in order of score:
 *
 *	AUC = sum over bins of (won * lost below + won * lost / 2) / (W * L)
 *
 * where W and L are all the won and lost rows.  The sum is kept twice
 * over, in exact 128-bit integers (common/int128.h), and divided once at
 * the end: the result is the exact fraction rounded to a double (exactly
 * so when 2 * W * L < 2^53; beyond, the numerator and denominator are each
 * rounded to a double first).
 *
 * The histogram holds at most 65,536 bins.  A group with more distinct
 * scores is coarsened: neighbouring doubles share a bin and count as ties
 * (score_hist.h says how near; the state's text shows the shift).  So the
 * AUC is exact up to 65,536 distinct scores per group, and the state
 * bounded (3 MB at most) whatever the number of rows.  The bins depend on
 * the rows only, never on their order or on how partial states were
 * combined, so neither does the result.
 *
 * The state is a real type, lead_qual.auc_state, not internal: parallel
 * workers hand it to the leader as a datum, and a distributed engine such
 * as Citus ships partial states between nodes as its text.  The aggregate
 * starts from an empty state (its INITCOND) and its transition function
 * is strict: a NULL score or outcome skips the row.
 *
 * In place: called as an aggregate, the transition and combine functions
 * change the state they are given and return it while it has room;
 * otherwise the histogram makes a larger one in the per-row memory
 * context, which PostgreSQL copies into the aggregate's memory (freeing
 * the old one).  Called outside an aggregate they change a copy, and check
 * a state given to them in depth first; the combine function checks the
 * partial state it adds always.  The final function only reads the state
 * (it sorts a copy of the bins), so auc also runs as a window function.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int128.h"
#include "fmgr.h"
#include "libpq/pqformat.h"

#include "base/fmgr_util.h"
#include "learn/score_hist.h"

#define LQ_AUC_STATE_TYPE	"lead_qual.auc_state"

/* ---------------- the aggregate ---------------- */

/* auc_step(state, score, won): count one row (strict: no NULLs come here). */
PG_FUNCTION_INFO_V1(lq_auc_step);
Datum
lq_auc_step(PG_FUNCTION_ARGS)
{
	bool		in_agg = AggCheckCallContext(fcinfo, NULL) != 0;
	ScoreHist  *h = HistFromDatum(PG_GETARG_DATUM(0), !in_agg, !in_agg, LQ_AUC_STATE_TYPE);
	double		score = PG_GETARG_FLOAT8(1);
	bool		won = PG_GETARG_BOOL(2);

	if (isnan(score))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("auc(): a score cannot be NaN"),
				 errhint("Give rows without a score a NULL score: they are left out.")));
	PG_RETURN_POINTER(HistAdd(h, HistKey(score), won ? 1 : 0, won ? 0 : 1));
}

/* auc_combine(state, state): add the second partial state to the first. */
PG_FUNCTION_INFO_V1(lq_auc_combine);
Datum
lq_auc_combine(PG_FUNCTION_ARGS)
{
	bool		in_agg = AggCheckCallContext(fcinfo, NULL) != 0;
	ScoreHist  *b = HistFromDatum(PG_GETARG_DATUM(1), true, false, LQ_AUC_STATE_TYPE);
	ScoreHist  *a;

	if (b->nbins == 0)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	a = HistFromDatum(PG_GETARG_DATUM(0), !in_agg, !in_agg, LQ_AUC_STATE_TYPE);
	if (a->nbins == 0)
		PG_RETURN_POINTER(b);	/* in an aggregate, PostgreSQL copies it */
	PG_RETURN_POINTER(HistMerge(a, b));
}

/* auc_final(state): the AUC; NULL without won or without lost rows. */
PG_FUNCTION_INFO_V1(lq_auc_final);
Datum
lq_auc_final(PG_FUNCTION_ARGS)
{
	ScoreHist  *h = HistFromDatum(PG_GETARG_DATUM(0), false, false, LQ_AUC_STATE_TYPE);
	HistSorted	s;
	INT128		pairs = int64_to_int128(0);	/* 2 * pairs won above lost + ties */
	INT128		all = int64_to_int128(0);	/* 2 * W * L */
	int64		lost_below = 0;
	double		result;

	HistSort(h, &s, LQ_AUC_STATE_TYPE);	/* checks the bins */
	if (s.won == 0 || s.lost == 0)
	{
		pfree(s.bins);
		PG_RETURN_NULL();
	}
	for (int i = 0; i < s.nbins; i++)
	{
		const HistBin *b = &s.bins[i];

		if (b->won > 0)
		{
			int128_add_int64_mul_int64(&pairs, b->won, lost_below);
			int128_add_int64_mul_int64(&pairs, b->won, lost_below);
			int128_add_int64_mul_int64(&pairs, b->won, b->lost);
		}
		lost_below += b->lost;	/* at most L: no overflow */
	}
	int128_add_int64_mul_int64(&all, s.won, s.lost);
	int128_add_int64_mul_int64(&all, s.won, s.lost);
	result = Int128ToDouble(pairs) / Int128ToDouble(all);
	pfree(s.bins);
	PG_RETURN_FLOAT8(result);
}

/* ---------------- the state's text and binary forms ---------------- */

/* The state written as text (see HistText); see InputParse. */
static Datum
state_from_text(void *arg)
{
	return PointerGetDatum(HistFromText((const char *) arg, LQ_AUC_STATE_TYPE));
}

PG_FUNCTION_INFO_V1(lq_auc_state_in);
Datum
lq_auc_state_in(PG_FUNCTION_ARGS)
{
	Datum		result;

	if (!InputParse(fcinfo, state_from_text, PG_GETARG_CSTRING(0), &result))
		return (Datum) 0;		/* reported softly */
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(lq_auc_state_out);
Datum
lq_auc_state_out(PG_FUNCTION_ARGS)
{
	ScoreHist  *h = HistFromDatum(PG_GETARG_DATUM(0), false, false, LQ_AUC_STATE_TYPE);

	PG_RETURN_CSTRING(HistText(h, LQ_AUC_STATE_TYPE));
}

PG_FUNCTION_INFO_V1(lq_auc_state_send);
Datum
lq_auc_state_send(PG_FUNCTION_ARGS)
{
	ScoreHist  *h = HistFromDatum(PG_GETARG_DATUM(0), false, false, LQ_AUC_STATE_TYPE);
	StringInfoData buf;

	pq_begintypsend(&buf);
	HistSend(&buf, h, LQ_AUC_STATE_TYPE);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(lq_auc_state_recv);
Datum
lq_auc_state_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(HistRecv((StringInfo) PG_GETARG_POINTER(0), LQ_AUC_STATE_TYPE));
}
