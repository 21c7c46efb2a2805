/*-------------------------------------------------------------------------
 *
 * learn_model.c
 *	  The fitted coefficients as a model a sales team can read (learn.h,
 *	  step 5): each criterion's bins become grades 0-10 and its weight the
 *	  spread of its coefficients, so that the score is a linear function of
 *	  the fitted log-odds.
 *
 * With theta the coefficients of a criterion's bins that have rows, lo and
 * hi their least and greatest, a bin's grade is 10 (theta - lo) / (hi - lo)
 * and the criterion's weight hi - lo.  The score, 100 sum(weight grade /
 * 10) / sum(weight), is then 100 sum(theta - lo) / sum(hi - lo): the
 * log-odds of the fit, shifted and scaled.  A criterion is met when its
 * bin is better than the average of its known rows.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "utils/json.h"

#include "base/convert.h"
#include "base/text_util.h"
#include "learn/learn.h"

static bool
populated(const LearnCriterion *c, int b)
{
	return c->bin_rows[b] > LEARN_EMPTY_BIN;
}

/* The grades of a template's met / unmet rule: its weight and unknown_grade only. */
static void
grade_graded(LearnCriterion *c)
{
	double		spread = c->theta[2] - c->theta[1];

	c->grade = NULL;
	c->weight = 0;
	if (!populated(c, 1) || !populated(c, 2))
		return;
	if (spread <= 0)
	{
		c->against = true;
		return;
	}
	c->weight = Max(RoundTo(spread, 3), 0.001);
	if (populated(c, 0))
	{
		c->has_unknown_grade = true;
		c->unknown_grade = RoundTo(Max(0, Min(10, 10 * (c->theta[0] - c->theta[1]) / spread)), 2);
	}
}

static void
grade_criterion(LearnCriterion *c)
{
	int			nb = 1 + c->nbins;
	double		lo = INFINITY,
				hi = -INFINITY,
				mean = 0,
				known = 0;

	c->weight = 0;
	c->pass = 10;
	c->has_unknown_grade = false;
	if (c->theta == NULL)
		return;
	if (c->kind == FIT_GRADED)
	{
		grade_graded(c);
		return;
	}
	for (int b = 0; b < nb; b++)
		if (populated(c, b))
		{
			lo = Min(lo, c->theta[b]);
			hi = Max(hi, c->theta[b]);
			if (b > 0)
			{
				mean += c->bin_rows[b] * c->theta[b];
				known += c->bin_rows[b];
			}
		}
	if (!(hi - lo > 1e-9))
		return;
	c->weight = Max(RoundTo(hi - lo, 3), 0.001);
	c->grade = palloc(sizeof(double) * nb);
	for (int b = 0; b < nb; b++)
		c->grade[b] = populated(c, b) ? RoundTo(10 * (c->theta[b] - lo) / (hi - lo), 2) : NAN;

	/* a band without rows takes the grade of the nearest band above, or below */
	if (c->kind == FIT_BANDS)
		for (int b = 1; b < nb; b++)
		{
			if (!isnan(c->grade[b]))
				continue;
			for (int d = 1; d < nb; d++)
			{
				if (b + d < nb && populated(c, b + d))
				{
					c->grade[b] = c->grade[b + d];
					break;
				}
				if (b - d >= 1 && populated(c, b - d))
				{
					c->grade[b] = c->grade[b - d];
					break;
				}
			}
		}

	/* met: the known bins at least as good as the average known row */
	if (known > 0)
	{
		mean /= known;
		for (int b = 1; b < nb; b++)
			if (populated(c, b) && c->theta[b] >= mean - 1e-12)
				c->pass = Min(c->pass, c->grade[b]);
	}
	if (populated(c, 0))
	{
		c->has_unknown_grade = true;
		c->unknown_grade = c->grade[0];
	}
}

/* Grades and weights of every criterion in the fit. */
void
LearnGrades(Learn *l)
{
	for (int i = 0; i < l->ncriteria; i++)
		grade_criterion(&l->criteria[i]);
}

/*
 * {"type": "scale", "grades": {"false": .., "true": ..}, ...} (the values
 * that had rows), or the boolean rule when true is 10 and false 0
 */
static void
boolean_rule(StringInfo s, const LearnCriterion *c)
{
	bool		comma = false;

	if (c->grade[2] == 10 && c->grade[1] == 0)
	{
		appendStringInfoString(s, "{\"type\": \"boolean\"}");
		return;
	}
	appendStringInfoString(s, "{\"type\": \"scale\", \"grades\": {");
	for (int b = 1; b <= 2; b++)
	{
		if (isnan(c->grade[b]))
			continue;
		appendStringInfo(s, "%s\"%s\": ", comma ? ", " : "", b == 2 ? "true" : "false");
		AppendNumber(s, c->grade[b]);
		comma = true;
	}
	appendStringInfoString(s, "}, \"pass\": ");
	AppendNumber(s, c->pass);
	appendStringInfoString(s, ", \"default\": null}");
}

