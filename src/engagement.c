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
 * The sums are 64-bit fixed-point numbers with 28 bits after the binary
 * point: each event's decayed points are rounded once, to 2^-28 (about
 * 4e-9), and from then on adding and subtracting are exact.  So the result
 * does not depend on the order of the rows or on how partial sums are
 * combined (parallel query, distributed engines), and the moving-aggregate
 * inverse (window frames that drop rows) takes away exactly what was
 * added.  A sum holds up to 2^35 (about 34 billion) points either way;
 * beyond that the aggregate fails rather than wrap around.
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

#include "common/int.h"
#include "datatype/timestamp.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "engagement.h"

#define STATE_VERSION	1
#define SF_CAP			0x01
#define SF_FLOOR		0x02
#define FIXED_BITS		28
#define FIXED_ONE		268435456.0 /* 2^28: one point */
#define FIXED_FRAC_MASK ((INT64CONST(1) << FIXED_BITS) - 1)
#define FIRST_ROOM		8		/* sums a new state has room for */

typedef struct EngSum
{
	int64		sum;			/* points, times 2^28 */
	double		cap;			/* unused for accum 0 (the kinds without a cap) */
	int32		accum;			/* which sum of the rules (LqKind.accum) */
	int32		unused;
} EngSum;

typedef struct EngState
{
	int32		vl_len_;
	uint32		fingerprint;	/* of the rules */
	int64		events;			/* events counted */
	int64		not_counted;	/* events of unknown kinds, or after as_of */
	double		cap;
	double		floor;
	uint8		version;
	uint8		flags;
	uint16		nsums;			/* sums present, in order of accum */
	uint16		room;			/* sums there is room for */
	uint16		unused;
	EngSum		sums[FLEXIBLE_ARRAY_MEMBER];
} EngState;

#define STATE_SIZE(n)	(offsetof(EngState, sums) + sizeof(EngSum) * (n))

/* ---------------- fixed-point numbers ---------------- */

static void out_of_range(void) pg_attribute_noreturn();

static void
out_of_range(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("engagement(): a lead's points of one kind are out of range"),
			 errdetail("A sum of points holds at most 34359738367 either way.")));
}

/* Add v to *sum; the sum stays within (-2^63, 2^63), what its text can hold. */
static inline void
fixed_add(int64 *sum, int64 v)
{
	if (unlikely(pg_add_s64_overflow(*sum, v, sum) || *sum == PG_INT64_MIN))
		out_of_range();
}

/* Count rows: the counters of a state made by hand cannot wrap around. */
static inline void
count_add(int64 *count, int64 v)
{
	if (unlikely(pg_add_s64_overflow(*count, v, count)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("engagement(): too many rows in one group")));
}

static inline double
fixed_to_double(int64 f)
{
	return (double) f / FIXED_ONE;
}

/*
 * Exact decimal text of f: the integer part, and the fraction (a multiple
 * of 2^-28, so at most 28 decimal digits) without trailing zeros.
 */
static void
fixed_append_text(StringInfo out, int64 f)
{
	uint64		a = f < 0 ? -(uint64) f : (uint64) f;
	uint64		frac = a & FIXED_FRAC_MASK;

	appendStringInfo(out, "%s" UINT64_FORMAT, f < 0 ? "-" : "", a >> FIXED_BITS);
	if (frac != 0)
	{
		appendStringInfoChar(out, '.');
		while (frac != 0)
		{
			frac *= 10;
			appendStringInfoChar(out, (char) ('0' + (frac >> FIXED_BITS)));
			frac &= FIXED_FRAC_MASK;
		}
	}
}

/*
 * Parse the text fixed_append_text writes; false unless s is exactly such a
 * text (canonical: no plus sign, no leading or trailing zeros, no "-0").
 */
