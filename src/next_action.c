/*-------------------------------------------------------------------------
 *
 * next_action.c
 *	  The next action: next_action(model, evidence, as_of, lang, config).
 *
 *	  next_action() says what to do with a lead (hand it to sales, ask more,
 *	  nurture it, drop it) and, if not now, when to come back: for nurture,
 *	  the day a date in the evidence (a planned purchase, the end of a
 *	  current contract) comes within its criterion's window, else an
 *	  interval by tier.
 *
 *	  The qualification comes from qualify.c (lq_evaluate), with the same
 *	  per-query caching of the model and row bindings as qualify(); the
 *	  config (an optional jsonb) is read by settings.c, once per query.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "settings.h"

/* ----------------------------------------------------------------
 * next_action()
 * ----------------------------------------------------------------
 */

typedef struct NextConfig
{
	int32		ask_days;
	int32		nurture_days[4];	/* by tier A-D */
	bool		drop_follow_up;		/* drop_days given (not null) */
	int32		drop_days;
} NextConfig;

static const NextConfig default_config = {7, {30, 60, 90, 180}, false, 0};

#define CONFIG "next_action config"

static const char *const config_fields[] = {"ask_days", "nurture_days", "drop_days", NULL};
static const char *const tier_fields[] = {"A", "B", "C", "D", NULL};

static void
parse_config(JsonbContainer *root, void *out)
{
	NextConfig *cfg = (NextConfig *) out;
	JsonbIterator *it = JsonbIteratorInit(root);
	JsonbValue	v;
	char	   *key;
	int			idx;

	while (lq_opt_next_member(&it, CONFIG, "", config_fields, &key, &idx, &v))
	{
		if (idx == 0)
			cfg->ask_days = lq_opt_days(CONFIG, "ask_days", &v);
		else if (idx == 1)
		{
			JsonbIterator *tit;
			JsonbValue	tv;
			char	   *tkey;
			int			tier;

			if (!lq_jv_is_object(&v))
				lq_opt_error(CONFIG, "nurture_days", "must be an object of days by tier, not %s",
							 lq_jv_type_name(&v));
			tit = JsonbIteratorInit(v.val.binary.data);
			while (lq_opt_next_member(&tit, CONFIG, "nurture_days", tier_fields, &tkey, &tier, &tv))
				cfg->nurture_days[tier] = lq_opt_days(CONFIG, lq_opt_path("nurture_days", tkey), &tv);
		}
		else if (v.type == jbvNull)
			cfg->drop_follow_up = false;
		else
		{
			cfg->drop_days = lq_opt_days(CONFIG, "drop_days", &v);
			cfg->drop_follow_up = true;
		}
	}
}

static const char *const action_names[] = {
	/* indexed by LqStatus */
	"hand_to_sales", "ask", "nurture", "drop"
};

typedef struct NextCache
{
	void	   *eval;			/* qualify.c's cache, see lq_evaluate() */
	LqOptCache	opt;
	TupleDesc	desc;			/* lead_qual.next_step, blessed */
	Datum		action_text[4];
} NextCache;

#define NEXT_ASOF_ARG	2
#define NEXT_LANG_ARG	3
#define NEXT_CONFIG_ARG 4

static NextCache *
next_cache(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	NextCache  *nc = (NextCache *) flinfo->fn_extra;
	MemoryContext old;
	TupleDesc	desc;

	if (nc != NULL)
		return nc;
	if (PG_NARGS() != 5)
		elog(ERROR, "lead_qual.next_action declared with %d arguments, expected 5", PG_NARGS());
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "lead_qual.next_action must return a composite type");
	if (desc->natts != 5)
		elog(ERROR, "lead_qual.next_step has %d fields, expected 5", desc->natts);

	old = MemoryContextSwitchTo(flinfo->fn_mcxt);
	nc = palloc0(sizeof(NextCache));
	nc->desc = BlessTupleDesc(CreateTupleDescCopy(desc));
	for (int s = 0; s < 4; s++)
		nc->action_text[s] = CStringGetTextDatum(action_names[s]);
	MemoryContextSwitchTo(old);
	lq_opt_init(fcinfo, &nc->opt, NEXT_CONFIG_ARG, sizeof(NextConfig));
	flinfo->fn_extra = nc;
	return nc;
}

