/*-------------------------------------------------------------------------
 *
 * fit_spec.c
 *	  Reading the spec of learn()'s fit, and the bin a value falls in
 *	  (fit_spec.h).
 *
 * The spec comes from learn(), but the aggregate that reads it can be
 * called by anyone: it is checked completely, and a bad spec is an error
 * (22023) that names the field.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "utils/json.h"

#include "base/convert.h"
#include "base/json_fields.h"
#include "base/text_util.h"
#include "learn/fit_spec.h"

#define WHAT	"fit spec"

#define spec_error(path, ...) \
	FieldError(ERRCODE_INVALID_PARAMETER_VALUE, WHAT, path, __VA_ARGS__)

static const char *const kind_names[] = {"values", "bands", "boolean", "graded", NULL};

/* Folded values compare bytewise, shorter first among equal prefixes. */
static int
value_cmp(const char *a, int alen, const char *b, int blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	return c != 0 ? c : (alen > blen) - (alen < blen);
}

typedef struct SortValue
{
	char	   *s;
	int			len;
} SortValue;

static int
sort_value_cmp(const void *x, const void *y)
{
	const SortValue *a = x;
	const SortValue *b = y;

	return value_cmp(a->s, a->len, b->s, b->len);
}

static void
parse_values(FitCriterion *fc, const JNode *n, const char *path)
{
	SortValue  *sv;

	if (n == NULL || n->type != JN_ARRAY)
		spec_error(path, "must be an array of strings");
	if (n->nitems > LQ_MAX_VALUES)
		spec_error(path, "has more than %d entries", LQ_MAX_VALUES);
	sv = palloc(sizeof(SortValue) * Max(n->nitems, 1));
	for (int i = 0; i < n->nitems; i++)
	{
		const JNode *e = n->items[i];

		if (e->type != JN_STRING || strlen(e->str) > LQ_MAX_VALUE_LEN)
			spec_error(IndexPath(path, i), "must be a string of at most %d bytes", LQ_MAX_VALUE_LEN);
		sv[i].s = FoldText(e->str, strlen(e->str), &sv[i].len);
		if (sv[i].len == 0)
			spec_error(IndexPath(path, i), "must not be blank");
	}
	qsort(sv, n->nitems, sizeof(SortValue), sort_value_cmp);
	for (int i = 1; i < n->nitems; i++)
		if (value_cmp(sv[i].s, sv[i].len, sv[i - 1].s, sv[i - 1].len) == 0)
			spec_error(path, "lists \"%s\" twice", TextClip(sv[i].s, 64));
	fc->nvalues = n->nitems;
	fc->nbins = 2 + fc->nvalues;
}

static void
parse_cuts(FitCriterion *fc, const JNode *n, const char *path)
{
	if (n == NULL || n->type != JN_ARRAY || n->nitems == 0)
		spec_error(path, "must be an array of numbers");
	if (n->nitems > 255)
		spec_error(path, "has more than 255 entries");
	fc->ncuts = n->nitems;
	fc->cuts = palloc(sizeof(double) * n->nitems);
	for (int i = 0; i < n->nitems; i++)
	{
		const JNode *e = n->items[i];

		fc->cuts[i] = e->type == JN_NUMBER ? strtod(e->str, NULL) : NAN;
		if (!isfinite(fc->cuts[i]))
			spec_error(IndexPath(path, i), "must be a finite number");
		if (i > 0 && !(fc->cuts[i] > fc->cuts[i - 1]))
			spec_error(IndexPath(path, i), "must be greater than the cut before it");
	}
	fc->nbins = 2 + fc->ncuts;
}

/*
 * The reader's rule for a criterion: one that tells its bins apart by the
 * grade, so that grade.c reads and judges the values as scoring does.  A
 * value of "values" gets a grade of its own (10 (i + 1) / (n + 1), 0 for
 * the others), a band 10 i / ncuts; a boolean is met when true; a graded
 * criterion keeps its rule.
 */