static void
values_rule(StringInfo s, const LearnCriterion *c)
{
	appendStringInfoString(s, "{\"type\": \"scale\", \"grades\": {");
	for (int j = 0; j < c->nkept; j++)
	{
		if (j > 0)
			appendStringInfoString(s, ", ");
		escape_json(s, c->values[j].shown);
		appendStringInfoString(s, ": ");
		AppendNumber(s, isnan(c->grade[2 + j]) ? 0 : c->grade[2 + j]);
	}
	appendStringInfoString(s, "}, \"pass\": ");
	AppendNumber(s, c->pass);
	/* a value not listed: the grade of the others; none had rows: unknown */
	appendStringInfoString(s, ", \"default\": ");
	AppendNumberOrNull(s, isnan(c->grade[1]), c->grade[1]);
	appendStringInfoChar(s, '}');
}

/* bands, the neighbours of equal grade merged */
static void
bands_rule(StringInfo s, const LearnCriterion *c)
{
	StringInfoData grades;
	int			n = 0;

	initStringInfo(&grades);
	AppendNumber(&grades, c->grade[1]);
	appendStringInfoString(s, "{\"type\": \"bands\", \"cuts\": [");
	for (int j = 0; j < c->ncuts; j++)
	{
		/* band j + 1 starts at cuts[j] */
		if (c->grade[2 + j] == c->grade[1 + j])
			continue;
		if (n++ > 0)
			appendStringInfoString(s, ", ");
		AppendNumber(s, c->cuts[j]);
		appendStringInfoString(&grades, ", ");
		AppendNumber(&grades, c->grade[2 + j]);
	}
	/* every band alike: one cut all the same (a bands rule needs one) */
	if (n == 0)
	{
		AppendNumber(s, c->cuts[0]);
		appendStringInfoString(&grades, ", ");
		AppendNumber(&grades, c->grade[1]);
	}
	appendStringInfo(s, "], \"grades\": [%s], \"pass\": ", grades.data);
	AppendNumber(s, c->pass);
	appendStringInfoChar(s, '}');
}

static void
rule_json(StringInfo s, const LearnCriterion *c)
{
	if (c->kind == FIT_GRADED || c->grade == NULL)
	{
		/* the template's rule (a model of columns has no criterion of weight 0) */
		Assert(c->tmpl != NULL);
		ModelRuleJson(s, c->tmpl);
		return;
	}
	switch (c->kind)
	{
		case FIT_VALUES:
			values_rule(s, c);
			break;
		case FIT_BANDS:
			bands_rule(s, c);
			break;
		case FIT_BOOLEAN:
			boolean_rule(s, c);
			break;
		case FIT_GRADED:
			break;
	}
}

static void
criterion_json(StringInfo s, const LearnCriterion *c)
{
	const LqCriterion *t = c->tmpl;

	appendStringInfoString(s, "{\"key\": ");
	escape_json(s, c->key);
	if (c->label != NULL)
	{
		appendStringInfoString(s, ", \"label\": ");
		escape_json(s, c->label);
	}
	if (strcmp(c->source, c->key) != 0)
	{
		appendStringInfoString(s, ", \"source\": ");
		escape_json(s, c->source);
	}
	if (t != NULL && t->description.nlang > 0)
	{
		appendStringInfoString(s, ", \"description\": ");
		ModelLocalizedJson(s, &t->description, false);
	}
	appendStringInfoString(s, ", \"weight\": ");
	AppendNumber(s, c->weight);
	if (t != NULL && t->knockout)
		appendStringInfoString(s, ", \"knockout\": true");
	if (c->has_unknown_grade && c->weight > 0)
	{
		appendStringInfoString(s, ", \"unknown_grade\": ");
		AppendNumber(s, c->unknown_grade);
	}
	appendStringInfoString(s, ", \"rule\": ");
	rule_json(s, c);
	if (t != NULL && t->questions.nlang > 0)
	{
		appendStringInfoString(s, ", \"questions\": ");
		ModelLocalizedJson(s, &t->questions, true);
	}
	appendStringInfoChar(s, '}');
}

/* the keys of the criteria that are leak, noise or against */
static void
append_keys(StringInfo s, Learn *l, const char *intro, int what)
{
	int			n = 0;

	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];

		if ((what == 0 && c->leak) || (what == 1 && c->noise) ||
			(what == 2 && c->against) ||
			(what == 1 && !c->leak && !c->noise && !c->against && c->weight == 0))
			appendStringInfo(s, "%s%s", n++ == 0 ? intro : ", ", c->key);
	}
	if (n > 0)
		appendStringInfoChar(s, '.');
}

