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
extern uint64 RegistryGeneration(void);
extern uint64 SchemaGeneration(void);

#endif							/* LQ_REGISTRY_H */
