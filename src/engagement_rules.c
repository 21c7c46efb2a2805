/*-------------------------------------------------------------------------
 *
 * engagement_rules.c
 *	  The lead_qual.engagement_rules type: points per kind of event, a
 *	  half-life for their decay, caps per kind and overall, and what to do
 *	  with a kind the rules do not list.
 *
 * JSON in, validated with errors that name the field; a compact, canonical
 * binary form stored; canonical JSON out.  Like a model, the input also
 * takes the name of registered rules, so engagement_rules('digital') works.
 *
 * Binary form (numbers in the machine's byte order, as for models):
 *	 header, u8 version, u8 flags, str name, str description, f64 half-life,
 *	 f64 cap, f64 floor, i32 nkinds, then per kind (sorted by name):
 *	 str name, f64 points, u8 flags, f64 cap, f64 half-life.
 *	 str = i32 length + bytes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "engagement.h"

#define RULES_FORMAT_VERSION	1

/* rule set flags */
#define RF_HALF_LIFE		0x01
#define RF_CAP				0x02
#define RF_FLOOR			0x04
#define RF_UNKNOWN_ERROR	0x08
#define RF_ALL				0x0F
/* kind flags */
#define KF_CAP				0x01
#define KF_OWN_HALF_LIFE	0x02
#define KF_ALL				0x03

typedef struct RulesText
{
	char	   *description;	/* NULL when none */
} RulesText;

/* ---------------- parsing ---------------- */

#define rules_error(path, ...) \
	lq_field_error(ERRCODE_INVALID_PARAMETER_VALUE, "engagement rules", path, __VA_ARGS__)

static void
check_members(const JNode *obj, const char *path, const char *const *allowed)
{
	if (obj->dupkey != NULL)
		rules_error(path[0] ? path : "(top level)", "\"%s\" appears more than once",
					lq_clip(obj->dupkey, 64));
	for (int i = 0; i < obj->nitems; i++)
	{
		bool		known = false;
		StringInfoData names;

		for (int j = 0; allowed[j] != NULL && !known; j++)
			known = strcmp(obj->keys[i], allowed[j]) == 0;
		if (known)
			continue;
		initStringInfo(&names);
		for (int j = 0; allowed[j] != NULL; j++)
			appendStringInfo(&names, "%s%s", j > 0 ? ", " : "", allowed[j]);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid engagement rules: unknown field \"%s%s%s\"",
						path, path[0] ? "." : "", lq_clip(obj->keys[i], 64)),
				 errhint("The fields are: %s.", names.data)));
	}
}

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
					lq_json_type_name(n->type));
	v = strtod(n->str, NULL);
	if (!isfinite(v) || v < lo || v > hi)
		rules_error(path, "must be between %.0f and %.0f, not %s", lo, hi, lq_clip(n->str, 40));
	return v == 0.0 ? 0.0 : v;	/* no negative zero */
}

static int
kind_cmp(const void *a, const void *b)
{
	const LqKind *x = a;
	const LqKind *y = b;
	int			c = memcmp(x->name, y->name, Min(x->len, y->len));

	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
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

	/* "kind": points, or "kind": {"points": ..., "cap": ..., "half_life_days": ...} */
	if (n->type == JN_NUMBER)
	{
		k->points = number_in(n, path, -LQ_MAX_POINTS, LQ_MAX_POINTS, false, NULL);
		return;
	}
	if (n->type != JN_OBJECT)
		rules_error(path, "must be a number of points or an object, not %s",
					lq_json_type_name(n->type));
	check_members(n, path, fields);
	f = lq_json_member(n, "points");
	if (f == NULL)
		rules_error(path, "\"points\" is missing");
	k->points = number_in(f, psprintf("%s.points", path), -LQ_MAX_POINTS, LQ_MAX_POINTS,
						  false, NULL);
	if ((f = lq_json_member(n, "cap")) != NULL)
	{
		k->cap = number_in(f, psprintf("%s.cap", path), 0, LQ_MAX_CAP, true, &isnull);
		k->has_cap = !isnull;
	}
	if ((f = lq_json_member(n, "half_life_days")) != NULL)
	{
		k->own_half_life = true;
		k->half_life = number_in(f, psprintf("%s.half_life_days", path), 0, LQ_MAX_HALF_LIFE,
								 true, &isnull);
		if (!isnull && k->half_life <= 0)
			rules_error(psprintf("%s.half_life_days", path),
						"must be greater than 0 (null: the kind does not decay)");
	}
}

