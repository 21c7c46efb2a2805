/*-------------------------------------------------------------------------
 *
 * settings.h
 *	  Settings given as a jsonb object (the thresholds of readiness(), the
 *	  config of next_action()): validated with errors that name the field,
 *	  parsed once per query and kept in fn_extra (settings.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_SETTINGS_H
#define LQ_SETTINGS_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/jsonb.h"

#include "base/json_fields.h"
#include "compat.h"

/*
 * A parser fills in what a jsonb object of settings says, over a copy of
 * the defaults; it raises an error naming the field for anything wrong.
 */
typedef void (*SettingsParser) (JsonbContainer *root, void *out);

/* The cache of one settings argument, in fn_mcxt. */
typedef struct SettingsCache
{
	bool		is_const;		/* the argument is a constant of the query */
	bool		valid;			/* parsed holds the parse of raw */
	Jsonb	   *raw;			/* the argument last parsed */
	void	   *parsed;
} SettingsCache;

/* what names the settings in messages ("thresholds"), path the field */
#define SettingsError(what, path, ...) \
	FieldError(ERRCODE_INVALID_PARAMETER_VALUE, what, path, __VA_ARGS__)
extern bool SettingsNextMember(JsonbIterator **it, const char *what, const char *path,
							   const char *const *allowed, char **key, int *index,
							   JsonbValue *val);
extern double SettingsNumber(const char *what, const char *path, const JsonbValue *v);
extern int32 SettingsDays(const char *what, const char *path, const JsonbValue *v);
extern int	SettingsTier(const char *what, const char *path, const JsonbValue *v);

/* the settings of argument argno: the defaults when it is NULL or absent */
extern void SettingsInit(FunctionCallInfo fcinfo, SettingsCache *oc, int argno, Size size);
extern const void *SettingsGet(FunctionCallInfo fcinfo, SettingsCache *oc, int argno,
							  const char *what, Size size, const void *defaults,
							  SettingsParser parse);

#endif							/* LQ_SETTINGS_H */
