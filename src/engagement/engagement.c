/*-------------------------------------------------------------------------
 *
 * engagement.c
 *	  The engagement aggregate: engagement(rules, kind, occurred_at, as_of),
 *	  the decayed, capped points of a lead's events.
 *
 * Each event of a kind the rules list counts its kind's points, halved for
 * every half-life between occurred_at and as_of (continuous decay:
 * points * 2^(-age / half-life)); an event after as_of does not count.
 * The points of each capped kind are summed apart, so that the kind's cap
 * can be applied at the end; all other kinds share one sum.  The result is
 * the sum of the (capped) sums, kept between the overall floor and cap.
 *
 * The sums are fixed-point numbers (engagement_state.h): each event's
 * decayed points are rounded once, and from then on adding and subtracting
 * are exact.  So the result does not depend on the order of the rows or on
 * how partial sums are combined (parallel query, distributed engines), and
 * the moving-aggregate inverse (window frames that drop rows) takes away
 * exactly what was added.  Beyond a sum's range the aggregate fails rather
 * than wrap around.
 *
 * The state also counts the rows with rules it holds: events counted, and
 * rows that added nothing (a kind the rules ignore, an event after as_of, a
 * NULL kind, occurred_at or as_of).  A state that holds no such row gives
 * NULL, as sum() of no rows does; as a window function (moving aggregate)
 * the transition function must never return NULL, so there a row with NULL
 * rules makes an empty state, and a state that holds no row takes the rules
 * of the next row that has some.
 *
 * The state is a real type, lead_qual.engagement_state, not internal: a
 * distributed engine such as Citus pushes an aggregate down to its nodes
 * only with a combine function and a real state type, and ships partial
 * states as text through the type's output and input functions.  It holds
 * a sum for each capped kind the lead has events of, and one for the other
 * kinds together: 48 bytes and 24 per sum, with room for 8 sums at first
 * (256 bytes as PostgreSQL allocates it); bounded by the rules, whatever
 * the number of rows.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "base/convert.h"
#include "base/text_util.h"
#include "engagement/engagement_state.h"
#include "engagement/rules.h"
#include "registry/ref.h"

#define FIRST_ROOM		8		/* sums a new state has room for */

/* Count rows: the counters of a state made by hand cannot wrap around. */
static inline void
count_add(int64 *count, int64 v)
{
	if (unlikely(pg_add_s64_overflow(*count, v, count)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("engagement(): too many rows in one group")));
}

/* ---------------- the rules of a call ---------------- */

/* The rules of this row (argument 1: a value, or text), kept in fn_extra. */
static const LqRules *
call_rules(FunctionCallInfo fcinfo)
{
	return RefRules(RefOfCall(fcinfo, REGISTRY_RULES, 1), PG_GETARG_DATUM(1));
}

/* ---------------- the state ---------------- */

/* A state without sums, in the current memory context. */
static EngState *
new_state(const LqRules *r)
{
	int			room = Min(r->naccum, FIRST_ROOM);
	EngState   *s = palloc0(ENG_STATE_SIZE(room));

	SET_VARSIZE(s, ENG_STATE_SIZE(room));
	s->version = ENG_STATE_VERSION;
	s->fingerprint = r->fingerprint;
	s->flags = (r->has_cap ? ENG_SF_CAP : 0) | (r->has_floor ? ENG_SF_FLOOR : 0);
	s->cap = r->has_cap ? r->cap : 0;
	s->floor = r->has_floor ? r->floor : 0;
	s->room = room;
	return s;
}

/*
 * A state that holds no row yet and is bound to no rules: what a row with
 * NULL rules makes in a window (a moving-aggregate transition function must
 * not return NULL).  Its fingerprint is 0 and it has no sums.
 */
static EngState *
empty_state(void)
{
	EngState   *s = palloc0(ENG_STATE_SIZE(0));

	SET_VARSIZE(s, ENG_STATE_SIZE(0));
	s->version = ENG_STATE_VERSION;
	return s;
}

/*
 * Whether s holds no row with rules (its sums are then all 0): its rules
 * do not matter, and its result is NULL.
 */
static inline bool
holds_no_row(const EngState *s)
{
	return s->events == 0 && s->not_counted == 0;
}

