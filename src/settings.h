/*-------------------------------------------------------------------------
 *
 * settings.h
 *	  Settings given as a jsonb object (the thresholds of readiness(), the
 *	  config of next_action()): validated with errors that name the field,
 *	  parsed once per query and kept in fn_extra (settings.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef LEAD_QUAL_SETTINGS_H
#define LEAD_QUAL_SETTINGS_H

#include "lead_qual.h"

/*
 * A parser fills in what a jsonb object of settings says, over a copy of
 * the defaults; it raises an error naming the field for anything wrong.
 */
typedef void (*LqOptParser) (JsonbContainer *root, void *out);

/* The cache of one settings argument, in fn_mcxt. */
typedef struct LqOptCache
{
	bool		is_const;		/* the argument is a constant of the query */
	bool		valid;			/* parsed holds the parse of raw */
	Jsonb	   *raw;			/* the argument last parsed */
	void	   *parsed;
} LqOptCache;

/* what names the settings in messages ("thresholds"), path the field */
#define lq_opt_error(what, path, ...) \
	lq_field_error(ERRCODE_INVALID_PARAMETER_VALUE, what, path, __VA_ARGS__)
extern char *lq_opt_path(const char *base, const char *field);
extern const char *lq_jv_type_name(const JsonbValue *v);
extern bool lq_jv_is_object(const JsonbValue *v);
extern bool lq_opt_next_member(JsonbIterator **it, const char *what, const char *path,
							   const char *const *allowed, char **key, int *index,
							   JsonbValue *val);
extern double lq_opt_number(const char *what, const char *path, const JsonbValue *v);
extern int32 lq_opt_days(const char *what, const char *path, const JsonbValue *v);
extern int	lq_opt_tier(const char *what, const char *path, const JsonbValue *v);

/* the settings of argument argno: the defaults when it is NULL or absent */
extern void lq_opt_init(FunctionCallInfo fcinfo, LqOptCache *oc, int argno, Size size);
extern const void *lq_opt_get(FunctionCallInfo fcinfo, LqOptCache *oc, int argno,
							  const char *what, Size size, const void *defaults,
							  LqOptParser parse);

/* a number as the messages write it */
extern char *lq_number_text(double x);

#endif							/* LEAD_QUAL_SETTINGS_H */
