/*-------------------------------------------------------------------------
 *
 * learn_args.c
 *	  The arguments of learn() and choose_thresholds(), checked before any
 *	  row is read: the source and its outcome column, the options, and the
 *	  criteria (columns, jsonb keys, or a template model's criteria).
 *
 * Every mistake is an error that names the argument and the column, key
 * or option at fault.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "parser/parse_coerce.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "base/convert.h"
#include "base/json_fields.h"
#include "base/text_util.h"
#include "learn/learn.h"

#define WHAT	"options"

#define option_error(path, ...) \
	FieldError(ERRCODE_INVALID_PARAMETER_VALUE, WHAT, path, __VA_ARGS__)

/* The source: a table, view, materialized view, foreign or partitioned table. */
void
LearnSetSource(Learn *l, Oid relid, const char *outcome)
{
	char		kind = get_rel_relkind(relid);
	char	   *nsp;

	if (kind == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("%s: relation with OID %u does not exist", l->fn, relid)));
	if (kind != RELKIND_RELATION && kind != RELKIND_VIEW && kind != RELKIND_MATVIEW &&
		kind != RELKIND_FOREIGN_TABLE && kind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s: \"%s\" is not a table or a view", l->fn, get_rel_name(relid))));
	l->source = relid;
	nsp = get_namespace_name(get_rel_namespace(relid));
	l->source_sql = quote_qualified_identifier(nsp, get_rel_name(relid));
	/* the source's alias in the queries: not the name of one of its columns */
	l->alias = "t";
	for (int i = 2; get_attnum(relid, l->alias) != InvalidAttrNumber; i++)
		l->alias = psprintf("lq_row%d", i);
	LearnColumnType(l, outcome, "outcome");
	l->outcome = pstrdup(outcome);
}

/*
 * The type of a column of the source (domains: their base type), or an
 * error saying which argument named a column that is not there.
 */
Oid
LearnColumnType(Learn *l, const char *column, const char *what)
{
	AttrNumber	att = get_attnum(l->source, column);
	Oid			type;

	if (att <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("%s: column \"%s\" (the %s) does not exist in %s", l->fn, column, what,
						l->source_sql)));
	type = getBaseType(get_atttype(l->source, att));
	if (strcmp(what, "outcome") == 0 && type != BOOLOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s: the outcome column \"%s\" must be boolean, not %s", l->fn, column,
						format_type_be(type)),
				 errhint("Give a column that is true for a won lead, false for a lost one and NULL while it is open, e.g. in a view: stage = 'Won' AS won.")));
	return type;
}

static double
option_number(const JNode *n, const char *path, double lo, double hi)
{
	return FieldNumber(n, WHAT, path, lo, hi);
}

static int
option_integer(const JNode *n, const char *path, int lo, int hi)
{
	return FieldInteger(n, WHAT, path, lo, hi);
}

static char *
option_string(const JNode *n, const char *path, int maxlen)
{
	if (n->type != JN_STRING)
		option_error(path, "must be a string, not %s", JsonTypeName(n->type));
	if (strlen(n->str) > maxlen)
		option_error(path, "must be at most %d bytes long", maxlen);
	return pstrdup(n->str);
}

/* "f1", {"precision": p} or {"top": share} */
static void
parse_goal(const JNode *n, LearnGoalSpec *goal)
{
	static const char *const fields[] = {"precision", "top", NULL};

	if (n->type == JN_STRING && strcmp(n->str, "f1") == 0)
	{
		goal->goal = GOAL_F1;
		return;
	}
	if (n->type != JN_OBJECT || n->nitems != 1)
		option_error("goal", "must be \"f1\", {\"precision\": p} or {\"top\": share}");
	CheckFields(n, WHAT, "goal", "a goal", fields);
	if (strcmp(n->keys[0], "precision") == 0)
	{
		goal->goal = GOAL_PRECISION;
		goal->value = option_number(n->items[0], "goal.precision", 0, 1);
	}
	else
	{
		goal->goal = GOAL_TOP;
		goal->value = option_number(n->items[0], "goal.top", 0, 1);
		if (goal->value == 0)
			option_error("goal.top", "must be above 0");
	}
}