static LqRules *
rules_from_json(const JNode *root, RulesText *texts)
{
	static const char *const fields[] = {
		"name", "description", "half_life_days", "cap", "floor", "unknown_kinds", "kinds", NULL
	};
	LqRules    *r = palloc0(sizeof(LqRules));
	const JNode *n;
	bool		isnull;

	if (root->type != JN_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("engagement rules must be a JSON object, not %s",
						lq_json_type_name(root->type))));
	check_members(root, "", fields);

	r->name = "";
	if ((n = lq_json_member(root, "name")) != NULL)
	{
		if (n->type != JN_STRING || !lq_valid_identifier(n->str))
			rules_error("name", "must be a name of at most %d lower-case letters, digits and underscores, not starting with a digit",
						LQ_MAX_NAME_LEN);
		r->name = pstrdup(n->str);
	}
	texts->description = NULL;
	if ((n = lq_json_member(root, "description")) != NULL && n->type != JN_NULL)
	{
		if (n->type != JN_STRING)
			rules_error("description", "must be a string, not %s", lq_json_type_name(n->type));
		if (strlen(n->str) > LQ_MAX_TEXT_LEN)
			rules_error("description", "must be at most %d bytes long", LQ_MAX_TEXT_LEN);
		texts->description = pstrdup(n->str);
	}
	if ((n = lq_json_member(root, "half_life_days")) != NULL)
	{
		r->half_life = number_in(n, "half_life_days", 0, LQ_MAX_HALF_LIFE, true, &isnull);
		if (!isnull && r->half_life <= 0)
			rules_error("half_life_days", "must be greater than 0 (null: no decay)");
	}
	if ((n = lq_json_member(root, "cap")) != NULL)
	{
		r->cap = number_in(n, "cap", -LQ_MAX_CAP, LQ_MAX_CAP, true, &isnull);
		r->has_cap = !isnull;
	}
	if ((n = lq_json_member(root, "floor")) != NULL)
	{
		r->floor = number_in(n, "floor", -LQ_MAX_CAP, LQ_MAX_CAP, true, &isnull);
		r->has_floor = !isnull;
	}
	if (r->has_cap && r->has_floor && r->floor > r->cap)
		rules_error("floor", "must not be above cap (%g > %g)", r->floor, r->cap);
	if ((n = lq_json_member(root, "unknown_kinds")) != NULL)
	{
		if (n->type != JN_STRING ||
			(strcmp(n->str, "ignore") != 0 && strcmp(n->str, "error") != 0))
			rules_error("unknown_kinds", "must be \"ignore\" or \"error\"");
		r->unknown_is_error = strcmp(n->str, "error") == 0;
	}

	n = lq_json_member(root, "kinds");
	if (n == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid engagement rules: missing field \"kinds\""),
				 errhint("List the kinds of events and their points, e.g. \"kinds\": {\"web_visit\": 1, \"demo_request\": 25}.")));
	if (n->type != JN_OBJECT)
		rules_error("kinds", "must be an object of kinds and their points, not %s",
					lq_json_type_name(n->type));
	if (n->dupkey != NULL)
		rules_error("kinds", "kind \"%s\" appears more than once", lq_clip(n->dupkey, 64));
	if (n->nitems == 0)
		rules_error("kinds", "must list at least one kind of event");
	if (n->nitems > LQ_MAX_KINDS)
		rules_error("kinds", "lists %d kinds; at most %d are allowed", n->nitems, LQ_MAX_KINDS);
	r->nkinds = n->nitems;
	r->kinds = palloc0(sizeof(LqKind) * r->nkinds);
	for (int i = 0; i < n->nitems; i++)
		parse_kind(&r->kinds[i], n->keys[i], n->items[i],
				   psprintf("kinds.%s", lq_clip(n->keys[i], 64)));
	qsort(r->kinds, r->nkinds, sizeof(LqKind), kind_cmp);
	return r;
}

