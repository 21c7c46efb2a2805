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
 *	  The qualification comes from evaluate.c, with the same per-query
 *	  caching of the model and row bindings as qualify(); the config (an
 *	  optional jsonb) is read by settings.c, once per query; decide.c
 *	  decides, and wording.c says why.
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

#include "base/fmgr_util.h"
#include "readiness/readiness.h"
#include "readiness/settings.h"
#include "scoring/evaluate.h"

/* ----------------------------------------------------------------
 * next_action()
 * ----------------------------------------------------------------
 */

static const NextStepConfig default_config = {7, {30, 60, 90, 180}, false, 0};

#define CONFIG "next_action config"

static const char *const config_fields[] = {"ask_days", "nurture_days", "drop_days", NULL};
static const char *const tier_fields[] = {"A", "B", "C", "D", NULL};

static void
parse_config(JsonbContainer *root, void *out)
{
	NextStepConfig *cfg = (NextStepConfig *) out;
	JsonbIterator *it = JsonbIteratorInit(root);
	JsonbValue	v;
	char	   *key;
	int			idx;

	while (SettingsNextMember(&it, CONFIG, "", config_fields, &key, &idx, &v))
	{
		if (idx == 0)
			cfg->ask_days = SettingsDays(CONFIG, "ask_days", &v);
		else if (idx == 1)
		{
			JsonbIterator *tit;
			JsonbValue	tv;
			char	   *tkey;
			int			tier;

			if (!JsonbValueIsObject(&v))
				SettingsError(CONFIG, "nurture_days", "must be an object of days by tier, not %s",
							 JsonbValueTypeName(&v));
			tit = JsonbIteratorInit(v.val.binary.data);
			while (SettingsNextMember(&tit, CONFIG, "nurture_days", tier_fields, &tkey, &tier, &tv))
				cfg->nurture_days[tier] = SettingsDays(CONFIG, FieldPath("nurture_days", tkey), &tv);
		}
		else if (v.type == jbvNull)
			cfg->drop_follow_up = false;
		else
		{
			cfg->drop_days = SettingsDays(CONFIG, "drop_days", &v);
			cfg->drop_follow_up = true;
		}
	}
}

typedef struct NextCache
{
	void	   *eval;			/* evaluate.c's state */
	SettingsCache opt;
	TupleDesc	desc;			/* lead_qual.next_step, blessed */
	Datum		action_text[LQ_NSTATUS];
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

	if (nc != NULL)
		return nc;
	if (PG_NARGS() != 5)
		elog(ERROR, "lead_qual.next_action declared with %d arguments, expected 5", PG_NARGS());

	old = MemoryContextSwitchTo(flinfo->fn_mcxt);
	nc = palloc0(sizeof(NextCache));
	nc->desc = CallResultDesc(fcinfo, 5);
	for (int s = 0; s < LQ_NSTATUS; s++)
		nc->action_text[s] = CStringGetTextDatum(ActionNames[s]);
	MemoryContextSwitchTo(old);
	SettingsInit(fcinfo, &nc->opt, NEXT_CONFIG_ARG, sizeof(NextStepConfig));
	flinfo->fn_extra = nc;
	return nc;
}

static Datum
text_array(Datum *items, int n)
{
	int			dims[1] = {n};
	int			lbs[1] = {1};

	if (n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return PointerGetDatum(construct_md_array(items, NULL, 1, dims, lbs,
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
	const NextStepConfig *cfg;
	LqEvaluation ev;
	NextStep	ns;
	const char *lang;
	Datum		values[5];
	bool		nulls[5] = {0};
	Datum	   *keys;
	Datum	   *questions;
	int			nask = 0;

	cfg = (const NextStepConfig *) SettingsGet(fcinfo, &nc->opt, NEXT_CONFIG_ARG, CONFIG, sizeof(NextStepConfig),
										   &default_config, parse_config);
	if (!Evaluate(fcinfo, &nc->eval, &ev))
		PG_RETURN_NULL();
	NextStepDecide(&ev, cfg, PG_GETARG_TIMESTAMPTZ(NEXT_ASOF_ARG), &ns);
	lang = PG_ARGISNULL(NEXT_LANG_ARG) ? "en" : text_to_cstring(PG_GETARG_TEXT_PP(NEXT_LANG_ARG));

	/* the unknown criteria and their questions, in the order to ask them */
	keys = palloc(sizeof(Datum) * Max(ns.ncriteria, 1));
	questions = palloc(sizeof(Datum) * Max(ns.ncriteria, 1));
	if (ns.outcome.status == LQ_STATUS_NEEDS_INFO)
		for (; nask < ns.ncriteria; nask++)
		{
			const LqCriterion *c = &ev.model->criteria[ns.criteria[nask]];

			keys[nask] = CStringGetTextDatum(c->key);
			questions[nask] = CStringGetTextDatum(ModelQuestion(c, lang));
		}

	values[0] = nc->action_text[ns.outcome.status];
	values[1] = text_array(questions, nask);
	values[2] = text_array(keys, nask);
	values[3] = DateADTGetDatum(ns.follow_up);
	nulls[3] = !ns.has_follow_up;
	values[4] = CStringGetTextDatum(NextStepReason(ev.model, &ns));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(nc->desc, values, nulls)));
}