static void
as_of_context(void *arg)
{
	errcontext("in the option \"as_of\"");
}

static TimestampTz
parse_as_of(const JNode *n)
{
	ErrorContextCallback context;
	TimestampTz t;

	if (n->type != JN_STRING)
		option_error("as_of", "must be a timestamp as a string, not %s", JsonTypeName(n->type));
	context.callback = as_of_context;
	context.arg = NULL;
	context.previous = error_context_stack;
	error_context_stack = &context;
	t = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, CStringGetDatum(n->str),
												ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	error_context_stack = context.previous;
	return t;
}

/*
 * The options (jsonb).  learning: learn()'s; else only those of
 * choose_thresholds() (goal, weight, evidence, as_of).
 */
void
LearnParseOptions(Learn *l, Jsonb *options, bool learning)
{
	static const char *const learn_fields[] = {
		"name", "label", "regularization", "bands", "min_rows", "leak_auc", "noise",
		"weight", "evidence", "keep", "goal", "as_of", NULL
	};
	static const char *const choose_fields[] = {"goal", "weight", "evidence", "as_of", NULL};
	char	   *text = JsonbToCString(NULL, &options->root, VARSIZE(options));
	JNode	   *root = JsonTreeParse(text, strlen(text), WHAT);
	LearnOptions *o = &l->opt;
	const JNode *n;

	o->regularization = 1;
	o->bands = 10;
	o->min_rows = 20;
	o->leak_auc = 0.9;
	o->noise = 2;
	o->goal.goal = GOAL_F1;
	o->as_of = GetCurrentTransactionStartTimestamp();

	if (root->type != JN_OBJECT)
		NotAnObjectError(WHAT, JsonTypeName(root->type),
						 "Write the options as an object, e.g. '{\"name\": \"my_model\", \"bands\": 5}'.");
	CheckFields(root, WHAT, "", learning ? "the options of learn()" : "the options of choose_thresholds()",
				learning ? learn_fields : choose_fields);
	if ((n = JsonMember(root, "name")) != NULL)
	{
		o->name = option_string(n, "name", LQ_MAX_NAME_LEN);
		if (!IsIdentifier(o->name))
			option_error("name", "\"%s\" is not a valid name: lower-case letters, digits and underscores, not starting with a digit",
						 o->name);
	}
	if ((n = JsonMember(root, "label")) != NULL)
		o->label = option_string(n, "label", LQ_MAX_LABEL_LEN);
	if ((n = JsonMember(root, "regularization")) != NULL)
	{
		o->regularization = option_number(n, "regularization", 0, 1e6);
		/* every criterion has a bin for each value and for unknown: the fit needs a ridge */
		if (o->regularization <= 0)
			option_error("regularization", "must be above 0");
	}
	if ((n = JsonMember(root, "bands")) != NULL)
		o->bands = option_integer(n, "bands", 2, 256);
	if ((n = JsonMember(root, "min_rows")) != NULL)
		o->min_rows = option_integer(n, "min_rows", 1, 1000000000);
	if ((n = JsonMember(root, "leak_auc")) != NULL)
		o->leak_auc = option_number(n, "leak_auc", 0.5, 1);
	if ((n = JsonMember(root, "noise")) != NULL)
		o->noise = option_number(n, "noise", 0, 1e6);
	if ((n = JsonMember(root, "goal")) != NULL)
		parse_goal(n, &o->goal);
	if ((n = JsonMember(root, "as_of")) != NULL)
		o->as_of = parse_as_of(n);
	if ((n = JsonMember(root, "keep")) != NULL)
	{
		if (n->type != JN_ARRAY)
			option_error("keep", "must be an array of criterion keys or columns, not %s",
						 JsonTypeName(n->type));
		o->nkeep = n->nitems;
		o->keep = palloc(sizeof(char *) * Max(n->nitems, 1));
		for (int i = 0; i < n->nitems; i++)
			o->keep[i] = option_string(n->items[i], IndexPath("keep", i), NAMEDATALEN);
	}
	if ((n = JsonMember(root, "weight")) != NULL)
	{
		Oid			t;

		o->weight = option_string(n, "weight", NAMEDATALEN);
		t = LearnColumnType(l, o->weight, "weight");
		if (t != INT2OID && t != INT4OID && t != INT8OID && t != FLOAT4OID && t != FLOAT8OID &&
			t != NUMERICOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s: the weight column \"%s\" must be a number, not %s", l->fn,
							o->weight, format_type_be(t))));
	}
	if ((n = JsonMember(root, "evidence")) != NULL)
	{
		Oid			t;

		o->evidence = option_string(n, "evidence", NAMEDATALEN);
		t = LearnColumnType(l, o->evidence, "evidence");
		if (t != JSONBOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s: the evidence column \"%s\" must be jsonb, not %s", l->fn,
							o->evidence, format_type_be(t))));
	}
}