/* ---------------- binary form ---------------- */

static void
put(StringInfo buf, const void *p, int len)
{
	appendBinaryStringInfo(buf, (const char *) p, len);
}

static void
put_str(StringInfo buf, const char *s, int len)
{
	int32		n = len;

	put(buf, &n, sizeof(n));
	put(buf, s, len);
}

static bytea *
encode(const LqRules *r, const RulesText *texts)
{
	StringInfoData buf;
	uint8		version = RULES_FORMAT_VERSION;
	uint8		flags = 0;
	int32		nkinds = r->nkinds;
	const char *desc = texts->description ? texts->description : "";

	initStringInfo(&buf);
	appendStringInfoSpaces(&buf, VARHDRSZ);
	flags |= r->half_life > 0 ? RF_HALF_LIFE : 0;
	flags |= r->has_cap ? RF_CAP : 0;
	flags |= r->has_floor ? RF_FLOOR : 0;
	flags |= r->unknown_is_error ? RF_UNKNOWN_ERROR : 0;
	put(&buf, &version, 1);
	put(&buf, &flags, 1);
	put_str(&buf, r->name, strlen(r->name));
	put_str(&buf, desc, strlen(desc));
	put(&buf, &r->half_life, sizeof(double));
	put(&buf, &r->cap, sizeof(double));
	put(&buf, &r->floor, sizeof(double));
	put(&buf, &nkinds, sizeof(nkinds));
	for (int i = 0; i < r->nkinds; i++)
	{
		const LqKind *k = &r->kinds[i];
		uint8		kflags = (k->has_cap ? KF_CAP : 0) | (k->own_half_life ? KF_OWN_HALF_LIFE : 0);
		double		cap = k->has_cap ? k->cap : 0;
		double		hl = k->own_half_life ? k->half_life : 0;

		put_str(&buf, k->name, k->len);
		put(&buf, &k->points, sizeof(double));
		put(&buf, &kflags, 1);
		put(&buf, &cap, sizeof(double));
		put(&buf, &hl, sizeof(double));
	}
	SET_VARSIZE(buf.data, buf.len);
	return (bytea *) buf.data;
}

typedef struct Reader
{
	const char *p;
	const char *end;
} Reader;

static void corrupt(const char *what) pg_attribute_noreturn();

static void
corrupt(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid lead_qual.engagement_rules value: bad %s", what)));
}

static void
get(Reader *r, void *out, int len, const char *what)
{
	if (r->end - r->p < len)
		corrupt(what);
	memcpy(out, r->p, len);
	r->p += len;
}

static double
get_f64(Reader *r, const char *what, double lo, double hi)
{
	double		v;

	get(r, &v, sizeof(v), what);
	if (!isfinite(v) || v < lo || v > hi)
		corrupt(what);
	return v;
}

static char *
get_str(Reader *r, const char *what, int maxlen, int *lenp)
{
	int32		len;
	char	   *s;

	get(r, &len, sizeof(len), what);
	if (len < 0 || len > maxlen || r->end - r->p < len)
		corrupt(what);
	s = palloc(len + 1);
	memcpy(s, r->p, len);
	s[len] = '\0';
	if ((int) strlen(s) != len)
		corrupt(what);
	r->p += len;
	if (lenp)
		*lenp = len;
	return s;
}