/* Where sum accum is in s, or where it would go (-1 - position). */
static int
find_sum(const EngState *s, int accum)
{
	int			lo = 0,
				hi = s->nsums - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (s->sums[mid].accum == accum)
			return mid;
		if (s->sums[mid].accum < accum)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1 - lo;
}

/*
 * Insert an empty sum accum (capped at cap) at position pos of s, in place
 * when there is room; else into a copy with twice the room, made in the
 * current memory context (PostgreSQL copies an aggregate's state that
 * changes address into the aggregate's memory, and frees the old one).
 */
static EngState *
add_sum(EngState *s, int pos, int accum, double cap)
{
	if (s->nsums == s->room)
	{
		int			room = Min(Max(2 * s->room, 1), LQ_MAX_KINDS + 1);
		EngState   *t = palloc(ENG_STATE_SIZE(room));

		if (s->nsums >= room)
			elog(ERROR, "engagement state has no room for another sum");
		memcpy(t, s, ENG_STATE_SIZE(s->nsums));
		t->room = room;
		SET_VARSIZE(t, ENG_STATE_SIZE(room));
		s = t;
	}
	memmove(&s->sums[pos + 1], &s->sums[pos], sizeof(EngSum) * (s->nsums - pos));
	memset(&s->sums[pos], 0, sizeof(EngSum));
	s->sums[pos].accum = accum;
	s->sums[pos].cap = cap;
	s->nsums++;
	return s;
}

static void
mixed_rules(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("engagement(): the rules differ between rows of one group"),
			 errhint("Use the same rules for every event of a lead.")));
}

/*
 * The kind of one event and its decayed points as a fixed-point number;
 * NULL when the event does not count (a kind the rules do not list and
 * ignore, or an event after as_of).
 */
static const LqKind *
event_points(const LqRules *r, text *kind, TimestampTz occurred, TimestampTz as_of,
			 int64 *fixed)
{
	const LqKind *k;
	double		decay = 1.0;

	if (TIMESTAMP_NOT_FINITE(as_of))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("engagement(): as_of must be a finite timestamp")));
	k = RulesKind(r, VARDATA_ANY(kind), VARSIZE_ANY_EXHDR(kind));
	if (k == NULL)
	{
		if (r->unknown_is_error)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("engagement rules%s%s%s do not list the event kind \"%s\"",
							r->name[0] ? " \"" : "", r->name, r->name[0] ? "\"" : "",
							TextClip(text_to_cstring(kind), 100)),
					 errhint("Add the kind to the rules, or set \"unknown_kinds\": \"ignore\".")));
		return NULL;
	}
	if (occurred > as_of)
		return NULL;
	if (k->half_life > 0)
	{
		if (TIMESTAMP_IS_NOBEGIN(occurred))
			decay = 0;
		else
		{
			/* in double: as_of - occurred may not fit in 64 bits */
			double		age = ((double) as_of - (double) occurred) / USECS_PER_DAY;

			decay = exp2(-age / k->half_life);
		}
	}
	*fixed = (int64) rint(k->points * decay * ENG_FIXED_ONE);
	return k;
}

/*
 * Add (or, for the moving-aggregate inverse, take away) one row.  Rows with
 * NULL rules add nothing (see keep_state); rows with a NULL kind,
 * occurred_at or as_of are no events, but count as rows that added
 * nothing, so that the result is 0 rather than NULL (a lead without
 * events, from an outer join).
 */
static Datum
step(FunctionCallInfo fcinfo, const LqRules *r, bool inverse)
{
	EngState   *s;
	const LqKind *k;
	int64		fixed;
	int			pos;
	int64		one = inverse ? -1 : 1;

	if (PG_ARGISNULL(0))
	{
		if (inverse)
			PG_RETURN_NULL();
		s = new_state(r);		/* in the per-row context: PostgreSQL copies it */
	}
	else
	{
		s = EngStateArg(fcinfo, 0, !AggCheckCallContext(fcinfo, NULL));
		if (holds_no_row(s))
		{
			/* a row taken away was added before, so the state holds it */
			if (inverse)
				PG_RETURN_NULL();
			/* no row with rules yet (or no more, in a window): take these */
			s = new_state(r);
		}
		else if (s->fingerprint != r->fingerprint)
			mixed_rules();
	}
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
	{
		count_add(&s->not_counted, one);
		PG_RETURN_POINTER(s);
	}

	k = event_points(r, PG_GETARG_TEXT_PP(2), PG_GETARG_TIMESTAMPTZ(3),
					 PG_GETARG_TIMESTAMPTZ(4), &fixed);
	if (k == NULL)
	{
		count_add(&s->not_counted, one);
		PG_RETURN_POINTER(s);
	}
	pos = find_sum(s, k->accum);
	if (pos < 0)
	{
		/* a row taken away was added before, so its sum must be there */
		if (inverse)
			PG_RETURN_NULL();
		pos = -1 - pos;
		s = add_sum(s, pos, k->accum, k->has_cap ? k->cap : 0);
	}
	FixedAdd(&s->sums[pos].sum, inverse ? -fixed : fixed);
	count_add(&s->events, one);
	PG_RETURN_POINTER(s);
}

