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

#include "common/shortest_dec.h"
#include "utils/json.h"

#include "lead_qual.h"

void
lq_append_number(StringInfo out, double v)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, buf);
	appendStringInfoString(out, buf);
}

const char *
lq_rule_type_name(LqRuleKind kind)
{
	switch (kind)
	{
		case LQ_RULE_BOOLEAN:
			return "boolean";
		case LQ_RULE_GRADE:
			return "grade";
		case LQ_RULE_AT_LEAST:
			return "at_least";
		case LQ_RULE_AT_MOST:
			return "at_most";
		case LQ_RULE_BETWEEN:
			return "between";
		case LQ_RULE_ONE_OF:
			return "one_of";
		case LQ_RULE_SCALE:
			return "scale";
		case LQ_RULE_WITHIN_DAYS:
			return "within_days";
	}
	return "unknown";
}

static const char *
direction_name(LqDirection d)
{
	switch (d)
	{
		case LQ_DIR_AHEAD:
			return "ahead";
		case LQ_DIR_BEHIND:
			return "behind";
		case LQ_DIR_EITHER:
			return "either";
	}
	return "ahead";
}

static void
append_localized(StringInfo out, const LqLocalized *loc, bool arrays)
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

static void
append_rule(StringInfo out, const LqCriterion *c)
{
	appendStringInfoString(out, "{\"type\": ");
	escape_json(out, lq_rule_type_name(c->rule));
	switch (c->rule)
	{
		case LQ_RULE_BOOLEAN:
			break;
		case LQ_RULE_GRADE:
			appendStringInfoString(out, ", \"pass\": ");
			lq_append_number(out, c->pass);
			break;
		case LQ_RULE_AT_LEAST:
			appendStringInfoString(out, ", \"value\": ");
			lq_append_number(out, c->lo);
			break;
		case LQ_RULE_AT_MOST:
			appendStringInfoString(out, ", \"value\": ");
			lq_append_number(out, c->hi);
			break;
		case LQ_RULE_BETWEEN:
			appendStringInfoString(out, ", \"min\": ");
			lq_append_number(out, c->lo);
			appendStringInfoString(out, ", \"max\": ");
			lq_append_number(out, c->hi);
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
				lq_append_number(out, c->grades[i]);
			}
			appendStringInfoString(out, "}, \"pass\": ");
			lq_append_number(out, c->pass);
			appendStringInfoString(out, ", \"default\": ");
			if (c->default_known)
				lq_append_number(out, c->default_grade);
			else
				appendStringInfoString(out, "null");
			break;
		case LQ_RULE_WITHIN_DAYS:
			appendStringInfo(out, ", \"days\": %d, \"direction\": ", c->days);
			escape_json(out, direction_name(c->direction));
			break;
	}
	appendStringInfoChar(out, '}');
}

void
lq_model_to_json(StringInfo out, const LqModel *m)
{
	appendStringInfoString(out, "{\"name\": ");
	escape_json(out, m->name);
	appendStringInfoString(out, ", \"label\": ");
	escape_json(out, m->label);
	if (m->description.nlang > 0)
	{
		appendStringInfoString(out, ", \"description\": ");
		append_localized(out, &m->description, false);
	}
	appendStringInfo(out, ", \"min_met\": %d", m->min_met);
	if (m->has_pass_score)
	{
		appendStringInfoString(out, ", \"pass_score\": ");
		lq_append_number(out, m->pass_score);
	}
	appendStringInfoString(out, ", \"tiers\": {\"A\": ");
	lq_append_number(out, m->tier_a);
	appendStringInfoString(out, ", \"B\": ");
	lq_append_number(out, m->tier_b);
	appendStringInfoString(out, ", \"C\": ");
	lq_append_number(out, m->tier_c);
	appendStringInfoString(out, "}, \"criteria\": [");
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
			append_localized(out, &c->description, false);
		}
		appendStringInfoString(out, ", \"weight\": ");
		lq_append_number(out, c->weight);
		appendStringInfoString(out, ", \"source\": ");
		escape_json(out, c->source);
		appendStringInfo(out, ", \"knockout\": %s, \"rule\": ",
						 c->knockout ? "true" : "false");
		append_rule(out, c);
		if (c->questions.nlang > 0)
		{
			appendStringInfoString(out, ", \"questions\": ");
			append_localized(out, &c->questions, true);
		}
		appendStringInfoChar(out, '}');
	}
	appendStringInfoString(out, "]}");
}

/* The rule in words, as explain() and criteria() show it. */
char *
lq_rule_describe(const LqCriterion *c)
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
			lq_append_number(&s, c->pass);
			break;
		case LQ_RULE_AT_LEAST:
			appendStringInfoString(&s, ">= ");
			lq_append_number(&s, c->lo);
			break;
		case LQ_RULE_AT_MOST:
			appendStringInfoString(&s, "<= ");
			lq_append_number(&s, c->hi);
			break;
		case LQ_RULE_BETWEEN:
			appendStringInfoString(&s, "between ");
			lq_append_number(&s, c->lo);
			appendStringInfoString(&s, " and ");
			lq_append_number(&s, c->hi);
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
				lq_append_number(&s, c->grades[i]);
			}
			appendStringInfoString(&s, "; met at >= ");
			lq_append_number(&s, c->pass);
			break;
		case LQ_RULE_WITHIN_DAYS:
			appendStringInfo(&s, "within %d days %s as_of", c->days,
							 c->direction == LQ_DIR_AHEAD ? "after" :
							 c->direction == LQ_DIR_BEHIND ? "before" : "of");
			break;
	}
	return s.data;
}
