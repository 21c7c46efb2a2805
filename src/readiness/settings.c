/*-------------------------------------------------------------------------
 *
 * settings.c
 *	  Settings given as a jsonb object: the thresholds of readiness() and
 *	  the config of next_action() (readiness.c, next_action.c).
 *
 * Each function takes an optional jsonb of settings.  It is validated and
 * parsed once per query and kept in fn_extra: a constant argument is parsed
 * once, any other one again only when its bytes change.  What the object
 * leaves out keeps its default; anything wrong is an error (22023) that
 * names the field.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "base/convert.h"
#include "base/fmgr_util.h"
#include "base/text_util.h"
#include "model/model.h"
#include "readiness/settings.h"


/* The settings object itself: a JSON object, else an error. */
static void
opt_expect_root_object(const char *what, Jsonb *jb)
{
	if (!JB_ROOT_IS_OBJECT(jb))
		NotAnObjectError(what, JsonbRootTypeName(jb), NULL);
}

/*
 * Walk the members of an object container: returns false at the end.  The
 * key is NUL-terminated (jsonb keys hold no NUL); nested values come as
 * jbvBinary.  Unknown keys are refused, with the allowed ones as a hint.
 */
bool
SettingsNextMember(JsonbIterator **it, const char *what, const char *path,
				   const char *const *allowed, char **key, int *index, JsonbValue *val)
{
	JsonbValue	k;
	JsonbIteratorToken tok;

	for (;;)
	{
		tok = JsonbIteratorNext(it, &k, true);
		if (tok == WJB_DONE)
			return false;
		if (tok == WJB_KEY)
			break;
	}
	*key = pnstrdup(k.val.string.val, k.val.string.len);
	tok = JsonbIteratorNext(it, val, true);
	if (tok != WJB_VALUE)
		elog(ERROR, "unexpected jsonb token %d in %s", (int) tok, what);

	for (int i = 0; allowed[i] != NULL; i++)
		if (strcmp(*key, allowed[i]) == 0)
		{
			*index = i;
			return true;
		}

	UnknownFieldError(what, path, *key, (path == NULL || path[0] == '\0') ? what : path,
					  allowed);
}

/* A number from the settings, for messages: short, in scientific notation when long. */
static char *
numeric_text(Numeric n)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));

	if (strlen(s) > 20)
		s = numeric_out_sci(n, 3);
	return TextClip(s, 40);
}

/* A finite number. */
double
SettingsNumber(const char *what, const char *path, const JsonbValue *v)
{
	double		x;

	if (v->type != jbvNumeric)
		SettingsError(what, path, "must be a number, not %s", JsonbValueTypeName(v));
	x = NumericToDouble(v->val.numeric);
	if (isnan(x) || isinf(x))
		SettingsError(what, path, "must be a finite number, not %s (out of range for double precision)",
					 numeric_text(v->val.numeric));
	return x;
}

/* A whole number of days, 0 to LQ_MAX_DAYS. */
int32
SettingsDays(const char *what, const char *path, const JsonbValue *v)
{
	double		x;

	if (v->type != jbvNumeric)
		SettingsError(what, path, "must be a whole number of days, not %s", JsonbValueTypeName(v));
	x = NumericToDouble(v->val.numeric);
	if (isnan(x) || isinf(x) || x != floor(x) || x < 0 || x > LQ_MAX_DAYS)
		SettingsError(what, path, "must be a whole number of days from 0 to %d, not %s",
					 LQ_MAX_DAYS, numeric_text(v->val.numeric));
	return (int32) x;
}

/* A tier letter: 0 for A ... 3 for D. */
int
SettingsTier(const char *what, const char *path, const JsonbValue *v)
{
	if (v->type != jbvString)
		SettingsError(what, path, "must be a tier letter A, B, C or D, not %s", JsonbValueTypeName(v));
	if (v->val.string.len != 1 || v->val.string.val[0] < 'A' || v->val.string.val[0] > 'D')
		SettingsError(what, path, "must be a tier letter A, B, C or D, not \"%s\"",
					 TextClip(pnstrdup(v->val.string.val, v->val.string.len), 20));
	return v->val.string.val[0] - 'A';
}

void
SettingsInit(FunctionCallInfo fcinfo, SettingsCache *oc, int argno, Size size)
{
	oc->is_const = ArgIsConst(fcinfo->flinfo, argno);
	oc->valid = false;
	oc->raw = NULL;
	oc->parsed = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, size);
}

/*
 * The settings of this call: the defaults when the argument is NULL (or
 * absent), else the parse of the argument, parsed again only when the
 * argument is not a constant and its bytes differ from the last one.  The
 * cache is updated only after a successful parse.
 */
const void *
SettingsGet(FunctionCallInfo fcinfo, SettingsCache *oc, int argno, const char *what,
		   Size size, const void *defaults, SettingsParser parse)
{
	Jsonb	   *jb;
	void	   *fresh;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return defaults;
	if (oc->valid && oc->is_const)
		return oc->parsed;
	jb = PG_GETARG_JSONB_P(argno);
	if (oc->valid && VARSIZE(jb) == VARSIZE(oc->raw) &&
		memcmp(jb, oc->raw, VARSIZE(jb)) == 0)
		return oc->parsed;

	opt_expect_root_object(what, jb);
	fresh = palloc(size);
	memcpy(fresh, defaults, size);
	parse(&jb->root, fresh);

	oc->valid = false;
	if (oc->raw != NULL)
		pfree(oc->raw);
	oc->raw = NULL;
	oc->raw = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE(jb));
	memcpy(oc->raw, jb, VARSIZE(jb));
	memcpy(oc->parsed, fresh, size);
	oc->valid = true;
	pfree(fresh);
	return oc->parsed;
}
