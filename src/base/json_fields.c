/*-------------------------------------------------------------------------
 *
 * json_fields.c
 *	  Errors about the fields of lead_qual's JSON documents, and the names
 *	  of JSON types in messages (json_fields.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"

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

/* "invalid <what> field "<path>": <why>", the why formatted as printf does. */
void
FieldError(int code, const char *what, const char *path, const char *fmt,...)
{
	StringInfoData why;

	initStringInfo(&why);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&why, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&why, needed);
	}
	ereport(ERROR,
			(errcode(code),
			 errmsg("invalid %s field \"%s\": %s", what, path, why.data)));
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