/* The rules and their description (NULL when none) from the stored form. */
static LqRules *
decode(const struct varlena *raw, char **description)
{
	LqRules    *r = palloc0(sizeof(LqRules));
	Reader		rd;
	uint8		version;
	uint8		flags;
	int32		nkinds;
	char	   *desc;
	int			naccum = 1;

	rd.p = VARDATA_ANY(raw);
	rd.end = rd.p + VARSIZE_ANY_EXHDR(raw);
	get(&rd, &version, 1, "version");
	if (version != RULES_FORMAT_VERSION)
		corrupt("version");
	get(&rd, &flags, 1, "flags");
	if (flags & ~RF_ALL)
		corrupt("flags");
	r->name = get_str(&rd, "name", LQ_MAX_NAME_LEN, NULL);
	if (r->name[0] != '\0' && !lq_valid_identifier(r->name))
		corrupt("name");
	desc = get_str(&rd, "description", LQ_MAX_TEXT_LEN, NULL);
	if (description)
		*description = desc[0] ? desc : NULL;
	r->half_life = get_f64(&rd, "half-life", 0, LQ_MAX_HALF_LIFE);
	if ((r->half_life > 0) != ((flags & RF_HALF_LIFE) != 0))
		corrupt("half-life");
	r->cap = get_f64(&rd, "cap", -LQ_MAX_CAP, LQ_MAX_CAP);
	r->floor = get_f64(&rd, "floor", -LQ_MAX_CAP, LQ_MAX_CAP);
	r->has_cap = (flags & RF_CAP) != 0;
	r->has_floor = (flags & RF_FLOOR) != 0;
	if (r->has_cap && r->has_floor && r->floor > r->cap)
		corrupt("floor");
	r->unknown_is_error = (flags & RF_UNKNOWN_ERROR) != 0;
	get(&rd, &nkinds, sizeof(nkinds), "number of kinds");
	if (nkinds < 1 || nkinds > LQ_MAX_KINDS)
		corrupt("number of kinds");
	r->nkinds = nkinds;
	r->kinds = palloc0(sizeof(LqKind) * nkinds);
	for (int i = 0; i < nkinds; i++)
	{
		LqKind	   *k = &r->kinds[i];
		uint8		kflags;

		k->name = get_str(&rd, "kind", LQ_MAX_KIND_LEN, &k->len);
		if (k->len == 0 || (i > 0 && kind_cmp(&r->kinds[i - 1], k) >= 0))
			corrupt("kind");
		k->points = get_f64(&rd, "points", -LQ_MAX_POINTS, LQ_MAX_POINTS);
		get(&rd, &kflags, 1, "kind flags");
		if (kflags & ~KF_ALL)
			corrupt("kind flags");
		k->has_cap = (kflags & KF_CAP) != 0;
		k->own_half_life = (kflags & KF_OWN_HALF_LIFE) != 0;
		k->cap = get_f64(&rd, "kind cap", 0, LQ_MAX_CAP);
		k->half_life = get_f64(&rd, "kind half-life", 0, LQ_MAX_HALF_LIFE);
		if (!k->own_half_life)
			k->half_life = r->half_life;
		/* capped kinds get a sum of their own; the others share sum 0 */
		k->accum = k->has_cap ? naccum++ : 0;
	}
	if (rd.p != rd.end)
		corrupt("length");

	r->naccum = naccum;
	r->fingerprint = hash_bytes((const unsigned char *) VARDATA_ANY(raw),
								VARSIZE_ANY_EXHDR(raw));
	r->nslots = 4;
	while (r->nslots < 2 * nkinds)
		r->nslots *= 2;
	r->slots = palloc(sizeof(int) * r->nslots);
	memset(r->slots, -1, sizeof(int) * r->nslots);
	for (int i = 0; i < nkinds; i++)
	{
		uint32		h = hash_bytes((const unsigned char *) r->kinds[i].name, r->kinds[i].len);

		while (r->slots[h & (r->nslots - 1)] >= 0)
			h++;
		r->slots[h & (r->nslots - 1)] = i;
	}
	return r;
}