/* What the model was learned from and how it does on those rows. */
static char *
summary(Learn *l)
{
	StringInfoData s;

	initStringInfo(&s);
	appendStringInfo(&s, "Learned from " INT64_FORMAT " leads of %s (" INT64_FORMAT " won)",
					 l->won + l->lost, l->source_sql, l->won);
	if (l->opt.weight != NULL)
		appendStringInfo(&s, ", weighted by %s", l->opt.weight);
	appendStringInfoChar(&s, '.');
	if (l->scored)
	{
		appendStringInfo(&s, " On them: AUC %s", NumberText(RoundTo(l->train_auc, 3)));
		appendStringInfo(&s, "; qualified at score >= %s%s: %s%% of the leads, precision %s, recall %s.",
						 NumberText(l->pass_score),
						 l->min_met > 0 ? psprintf(" with at least %d criteria met", l->min_met) : "",
						 NumberText(RoundTo(100 * l->selected, 1)),
						 NumberText(RoundTo(l->precision, 3)),
						 NumberText(RoundTo(l->recall, 3)));
	}
	append_keys(&s, l, l->tmpl ? " Weight 0, filled in after the outcome: " : " Left out, filled in after the outcome: ", 0);
	append_keys(&s, l, l->tmpl ? " Weight 0, noise: " : " Left out as noise: ", 1);
	append_keys(&s, l, " Weight 0, met less often won than unmet: ", 2);
	return TextClip(s.data, LQ_MAX_TEXT_LEN);
}

/* the model's description: the summary in English, the template's other languages kept */
static void
description_json(StringInfo s, Learn *l)
{
	const LqLocalized *d = l->tmpl ? &l->tmpl->description : NULL;
	char	   *sum = summary(l);
	bool		en = false;

	appendStringInfoChar(s, '{');
	for (int i = 0; d != NULL && i < d->nlang; i++)
	{
		if (i > 0)
			appendStringInfoString(s, ", ");
		escape_json(s, d->lang[i]);
		appendStringInfoString(s, ": ");
		if (strcmp(d->lang[i], "en") == 0)
		{
			en = true;
			escape_json(s, TextClip(psprintf("%s %s", d->texts[i][0], sum), LQ_MAX_TEXT_LEN));
		}
		else
			escape_json(s, d->texts[i][0]);
	}
	if (!en)
	{
		if (d != NULL && d->nlang > 0)
			appendStringInfoString(s, ", ");
		appendStringInfoString(s, "\"en\": ");
		escape_json(s, sum);
	}
	appendStringInfoChar(s, '}');
}

/* criteria in the model: a template keeps all, in its order; columns the heaviest first */
static int
weight_desc_cmp(const void *a, const void *b)
{
	const LearnCriterion *x = *(const LearnCriterion *const *) a;
	const LearnCriterion *y = *(const LearnCriterion *const *) b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return (x > y) - (x < y);
}

/*
 * The learned model as JSON text.  Before the rows are scored (l->scored
 * false) it has no pass_score, no calibration and min_met 0: it qualifies
 * every lead its knockouts let through.
 */
char *
LearnModelJson(Learn *l)
{
	StringInfoData s;
	LearnCriterion **order = palloc(sizeof(LearnCriterion *) * l->ncriteria);
	int			n = 0;

	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];

		if (l->tmpl != NULL || c->weight > 0)
			order[n++] = c;
	}
	if (l->tmpl == NULL)
		qsort(order, n, sizeof(LearnCriterion *), weight_desc_cmp);

	initStringInfo(&s);
	appendStringInfoString(&s, "{\"name\": ");
	escape_json(&s, l->opt.name);
	if (l->opt.label != NULL)
	{
		appendStringInfoString(&s, ", \"label\": ");
		escape_json(&s, l->opt.label);
	}
	appendStringInfoString(&s, ", \"description\": ");
	description_json(&s, l);
	if (l->scored)
	{
		appendStringInfo(&s, ", \"min_met\": %d, \"pass_score\": ", l->min_met);
		AppendNumber(&s, l->pass_score);
		appendStringInfoString(&s, ", \"tiers\": {\"A\": ");
		AppendNumber(&s, l->tiers[0]);
		appendStringInfoString(&s, ", \"B\": ");
		AppendNumber(&s, l->tiers[1]);
		appendStringInfoString(&s, ", \"C\": ");
		AppendNumber(&s, l->tiers[2]);
		appendStringInfoString(&s, "}, \"calibration\": {\"intercept\": ");
		AppendNumber(&s, RoundTo(l->cal_intercept, 6));
		appendStringInfoString(&s, ", \"slope\": ");
		AppendNumber(&s, RoundTo(l->cal_slope, 6));
		appendStringInfoChar(&s, '}');
	}
	else
		appendStringInfoString(&s, ", \"min_met\": 0");
	appendStringInfoString(&s, ", \"criteria\": [");
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(&s, ", ");
		criterion_json(&s, order[i]);
	}
	appendStringInfoString(&s, "]}");
	return s.data;
}
