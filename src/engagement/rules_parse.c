/*-------------------------------------------------------------------------
 *
 * rules_parse.c
 *	  Validate engagement rules written as JSON and build their LqRules.
 *
 * The rules are an object: an optional name and description, a half-life
 * for the decay of points, an overall cap and floor, what to do with a
 * kind of event the rules do not list, and the kinds with their points:
 *
 *	 {"name": "digital", "half_life_days": 30, "cap": 100,
 *	  "kinds": {"web_visit": 1, "demo_request": {"points": 25, "cap": 50}}}
 *
 * Every problem is an error (22023) that names the field (json_fields.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "base/binary.h"
#include "base/json_fields.h"
#include "base/text_util.h"
#include "engagement/rules.h"

#define WHAT	"engagement rules"

#define rules_error(path, ...) \
	FieldError(ERRCODE_INVALID_PARAMETER_VALUE, WHAT, path, __VA_ARGS__)

/* A number in [lo, hi]; JSON null gives *isnull when nullable. */
static double
number_in(const JNode *n, const char *path, double lo, double hi, bool nullable,
		  bool *isnull)
{
	double		v;

	if (isnull)
		*isnull = false;
	if (n->type == JN_NULL && nullable)
	{
		*isnull = true;
		return 0;
	}
	if (n->type != JN_NUMBER)
		rules_error(path, "must be a number%s, not %s", nullable ? " or null" : "",
					JsonTypeName(n->type));
	v = strtod(n->str, NULL);
	if (!isfinite(v) || v < lo || v > hi)
		rules_error(path, "must be between %.0f and %.0f, not %s", lo, hi, TextClip(n->str, 40));
	return v == 0.0 ? 0.0 : v;	/* no negative zero */
}

static void
parse_kind(LqKind *k, const char *name, const JNode *n, const char *path)
{
	static const char *const fields[] = {"points", "cap", "half_life_days", NULL};
	const JNode *f;
	bool		isnull;

	k->name = pstrdup(name);
	k->len = strlen(name);
	if (k->len == 0)
		rules_error("kinds", "a kind's name must not be empty");
	if (k->len > LQ_MAX_KIND_LEN)
		rules_error(path, "a kind's name has at most %d bytes", LQ_MAX_KIND_LEN);
	for (int i = 0; i < k->len; i++)
		if ((unsigned char) name[i] < 0x20)
			rules_error(path, "a kind's name must not contain control characters");
	k->folded = palloc(k->len);
	k->folded_len = FoldNameInto(k->name, k->len, k->folded, k->len);
	if (k->folded_len == 0)
		rules_error(path, "a kind's name must not be blank");

	/* "kind": points, or "kind": {"points": ..., "cap": ..., "half_life_days": ...} */
	if (n->type == JN_NUMBER)
	{
		k->points = number_in(n, path, -LQ_MAX_POINTS, LQ_MAX_POINTS, false, NULL);
		return;
	}
	if (n->type != JN_OBJECT)
		rules_error(path, "must be a number of points or an object, not %s",
					JsonTypeName(n->type));
	CheckFields(n, WHAT, path, "a kind", fields);
	f = RequiredField(n, WHAT, path, "points");
	k->points = number_in(f, FieldPath(path, "points"), -LQ_MAX_POINTS, LQ_MAX_POINTS,
						  false, NULL);
	if ((f = JsonMember(n, "cap")) != NULL)
	{
		k->cap = number_in(f, FieldPath(path, "cap"), 0, LQ_MAX_CAP, true, &isnull);
		k->has_cap = !isnull;
	}
	if ((f = JsonMember(n, "half_life_days")) != NULL)
	{
		char	   *hpath = FieldPath(path, "half_life_days");

		k->own_half_life = true;
		k->half_life = number_in(f, hpath, 0, LQ_MAX_HALF_LIFE, true, &isnull);
		if (!isnull && k->half_life <= 0)
			rules_error(hpath, "must be greater than 0 (null: the kind does not decay)");
	}
}

static int
kind_qsort_cmp(const void *a, const void *b)
{
	return RulesKindCmp((const LqKind *) a, (const LqKind *) b);
}