LqRules *
lq_rules_decode(const struct varlena *raw)
{
	return decode(raw, NULL);
}

/* The kind called name (len bytes), or NULL when the rules do not list it. */
const LqKind *
lq_rules_kind(const LqRules *r, const char *name, int len)
{
	uint32		h = hash_bytes((const unsigned char *) name, len);

	for (;;)
	{
		int			i = r->slots[h & (r->nslots - 1)];

		if (i < 0)
			return NULL;
		if (r->kinds[i].len == len && memcmp(r->kinds[i].name, name, len) == 0)
			return &r->kinds[i];
		h++;
	}
}

/* ---------------- JSON out ---------------- */

static void
append_nullable(StringInfo out, bool isnull, double v)
{
	if (isnull)
		appendStringInfoString(out, "null");
	else
		lq_append_number(out, v);
}

static void
append_rules_json(StringInfo out, const LqRules *r, const char *description)
{
	appendStringInfoChar(out, '{');
	if (r->name[0] != '\0')
	{
		appendStringInfoString(out, "\"name\": ");
		escape_json(out, r->name);
		appendStringInfoString(out, ", ");
	}
	if (description != NULL)
	{
		appendStringInfoString(out, "\"description\": ");
		escape_json(out, description);
		appendStringInfoString(out, ", ");
	}
	appendStringInfoString(out, "\"half_life_days\": ");
	append_nullable(out, r->half_life == 0, r->half_life);
	appendStringInfoString(out, ", \"cap\": ");
	append_nullable(out, !r->has_cap, r->cap);
	appendStringInfoString(out, ", \"floor\": ");
	append_nullable(out, !r->has_floor, r->floor);
	appendStringInfo(out, ", \"unknown_kinds\": \"%s\", \"kinds\": {",
					 r->unknown_is_error ? "error" : "ignore");
	for (int i = 0; i < r->nkinds; i++)
	{
		const LqKind *k = &r->kinds[i];

		if (i > 0)
			appendStringInfoString(out, ", ");
		escape_json(out, k->name);
		appendStringInfoString(out, ": {\"points\": ");
		lq_append_number(out, k->points);
		if (k->has_cap)
		{
			appendStringInfoString(out, ", \"cap\": ");
			lq_append_number(out, k->cap);
		}
		if (k->own_half_life)
		{
			appendStringInfoString(out, ", \"half_life_days\": ");
			append_nullable(out, k->half_life == 0, k->half_life);
		}
		appendStringInfoChar(out, '}');
	}
	appendStringInfoString(out, "}}");
}

static char *
rules_json(const struct varlena *raw)
{
	StringInfoData out;
	char	   *description;
	LqRules    *r = decode(raw, &description);

	initStringInfo(&out);
	append_rules_json(&out, r, description);
	return out.data;
}

/* ---------------- text in ---------------- */

/* Compile rules JSON into a varlena in the caller's memory context. */
static bytea *
compile(const char *text, int len)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext work = AllocSetContextCreate(caller, "lead_qual engagement rules input",
											   ALLOCSET_DEFAULT_SIZES);
	RulesText	texts;
	bytea	   *encoded;
	bytea	   *result;

	MemoryContextSwitchTo(work);
	encoded = encode(rules_from_json(lq_json_parse_document(text, len, "engagement rules text"),
									 &texts),
					 &texts);
	MemoryContextSwitchTo(caller);
	result = palloc(VARSIZE(encoded));
	memcpy(result, encoded, VARSIZE(encoded));
	MemoryContextDelete(work);
	return result;
}

/*
 * Rules written as text: JSON, or the name of registered rules (any case,
 * blanks around it ignored).
 */