/* A date as YYYY-MM-DD (BC years as PostgreSQL writes them), whatever DateStyle says. */
static char *
date_text(DateADT d)
{
	int			y,
				m,
				day;

	if (DATE_IS_NOBEGIN(d))
		return pstrdup("-infinity");
	if (DATE_IS_NOEND(d))
		return pstrdup("infinity");
	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	if (y <= 0)
		return psprintf("%04d-%02d-%02d BC", 1 - y, m, day);
	return psprintf("%04d-%02d-%02d", y, m, day);
}

/* as_of's date (UTC) plus days; an infinite as_of gives an infinite date. */
static DateADT
asof_plus(TimestampTz ts, const LqAsOf *asof, int32 days)
{
	if (TIMESTAMP_IS_NOBEGIN(ts))
		return DATEVAL_NOBEGIN;
	if (TIMESTAMP_IS_NOEND(ts))
		return DATEVAL_NOEND;
	return asof->days + days;
}

/* "today", "in 1 day", "in 7 days" */
static char *
in_days(int32 days)
{
	if (days == 0)
		return pstrdup("today");
	return psprintf("in %d day%s", days, days == 1 ? "" : "s");
}

/* "a", "a and b", "a, b and c" */
static void
append_list(StringInfo s, const char **items, int n)
{
	for (int i = 0; i < n; i++)
		appendStringInfo(s, "%s%s", i == 0 ? "" : (i == n - 1 ? " and " : ", "), items[i]);
}

/*
 * The earliest day on which a date of the evidence comes within the window
 * of its within_days criterion (ahead or either way): for a date d more
 * than `days` ahead of as_of, d - days.  Returns the criterion, or -1 when
 * there is none; *d_out is the date, *opens the day.
 */
static int
coming_date(const LqEvaluation *ev, int32 *d_out, int32 *opens)
{
	const LqModel *m = ev->model;
	int			best = -1;

	if (!ev->asof.finite)
		return -1;
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		const LqValue *v = &ev->values[i];
		int32		d;

		if (c->rule != LQ_RULE_WITHIN_DAYS || c->direction == LQ_DIR_BEHIND ||
			ev->grades[i].state == LQ_UNKNOWN)
			continue;
		if (v->kind == LQV_DAYS)
			d = v->days;
		else if (v->kind == LQV_TEXT && lq_parse_iso_date(v->str, v->len, &d))
			;
		else
			continue;
		/* infinite dates never come within a window */
		if (d == PG_INT32_MIN || d == PG_INT32_MAX)
			continue;
		if ((int64) d - ev->asof.days <= c->days)
			continue;
		if (best < 0 || d - c->days < *opens)
		{
			best = i;
			*d_out = d;
			*opens = d - c->days;
		}
	}
	return best;
}