/*
 * A criterion's key from a column's name: lower case, anything but a
 * letter or digit an underscore (one for a run), none at the ends.
 */
static char *
key_from_name(const char *name)
{
	StringInfoData s;

	initStringInfo(&s);
	for (const char *p = name; *p != '\0' && s.len < LQ_MAX_NAME_LEN; p++)
	{
		char		ch = *p;

		if (ch >= 'A' && ch <= 'Z')
			ch += 'a' - 'A';
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			appendStringInfoChar(&s, ch);
		else if (s.len > 0 && s.data[s.len - 1] != '_')
			appendStringInfoChar(&s, '_');
	}
	while (s.len > 0 && s.data[s.len - 1] == '_')
		s.data[--s.len] = '\0';
	if (s.len == 0 || (s.data[0] >= '0' && s.data[0] <= '9'))
		return TextClip(psprintf("c_%s", s.data), LQ_MAX_NAME_LEN);
	return s.data;
}

/* A key no other criterion has: name, name_2, name_3 ... */
static char *
unique_key(Learn *l, int upto, char *key)
{
	char	   *k = key;

	for (int n = 2;; n++)
	{
		bool		taken = false;

		for (int i = 0; i < upto && !taken; i++)
			taken = strcmp(l->criteria[i].key, k) == 0;
		if (!taken)
			return k;
		k = psprintf("%.*s_%d", LQ_MAX_NAME_LEN - 8, key, n);
	}
}

/* What a column of type t becomes, or an error. */
static FitKind
column_kind(Learn *l, const char *column, Oid t)
{
	char		cat = TypeCategory(t);

	if (t == BOOLOID)
		return FIT_BOOLEAN;
	if (cat == TYPCATEGORY_NUMERIC && t != OIDOID && t != REGPROCOID && t != REGCLASSOID &&
		t != REGTYPEOID && t != MONEYOID)
		return FIT_BANDS;
	if (cat == TYPCATEGORY_STRING || cat == TYPCATEGORY_ENUM)
		return FIT_VALUES;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("learn(): column \"%s\" is of type %s, which cannot be a criterion", column,
					format_type_be(t)),
			 errdetail("Numbers are cut into bands, text and enums get a grade per value, booleans a grade for true and for false."),
			 errhint("Turn it into one of those in a view, e.g. a date into the days since it.")));
}

static void
check_not_special(Learn *l, const char *column)
{
	const char *role = strcmp(column, l->outcome) == 0 ? "outcome"
		: (l->opt.weight && strcmp(column, l->opt.weight) == 0) ? "weight"
		: (l->opt.evidence && strcmp(column, l->opt.evidence) == 0) ? "evidence" : NULL;

	if (role != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learn(): column \"%s\" is the %s; it cannot also be a criterion", column, role)));
}