struct varlena *
lq_rules_from_text(const char *s, int len)
{
	const char *p = s;
	int			n = len;
	bool		wordlike = true;

	lq_trim(&p, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("engagement rules cannot be empty"),
				 errhint("Write the rules as JSON, or give the name of registered rules.")));
	for (int i = 0; i < n && wordlike; i++)
		wordlike = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
			(p[i] >= '0' && p[i] <= '9') || p[i] == '_';
	if (wordlike)
	{
		char		name[LQ_MAX_NAME_LEN + 1];

		if (n > LQ_MAX_NAME_LEN || (p[0] >= '0' && p[0] <= '9'))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" is not a valid name of engagement rules",
							lq_clip(pnstrdup(p, n), 64))));
		for (int i = 0; i < n; i++)
			name[i] = lq_ascii_lower(p[i]);
		name[n] = '\0';
		return lq_rules_registry_fetch(name, false);
	}
	return (struct varlena *) compile(s, len);
}

/* ---------------- SQL functions ---------------- */

PG_FUNCTION_INFO_V1(lq_rules_in);
Datum
lq_rules_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(lq_rules_from_text(s, strlen(s)));
}

PG_FUNCTION_INFO_V1(lq_rules_out);
Datum
lq_rules_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(rules_json(PG_GETARG_VARLENA_PP(0)));
}

/* Binary form: a version byte, then the canonical JSON text. */
PG_FUNCTION_INFO_V1(lq_rules_recv);
Datum
lq_rules_recv(PG_FUNCTION_ARGS)
{
	int			nbytes;
	char	   *str = lq_recv_json((StringInfo) PG_GETARG_POINTER(0), "lead_qual.engagement_rules", &nbytes);

	PG_RETURN_POINTER(compile(str, nbytes));
}

PG_FUNCTION_INFO_V1(lq_rules_send);
Datum
lq_rules_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(lq_send_json(rules_json(PG_GETARG_VARLENA_PP(0))));
}

/* lead_qual.engagement_rules(text): registered rules by name, or JSON. */
PG_FUNCTION_INFO_V1(lq_rules_by_name);
Datum
lq_rules_by_name(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_POINTER(lq_rules_from_text(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
}

PG_FUNCTION_INFO_V1(lq_rules_from_jsonb);
Datum
lq_rules_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	char	   *text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));

	PG_RETURN_POINTER(compile(text, strlen(text)));
}

PG_FUNCTION_INFO_V1(lq_rules_as_jsonb);
Datum
lq_rules_as_jsonb(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(rules_json(PG_GETARG_VARLENA_PP(0))));
}

PG_FUNCTION_INFO_V1(lq_rules_name);
Datum
lq_rules_name(PG_FUNCTION_ARGS)
{
	LqRules    *r = lq_rules_decode(PG_GETARG_VARLENA_PP(0));

	if (r->name[0] == '\0')
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(r->name));
}

/* The encoding is canonical: equal rules have equal bytes. */
PG_FUNCTION_INFO_V1(lq_rules_eq);
Datum
lq_rules_eq(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_VARLENA_PP(0);
	struct varlena *b = PG_GETARG_VARLENA_PP(1);

	PG_RETURN_BOOL(VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
				   memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0);
}

/*
 * engagement_kinds(rules): one row per kind of event, for reading rules and
 * for BI tools: kind, points, cap, half-life in days (NULL: no decay).
 */
PG_FUNCTION_INFO_V1(lq_rules_kinds);
Datum
lq_rules_kinds(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Tuplestorestate *store = lq_srf_begin(fcinfo, &desc);
	LqRules    *r = lq_rules_decode(PG_GETARG_VARLENA_PP(0));

	for (int i = 0; i < r->nkinds; i++)
	{
		const LqKind *k = &r->kinds[i];
		Datum		values[4];
		bool		nulls[4] = {false, false, !k->has_cap, k->half_life == 0};

		values[0] = PointerGetDatum(cstring_to_text_with_len(k->name, k->len));
		values[1] = Float8GetDatum(k->points);
		values[2] = Float8GetDatum(k->cap);
		values[3] = Float8GetDatum(k->half_life);
		tuplestore_putvalues(store, desc, values, nulls);
	}
	return (Datum) 0;
}
