/*-------------------------------------------------------------------------
 *
 * model_json.c
 *	  Write a model as canonical JSON, and describe rules in words.
 *
 * The canonical text lists every field with its value, defaults included,
 * in a fixed order; reading it back gives an equal model.  Numbers are
 * written in their shortest exact form, independent of extra_float_digits.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/json.h"

#include "base/convert.h"
#include "model/model.h"

/*
 * The names of the rule types as models write them, indexed by LqRuleKind,
 * and the directions of within_days by LqDirection; each list ends with
 * NULL, so that messages can list the names (JoinNames).
 */
const char *const RuleTypeNames[] = {
	NULL, "boolean", "grade", "at_least", "at_most", "between", "one_of", "scale", "within_days",
	"bands", NULL
};
StaticAssertDecl(lengthof(RuleTypeNames) == LQ_RULE_LAST + 2,
				 "RuleTypeNames must list every LqRuleKind, then end with NULL");

const char *const DirectionNames[] = {NULL, "ahead", "behind", "either", NULL};
StaticAssertDecl(lengthof(DirectionNames) == LQ_DIR_EITHER + 2,
				 "DirectionNames must list every LqDirection, then end with NULL");

const char *
RuleTypeName(LqRuleKind kind)
{
	return RuleTypeNames[kind];
}

/* Texts in several languages as JSON: one per language, or (arrays) lists. */
void
ModelLocalizedJson(StringInfo out, const LqLocalized *loc, bool arrays)
{
	appendStringInfoChar(out, '{');
	for (int i = 0; i < loc->nlang; i++)
	{
		if (i > 0)
			appendStringInfoString(out, ", ");
		escape_json(out, loc->lang[i]);
		appendStringInfoString(out, ": ");
		if (arrays)
			appendStringInfoChar(out, '[');
		for (int j = 0; j < loc->ntexts[i]; j++)
		{
			if (j > 0)
				appendStringInfoString(out, ", ");
			escape_json(out, loc->texts[i][j]);
		}
		if (arrays)
			appendStringInfoChar(out, ']');
	}
	appendStringInfoChar(out, '}');
}

/* A criterion's rule as canonical JSON (as the model writes it). */
void
ModelRuleJson(StringInfo out, const LqCriterion *c)
{
	appendStringInfoString(out, "{\"type\": ");
	escape_json(out, RuleTypeName(c->rule));
	switch (c->rule)
	{
		case LQ_RULE_BOOLEAN:
			break;
		case LQ_RULE_GRADE:
			appendStringInfoString(out, ", \"pass\": ");
			AppendNumber(out, c->pass);
			break;
		case LQ_RULE_AT_LEAST:
			appendStringInfoString(out, ", \"value\": ");
			AppendNumber(out, c->lo);
			break;
		case LQ_RULE_AT_MOST:
			appendStringInfoString(out, ", \"value\": ");
			AppendNumber(out, c->hi);
			break;
		case LQ_RULE_BETWEEN:
			appendStringInfoString(out, ", \"min\": ");
			AppendNumber(out, c->lo);
			appendStringInfoString(out, ", \"max\": ");
			AppendNumber(out, c->hi);
			break;
		case LQ_RULE_ONE_OF:
			appendStringInfoString(out, ", \"values\": [");
			for (int i = 0; i < c->nvalues; i++)
			{
				if (i > 0)
					appendStringInfoString(out, ", ");
				escape_json(out, c->values[i]);
			}
			appendStringInfoChar(out, ']');
			break;
		case LQ_RULE_SCALE:
			appendStringInfoString(out, ", \"grades\": {");
			for (int i = 0; i < c->nvalues; i++)
			{
				if (i > 0)
					appendStringInfoString(out, ", ");
				escape_json(out, c->values[i]);
				appendStringInfoString(out, ": ");
				AppendNumber(out, c->grades[i]);
			}
			appendStringInfoString(out, "}, \"pass\": ");
			AppendNumber(out, c->pass);
			appendStringInfoString(out, ", \"default\": ");
			if (c->default_known)
				AppendNumber(out, c->default_grade);
			else
				appendStringInfoString(out, "null");
			break;
		case LQ_RULE_WITHIN_DAYS:
			appendStringInfo(out, ", \"days\": %d, \"direction\": ", c->days);
			escape_json(out, DirectionNames[c->direction]);
			break;
		case LQ_RULE_BANDS:
			appendStringInfoString(out, ", \"cuts\": [");
			for (int i = 0; i < c->ncuts; i++)
			{
				if (i > 0)
					appendStringInfoString(out, ", ");
				AppendNumber(out, c->cuts[i]);
			}
			appendStringInfoString(out, "], \"grades\": [");
			for (int i = 0; i <= c->ncuts; i++)
			{
				if (i > 0)
					appendStringInfoString(out, ", ");
				AppendNumber(out, c->band_grades[i]);
			}
			appendStringInfoString(out, "], \"pass\": ");
			AppendNumber(out, c->pass);
			break;
	}
	appendStringInfoChar(out, '}');
}

