/*-------------------------------------------------------------------------
 *
 * json_fields.c
 *	  Errors about the fields of lead_qual's JSON documents, and the names
 *	  of JSON types in messages (json_fields.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"

#include "base/convert.h"
#include "base/json_fields.h"
#include "base/text_util.h"

/* The path of a member: "base.field", or "field" at the top. */
char *
FieldPath(const char *base, const char *field)
{
	if (base == NULL || base[0] == '\0')
		return pstrdup(field);
	return psprintf("%s.%s", base, field);
}

/* The path of an element: "base[i]". */
char *
IndexPath(const char *base, int i)
{
	return psprintf("%s[%d]", base, i);
}

/* The text of fmt and its arguments, as printf makes it. */
static char *format_va(const char *fmt, va_list args) pg_attribute_printf(1, 0);

static char *
format_va(const char *fmt, va_list args)
{
	StringInfoData s;

	initStringInfo(&s);
	for (;;)
	{
		va_list		copy;
		int			needed;

		va_copy(copy, args);
		needed = appendStringInfoVA(&s, fmt, copy);
		va_end(copy);
		if (needed == 0)
			break;
		enlargeStringInfo(&s, needed);
	}
	return s.data;
}

/* "invalid <what> field "<path>": <why>", the why formatted as printf does. */
void
FieldError(int code, const char *what, const char *path, const char *fmt,...)
{
	va_list		args;
	char	   *why;

	va_start(args, fmt);
	why = format_va(fmt, args);
	va_end(args);
	ereport(ERROR,
			(errcode(code),
			 errmsg("invalid %s field \"%s\": %s", what, path, why)));
}

/*
 * A member the object at path does not know; whose names that object in
 * the hint ("a criterion", "thresholds"), which lists the allowed fields.
 */
void
UnknownFieldError(const char *what, const char *path, const char *field,
				  const char *whose, const char *const *allowed)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s: unknown field \"%s\"", what,
					FieldPath(path, TextClip(field, 64))),
			 errhint("The fields of %s are: %s.", whose, JoinNames(allowed))));
}

void
RepeatedFieldError(const char *what, const char *path, const char *field)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s: field \"%s\" appears more than once", what,
					FieldPath(path, TextClip(field, 64)))));
}

void
MissingFieldError(const char *what, const char *path, const char *field)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s: missing field \"%s\"", what, FieldPath(path, field))));
}

/*
 * A name field (a model's name, a criterion's key, the rules' name) that
 * is not a valid name; the detail says what one is.  hint may be NULL.
 */
void
InvalidNameError(const char *what, const char *path, const char *name, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s field \"%s\": \"%s\" is not a valid name", what, path,
					TextClip(name, 64)),
			 errdetail("%s", LQ_NAME_RULES),
			 hint ? errhint("%s", hint) : 0));
}

/* The document itself is not an object; hint may be NULL. */
void
NotAnObjectError(const char *what, const char *type_name, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s: must be a JSON object, not %s", what, type_name),
			 hint ? errhint("%s", hint) : 0));
}

/* Refuse members of obj (at path) that are not allowed, and repeated ones. */
void
CheckFields(const JNode *obj, const char *what, const char *path, const char *whose,
			const char *const *allowed)
{
	if (obj->dupkey != NULL)
		RepeatedFieldError(what, path, obj->dupkey);
	for (int i = 0; i < obj->nitems; i++)
	{
		bool		known = false;

		for (int j = 0; allowed[j] != NULL && !known; j++)
			known = (strcmp(obj->keys[i], allowed[j]) == 0);
		if (!known)
			UnknownFieldError(what, path, obj->keys[i], whose, allowed);
	}
}

/* The member field of obj (at path), which must be there. */
const JNode *
RequiredField(const JNode *obj, const char *what, const char *path, const char *field)
{
	const JNode *n = JsonMember(obj, field);

	if (n == NULL)
		MissingFieldError(what, path, field);
	return n;
}

/*
 * The number n (at path) from lo to hi: not a number 22023, not finite or
 * out of the range 22003.  No negative zero.
 */
double
FieldNumber(const JNode *n, const char *what, const char *path, double lo, double hi)
{
	double		v;

	if (n->type != JN_NUMBER)
		FieldError(ERRCODE_INVALID_PARAMETER_VALUE, what, path, "must be a number, not %s",
				   JsonTypeName(n->type));
	/* the JSON parser has checked the syntax; only the range can fail */
	v = strtod(n->str, NULL);
	if (!isfinite(v))
		FieldError(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, what, path, "%s is out of range",
				   TextClip(n->str, 40));
	if (v < lo || v > hi)
		FieldError(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, what, path, "must be between %s and %s, not %s",
				   NumberText(lo), NumberText(hi), TextClip(n->str, 40));
	return v == 0.0 ? 0.0 : v;
}

/* The whole number n (at path) from lo to hi: a fraction is 22023. */
int
FieldInteger(const JNode *n, const char *what, const char *path, int lo, int hi)
{
	double		v = FieldNumber(n, what, path, -INFINITY, INFINITY);

	if (v != floor(v))
		FieldError(ERRCODE_INVALID_PARAMETER_VALUE, what, path, "must be a whole number, not %s",
				   TextClip(n->str, 40));
	if (v < lo || v > hi)
		FieldError(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, what, path, "must be between %d and %d, not %s",
				   lo, hi, TextClip(n->str, 40));
	return (int) v;
}

/* An error in the text of a state (see StateText). */
void
StateTextError(const StateText *st, const char *fmt,...)
{
	va_list		args;
	char	   *why;

	va_start(args, fmt);
	why = format_va(fmt, args);
	va_end(args);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid %s: %s", st->type, why),
			 errhint("%s", st->hint)));
}

/* The member key of obj, of the JSON type given (or null when nullable). */
const JNode *
StateTextMember(const StateText *st, const JNode *obj, const char *key, JNodeType type,
				bool nullable)
{
	const JNode *n = JsonMember(obj, key);

	if (n == NULL)
		StateTextError(st, "\"%s\" is missing", key);
	if (!(n->type == type || (nullable && n->type == JN_NULL)))
		StateTextError(st, "\"%s\" must be %s", key, JsonTypeName(type));
	return n;
}

/* The member key of obj, a whole number from lo to hi. */
int64
StateTextWhole(const StateText *st, const JNode *obj, const char *key, int64 lo, int64 hi)
{
	const JNode *n = StateTextMember(st, obj, key, JN_NUMBER, false);
	char	   *end;
	long long	v;

	errno = 0;
	v = strtoll(n->str, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
	{
		if (lo == PG_INT64_MIN && hi == PG_INT64_MAX)
			StateTextError(st, "\"%s\" must be a whole number", key);
		StateTextError(st, "\"%s\" must be a whole number from " INT64_FORMAT " to " INT64_FORMAT,
					   key, lo, hi);
	}
	return (int64) v;
}

const char *
JsonbValueTypeName(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvArray:
			return "an array";
		case jbvObject:
			return "an object";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "an array" : "an object";
		default:
			return "an unknown JSON value";
	}
}

/* What a jsonb value is at its root: "an object", "an array", "a string" ... */
const char *
JsonbRootTypeName(Jsonb *jb)
{
	JsonbValue	scalar;

	if (JB_ROOT_IS_OBJECT(jb))
		return "an object";
	if (JsonbExtractScalar(&jb->root, &scalar))
		return JsonbValueTypeName(&scalar);
	return "an array";
}

bool
JsonbValueIsObject(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
}
