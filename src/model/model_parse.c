/*-------------------------------------------------------------------------
 *
 * model_parse.c
 *	  Validate a model written as JSON and build its LqModel.
 *
 * Every problem is an ERROR of SQLSTATE class 22 whose message names the
 * field, written as a path such as criteria[2].rule.values.  Defaults are
 * filled in here, so that two models meaning the same thing decode to the
 * same structure and encode to the same bytes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "base/binary.h"
#include "base/convert.h"
#include "base/json_fields.h"
#include "model/model.h"

static const char *const model_fields[] = {
	"name", "label", "description", "min_met", "pass_score", "tiers", "calibration",
	"criteria", NULL
};
static const char *const criterion_fields[] = {
	"key", "label", "description", "weight", "source", "knockout", "rule",
	"unknown_grade", "questions", NULL
};
static const char *const tier_fields[] = {"A", "B", "C", NULL};
static const char *const calibration_fields[] = {"intercept", "slope", NULL};

/* Fields each rule type takes besides "type". */
static const char *const rule_fields[][4] = {
	{NULL},
	{NULL},						/* boolean */
	{"pass", NULL},				/* grade */
	{"value", NULL},			/* at_least */
	{"value", NULL},			/* at_most */
	{"min", "max", NULL},		/* between */
	{"values", NULL},			/* one_of */
	{"grades", "pass", "default", NULL},	/* scale */
	{"days", "direction", NULL},	/* within_days */
	{"cuts", "grades", "pass", NULL}	/* bands */
};
StaticAssertDecl(lengthof(rule_fields) == LQ_RULE_LAST + 1,
				 "rule_fields must list the fields of every LqRuleKind");

/* An invalid field of the model, named by its path such as criteria[2].rule. */
#define field_error(code, path, ...) FieldError(code, "model", path, __VA_ARGS__)

static void
expect_type(const JNode *n, JNodeType type, const char *path)
{
	if (n->type != type)
		field_error(ERRCODE_INVALID_PARAMETER_VALUE, path, "must be %s, not %s",
					JsonTypeName(type), JsonTypeName(n->type));
}

static const JNode *
required(const JNode *obj, const char *field, const char *path)
{
	return RequiredField(obj, "model", path, field);
}

static void
check_fields(const JNode *obj, const char *path, const char *const *allowed,
			 const char *whose)
{
	CheckFields(obj, "model", path, whose, allowed);
}

static char *
string_value(const JNode *n, const char *path, int maxlen)
{
	expect_type(n, JN_STRING, path);
	if (n->str[0] == '\0')
		field_error(ERRCODE_INVALID_PARAMETER_VALUE, path, "must not be empty");
	if (strlen(n->str) > (size_t) maxlen)
		field_error(ERRCODE_STRING_DATA_RIGHT_TRUNCATION, path,
					"must be at most %d bytes long", maxlen);
	return pstrdup(n->str);
}

static double
number_value(const JNode *n, const char *path)
{
	return FieldNumber(n, "model", path, -INFINITY, INFINITY);
}

static double
number_between(const JNode *n, const char *path, double lo, double hi)
{
	return FieldNumber(n, "model", path, lo, hi);
}

static int
integer_between(const JNode *n, const char *path, int lo, int hi)
{
	return FieldInteger(n, "model", path, lo, hi);
}

/*
 * A model's name or a criterion's key.  The hint suggests a valid name,
 * and for a key, that "source" reads the value under any name.
 */
static char *
identifier_value(const JNode *n, const char *path, bool is_key)
{
	char	   *s = string_value(n, path, LQ_MAX_NAME_LEN);
	char	   *better;
	char	   *hint;

	if (IsIdentifier(s))
		return s;
	better = NameSuggestion(s);
	if (is_key)
		hint = better
			? psprintf("Write the key as \"%s\"; \"source\" can still read the value under \"%s\".",
					   better, TextClip(s, 64))
			: psprintf("Choose such a key; \"source\" can still read the value under \"%s\".",
					   TextClip(s, 64));
	else
		hint = better ? psprintf("Write the name as \"%s\".", better) : NULL;
	InvalidNameError("model", path, s, hint);
}