static bool
fixed_parse(const char *s, int64 *f)
{
	const char *p = s;
	bool		neg = false;
	uint64		whole = 0;
	uint64		frac = 0;
	uint64		a;
	StringInfoData again;
	bool		ok;

	if (*p == '-')
		neg = true, p++;
	if (!(*p >= '0' && *p <= '9'))
		return false;
	for (; *p >= '0' && *p <= '9'; p++)
	{
		whole = whole * 10 + (uint64) (*p - '0');
		if (whole > (UINT64CONST(1) << (63 - FIXED_BITS)))
			return false;		/* too large */
	}
	if (*p == '.')
	{
		int			n;

		p++;
		for (n = 0; p[n] >= '0' && p[n] <= '9'; n++)
			;
		if (n == 0 || n > FIXED_BITS || p[n] != '\0')
			return false;
		/* Horner from the last digit: frac = floor(0.ddd * 2^28) */
		for (int i = n - 1; i >= 0; i--)
			frac = (frac + ((uint64) (p[i] - '0') << FIXED_BITS)) / 10;
	}
	else if (*p != '\0')
		return false;
	a = (whole << FIXED_BITS) | frac;
	if (a > (uint64) PG_INT64_MAX)
		return false;
	*f = neg ? -(int64) a : (int64) a;

	/* exactly what we would write? */
	initStringInfo(&again);
	fixed_append_text(&again, *f);
	ok = strcmp(again.data, s) == 0;
	pfree(again.data);
	return ok;
}

/* ---------------- the rules an aggregate call uses ---------------- */

typedef struct RulesCache
{
	MemoryContext cxt;			/* the rules and what is derived from them */
	LqRules    *rules;
	struct varlena *raw;		/* by value: the argument they came from */
	char	   *name;			/* by name: the text given */
	int			namelen;
	uint64		generation;
} RulesCache;

static RulesCache *
rules_cache(FunctionCallInfo fcinfo)
{
	RulesCache *c = (RulesCache *) fcinfo->flinfo->fn_extra;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RulesCache));
		c->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "lead_qual engagement rules",
									   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = c;
	}
	return c;
}

static void
install(RulesCache *c, const struct varlena *raw)
{
	MemoryContext old = MemoryContextSwitchTo(c->cxt);

	c->raw = palloc(VARSIZE_ANY(raw));
	memcpy(c->raw, raw, VARSIZE_ANY(raw));
	c->rules = lq_rules_decode(c->raw);
	MemoryContextSwitchTo(old);
}

/* The rules given as a lead_qual.engagement_rules value in argument argno. */
static const LqRules *
rules_from_value(FunctionCallInfo fcinfo, int argno)
{
	RulesCache *c = rules_cache(fcinfo);
	struct varlena *raw = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));

	if (c->rules != NULL && c->name == NULL &&
		VARSIZE_ANY(raw) == VARSIZE_ANY(c->raw) &&
		memcmp(raw, c->raw, VARSIZE_ANY(raw)) == 0)
		return c->rules;
	c->rules = NULL;
	c->name = NULL;
	MemoryContextReset(c->cxt);
	install(c, raw);
	return c->rules;
}

/* The rules given as text (a registered name, or JSON) in argument argno. */
static const LqRules *
rules_from_text(FunctionCallInfo fcinfo, int argno)
{
	RulesCache *c = rules_cache(fcinfo);
	text	   *t = PG_GETARG_TEXT_PP(argno);
	int			len = VARSIZE_ANY_EXHDR(t);
	uint64		generation = lq_registry_generation();

	if (c->rules != NULL && c->name != NULL && c->generation == generation &&
		c->namelen == len && memcmp(c->name, VARDATA_ANY(t), len) == 0)
		return c->rules;
	c->rules = NULL;
	c->name = NULL;
	MemoryContextReset(c->cxt);
	install(c, lq_rules_from_text(VARDATA_ANY(t), len));
	c->name = MemoryContextAlloc(c->cxt, len + 1);
	memcpy(c->name, VARDATA_ANY(t), len);
	c->namelen = len;
	c->generation = generation;
	return c->rules;
}

/* ---------------- the state ---------------- */