/*
 * A row with NULL rules: the state as it was.  The first row of a group
 * leaves it NULL, except in a window: a moving-aggregate transition
 * function must not return NULL, so there it makes an empty state (whose
 * result is NULL too).
 */
static Datum
keep_state(FunctionCallInfo fcinfo)
{
	if (!PG_ARGISNULL(0))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (AggCheckCallContext(fcinfo, NULL) == AGG_CONTEXT_WINDOW)
		PG_RETURN_POINTER(empty_state());
	PG_RETURN_NULL();
}

/*
 * engagement_step(state, rules, kind, occurred_at, as_of), the rules as a
 * value or as text (a registered name, or JSON).
 */
PG_FUNCTION_INFO_V1(lq_engagement_step);
Datum
lq_engagement_step(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return keep_state(fcinfo);
	return step(fcinfo, call_rules(fcinfo), false);
}

/* engagement_unstep(...): the moving-aggregate inverse of engagement_step. */
PG_FUNCTION_INFO_V1(lq_engagement_unstep);
Datum
lq_engagement_unstep(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return keep_state(fcinfo);
	return step(fcinfo, call_rules(fcinfo), true);
}

/* Add the second partial state to the first (strict: neither is NULL). */
PG_FUNCTION_INFO_V1(lq_engagement_combine);
Datum
lq_engagement_combine(PG_FUNCTION_ARGS)
{
	EngState   *a;
	EngState   *b = EngStateArg(fcinfo, 1, false);

	/* a state that holds no row adds nothing, whatever its rules */
	if (holds_no_row(b))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	a = EngStateArg(fcinfo, 0, !AggCheckCallContext(fcinfo, NULL));
	if (holds_no_row(a))
		PG_RETURN_POINTER(b);

	if (a->fingerprint != b->fingerprint || a->flags != b->flags ||
		a->cap != b->cap || a->floor != b->floor)
		mixed_rules();
	for (int j = 0; j < b->nsums; j++)
	{
		int			i = find_sum(a, b->sums[j].accum);

		if (i < 0)
		{
			i = -1 - i;
			a = add_sum(a, i, b->sums[j].accum, b->sums[j].cap);
		}
		else if (a->sums[i].cap != b->sums[j].cap)
			mixed_rules();
		FixedAdd(&a->sums[i].sum, b->sums[j].sum);
	}
	count_add(&a->events, b->events);
	count_add(&a->not_counted, b->not_counted);
	PG_RETURN_POINTER(a);
}

static double
state_total(const EngState *s)
{
	double		total = 0;

	for (int i = 0; i < s->nsums; i++)
	{
		double		v = FixedToDouble(s->sums[i].sum);

		total += s->sums[i].accum == 0 ? v : Max(-s->sums[i].cap, Min(v, s->sums[i].cap));
	}
	if ((s->flags & ENG_SF_CAP) && total > s->cap)
		total = s->cap;
	if ((s->flags & ENG_SF_FLOOR) && total < s->floor)
		total = s->floor;
	total = Round6(total);
	return total == 0 ? 0 : total;	/* no negative zero */
}

/* The score; NULL when the state holds no row with rules. */
PG_FUNCTION_INFO_V1(lq_engagement_final);
Datum
lq_engagement_final(PG_FUNCTION_ARGS)
{
	EngState   *s = EngStateArg(fcinfo, 0, false);

	if (holds_no_row(s))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(state_total(s));
}