static bool
valid_lang(const char *s)
{
	size_t		len = strlen(s);

	if (len < 2 || len > 8 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static int
lang_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * Texts per language: {"en": "...", "nl": "..."}, or {"en": ["...", "..."]}
 * when several are allowed.  A plain string stands for {"en": string} (or
 * {"en": [string]}).
 * Languages are kept sorted so that the encoding is canonical.
 */
static LqLocalized
localized_value(const JNode *n, const char *path, bool many)
{
	LqLocalized loc;
	char	  **order;

	memset(&loc, 0, sizeof(loc));
	if (n->type == JN_STRING)
	{
		loc.nlang = 1;
		loc.lang = palloc(sizeof(char *));
		loc.lang[0] = pstrdup("en");
		loc.ntexts = palloc(sizeof(int));
		loc.ntexts[0] = 1;
		loc.texts = palloc(sizeof(char **));
		loc.texts[0] = palloc(sizeof(char *));
		loc.texts[0][0] = string_value(n, path, LQ_MAX_TEXT_LEN);
		return loc;
	}
	if (n->type != JN_OBJECT)
		field_error(ERRCODE_INVALID_PARAMETER_VALUE, path,
					"must be a string or an object of languages, not %s",
					JsonTypeName(n->type));
	if (n->dupkey != NULL)
		RepeatedFieldError("model", path, n->dupkey);
	if (n->nitems > LQ_MAX_LANGS)
		field_error(ERRCODE_INVALID_PARAMETER_VALUE, path,
					"has more than %d languages", LQ_MAX_LANGS);

	/* sort the language codes, remembering where each came from */
	order = palloc(sizeof(char *) * Max(n->nitems, 1));
	for (int i = 0; i < n->nitems; i++)
	{
		if (!valid_lang(n->keys[i]))
			field_error(ERRCODE_INVALID_PARAMETER_VALUE, FieldPath(path, TextClip(n->keys[i], 16)),
						"\"%s\" is not a language code such as \"en\", \"nl\" or \"es\"",
						TextClip(n->keys[i], 16));
		order[i] = n->keys[i];
	}
	qsort(order, n->nitems, sizeof(char *), lang_cmp);

	loc.nlang = n->nitems;
	loc.lang = palloc(sizeof(char *) * Max(n->nitems, 1));
	loc.ntexts = palloc(sizeof(int) * Max(n->nitems, 1));
	loc.texts = palloc(sizeof(char **) * Max(n->nitems, 1));
	for (int i = 0; i < n->nitems; i++)
	{
		const JNode *v = JsonMember(n, order[i]);
		char	   *vpath = FieldPath(path, order[i]);

		loc.lang[i] = pstrdup(order[i]);
		if (v->type == JN_STRING)
		{
			loc.ntexts[i] = 1;
			loc.texts[i] = palloc(sizeof(char *));
			loc.texts[i][0] = string_value(v, vpath, LQ_MAX_TEXT_LEN);
			continue;
		}
		if (!many)
			expect_type(v, JN_STRING, vpath);
		if (v->type != JN_ARRAY)
			field_error(ERRCODE_INVALID_PARAMETER_VALUE, vpath,
						"must be a string or an array of strings, not %s",
						JsonTypeName(v->type));
		if (v->nitems == 0)
			field_error(ERRCODE_INVALID_PARAMETER_VALUE, vpath, "must not be empty");
		if (v->nitems > LQ_MAX_QUESTIONS)
			field_error(ERRCODE_INVALID_PARAMETER_VALUE, vpath,
						"has more than %d entries", LQ_MAX_QUESTIONS);
		loc.ntexts[i] = v->nitems;
		loc.texts[i] = palloc(sizeof(char *) * v->nitems);
		for (int j = 0; j < v->nitems; j++)
			loc.texts[i][j] = string_value(v->items[j], IndexPath(vpath, j),
										   LQ_MAX_TEXT_LEN);
	}
	return loc;
}

static void
check_unique_values(LqCriterion *c, const char *path)
{
	for (int i = 0; i < c->nvalues; i++)
	{
		int			li;
		char	   *fi = FoldText(c->values[i], strlen(c->values[i]), &li);

		if (fi[0] == '\0')
			field_error(ERRCODE_INVALID_PARAMETER_VALUE, path,
						"entries must not be blank");
		for (int j = 0; j < i; j++)
		{
			int			lj;

			if (strcmp(fi, FoldText(c->values[j], strlen(c->values[j]), &lj)) == 0)
				field_error(ERRCODE_INVALID_PARAMETER_VALUE, path,
							"lists \"%s\" twice (values are compared ignoring case and surrounding blanks)",
							c->values[i]);
		}
	}
}

/*
 * Put one_of values and scale entries in a fixed order, so that a model
 * means the same bytes whatever order it was written in (jsonb, for one,
 * reorders object members): scale entries by grade, then by value.
 */
typedef struct ValueEntry
{
	char	   *value;
	double		grade;
} ValueEntry;

static int
value_entry_cmp(const void *a, const void *b)
{
	const ValueEntry *x = (const ValueEntry *) a;
	const ValueEntry *y = (const ValueEntry *) b;

	if (x->grade != y->grade)
		return x->grade < y->grade ? -1 : 1;
	return strcmp(x->value, y->value);
}

static void
sort_values(LqCriterion *c)
{
	ValueEntry *e = palloc(sizeof(ValueEntry) * c->nvalues);

	for (int i = 0; i < c->nvalues; i++)
	{
		e[i].value = c->values[i];
		e[i].grade = c->grades ? c->grades[i] : 0;
	}
	qsort(e, c->nvalues, sizeof(ValueEntry), value_entry_cmp);
	for (int i = 0; i < c->nvalues; i++)
	{
		c->values[i] = e[i].value;
		if (c->grades)
			c->grades[i] = e[i].grade;
	}
	pfree(e);
}

/*
 * A bands rule: cuts strictly increasing (1 to LQ_MAX_CUTS), one grade more
 * than cuts (band 0 below the first cut, band k from the last cut on).
 */
static void
parse_bands(const JNode *n, const char *path, LqCriterion *c)
{
	char	   *cpath = FieldPath(path, "cuts");
	char	   *gpath = FieldPath(path, "grades");
	const JNode *f;

	f = required(n, "cuts", path);
	expect_type(f, JN_ARRAY, cpath);
	if (f->nitems == 0)
		field_error(ERRCODE_INVALID_PARAMETER_VALUE, cpath, "must not be empty");
	if (f->nitems > LQ_MAX_CUTS)
		field_error(ERRCODE_INVALID_PARAMETER_VALUE, cpath,
					"has more than %d entries", LQ_MAX_CUTS);
	c->ncuts = f->nitems;
	c->cuts = palloc(sizeof(double) * f->nitems);
	for (int i = 0; i < f->nitems; i++)
	{
		char	   *epath = IndexPath(cpath, i);

		c->cuts[i] = number_value(f->items[i], epath);
		if (i > 0 && !(c->cuts[i] > c->cuts[i - 1]))
			field_error(ERRCODE_INVALID_PARAMETER_VALUE, epath,
						"must be greater than cuts[%d] (%s)",
						i - 1, NumberText(c->cuts[i - 1]));
	}

	f = required(n, "grades", path);
	expect_type(f, JN_ARRAY, gpath);
	if (f->nitems != c->ncuts + 1)
		field_error(ERRCODE_INVALID_PARAMETER_VALUE, gpath,
					"must have %d entries, one more than cuts, not %d",
					c->ncuts + 1, f->nitems);
	c->band_grades = palloc(sizeof(double) * f->nitems);
	for (int i = 0; i < f->nitems; i++)
		c->band_grades[i] = number_between(f->items[i], IndexPath(gpath, i), 0, 10);

	if ((f = JsonMember(n, "pass")) != NULL)
		c->pass = number_between(f, FieldPath(path, "pass"), 0, 10);
}

/* What a criterion's rule is when the model does not say: a mark 0-10, met from 6 on. */
static void
default_rule(LqCriterion *c)
{
	c->rule = LQ_RULE_GRADE;
	c->pass = 6;
	c->direction = LQ_DIR_AHEAD;
	c->default_known = true;
	c->default_grade = 0;
}

static void
parse_rule(const JNode *n, const char *path, LqCriterion *c)
{
	const JNode *t;
	const JNode *f;
	int			kind = 0;
	char	   *tpath;

	if (n->type == JN_STRING)
		t = n;
	else
	{
		expect_type(n, JN_OBJECT, path);
		t = required(n, "type", path);
	}
	tpath = (n->type == JN_STRING) ? pstrdup(path) : FieldPath(path, "type");
	expect_type(t, JN_STRING, tpath);
	for (int k = LQ_RULE_BOOLEAN; k <= LQ_RULE_LAST; k++)
		if (strcmp(t->str, RuleTypeNames[k]) == 0)
			kind = k;
	if (kind == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid model field \"%s\": unknown rule type \"%s\"", tpath, TextClip(t->str, 64)),
				 errhint("The rule types are: %s.", JoinNames(RuleTypeNames + 1))));
	c->rule = (LqRuleKind) kind;

	if (n->type == JN_STRING)
	{
		/* the shorthand names a rule that needs no parameters */
		if (kind != LQ_RULE_BOOLEAN && kind != LQ_RULE_GRADE)
			field_error(ERRCODE_INVALID_PARAMETER_VALUE, path,
						"rule \"%s\" needs parameters; write it as an object such as {\"type\": \"%s\", ...}",
						t->str, t->str);
		return;
	}
	else
	{
		const char *allowed[6];
		int			na = 0;

		allowed[na++] = "type";
		for (int i = 0; rule_fields[kind][i] != NULL; i++)
			allowed[na++] = rule_fields[kind][i];
		allowed[na] = NULL;
		check_fields(n, path, allowed, psprintf("a %s rule", t->str));
	}

	switch (c->rule)
	{
		case LQ_RULE_BOOLEAN:
			break;
		case LQ_RULE_GRADE:
			if ((f = JsonMember(n, "pass")) != NULL)
				c->pass = number_between(f, FieldPath(path, "pass"), 0, 10);
			break;
		case LQ_RULE_AT_LEAST:
			c->lo = number_value(required(n, "value", path), FieldPath(path, "value"));
			break;
		case LQ_RULE_AT_MOST:
			c->hi = number_value(required(n, "value", path), FieldPath(path, "value"));
			break;
		case LQ_RULE_BETWEEN:
			c->lo = number_value(required(n, "min", path), FieldPath(path, "min"));
			c->hi = number_value(required(n, "max", path), FieldPath(path, "max"));
			if (c->lo > c->hi)
				field_error(ERRCODE_INVALID_PARAMETER_VALUE, FieldPath(path, "min"),
							"must not be greater than max");
			break;
		case LQ_RULE_ONE_OF:
			{
				char	   *vpath = FieldPath(path, "values");

				f = required(n, "values", path);
				expect_type(f, JN_ARRAY, vpath);
				if (f->nitems == 0)
					field_error(ERRCODE_INVALID_PARAMETER_VALUE, vpath, "must not be empty");
				if (f->nitems > LQ_MAX_VALUES)
					field_error(ERRCODE_INVALID_PARAMETER_VALUE, vpath,
								"has more than %d entries", LQ_MAX_VALUES);
				c->nvalues = f->nitems;
				c->values = palloc(sizeof(char *) * f->nitems);
				for (int i = 0; i < f->nitems; i++)
					c->values[i] = string_value(f->items[i], IndexPath(vpath, i),
												LQ_MAX_VALUE_LEN);
				check_unique_values(c, vpath);
				sort_values(c);
				break;
			}
		case LQ_RULE_SCALE:
			{
				char	   *gpath = FieldPath(path, "grades");

				f = required(n, "grades", path);
				expect_type(f, JN_OBJECT, gpath);
				if (f->dupkey != NULL)
					RepeatedFieldError("model", gpath, f->dupkey);
				if (f->nitems == 0)
					field_error(ERRCODE_INVALID_PARAMETER_VALUE, gpath, "must not be empty");
				if (f->nitems > LQ_MAX_VALUES)
					field_error(ERRCODE_INVALID_PARAMETER_VALUE, gpath,
								"has more than %d entries", LQ_MAX_VALUES);
				c->nvalues = f->nitems;
				c->values = palloc(sizeof(char *) * f->nitems);
				c->grades = palloc(sizeof(double) * f->nitems);
				for (int i = 0; i < f->nitems; i++)
				{
					char	   *epath = FieldPath(gpath, TextClip(f->keys[i], 64));

					if (strlen(f->keys[i]) > LQ_MAX_VALUE_LEN)
						field_error(ERRCODE_STRING_DATA_RIGHT_TRUNCATION, epath,
									"names a value longer than %d bytes", LQ_MAX_VALUE_LEN);
					c->values[i] = pstrdup(f->keys[i]);
					c->grades[i] = number_between(f->items[i], epath, 0, 10);
				}
				check_unique_values(c, gpath);
				sort_values(c);
				if ((f = JsonMember(n, "pass")) != NULL)
					c->pass = number_between(f, FieldPath(path, "pass"), 0, 10);
				if ((f = JsonMember(n, "default")) != NULL)
				{
					if (f->type == JN_NULL)
						c->default_known = false;
					else
						c->default_grade = number_between(f, FieldPath(path, "default"), 0, 10);
				}
				break;
			}
		case LQ_RULE_WITHIN_DAYS:
			c->days = integer_between(required(n, "days", path), FieldPath(path, "days"),
									  0, LQ_MAX_DAYS);
			if ((f = JsonMember(n, "direction")) != NULL)
			{
				char	   *dpath = FieldPath(path, "direction");

				expect_type(f, JN_STRING, dpath);
				c->direction = 0;
				for (int d = LQ_DIR_AHEAD; d <= LQ_DIR_EITHER; d++)
					if (strcmp(f->str, DirectionNames[d]) == 0)
						c->direction = (LqDirection) d;
				if (c->direction == 0)
					field_error(ERRCODE_INVALID_PARAMETER_VALUE, dpath,
								"must be \"ahead\", \"behind\" or \"either\", not \"%s\"", TextClip(f->str, 40));
			}
			break;
		case LQ_RULE_BANDS:
			parse_bands(n, path, c);
			break;
	}
}

