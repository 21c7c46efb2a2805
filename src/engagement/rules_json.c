/*-------------------------------------------------------------------------
 *
 * rules_json.c
 *	  Write engagement rules as canonical JSON: every field with its value,
 *	  in a fixed order, kinds sorted by name; reading it back gives equal
 *	  rules.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/json.h"

#include "base/convert.h"
#include "engagement/rules.h"

static void
append_rules_json(StringInfo out, const LqRules *r)
{
	appendStringInfoChar(out, '{');
	if (r->name[0] != '\0')
	{
		appendStringInfoString(out, "\"name\": ");
		escape_json(out, r->name);
		appendStringInfoString(out, ", ");
	}
	if (r->description != NULL)
	{
		appendStringInfoString(out, "\"description\": ");
		escape_json(out, r->description);
		appendStringInfoString(out, ", ");
	}
	appendStringInfoString(out, "\"half_life_days\": ");
	AppendNumberOrNull(out, r->half_life == 0, r->half_life);
	appendStringInfoString(out, ", \"cap\": ");
	AppendNumberOrNull(out, !r->has_cap, r->cap);
	appendStringInfoString(out, ", \"floor\": ");
	AppendNumberOrNull(out, !r->has_floor, r->floor);
	appendStringInfo(out, ", \"unknown_kinds\": \"%s\", \"kinds\": {",
					 r->unknown_is_error ? "error" : "ignore");
	for (int i = 0; i < r->nkinds; i++)
	{
		const LqKind *k = &r->kinds[i];

		if (i > 0)
			appendStringInfoString(out, ", ");
		escape_json(out, k->name);
		appendStringInfoString(out, ": {\"points\": ");
		AppendNumber(out, k->points);
		if (k->has_cap)
		{
			appendStringInfoString(out, ", \"cap\": ");
			AppendNumber(out, k->cap);
		}
		if (k->own_half_life)
		{
			appendStringInfoString(out, ", \"half_life_days\": ");
			AppendNumberOrNull(out, k->half_life == 0, k->half_life);
		}
		appendStringInfoChar(out, '}');
	}
	appendStringInfoString(out, "}}");
}

/* The canonical JSON of stored rules. */
char *
RulesJsonText(const struct varlena *raw)
{
	StringInfoData out;

	initStringInfo(&out);
	append_rules_json(&out, RulesDecode(raw));
	return out.data;
}