/* The rules of a JSON document, in the current memory context. */
LqRules *
RulesFromJson(const JNode *root)
{
	static const char *const fields[] = {
		"name", "description", "half_life_days", "cap", "floor", "unknown_kinds", "kinds", NULL
	};
	LqRules    *r = palloc0(sizeof(LqRules));
	const JNode *n;
	bool		isnull;

	if (root->type != JN_OBJECT)
		NotAnObjectError(WHAT, JsonTypeName(root->type),
						 "Write the rules as {\"kinds\": {\"web_visit\": 1, \"demo_request\": 25}, ...}, or give the name of registered rules.");
	CheckFields(root, WHAT, "", "engagement rules", fields);

	r->name = "";
	if ((n = JsonMember(root, "name")) != NULL)
	{
		if (n->type != JN_STRING)
			rules_error("name", "must be a string, not %s", JsonTypeName(n->type));
		if (!IsIdentifier(n->str))
		{
			char	   *better = NameSuggestion(n->str);

			InvalidNameError(WHAT, "name", n->str,
							 better ? psprintf("Write the name as \"%s\".", better) : NULL);
		}
		r->name = pstrdup(n->str);
	}
	if ((n = JsonMember(root, "description")) != NULL && n->type != JN_NULL)
	{
		if (n->type != JN_STRING)
			rules_error("description", "must be a string, not %s", JsonTypeName(n->type));
		if (strlen(n->str) > LQ_MAX_TEXT_LEN)
			rules_error("description", "must be at most %d bytes long", LQ_MAX_TEXT_LEN);
		r->description = pstrdup(n->str);
	}
	if ((n = JsonMember(root, "half_life_days")) != NULL)
	{
		r->half_life = number_in(n, "half_life_days", 0, LQ_MAX_HALF_LIFE, true, &isnull);
		if (!isnull && r->half_life <= 0)
			rules_error("half_life_days", "must be greater than 0 (null: no decay)");
	}
	if ((n = JsonMember(root, "cap")) != NULL)
	{
		r->cap = number_in(n, "cap", -LQ_MAX_CAP, LQ_MAX_CAP, true, &isnull);
		r->has_cap = !isnull;
	}
	if ((n = JsonMember(root, "floor")) != NULL)
	{
		r->floor = number_in(n, "floor", -LQ_MAX_CAP, LQ_MAX_CAP, true, &isnull);
		r->has_floor = !isnull;
	}
	if (r->has_cap && r->has_floor && r->floor > r->cap)
		rules_error("floor", "must not be above cap (%g > %g)", r->floor, r->cap);
	if ((n = JsonMember(root, "unknown_kinds")) != NULL)
	{
		if (n->type != JN_STRING ||
			(strcmp(n->str, "ignore") != 0 && strcmp(n->str, "error") != 0))
			rules_error("unknown_kinds", "must be \"ignore\" or \"error\"");
		r->unknown_is_error = strcmp(n->str, "error") == 0;
	}

	n = JsonMember(root, "kinds");
	if (n == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: missing field \"kinds\"", WHAT),
				 errhint("List the kinds of events and their points, e.g. \"kinds\": {\"web_visit\": 1, \"demo_request\": 25}.")));
	if (n->type != JN_OBJECT)
		rules_error("kinds", "must be an object of kinds and their points, not %s",
					JsonTypeName(n->type));
	if (n->dupkey != NULL)
		RepeatedFieldError(WHAT, "kinds", n->dupkey);
	if (n->nitems == 0)
		rules_error("kinds", "must list at least one kind of event");
	if (n->nitems > LQ_MAX_KINDS)
		rules_error("kinds", "lists %d kinds; at most %d are allowed", n->nitems, LQ_MAX_KINDS);
	r->nkinds = n->nitems;
	r->kinds = palloc0(sizeof(LqKind) * r->nkinds);
	for (int i = 0; i < n->nitems; i++)
	{
		char	   *path = FieldPath("kinds", TextClip(n->keys[i], 64));

		parse_kind(&r->kinds[i], n->keys[i], n->items[i], path);
		for (int j = 0; j < i; j++)
			if (r->kinds[j].folded_len == r->kinds[i].folded_len &&
				memcmp(r->kinds[j].folded, r->kinds[i].folded, r->kinds[i].folded_len) == 0)
				rules_error(path, "the same kind as \"%s\" (kinds are compared ignoring ASCII case, blanks around them, and whether words are joined by blanks, \"_\" or \"-\")",
							TextClip(r->kinds[j].name, 64));
	}
	qsort(r->kinds, r->nkinds, sizeof(LqKind), kind_qsort_cmp);
	return r;
}

static bytea *
encode_text(const char *text, int len)
{
	return RulesEncode(RulesFromJson(JsonTreeParse(text, len, "engagement rules text")));
}

/* Rules' JSON text compiled into their stored form, in the caller's memory context. */
struct varlena *
RulesCompile(const char *text, int len)
{
	return BinCompile(encode_text, text, len);
}
