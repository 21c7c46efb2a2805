/*-------------------------------------------------------------------------
 *
 * released_names.c
 *	  The names under which releases before 0.3.2 knew some SQL-callable
 *	  functions.
 *
 * A C function's name is stored in pg_proc when its SQL function is
 * created, so the names an installed database uses are those of the script
 * that created it: until ALTER EXTENSION lead_qual UPDATE, a database made
 * by an earlier release calls the library by the earlier names, and the
 * install scripts of earlier versions (which updates start from) use them
 * too.  Each name here only calls the function that has it now; nothing
 * else may use them.  Since 0.3.2 every SQL-callable function is named
 * lq_ + the SQL function's name (doc/hacking.md).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

/* released_name() is a call of the function now called current() */
#define RELEASED_NAME(released_name, current) \
	extern Datum current(PG_FUNCTION_ARGS); \
	PG_FUNCTION_INFO_V1(released_name); \
	Datum \
	released_name(PG_FUNCTION_ARGS) \
	{ \
		return current(fcinfo); \
	}

/* lead_qual.model */
RELEASED_NAME(lq_model_by_name, lq_model_text)
RELEASED_NAME(lq_model_from_jsonb, lq_model_jsonb)
RELEASED_NAME(lq_model_as_json, lq_model_to_json)
RELEASED_NAME(lq_model_as_jsonb, lq_model_to_jsonb)

/* lead_qual.engagement_rules */
RELEASED_NAME(lq_rules_in, lq_engagement_rules_in)
RELEASED_NAME(lq_rules_out, lq_engagement_rules_out)
RELEASED_NAME(lq_rules_recv, lq_engagement_rules_recv)
RELEASED_NAME(lq_rules_send, lq_engagement_rules_send)
RELEASED_NAME(lq_rules_by_name, lq_engagement_rules_text)
RELEASED_NAME(lq_rules_from_jsonb, lq_engagement_rules_jsonb)
RELEASED_NAME(lq_rules_as_jsonb, lq_engagement_rules_to_jsonb)
RELEASED_NAME(lq_rules_name, lq_engagement_rules_name)
RELEASED_NAME(lq_rules_eq, lq_engagement_rules_eq)
RELEASED_NAME(lq_rules_kinds, lq_engagement_kinds)

/* the engagement aggregate: the rules by name were once separate functions */
RELEASED_NAME(lq_engagement_step_by_name, lq_engagement_step)
RELEASED_NAME(lq_engagement_unstep_by_name, lq_engagement_unstep)