static void
reader_rule(StringInfo out, const FitCriterion *fc, const JNode *c, const char *path)
{
	switch (fc->kind)
	{
		case FIT_VALUES:
			{
				const JNode *v = JsonMember(c, "values");

				appendStringInfoString(out, "{\"type\": \"scale\", \"default\": 0, \"grades\": {");
				for (int i = 0; i < fc->nvalues; i++)
				{
					if (i > 0)
						appendStringInfoString(out, ", ");
					escape_json(out, v->items[i]->str);
					appendStringInfoString(out, ": ");
					AppendNumber(out, 10.0 * (i + 1) / (fc->nvalues + 1));
				}
				/* no value listed: every value is one of the others */
				if (fc->nvalues == 0)
					appendStringInfoString(out, "\"-\": 0");
				appendStringInfoString(out, "}}");
				break;
			}
		case FIT_BANDS:
			appendStringInfoString(out, "{\"type\": \"bands\", \"pass\": 0, \"cuts\": [");
			for (int i = 0; i < fc->ncuts; i++)
			{
				if (i > 0)
					appendStringInfoString(out, ", ");
				AppendNumber(out, fc->cuts[i]);
			}
			appendStringInfoString(out, "], \"grades\": [");
			for (int i = 0; i <= fc->ncuts; i++)
			{
				if (i > 0)
					appendStringInfoString(out, ", ");
				AppendNumber(out, 10.0 * i / fc->ncuts);
			}
			appendStringInfoString(out, "]}");
			break;
		case FIT_BOOLEAN:
			appendStringInfoString(out, "\"boolean\"");
			break;
		case FIT_GRADED:
			{
				const JNode *f = RequiredField(c, WHAT, path, "rule");

				/* one JSON object, checked before it goes into the reader's text */
				if (f->type != JN_STRING ||
					JsonTreeParse(f->str, strlen(f->str), WHAT)->type != JN_OBJECT)
					spec_error(FieldPath(path, "rule"), "must be a rule's JSON text, an object");
				appendStringInfoString(out, f->str);
				break;
			}
	}
}

/*
 * The spec of its JSON text, in the current memory context, with the model
 * that reads the criteria's values from evidence.
 */