/* A state without sums, in the current memory context. */
static EngState *
new_state(const LqRules *r)
{
	int			room = Min(r->naccum, FIRST_ROOM);
	EngState   *s = palloc0(STATE_SIZE(room));

	SET_VARSIZE(s, STATE_SIZE(room));
	s->version = STATE_VERSION;
	s->fingerprint = r->fingerprint;
	s->flags = (r->has_cap ? SF_CAP : 0) | (r->has_floor ? SF_FLOOR : 0);
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
	EngState   *s = palloc0(STATE_SIZE(0));

	SET_VARSIZE(s, STATE_SIZE(0));
	s->version = STATE_VERSION;
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
		EngState   *t = palloc(STATE_SIZE(room));

		if (s->nsums >= room)
			elog(ERROR, "engagement state has no room for another sum");
		memcpy(t, s, STATE_SIZE(s->nsums));
		t->room = room;
		SET_VARSIZE(t, STATE_SIZE(room));
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
 * A state argument, checked to be whole (a value made elsewhere may have
 * been written by hand, see engagement_state_in); a copy when copy is set
 * (a function called outside an aggregate must not change its argument).
 */
static EngState *
state_arg(FunctionCallInfo fcinfo, int argno, bool copy)
{
	EngState   *s = (EngState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	/* the type is double-aligned, but a copy costs little and is safe */
	if ((uintptr_t) s % MAXIMUM_ALIGNOF != 0)
	{
		EngState   *aligned = palloc(VARSIZE(s));

		memcpy(aligned, s, VARSIZE(s));
		s = aligned;
		copy = false;
	}
	if (VARSIZE(s) < STATE_SIZE(0) || s->version != STATE_VERSION ||
		s->room > LQ_MAX_KINDS + 1 || s->nsums > s->room ||
		VARSIZE(s) != STATE_SIZE(s->room))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid lead_qual.engagement_state value")));
	if (copy)
	{
		EngState   *c = palloc(VARSIZE(s));

		memcpy(c, s, VARSIZE(s));
		s = c;
	}
	return s;
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
	k = lq_rules_kind(r, VARDATA_ANY(kind), VARSIZE_ANY_EXHDR(kind));
	if (k == NULL)
	{
		if (r->unknown_is_error)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("engagement rules%s%s%s do not list the event kind \"%s\"",
							r->name[0] ? " \"" : "", r->name, r->name[0] ? "\"" : "",
							lq_clip(text_to_cstring(kind), 100)),
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
	*fixed = (int64) rint(k->points * decay * FIXED_ONE);
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
		s = state_arg(fcinfo, 0, !AggCheckCallContext(fcinfo, NULL));
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
	fixed_add(&s->sums[pos].sum, inverse ? -fixed : fixed);
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

PG_FUNCTION_INFO_V1(lq_engagement_step);
Datum
lq_engagement_step(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return keep_state(fcinfo);
	return step(fcinfo, rules_from_value(fcinfo, 1), false);
}

PG_FUNCTION_INFO_V1(lq_engagement_unstep);
Datum
lq_engagement_unstep(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return keep_state(fcinfo);
	return step(fcinfo, rules_from_value(fcinfo, 1), true);
}

PG_FUNCTION_INFO_V1(lq_engagement_step_by_name);
Datum
lq_engagement_step_by_name(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return keep_state(fcinfo);
	return step(fcinfo, rules_from_text(fcinfo, 1), false);
}

PG_FUNCTION_INFO_V1(lq_engagement_unstep_by_name);
Datum
lq_engagement_unstep_by_name(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return keep_state(fcinfo);
	return step(fcinfo, rules_from_text(fcinfo, 1), true);
}

/* Add the second partial state to the first (strict: neither is NULL). */
PG_FUNCTION_INFO_V1(lq_engagement_combine);
Datum
lq_engagement_combine(PG_FUNCTION_ARGS)
{
	EngState   *a;
	EngState   *b = state_arg(fcinfo, 1, false);

	/* a state that holds no row adds nothing, whatever its rules */
	if (holds_no_row(b))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	a = state_arg(fcinfo, 0, !AggCheckCallContext(fcinfo, NULL));
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
		fixed_add(&a->sums[i].sum, b->sums[j].sum);
	}
	count_add(&a->events, b->events);
	count_add(&a->not_counted, b->not_counted);
	PG_RETURN_POINTER(a);
}

/* Scores are kept to six decimals, as the qualification scores are. */
static inline double
round6(double x)
{
	return rint(x * 1e6) / 1e6;
}

static double
state_total(const EngState *s)
{
	double		total = 0;

	for (int i = 0; i < s->nsums; i++)
	{
		double		v = fixed_to_double(s->sums[i].sum);

		total += s->sums[i].accum == 0 ? v : Max(-s->sums[i].cap, Min(v, s->sums[i].cap));
	}
	if ((s->flags & SF_CAP) && total > s->cap)
		total = s->cap;
	if ((s->flags & SF_FLOOR) && total < s->floor)
		total = s->floor;
	total = round6(total);
	return total == 0 ? 0 : total;	/* no negative zero */
}

/* The score; NULL when the state holds no row with rules. */
PG_FUNCTION_INFO_V1(lq_engagement_final);
Datum
lq_engagement_final(PG_FUNCTION_ARGS)
{
	EngState   *s = state_arg(fcinfo, 0, false);

	if (holds_no_row(s))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(state_total(s));
}

/* ---------------- text and binary forms of the state ---------------- */

static void
append_double(StringInfo out, bool isnull, double v)
{
	if (isnull)
		appendStringInfoString(out, "null");
	else
		lq_append_number(out, v);
}

PG_FUNCTION_INFO_V1(lq_engagement_state_out);
Datum
lq_engagement_state_out(PG_FUNCTION_ARGS)
{
	EngState   *s = state_arg(fcinfo, 0, false);
	StringInfoData out;

	initStringInfo(&out);
	appendStringInfo(&out, "{\"version\": %d, \"rules\": \"%08x\", \"events\": " INT64_FORMAT
					 ", \"not_counted\": " INT64_FORMAT ", \"cap\": ",
					 s->version, s->fingerprint, s->events, s->not_counted);
	append_double(&out, !(s->flags & SF_CAP), s->cap);
	appendStringInfoString(&out, ", \"floor\": ");
	append_double(&out, !(s->flags & SF_FLOOR), s->floor);
	appendStringInfoString(&out, ", \"sums\": [");
	for (int i = 0; i < s->nsums; i++)
	{
		appendStringInfoString(&out, i == 0 ? "{" : ", {");
		if (s->sums[i].accum > 0)
		{
			appendStringInfo(&out, "\"capped_kind\": %d, \"cap\": ", s->sums[i].accum);
			lq_append_number(&out, s->sums[i].cap);
			appendStringInfoString(&out, ", ");
		}
		appendStringInfoString(&out, "\"sum\": \"");
		fixed_append_text(&out, s->sums[i].sum);
		appendStringInfoString(&out, "\"}");
	}
	appendStringInfoString(&out, "]}");
	PG_RETURN_CSTRING(out.data);
}

static void bad_state(const char *what) pg_attribute_noreturn();

static void
bad_state(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid lead_qual.engagement_state: %s", what),
			 errhint("Engagement states are made by the engagement aggregate; their text is its output.")));
}

static const JNode *
member(const JNode *obj, const char *key, JNodeType type, bool nullable)
{
	const JNode *n = lq_json_member(obj, key);

	if (n == NULL)
		bad_state(psprintf("\"%s\" is missing", key));
	if (!(n->type == type || (nullable && n->type == JN_NULL)))
		bad_state(psprintf("\"%s\" must be %s", key, lq_json_type_name(type)));
	return n;
}

static double
number_member(const JNode *obj, const char *key, bool *isnull)
{
	const JNode *n = member(obj, key, JN_NUMBER, isnull != NULL);
	double		v;

	if (n->type == JN_NULL)
	{
		*isnull = true;
		return 0;
	}
	if (isnull)
		*isnull = false;
	v = strtod(n->str, NULL);
	if (!isfinite(v) || fabs(v) > LQ_MAX_CAP)
		bad_state(psprintf("\"%s\" is out of range", key));
	return v == 0 ? 0 : v;
}

static int64
count_member(const JNode *obj, const char *key)
{
	const JNode *n = member(obj, key, JN_NUMBER, false);
	char	   *end;
	long long	v;

	errno = 0;
	v = strtoll(n->str, &end, 10);
	if (errno != 0 || *end != '\0')
		bad_state(psprintf("\"%s\" must be a whole number", key));
	return (int64) v;
}

PG_FUNCTION_INFO_V1(lq_engagement_state_in);
Datum
lq_engagement_state_in(PG_FUNCTION_ARGS)
{
	char	   *text = PG_GETARG_CSTRING(0);
	JNode	   *root = lq_json_parse_document(text, strlen(text), "engagement state");
	const JNode *n;
	const JNode *sums;
	EngState   *s;
	bool		isnull;
	char	   *end;
	unsigned long fp;

	if (root->type != JN_OBJECT || root->dupkey != NULL || root->nitems != 7)
		bad_state("not an object with the fields version, rules, events, not_counted, cap, floor and sums");
	n = member(root, "version", JN_NUMBER, false);
	if (strcmp(n->str, "1") != 0)
		bad_state("unsupported version");
	sums = member(root, "sums", JN_ARRAY, false);
	if (sums->nitems > LQ_MAX_KINDS + 1)
		bad_state("\"sums\" holds too many sums");
	s = palloc0(STATE_SIZE(sums->nitems));
	SET_VARSIZE(s, STATE_SIZE(sums->nitems));
	s->version = STATE_VERSION;
	s->nsums = s->room = sums->nitems;

	n = member(root, "rules", JN_STRING, false);
	if (strlen(n->str) != 8 || strspn(n->str, "0123456789abcdef") != 8)
		bad_state("\"rules\" must be 8 hexadecimal digits");
	errno = 0;
	fp = strtoul(n->str, &end, 16);
	if (errno != 0 || *end != '\0' || fp > PG_UINT32_MAX)
		bad_state("\"rules\" must be 8 hexadecimal digits");
	s->fingerprint = (uint32) fp;
	s->events = count_member(root, "events");
	s->not_counted = count_member(root, "not_counted");
	if (s->events < 0 || s->not_counted < 0)
		bad_state("\"events\" and \"not_counted\" must not be negative");
	s->cap = number_member(root, "cap", &isnull);
	s->flags |= isnull ? 0 : SF_CAP;
	s->floor = number_member(root, "floor", &isnull);
	s->flags |= isnull ? 0 : SF_FLOOR;
	for (int i = 0; i < sums->nitems; i++)
	{
		const JNode *e = sums->items[i];

		if (e->type != JN_OBJECT || e->dupkey != NULL ||
			(e->nitems != 1 && e->nitems != 3))
			bad_state("a sum must be {\"sum\": \"...\"} (the kinds without a cap) or {\"capped_kind\": n, \"cap\": ..., \"sum\": \"...\"}");
		if (e->nitems == 3)
		{
			int64		accum = count_member(e, "capped_kind");

			if (accum < 1 || accum > LQ_MAX_KINDS)
				bad_state("\"capped_kind\" is out of range");
			s->sums[i].accum = (int32) accum;
			s->sums[i].cap = number_member(e, "cap", NULL);
			if (s->sums[i].cap < 0)
				bad_state("a cap must not be negative");
		}
		if (i > 0 && s->sums[i].accum <= s->sums[i - 1].accum)
			bad_state("the sums must be in order of \"capped_kind\", each once, the kinds without a cap first");
		if (!fixed_parse(member(e, "sum", JN_STRING, false)->str, &s->sums[i].sum))
			bad_state("a sum must be an exact decimal number as the output writes it");
	}
	for (int i = 0; i < s->nsums; i++)
		if (s->events == 0 && s->sums[i].sum != 0)
			bad_state("a state without events has no points");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(lq_engagement_state_send);
Datum
lq_engagement_state_send(PG_FUNCTION_ARGS)
{
	EngState   *s = state_arg(fcinfo, 0, false);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, s->version);
	pq_sendint8(&buf, s->flags);
	pq_sendint32(&buf, s->fingerprint);
	pq_sendint64(&buf, s->events);
	pq_sendint64(&buf, s->not_counted);
	pq_sendfloat8(&buf, s->cap);
	pq_sendfloat8(&buf, s->floor);
	pq_sendint16(&buf, s->nsums);
	for (int i = 0; i < s->nsums; i++)
	{
		pq_sendint16(&buf, s->sums[i].accum);
		pq_sendfloat8(&buf, s->sums[i].cap);
		pq_sendint64(&buf, s->sums[i].sum);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
bad_binary(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary lead_qual.engagement_state")));
}

PG_FUNCTION_INFO_V1(lq_engagement_state_recv);
Datum
lq_engagement_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	EngState   *s;
	int			version;
	int			flags;
	uint32		fingerprint;
	int64		events;
	int64		not_counted;
	double		cap;
	double		floor_;
	int			nsums;

	/* version, flags, fingerprint, counters, cap, floor, number of sums */
	lq_recv_need(buf, 1 + 1 + 4 + 8 + 8 + 8 + 8 + 2, "lead_qual.engagement_state");
	version = pq_getmsgint(buf, 1);
	flags = pq_getmsgint(buf, 1);
	fingerprint = pq_getmsgint(buf, 4);
	events = pq_getmsgint64(buf);
	not_counted = pq_getmsgint64(buf);
	cap = pq_getmsgfloat8(buf);
	floor_ = pq_getmsgfloat8(buf);
	nsums = pq_getmsgint(buf, 2);
	if (version != STATE_VERSION || (flags & ~(SF_CAP | SF_FLOOR)) ||
		nsums > LQ_MAX_KINDS + 1 || events < 0 || not_counted < 0 ||
		!isfinite(cap) || fabs(cap) > LQ_MAX_CAP ||
		!isfinite(floor_) || fabs(floor_) > LQ_MAX_CAP)
		bad_binary();
	lq_recv_need(buf, nsums * (2 + 8 + 8), "lead_qual.engagement_state");
	s = palloc0(STATE_SIZE(nsums));
	SET_VARSIZE(s, STATE_SIZE(nsums));
	/* -0 reads as 0, as from the text form, so both forms stay canonical */
	if (cap == 0)
		cap = 0;
	if (floor_ == 0)
		floor_ = 0;
	s->version = version;
	s->flags = flags;
	s->fingerprint = fingerprint;
	s->events = events;
	s->not_counted = not_counted;
	s->cap = cap;
	s->floor = floor_;
	s->nsums = s->room = nsums;
	for (int i = 0; i < nsums; i++)
	{
		s->sums[i].accum = pq_getmsgint(buf, 2);
		s->sums[i].cap = pq_getmsgfloat8(buf);
		s->sums[i].sum = pq_getmsgint64(buf);
		if (!isfinite(s->sums[i].cap) || s->sums[i].cap < 0 || s->sums[i].cap > LQ_MAX_CAP ||
			s->sums[i].accum > LQ_MAX_KINDS ||
			(i > 0 && s->sums[i].accum <= s->sums[i - 1].accum) ||
			s->sums[i].sum == PG_INT64_MIN || (events == 0 && s->sums[i].sum != 0))
			bad_binary();
		if (s->sums[i].cap == 0)
			s->sums[i].cap = 0;	/* not -0 */
	}
	lq_recv_end(buf, "lead_qual.engagement_state");
	PG_RETURN_POINTER(s);
}
