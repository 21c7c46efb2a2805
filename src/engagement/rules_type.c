/*-------------------------------------------------------------------------
 *
 * rules_type.c
 *	  The SQL functions of type lead_qual.engagement_rules: input and
 *	  output, binary send and receive, casts from text and jsonb, equality,
 *	  the name, engagement_kinds() and engagement_kind().
 *
 * Input compiles the JSON into the stored form once, so a stored or passed
 * value is always valid.  Like a model, the input also takes the name of
 * registered rules, so engagement_rules('digital') works.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "base/binary.h"
#include "engagement/rules.h"
#include "registry/ref.h"

PG_FUNCTION_INFO_V1(lq_engagement_rules_in);
Datum
lq_engagement_rules_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(RefTypeInput(fcinfo, REGISTRY_RULES));
}

PG_FUNCTION_INFO_V1(lq_engagement_rules_out);
Datum
lq_engagement_rules_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(RulesJsonText(PG_GETARG_VARLENA_PP(0)));
}

/* Binary form: a version byte, then the canonical JSON text. */
PG_FUNCTION_INFO_V1(lq_engagement_rules_recv);
Datum
lq_engagement_rules_recv(PG_FUNCTION_ARGS)
{
	int			nbytes;
	char	   *str = RecvJson((StringInfo) PG_GETARG_POINTER(0), LQ_RULES_TYPE, &nbytes);

	PG_RETURN_POINTER(RulesCompile(str, nbytes));
}

PG_FUNCTION_INFO_V1(lq_engagement_rules_send);
Datum
lq_engagement_rules_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(SendJson(RulesJsonText(PG_GETARG_VARLENA_PP(0))));
}

/* engagement_rules(text): registered rules by name, or JSON. */
PG_FUNCTION_INFO_V1(lq_engagement_rules_text);
Datum
lq_engagement_rules_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_POINTER(RefStoredFromText(REGISTRY_RULES, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
}

/* engagement_rules(jsonb) */
PG_FUNCTION_INFO_V1(lq_engagement_rules_jsonb);
Datum
lq_engagement_rules_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	char	   *text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));

	PG_RETURN_POINTER(RulesCompile(text, strlen(text)));
}

PG_FUNCTION_INFO_V1(lq_engagement_rules_to_jsonb);
Datum
lq_engagement_rules_to_jsonb(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(RulesJsonText(PG_GETARG_VARLENA_PP(0))));
}

PG_FUNCTION_INFO_V1(lq_engagement_rules_name);
Datum
lq_engagement_rules_name(PG_FUNCTION_ARGS)
{
	LqRules    *r = RulesDecode(PG_GETARG_VARLENA_PP(0));

	if (r->name[0] == '\0')
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(r->name));
}

/* The encoding is canonical: equal rules have equal bytes. */
PG_FUNCTION_INFO_V1(lq_engagement_rules_eq);
Datum
lq_engagement_rules_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(BinEqual(PG_GETARG_VARLENA_PP(0), PG_GETARG_VARLENA_PP(1)));
}

/*
 * engagement_kinds(rules): one row per kind of event, for reading rules and
 * for BI tools: kind, points, cap, half-life in days (NULL: no decay).
 */
PG_FUNCTION_INFO_V1(lq_engagement_kinds);
Datum
lq_engagement_kinds(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LqRules    *r;

	InitMaterializedSRF(fcinfo, 0);
	r = RulesDecode(PG_GETARG_VARLENA_PP(0));
	for (int i = 0; i < r->nkinds; i++)
	{
		const LqKind *k = &r->kinds[i];
		Datum		values[4];
		bool		nulls[4] = {false, false, !k->has_cap, k->half_life == 0};

		values[0] = PointerGetDatum(cstring_to_text_with_len(k->name, k->len));
		values[1] = Float8GetDatum(k->points);
		values[2] = Float8GetDatum(k->cap);
		values[3] = Float8GetDatum(k->half_life);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * engagement_kind(rules, kind): the kind of the rules that an event of this
 * kind counts as (compared as rules.h says); NULL when the rules do not
 * list it.  The rules as a value or as text (a registered name, or JSON).
 */
PG_FUNCTION_INFO_V1(lq_engagement_kind);
Datum
lq_engagement_kind(PG_FUNCTION_ARGS)
{
	const LqRules *r = RefRules(RefOfCall(fcinfo, REGISTRY_RULES, 0), PG_GETARG_DATUM(0));
	text	   *kind = PG_GETARG_TEXT_PP(1);
	const LqKind *k = RulesKind(r, VARDATA_ANY(kind), VARSIZE_ANY_EXHDR(kind));

	if (k == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(k->name, k->len));
}