FitSpec *
FitSpecParse(const char *text, int len)
{
	static const char *const fields[] = {"version", "as_of_day", "criteria", NULL};
	static const char *const crit_fields[] = {"key", "source", "kind", "values", "cuts", "rule", NULL};
	JNode	   *root = JsonTreeParse(text, len, WHAT);
	const JNode *n;
	const JNode *crit;
	FitSpec    *spec = palloc0(sizeof(FitSpec));
	StringInfoData reader;

	if (root->type != JN_OBJECT)
		NotAnObjectError(WHAT, JsonTypeName(root->type), NULL);
	CheckFields(root, WHAT, "", "a fit spec", fields);
	n = RequiredField(root, WHAT, "", "version");
	if (n->type != JN_NUMBER || strcmp(n->str, "1") != 0)
		spec_error("version", "must be 1");
	spec->asof.isnull = true;
	if ((n = JsonMember(root, "as_of_day")) != NULL && n->type != JN_NULL)
	{
		double		d;

		d = n->type == JN_NUMBER ? strtod(n->str, NULL) : NAN;
		if (d != floor(d) || d < -100000000 || d > 100000000)
			spec_error("as_of_day", "must be a whole number of days since 2000-01-01");
		spec->asof.isnull = false;
		spec->asof.finite = true;
		spec->asof.days = (int32) d;
	}
	crit = RequiredField(root, WHAT, "", "criteria");
	if (crit->type != JN_ARRAY || crit->nitems < 1 || crit->nitems > LQ_MAX_CRITERIA)
		spec_error("criteria", "must be an array of 1 to %d criteria", LQ_MAX_CRITERIA);

	spec->ncriteria = crit->nitems;
	spec->criteria = palloc0(sizeof(FitCriterion) * crit->nitems);
	spec->nbins = 1;			/* the intercept */
	initStringInfo(&reader);
	appendStringInfoString(&reader, "{\"name\": \"learn\", \"criteria\": [");
	for (int i = 0; i < crit->nitems; i++)
	{
		const JNode *c = crit->items[i];
		FitCriterion *fc = &spec->criteria[i];
		char	   *path = IndexPath("criteria", i);
		const JNode *f;
		int			kind = -1;

		if (c->type != JN_OBJECT)
			spec_error(path, "must be an object");
		CheckFields(c, WHAT, path, "a criterion of a fit spec", crit_fields);
		f = RequiredField(c, WHAT, path, "source");
		if (f->type != JN_STRING || f->str[0] == '\0' || strlen(f->str) > LQ_MAX_NAME_LEN)
			spec_error(FieldPath(path, "source"), "must be a column name or key of at most %d bytes",
					   LQ_MAX_NAME_LEN);
		fc->source = pstrdup(f->str);
		f = RequiredField(c, WHAT, path, "kind");
		for (int k = 0; f->type == JN_STRING && kind_names[k] != NULL; k++)
			if (strcmp(f->str, kind_names[k]) == 0)
				kind = k;
		if (kind < 0)
			spec_error(FieldPath(path, "kind"), "must be one of: %s", JoinNames(kind_names));
		fc->kind = (FitKind) kind;

		switch (fc->kind)
		{
			case FIT_VALUES:
				parse_values(fc, JsonMember(c, "values"), FieldPath(path, "values"));
				break;
			case FIT_BANDS:
				parse_cuts(fc, JsonMember(c, "cuts"), FieldPath(path, "cuts"));
				break;
			case FIT_BOOLEAN:
			case FIT_GRADED:
				fc->nbins = 3;
				break;
		}

		/* the reader's criterion: the key given (for messages), or c<i> */
		appendStringInfoString(&reader, i > 0 ? ", {\"key\": " : "{\"key\": ");
		if ((f = JsonMember(c, "key")) != NULL)
		{
			if (f->type != JN_STRING || !IsIdentifier(f->str))
				spec_error(FieldPath(path, "key"), "must be a criterion key");
			escape_json(&reader, f->str);
		}
		else
			appendStringInfo(&reader, "\"c%d\"", i);
		appendStringInfoString(&reader, ", \"source\": ");
		escape_json(&reader, fc->source);
		appendStringInfoString(&reader, ", \"rule\": ");
		reader_rule(&reader, fc, c, path);
		appendStringInfoChar(&reader, '}');
		fc->offset = spec->nbins;
		spec->nbins += fc->nbins;
		if (spec->nbins > LQ_MAX_FIT_BINS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the criteria have more than %d values and bands in all",
							LQ_MAX_FIT_BINS - 1),
					 errhint("Learn from fewer criteria, fewer bands, or raise min_rows so that rare values are grouped.")));
	}
	appendStringInfoString(&reader, "]}");
	spec->reader = ModelParse(reader.data, reader.len);
	if (spec->reader->ncriteria != spec->ncriteria)
		spec_error("criteria", "must not repeat a key");
	/* its keys are made up: it reads the sources only */
	for (int i = 0; i < spec->reader->ncriteria; i++)
		spec->reader->criteria[i].read_key = false;
	spec->hash = hash_bytes((const unsigned char *) text, len);
	return spec;
}

/*
 * The bin of criterion c that the value v falls in (0: unknown), read from
 * the grade its reader rule gives (see reader_rule).
 */
int
FitBin(const FitSpec *spec, int c, const LqValue *v)
{
	const FitCriterion *fc = &spec->criteria[c];
	LqGrade		g;

	GradeCriterion(spec->reader, c, v, &spec->asof, &g);
	if (g.state == LQ_UNKNOWN)
		return 0;
	switch (fc->kind)
	{
		case FIT_VALUES:
			return 1 + (int) rint(g.grade * (fc->nvalues + 1) / 10.0);
		case FIT_BANDS:
			return 1 + (int) rint(g.grade * fc->ncuts / 10.0);
		case FIT_BOOLEAN:
		case FIT_GRADED:
			break;
	}
	return g.state == LQ_MET ? 2 : 1;
}
