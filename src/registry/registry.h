/*-------------------------------------------------------------------------
 *
 * registry.h
 *	  The registries of named values: lead_qual.models (models) and
 *	  lead_qual.engagement_rule_sets (engagement rules), and the counters
 *	  that tell caches when what they hold may be stale.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_REGISTRY_H
#define LQ_REGISTRY_H

#include "postgres.h"

#include "compat.h"

typedef enum RegistryKind
{
	REGISTRY_MODELS,
	REGISTRY_RULES
} RegistryKind;

extern void RegistryInit(void);
extern struct varlena *RegistryFetch(RegistryKind kind, const char *name, bool missing_ok);
pg_noreturn extern void RegistryNotFound(RegistryKind kind, const char *name, bool or_json);
extern Oid	RegistryRelation(RegistryKind kind);
extern uint64 RegistryChanges;
extern uint64 SchemaChanges;

/*
 * Counts the invalidations of the registry tables: a value looked up by
 * name (ref.c) is stale once this has moved on.  Read for every row, so
 * inline.
 */
static inline uint64
RegistryGeneration(void)
{
	return RegistryChanges;
}

/*
 * Counts invalidations that may change how rows of a composite type read:
 * a bound row type (evidence.c) is stale once this has moved on.
 */
static inline uint64
SchemaGeneration(void)
{
	return SchemaChanges;
}

#endif							/* LQ_REGISTRY_H */
