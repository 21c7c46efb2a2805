/*-------------------------------------------------------------------------
 *
 * json_fields.h
 *	  Errors about the fields of the JSON documents lead_qual reads: models,
 *	  engagement rules, and the settings of readiness() and next_action().
 *
 * Every such error names the document ("what": "model", "engagement
 * rules", "thresholds" ...) and the field, as a path such as
 * criteria[2].rule.values, and has one wording whatever the document:
 *
 *	 invalid <what> field "<path>": <why>
 *	 invalid <what>: unknown field "<path>"			(hint: the fields there)
 *	 invalid <what>: field "<path>" appears more than once
 *	 invalid <what>: missing field "<path>"
 *	 invalid <what>: must be a JSON object, not <type>
 *	 invalid <what> field "<path>": "<name>" is not a valid name
 *												(detail: what a name is)
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_JSON_FIELDS_H
#define LQ_JSON_FIELDS_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "base/json_tree.h"
#include "compat.h"

pg_noreturn extern void FieldError(int code, const char *what, const char *path,
								   const char *fmt,...) pg_attribute_printf(4, 5);
pg_noreturn extern void UnknownFieldError(const char *what, const char *path,
										  const char *field, const char *whose,
										  const char *const *allowed);
pg_noreturn extern void RepeatedFieldError(const char *what, const char *path,
										   const char *field);
pg_noreturn extern void MissingFieldError(const char *what, const char *path,
										  const char *field);
pg_noreturn extern void InvalidNameError(const char *what, const char *path,
										 const char *name, const char *hint);
pg_noreturn extern void NotAnObjectError(const char *what, const char *type_name,
										 const char *hint);

extern char *FieldPath(const char *base, const char *field);
extern char *IndexPath(const char *base, int i);
extern void CheckFields(const JNode *obj, const char *what, const char *path,
						const char *whose, const char *const *allowed);
extern const JNode *RequiredField(const JNode *obj, const char *what,
								  const char *path, const char *field);
extern double FieldNumber(const JNode *n, const char *what, const char *path, double lo, double hi);
extern int	FieldInteger(const JNode *n, const char *what, const char *path, int lo, int hi);

/*
 * The text form of an aggregate's state, read back by its input function:
 * errors 22P02 "invalid <type>: <why>", with a hint saying where such text
 * comes from.
 */
typedef struct StateText
{
	const char *type;			/* "lead_qual.engagement_state" */
	const char *hint;
} StateText;

pg_noreturn extern void StateTextError(const StateText *st, const char *fmt,...) pg_attribute_printf(2, 3);
extern const JNode *StateTextMember(const StateText *st, const JNode *obj, const char *key,
									JNodeType type, bool nullable);
extern int64 StateTextWhole(const StateText *st, const JNode *obj, const char *key,
							int64 lo, int64 hi);

extern const char *JsonbValueTypeName(const JsonbValue *v);
extern const char *JsonbRootTypeName(Jsonb *jb);
extern bool JsonbValueIsObject(const JsonbValue *v);

#endif							/* LQ_JSON_FIELDS_H */