/* "decision_role" -> "Decision role" */
static char *
label_from_key(const char *key)
{
	char	   *s = pstrdup(key);

	for (char *p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] -= 'a' - 'A';
	return s;
}

static void
parse_criterion(const JNode *n, const char *path, LqCriterion *c)
{
	const JNode *f;

	expect_type(n, JN_OBJECT, path);
	check_fields(n, path, criterion_fields, "a criterion");
	memset(c, 0, sizeof(*c));

	c->key = identifier_value(required(n, "key", path), FieldPath(path, "key"), true);
	if ((f = JsonMember(n, "label")) != NULL)
		c->label = string_value(f, FieldPath(path, "label"), LQ_MAX_LABEL_LEN);
	else
		c->label = label_from_key(c->key);
	if ((f = JsonMember(n, "description")) != NULL)
		c->description = localized_value(f, FieldPath(path, "description"), false);
	c->weight = 1;
	if ((f = JsonMember(n, "weight")) != NULL)
	{
		c->weight = number_value(f, FieldPath(path, "weight"));
		if (c->weight < 0)
			field_error(ERRCODE_INVALID_PARAMETER_VALUE, FieldPath(path, "weight"),
						"must not be negative, not %s", TextClip(f->str, 40));
		if (c->weight > LQ_MAX_WEIGHT)
			field_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, FieldPath(path, "weight"),
						"must be at most %g, not %s", LQ_MAX_WEIGHT, TextClip(f->str, 40));
	}
	if ((f = JsonMember(n, "source")) != NULL)
		c->source = string_value(f, FieldPath(path, "source"), LQ_MAX_NAME_LEN);
	else
		c->source = pstrdup(c->key);
	if ((f = JsonMember(n, "knockout")) != NULL)
	{
		expect_type(f, JN_BOOL, FieldPath(path, "knockout"));
		c->knockout = f->boolval;
	}
	default_rule(c);
	if ((f = JsonMember(n, "rule")) != NULL)
		parse_rule(f, FieldPath(path, "rule"), c);
	if ((f = JsonMember(n, "unknown_grade")) != NULL)
	{
		c->has_unknown_grade = true;
		c->unknown_grade = number_between(f, FieldPath(path, "unknown_grade"), 0, 10);
	}
	if ((f = JsonMember(n, "questions")) != NULL)
		c->questions = localized_value(f, FieldPath(path, "questions"), true);
}