static Datum
text_array(Datum *items, bool *nulls, int n)
{
	int			dims[1] = {n};
	int			lbs[1] = {1};

	if (n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return PointerGetDatum(construct_md_array(items, nulls, 1, dims, lbs,
											  TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * next_action(model, evidence, as_of, lang, config) returns
 * lead_qual.next_step: what to do with the lead and when to come back.
 * Declared like explain() (model value or name; evidence jsonb, JSON text
 * or row), with the config last.
 */
PG_FUNCTION_INFO_V1(lq_next_action);
Datum
lq_next_action(PG_FUNCTION_ARGS)
{
	NextCache  *nc = next_cache(fcinfo);
	const NextConfig *cfg;
	LqEvaluation ev;
	const LqModel *m;
	LqOutcome	out;
	TimestampTz ts;
	const char *lang;
	Datum		values[5];
	bool		nulls[5] = {0};
	int			n = 0;
	Datum	   *keys;
	Datum	   *questions;
	bool	   *qnulls;
	const char **names;
	StringInfoData reason;

	cfg = (const NextConfig *) lq_opt_get(fcinfo, &nc->opt, NEXT_CONFIG_ARG, CONFIG, sizeof(NextConfig),
										  &default_config, parse_config);
	if (!lq_evaluate(fcinfo, &nc->eval, &ev))
		PG_RETURN_NULL();
	m = ev.model;
	lq_outcome(m, ev.grades, &out);
	ts = PG_GETARG_TIMESTAMPTZ(NEXT_ASOF_ARG);
	lang = PG_ARGISNULL(NEXT_LANG_ARG) ? "en" : text_to_cstring(PG_GETARG_TEXT_PP(NEXT_LANG_ARG));

	keys = palloc(sizeof(Datum) * m->ncriteria);
	questions = palloc(sizeof(Datum) * m->ncriteria);
	qnulls = palloc(sizeof(bool) * m->ncriteria);
	names = palloc(sizeof(char *) * m->ncriteria);
	initStringInfo(&reason);

	values[0] = nc->action_text[out.status];
	switch (out.status)
	{
		case LQ_STATUS_QUALIFIED:
			values[3] = DateADTGetDatum(asof_plus(ts, &ev.asof, 0));
			appendStringInfo(&reason, "Qualified with score %s (tier %c): hand to sales now.",
							 lq_number_text(out.score), out.tier);
			break;

		case LQ_STATUS_NEEDS_INFO:
			/* the unknown criteria, in the order to ask them */
			for (int k = 0; k < m->ncriteria; k++)
			{
				int			i = m->ask_order[k];
				const LqCriterion *c = &m->criteria[i];
				const char *q;

				if (ev.grades[i].state != LQ_UNKNOWN)
					continue;
				q = lq_localized_pick(&c->questions, lang, 0);
				keys[n] = CStringGetTextDatum(c->key);
				qnulls[n] = (q == NULL);
				questions[n] = q ? CStringGetTextDatum(q) : (Datum) 0;
				names[n] = c->key;
				n++;
			}
			values[3] = DateADTGetDatum(asof_plus(ts, &ev.asof, cfg->ask_days));
			appendStringInfoString(&reason, "Could qualify once ");
			append_list(&reason, names, n);
			appendStringInfo(&reason, " %s known: ask, and follow up %s.",
							 n == 1 ? "is" : "are", in_days(cfg->ask_days));
			break;

		case LQ_STATUS_NURTURE:
			{
				int32		d = 0,
							opens = 0;
				int			i = coming_date(&ev, &d, &opens);

				if (i >= 0)
				{
					values[3] = DateADTGetDatum(opens);
					appendStringInfo(&reason,
									 "Cannot qualify on what is known now: follow up on %s, when %s (%s) is %d day%s away.",
									 date_text(opens), m->criteria[i].key, date_text(d),
									 m->criteria[i].days, m->criteria[i].days == 1 ? "" : "s");
				}
				else
				{
					int32		days = cfg->nurture_days[out.tier - 'A'];

					values[3] = DateADTGetDatum(asof_plus(ts, &ev.asof, days));
					appendStringInfo(&reason,
									 "Cannot qualify on what is known now and no coming date is known: follow up %s (tier %c).",
									 in_days(days), out.tier);
				}
				break;
			}

		case LQ_STATUS_DISQUALIFIED:
			for (int i = 0; i < m->ncriteria; i++)
				if (m->criteria[i].knockout && ev.grades[i].state == LQ_UNMET)
					names[n++] = m->criteria[i].key;
			appendStringInfo(&reason, "Disqualified: knockout criteri%s ", n == 1 ? "on" : "a");
			append_list(&reason, names, n);
			appendStringInfo(&reason, " %s not met", n == 1 ? "is" : "are");
			if (cfg->drop_follow_up)
			{
				values[3] = DateADTGetDatum(asof_plus(ts, &ev.asof, cfg->drop_days));
				appendStringInfo(&reason, ": drop, and look again %s.", in_days(cfg->drop_days));
			}
			else
			{
				nulls[3] = true;
				appendStringInfoString(&reason, ": drop, no follow-up.");
			}
			n = 0;				/* nothing to ask */
			break;
	}

	values[1] = text_array(questions, qnulls, n);
	values[2] = text_array(keys, NULL, n);
	values[4] = CStringGetTextDatum(reason.data);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(nc->desc, values, nulls)));
}