/* The criteria of learn(source, outcome, criteria text[]): columns, or jsonb keys. */
void
LearnCriteriaFromNames(Learn *l, ArrayType *names)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learn(): criteria must name at least one %s",
						l->opt.evidence ? "key" : "column")));
	if (n > LQ_MAX_CRITERIA)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("learn(): criteria names %d %s; a model has at most %d criteria", n,
						l->opt.evidence ? "keys" : "columns", LQ_MAX_CRITERIA)));
	l->ncriteria = n;
	l->criteria = palloc0(sizeof(LearnCriterion) * n);
	for (int i = 0; i < n; i++)
	{
		LearnCriterion *c = &l->criteria[i];
		char	   *name;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("learn(): criteria[%d] is NULL", i + 1)));
		name = TextDatumGetCString(elems[i]);
		for (int j = 0; j < i; j++)
			if (strcmp(l->criteria[j].source, name) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("learn(): criteria names \"%s\" twice", name)));
		if (strlen(name) > LQ_MAX_NAME_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("learn(): criteria[%d] is longer than %d bytes", i + 1, LQ_MAX_NAME_LEN),
					 errdetail("A criterion reads a column or key of at most %d bytes.", LQ_MAX_NAME_LEN)));
		c->source = name;
		c->key = unique_key(l, i, key_from_name(name));
		if (strcmp(c->key, name) != 0)
			c->label = TextClip(name, LQ_MAX_LABEL_LEN);
		if (l->opt.evidence == NULL)
		{
			check_not_special(l, name);
			c->kind = column_kind(l, name, LearnColumnType(l, name, "criterion"));
		}
		/* jsonb keys: their kind comes from the values (LearnKeyKinds) */
	}
}

/* The criteria of learn(source, outcome, template model): the template's. */
void
LearnCriteriaFromTemplate(Learn *l, const LqModel *m)
{
	l->tmpl = m;
	l->ncriteria = m->ncriteria;
	l->criteria = palloc0(sizeof(LearnCriterion) * m->ncriteria);
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *t = &m->criteria[i];
		LearnCriterion *c = &l->criteria[i];

		c->tmpl = t;
		c->key = t->key;
		c->label = t->label;
		c->source = t->source;
		/* a knockout keeps its rule: what disqualifies is the template's call */
		switch (t->knockout ? LQ_RULE_BOOLEAN : t->rule)
		{
			case LQ_RULE_ONE_OF:
			case LQ_RULE_SCALE:
				c->kind = FIT_VALUES;
				break;
			case LQ_RULE_AT_LEAST:
			case LQ_RULE_AT_MOST:
			case LQ_RULE_BETWEEN:
			case LQ_RULE_BANDS:
				c->kind = FIT_BANDS;
				break;
			default:
				c->kind = FIT_GRADED;
				break;
		}
		if (l->opt.evidence == NULL)
		{
			Oid			type;

			check_not_special(l, c->source);
			type = LearnColumnType(l, c->source, "criterion");
			if (c->kind == FIT_BANDS && column_kind(l, c->source, type) != FIT_BANDS)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("learn(): criterion \"%s\" of the template compares numbers, but column \"%s\" is of type %s",
								c->key, c->source, format_type_be(type))));
		}
	}
}

/* Every name the option "keep" gives is a criterion's key or source. */
void
LearnCheckKeep(Learn *l)
{
	for (int k = 0; k < l->opt.nkeep; k++)
	{
		bool		found = false;

		for (int i = 0; i < l->ncriteria && !found; i++)
			found = strcmp(l->opt.keep[k], l->criteria[i].key) == 0 ||
				strcmp(l->opt.keep[k], l->criteria[i].source) == 0;
		if (!found)
			option_error(IndexPath("keep", k), "\"%s\" is not one of the criteria",
						 TextClip(l->opt.keep[k], 64));
	}
}
