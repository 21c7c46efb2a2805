/*-------------------------------------------------------------------------
 *
 * ref.h
 *	  A model or a set of engagement rules given to a function: as a value
 *	  of its type, or as text (a registered name, or JSON), decoded once
 *	  and kept for the rest of the query (ref.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_REF_H
#define LQ_REF_H

#include "postgres.h"

#include "fmgr.h"

#include "compat.h"
#include "engagement/rules.h"
#include "model/model.h"
#include "registry/registry.h"

typedef struct LqRef
{
	RegistryKind kind;			/* a model or engagement rules */
	bool		by_text;		/* given as text: a registered name or JSON */
	bool		is_const;		/* the argument is a constant of the query */
	MemoryContext cxt;			/* the value, and what callers derive from it */
	uint64		loads;			/* values loaded so far: callers compare */
	bool		valid;			/* decoded holds the value of key */
	char	   *key;			/* the argument loaded: a value's bytes as given
								 * (varlena header included), or the text */
	int			keylen;
	uint64		generation;		/* by text: the registry's, at the lookup */
	struct varlena *stored;		/* the value's stored form */
	void	   *decoded;		/* LqModel * or LqRules * */
} LqRef;

extern void RefInit(LqRef *ref, RegistryKind kind, MemoryContext parent,
					bool by_text, bool is_const);
extern void RefInitArg(LqRef *ref, RegistryKind kind, FunctionCallInfo fcinfo,
					   int argno);
extern LqRef *RefOfCall(FunctionCallInfo fcinfo, RegistryKind kind, int argno);
extern const void *RefGet(LqRef *ref, Datum arg);
extern const void *RefGetStored(LqRef *ref, const struct varlena *value);
extern const void *RefGetText(LqRef *ref, const char *s, int len);
extern struct varlena *RefStoredFromText(RegistryKind kind, const char *s, int len);
extern struct varlena *RefStoredFromName(RegistryKind kind, const char *s, int len);
extern Datum RefTypeInput(FunctionCallInfo fcinfo, RegistryKind kind);

/* where callers keep what they derive from the value loaded */
#define RefMemory(ref)	((ref)->cxt)

/*
 * Does the ref hold the value of its constant argument, still current?
 * Then no argument need be looked at: what every row after the first of a
 * query finds, checked inline.
 */
static inline bool
RefHoldsConstant(const LqRef *ref)
{
	return ref->valid && ref->is_const &&
		(!ref->by_text || ref->generation == RegistryGeneration());
}

static inline const LqModel *
RefModel(LqRef *ref, Datum arg)
{
	Assert(ref->kind == REGISTRY_MODELS);
	if (RefHoldsConstant(ref))
		return (const LqModel *) ref->decoded;
	return (const LqModel *) RefGet(ref, arg);
}

static inline const LqRules *
RefRules(LqRef *ref, Datum arg)
{
	Assert(ref->kind == REGISTRY_RULES);
	if (RefHoldsConstant(ref))
		return (const LqRules *) ref->decoded;
	return (const LqRules *) RefGet(ref, arg);
}

#endif							/* LQ_REF_H */