void
ModelToJson(StringInfo out, const LqModel *m)
{
	appendStringInfoString(out, "{\"name\": ");
	escape_json(out, m->name);
	appendStringInfoString(out, ", \"label\": ");
	escape_json(out, m->label);
	if (m->description.nlang > 0)
	{
		appendStringInfoString(out, ", \"description\": ");
		ModelLocalizedJson(out, &m->description, false);
	}
	appendStringInfo(out, ", \"min_met\": %d", m->min_met);
	if (m->has_pass_score)
	{
		appendStringInfoString(out, ", \"pass_score\": ");
		AppendNumber(out, m->pass_score);
	}
	appendStringInfoString(out, ", \"tiers\": {\"A\": ");
	AppendNumber(out, m->tier_a);
	appendStringInfoString(out, ", \"B\": ");
	AppendNumber(out, m->tier_b);
	appendStringInfoString(out, ", \"C\": ");
	AppendNumber(out, m->tier_c);
	appendStringInfoChar(out, '}');
	if (m->has_calibration)
	{
		appendStringInfoString(out, ", \"calibration\": {\"intercept\": ");
		AppendNumber(out, m->cal_intercept);
		appendStringInfoString(out, ", \"slope\": ");
		AppendNumber(out, m->cal_slope);
		appendStringInfoChar(out, '}');
	}
	appendStringInfoString(out, ", \"criteria\": [");
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];

		if (i > 0)
			appendStringInfoString(out, ", ");
		appendStringInfoString(out, "{\"key\": ");
		escape_json(out, c->key);
		appendStringInfoString(out, ", \"label\": ");
		escape_json(out, c->label);
		if (c->description.nlang > 0)
		{
			appendStringInfoString(out, ", \"description\": ");
			ModelLocalizedJson(out, &c->description, false);
		}
		appendStringInfoString(out, ", \"weight\": ");
		AppendNumber(out, c->weight);
		appendStringInfoString(out, ", \"source\": ");
		escape_json(out, c->source);
		appendStringInfo(out, ", \"knockout\": %s, \"rule\": ",
						 c->knockout ? "true" : "false");
		ModelRuleJson(out, c);
		if (c->has_unknown_grade)
		{
			appendStringInfoString(out, ", \"unknown_grade\": ");
			AppendNumber(out, c->unknown_grade);
		}
		if (c->questions.nlang > 0)
		{
			appendStringInfoString(out, ", \"questions\": ");
			ModelLocalizedJson(out, &c->questions, true);
		}
		appendStringInfoChar(out, '}');
	}
	appendStringInfoString(out, "]}");
}

/* The rule in words, as explain() and criteria() show it. */
char *
RuleDescribe(const LqCriterion *c)
{
	StringInfoData s;

	initStringInfo(&s);
	switch (c->rule)
	{
		case LQ_RULE_BOOLEAN:
			appendStringInfoString(&s, "is true");
			break;
		case LQ_RULE_GRADE:
			appendStringInfoString(&s, "grade 0-10, met at >= ");
			AppendNumber(&s, c->pass);
			break;
		case LQ_RULE_AT_LEAST:
			appendStringInfoString(&s, ">= ");
			AppendNumber(&s, c->lo);
			break;
		case LQ_RULE_AT_MOST:
			appendStringInfoString(&s, "<= ");
			AppendNumber(&s, c->hi);
			break;
		case LQ_RULE_BETWEEN:
			appendStringInfoString(&s, "between ");
			AppendNumber(&s, c->lo);
			appendStringInfoString(&s, " and ");
			AppendNumber(&s, c->hi);
			break;
		case LQ_RULE_ONE_OF:
			appendStringInfoString(&s, "one of ");
			for (int i = 0; i < c->nvalues; i++)
				appendStringInfo(&s, "%s%s", i > 0 ? ", " : "", c->values[i]);
			break;
		case LQ_RULE_SCALE:
			appendStringInfoString(&s, "scale ");
			for (int i = 0; i < c->nvalues; i++)
			{
				appendStringInfo(&s, "%s%s=", i > 0 ? ", " : "", c->values[i]);
				AppendNumber(&s, c->grades[i]);
			}
			appendStringInfoString(&s, "; met at >= ");
			AppendNumber(&s, c->pass);
			break;
		case LQ_RULE_WITHIN_DAYS:
			appendStringInfo(&s, "within %d days %s as_of", c->days,
							 c->direction == LQ_DIR_AHEAD ? "after" :
							 c->direction == LQ_DIR_BEHIND ? "before" : "of");
			break;
		case LQ_RULE_BANDS:
			/* "bands < 10: 2, 10 to < 50: 6, >= 50: 9; met at >= 6" */
			appendStringInfoString(&s, "bands ");
			for (int i = 0; i <= c->ncuts; i++)
			{
				if (i > 0)
					appendStringInfoString(&s, ", ");
				if (i == 0)
				{
					appendStringInfoString(&s, "< ");
					AppendNumber(&s, c->cuts[0]);
				}
				else if (i == c->ncuts)
				{
					appendStringInfoString(&s, ">= ");
					AppendNumber(&s, c->cuts[i - 1]);
				}
				else
				{
					AppendNumber(&s, c->cuts[i - 1]);
					appendStringInfoString(&s, " to < ");
					AppendNumber(&s, c->cuts[i]);
				}
				appendStringInfoString(&s, ": ");
				AppendNumber(&s, c->band_grades[i]);
			}
			appendStringInfoString(&s, "; met at >= ");
			AppendNumber(&s, c->pass);
			break;
	}
	return s.data;
}

/* The canonical JSON of a stored model. */
char *
ModelJsonText(const struct varlena *raw)
{
	StringInfoData out;

	initStringInfo(&out);
	ModelToJson(&out, ModelDecode(raw));
	return out.data;
}