LqModel *
ModelFromJson(const JNode *root)
{
	LqModel    *m = palloc0(sizeof(LqModel));
	const JNode *f;
	const JNode *crit;
	double		total = 0;

	if (root->type != JN_OBJECT)
		NotAnObjectError("model", JsonTypeName(root->type),
						 "Write a model as {\"name\": ..., \"criteria\": [...]}, or give the name of a registered model.");
	check_fields(root, "", model_fields, "a model");

	m->name = identifier_value(required(root, "name", ""), "name", false);
	if ((f = JsonMember(root, "label")) != NULL)
		m->label = string_value(f, "label", LQ_MAX_LABEL_LEN);
	else
		m->label = pstrdup(m->name);
	if ((f = JsonMember(root, "description")) != NULL)
		m->description = localized_value(f, "description", false);

	crit = required(root, "criteria", "");
	expect_type(crit, JN_ARRAY, "criteria");
	if (crit->nitems == 0)
		field_error(ERRCODE_INVALID_PARAMETER_VALUE, "criteria",
					"a model needs at least one criterion");
	if (crit->nitems > LQ_MAX_CRITERIA)
		field_error(ERRCODE_INVALID_PARAMETER_VALUE, "criteria",
					"a model has at most %d criteria", LQ_MAX_CRITERIA);
	m->ncriteria = crit->nitems;
	m->criteria = palloc0(sizeof(LqCriterion) * crit->nitems);
	for (int i = 0; i < crit->nitems; i++)
	{
		char	   *path = IndexPath("criteria", i);

		parse_criterion(crit->items[i], path, &m->criteria[i]);
		for (int j = 0; j < i; j++)
			if (strcmp(m->criteria[j].key, m->criteria[i].key) == 0)
				field_error(ERRCODE_INVALID_PARAMETER_VALUE, FieldPath(path, "key"),
							"criterion \"%s\" is already defined at criteria[%d]",
							m->criteria[i].key, j);
		total += m->criteria[i].weight;
	}
	if (total <= 0)
		field_error(ERRCODE_INVALID_PARAMETER_VALUE, "criteria",
					"at least one criterion needs a weight above 0");

	/* rule of thumb from the frameworks: meeting about half is enough */
	m->min_met = (m->ncriteria + 1) / 2;
	if ((f = JsonMember(root, "min_met")) != NULL)
		m->min_met = integer_between(f, "min_met", 0, m->ncriteria);

	if ((f = JsonMember(root, "pass_score")) != NULL && f->type != JN_NULL)
	{
		m->has_pass_score = true;
		m->pass_score = number_between(f, "pass_score", 0, 100);
	}

	m->tier_a = 75;
	m->tier_b = 50;
	m->tier_c = 25;
	if ((f = JsonMember(root, "tiers")) != NULL)
	{
		const JNode *t;

		expect_type(f, JN_OBJECT, "tiers");
		check_fields(f, "tiers", tier_fields, "tiers");
		if ((t = JsonMember(f, "A")) != NULL)
			m->tier_a = number_between(t, "tiers.A", 0, 100);
		if ((t = JsonMember(f, "B")) != NULL)
			m->tier_b = number_between(t, "tiers.B", 0, 100);
		if ((t = JsonMember(f, "C")) != NULL)
			m->tier_c = number_between(t, "tiers.C", 0, 100);
		if (!(m->tier_a >= m->tier_b && m->tier_b >= m->tier_c))
			field_error(ERRCODE_INVALID_PARAMETER_VALUE, "tiers",
						"cut points must satisfy A >= B >= C (they are %g, %g and %g)",
						m->tier_a, m->tier_b, m->tier_c);
	}

	if ((f = JsonMember(root, "calibration")) != NULL)
	{
		expect_type(f, JN_OBJECT, "calibration");
		check_fields(f, "calibration", calibration_fields, "a calibration");
		m->has_calibration = true;
		m->cal_intercept = number_value(required(f, "intercept", "calibration"),
										"calibration.intercept");
		m->cal_slope = number_value(required(f, "slope", "calibration"),
									"calibration.slope");
	}

	ModelFinish(m);
	return m;
}

/* A model's JSON text, validated, as an LqModel in the current memory context. */
LqModel *
ModelParse(const char *text, int len)
{
	return ModelFromJson(JsonTreeParse(text, len, "model"));
}

static bytea *
encode_text(const char *text, int len)
{
	return ModelEncode(ModelParse(text, len));
}

/* A model's JSON text compiled into its stored form, in the caller's memory context. */
struct varlena *
ModelCompile(const char *text, int len)
{
	return BinCompile(encode_text, text, len);
}
