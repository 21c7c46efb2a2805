/*-------------------------------------------------------------------------
 *
 * ref.c
 *	  A model or a set of engagement rules given to a function, decoded
 *	  once and kept for the rest of the query (ref.h).
 *
 * Every function that takes a model or rules goes through here: the
 * scoring functions, explain() and next_action(), the autoscore trigger,
 * the touches and engagement aggregates.  So do the types' input functions
 * for text, which take a registered name or JSON alike.
 *
 * An LqRef, kept in the caller's fn_extra state, holds the decoded value
 * and the bytes of the argument it came from:
 *	 - a value of the type is decoded again only when the argument's bytes
 *	   differ from the last ones (a constant argument is not compared);
 *	 - text is looked up in the registry (or compiled, when it is JSON)
 *	   again only when it differs, or when the registry has changed since
 *	   (registry.c counts its changes, in every backend).
 * What a caller derives from the value (row bindings, the keys a model
 * reads, prepared results) it keeps in RefMemory(), which is reset when
 * another value is loaded; ref->loads counts the loads, so that the caller
 * can tell.  A value is published last: after an error half way (caught
 * by a PL/pgSQL exception block, say) the cache holds none and starts over.
 *
 * Behind the LqRefs, the backend keeps the last values decoded (a few,
 * by kind and bytes, names with the registry's generation), so that a
 * caller whose fn_extra starts empty for every row (Citus's
 * worker_partial_agg sets the transition function up anew each time) does
 * not look the name up and decode the value every row.  Those values are
 * never changed; one pushed out is freed only when the transaction ends,
 * as an LqRef of this transaction may still point to it (and while too
 * many wait for that, new values are not kept).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "access/xact.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "base/fmgr_util.h"
#include "base/text_util.h"
#include "registry/ref.h"

/* How the messages speak of each kind of value. */
static const struct
{
	const char *empty;
	const char *hint;
}			kinds[] = {
	[REGISTRY_MODELS] = {
		"a model cannot be empty",
		"Write a model as JSON, or give the name of a registered model."
	},
	[REGISTRY_RULES] = {
		"engagement rules cannot be empty",
		"Write the rules as JSON, or give the name of registered rules."
	},
};

void
RefInit(LqRef *ref, RegistryKind kind, MemoryContext parent, bool by_text,
		bool is_const)
{
	memset(ref, 0, sizeof(*ref));
	ref->kind = kind;
	ref->by_text = by_text;
	ref->is_const = is_const;
	if (kind == REGISTRY_MODELS)
		ref->cxt = AllocSetContextCreate(parent, "lead_qual model", ALLOCSET_SMALL_SIZES);
	else
		ref->cxt = AllocSetContextCreate(parent, "lead_qual engagement rules",
										 ALLOCSET_SMALL_SIZES);
}

/*
 * A ref for argument argno of the call, which the function declares as the
 * value's type or as text; kept in fn_mcxt.
 */
void
RefInitArg(LqRef *ref, RegistryKind kind, FunctionCallInfo fcinfo, int argno)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	Oid		   *argtypes;
	int			nargs;
	bool		by_text;

	get_func_signature(flinfo->fn_oid, &argtypes, &nargs);
	if (argno >= nargs)
		elog(ERROR, "function %u has no argument %d", flinfo->fn_oid, argno + 1);
	by_text = (argtypes[argno] == TEXTOID);
	pfree(argtypes);
	RefInit(ref, kind, flinfo->fn_mcxt, by_text, ArgIsConst(flinfo, argno));
}

/*
 * The ref of a function whose fn_extra holds nothing else, for its
 * argument argno: made at the first call.
 */
LqRef *
RefOfCall(FunctionCallInfo fcinfo, RegistryKind kind, int argno)
{
	LqRef	   *ref = (LqRef *) fcinfo->flinfo->fn_extra;

	if (ref == NULL)
	{
		ref = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(LqRef));
		RefInitArg(ref, kind, fcinfo, argno);
		fcinfo->flinfo->fn_extra = ref;
	}
	return ref;
}

/* Is the cached value that of these bytes (and, for text, still current)? */
static bool
holds(LqRef *ref, const char *key, int keylen)
{
	if (!ref->valid)
		return false;
	if (ref->by_text && ref->generation != RegistryGeneration())
		return false;
	if (ref->is_const)
		return true;
	return ref->keylen == keylen && memcmp(ref->key, key, keylen) == 0;
}

#define CACHED_VALUES	16		/* values the backend keeps */
#define RETIRED_MAX		16		/* pushed out, waiting for the transaction's end */

typedef struct CachedValue
{
	MemoryContext cxt;			/* this entry's; NULL: a free slot */
	RegistryKind kind;
	bool		by_text;
	uint64		generation;		/* of the registry, for text */
	char	   *key;
	int			keylen;
	struct varlena *stored;
	void	   *decoded;
	uint64		used;			/* when last used, for pushing out */
	bool		ready;			/* filled in completely */
} CachedValue;

static CachedValue cache[CACHED_VALUES];
static MemoryContext retired[RETIRED_MAX];
static int	nretired;
static uint64 cache_clock;
static bool xact_callback_set;

/* At the end of a transaction, free the values pushed out during it. */
static void
cache_xact_end(XactEvent event, void *arg)
{
	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT && event != XACT_EVENT_PARALLEL_ABORT)
		return;
	for (int i = 0; i < nretired; i++)
		MemoryContextDelete(retired[i]);
	nretired = 0;
}

static CachedValue *
cache_find(const LqRef *ref, const char *key, int keylen)
{
	for (int i = 0; i < CACHED_VALUES; i++)
	{
		CachedValue *e = &cache[i];

		if (e->ready && e->kind == ref->kind && e->by_text == ref->by_text &&
			e->keylen == keylen && (!e->by_text || e->generation == RegistryGeneration()) &&
			memcmp(e->key, key, keylen) == 0)
		{
			e->used = ++cache_clock;
			return e;
		}
	}
	return NULL;
}

/* A slot for a new value (its context made), or NULL when none can be had. */
static CachedValue *
cache_slot(void)
{
	CachedValue *victim = NULL;

	for (int i = 0; i < CACHED_VALUES; i++)
	{
		if (cache[i].cxt == NULL)
		{
			victim = &cache[i];
			break;
		}
		if (victim == NULL || cache[i].used < victim->used)
			victim = &cache[i];
	}
	if (victim->cxt != NULL)
	{
		if (nretired >= RETIRED_MAX)
			return NULL;
		if (!xact_callback_set)
		{
			RegisterXactCallback(cache_xact_end, NULL);
			xact_callback_set = true;
		}
		MemoryContextSetParent(victim->cxt, TopMemoryContext);
		retired[nretired++] = victim->cxt;
	}
	memset(victim, 0, sizeof(*victim));
	victim->cxt = AllocSetContextCreate(TopMemoryContext, "lead_qual cached value",
										ALLOCSET_SMALL_SIZES);
	return victim;
}

/*
 * Load a value: forget the last one, remember key (the bytes it is known
 * by), get its stored form (stored, or else the text in key) and decode
 * it, all in ref->cxt.  stored may be the same bytes as key: one copy.
 */
static const void *
load(LqRef *ref, const char *key, int keylen, const struct varlena *stored)
{
	MemoryContext old;

	CachedValue *e;

	ref->valid = false;
	ref->decoded = NULL;
	MemoryContextReset(ref->cxt);
	ref->loads++;
	old = MemoryContextSwitchTo(ref->cxt);
	ref->key = palloc(Max(keylen, 1));
	memcpy(ref->key, key, keylen);
	ref->keylen = keylen;
	ref->generation = RegistryGeneration();

	/* a value the backend has decoded already */
	if ((e = cache_find(ref, key, keylen)) != NULL)
	{
		ref->stored = e->stored;
		ref->decoded = e->decoded;
		MemoryContextSwitchTo(old);
		ref->valid = true;
		return ref->decoded;
	}
	if (stored == NULL)
		ref->stored = RefStoredFromText(ref->kind, key, keylen);
	else if ((const char *) stored == key)
		ref->stored = (struct varlena *) ref->key;
	else
	{
		ref->stored = palloc(VARSIZE_ANY(stored));
		memcpy(ref->stored, stored, VARSIZE_ANY(stored));
	}
	if (ref->kind == REGISTRY_MODELS)
		ref->decoded = ModelDecode(ref->stored);
	else
		ref->decoded = RulesDecode(ref->stored);

	/* kept for the next LqRef (decoded again in the entry's own memory) */
	if ((e = cache_slot()) != NULL)
	{
		MemoryContextSwitchTo(e->cxt);
		e->kind = ref->kind;
		e->by_text = ref->by_text;
		e->generation = ref->generation;
		e->key = palloc(Max(keylen, 1));
		memcpy(e->key, key, keylen);
		e->keylen = keylen;
		e->stored = palloc(VARSIZE_ANY(ref->stored));
		memcpy(e->stored, ref->stored, VARSIZE_ANY(ref->stored));
		e->decoded = ref->kind == REGISTRY_MODELS ? (void *) ModelDecode(e->stored)
			: (void *) RulesDecode(e->stored);
		e->used = ++cache_clock;
		e->ready = true;
	}
	MemoryContextSwitchTo(old);
	ref->valid = true;
	return ref->decoded;
}

/*
 * A value of the type, in any varlena form.  It is known by its bytes as
 * given (compressed ones too, so that a value compressed in a table row is
 * not decompressed again for every row); a value stored out of line is
 * fetched first, as its pointer says nothing about its content.
 */
const void *
RefGetStored(LqRef *ref, const struct varlena *value)
{
	struct varlena *given = unconstify(struct varlena *, value);

	if (VARATT_IS_EXTERNAL(given))
		given = (struct varlena *) PG_DETOAST_DATUM(PointerGetDatum(given));
	if (holds(ref, (const char *) given, VARSIZE_ANY(given)))
		return ref->decoded;
	if (VARATT_IS_COMPRESSED(given))
		return load(ref, (const char *) given, VARSIZE_ANY(given),
					(struct varlena *) PG_DETOAST_DATUM(PointerGetDatum(given)));
	return load(ref, (const char *) given, VARSIZE_ANY(given), given);
}

/* Text: the name of a registered value, or its JSON (len bytes). */
const void *
RefGetText(LqRef *ref, const char *s, int len)
{
	if (holds(ref, s, len))
		return ref->decoded;
	return load(ref, s, len, NULL);
}

/* The argument, as the function declares it: a value, or text. */
const void *
RefGet(LqRef *ref, Datum arg)
{
	if (RefHoldsConstant(ref))
		return ref->decoded;
	if (ref->by_text)
	{
		text	   *t = (text *) pg_detoast_datum_packed((struct varlena *) DatumGetPointer(arg));

		return RefGetText(ref, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	return RefGetStored(ref, (struct varlena *) DatumGetPointer(arg));
}

/*
 * Text given for a model or rules (RefStoredFromText, RefTypeInput), and
 * what it turned out to be: a registered name, or JSON compiled.
 */
typedef struct TextInput
{
	RegistryKind kind;
	const char *s;
	int			len;
	bool		is_name;		/* not JSON */
	bool		valid_name;		/* a name that can be registered: in name */
	char		name[LQ_MAX_NAME_LEN + 1];	/* lower case */
	const char *given;			/* the name as written, blanks around it */
	int			given_len;		/* removed (points into s) */
} TextInput;

/*
 * Read the text: JSON when it starts with '{' (or '[' or '"', which no
 * name does), else a name.  A name of letters, digits and underscores,
 * not starting with a digit and at most LQ_MAX_NAME_LEN bytes, is looked
 * up in lower case (in->name); another cannot be registered (valid_name is
 * false), and is reported as not found, with what a name is.  JSON is
 * compiled into the stored form, which is returned.  Takes no resource but
 * memory (see InputParse).
 */
static Datum
read_text(void *arg)
{
	TextInput  *in = (TextInput *) arg;
	const char *p = in->s;
	int			n = in->len;
	bool		valid = true;

	TrimBlanks(&p, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", kinds[in->kind].empty),
				 errhint("%s", kinds[in->kind].hint)));
	if (p[0] == '{' || p[0] == '[' || p[0] == '"')
		return PointerGetDatum(in->kind == REGISTRY_MODELS ? ModelCompile(in->s, in->len)
							   : RulesCompile(in->s, in->len));

	in->is_name = true;
	in->given = p;
	in->given_len = n;
	if (n > LQ_MAX_NAME_LEN || (p[0] >= '0' && p[0] <= '9'))
		valid = false;
	for (int i = 0; i < n && valid; i++)
		valid = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
			(p[i] >= '0' && p[i] <= '9') || p[i] == '_';
	in->valid_name = valid;
	if (valid)
	{
		for (int i = 0; i < n; i++)
			in->name[i] = AsciiLower(p[i]);
		in->name[n] = '\0';
	}
	return (Datum) 0;
}

/* The name nothing is registered under, or that cannot be registered. */
static void
raise_not_found(void *arg)
{
	TextInput  *in = (TextInput *) arg;

	RegistryNotFound(in->kind, in->valid_name ? in->name
					 : pnstrdup(in->given, in->given_len), true);
}

/*
 * A model or rules written as text, in the stored form, allocated in the
 * current memory context: JSON is compiled; a word is the name of a
 * registered one, looked up.
 */
struct varlena *
RefStoredFromText(RegistryKind kind, const char *s, int len)
{
	TextInput	in = {.kind = kind, .s = s, .len = len};
	Datum		compiled = read_text(&in);

	if (!in.is_name)
		return (struct varlena *) DatumGetPointer(compiled);
	if (!in.valid_name)
		raise_not_found(&in);
	return RegistryFetch(kind, in.name, false);
}

/*
 * A registered model or rules named by the text, in the stored form, in
 * the current memory context; NULL when the text is JSON, empty, not a
 * name, or a name nothing is registered under (no error: the caller leaves
 * the text to be read when the call runs).
 */
struct varlena *
RefStoredFromName(RegistryKind kind, const char *s, int len)
{
	const char *p = s;
	int			n = len;
	char		name[LQ_MAX_NAME_LEN + 1];

	TrimBlanks(&p, &n);
	if (n == 0 || n > LQ_MAX_NAME_LEN || (p[0] >= '0' && p[0] <= '9'))
		return NULL;
	for (int i = 0; i < n; i++)
	{
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
			  (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return NULL;
		name[i] = AsciiLower(p[i]);
	}
	name[n] = '\0';
	return RegistryFetch(kind, name, true);
}

/*
 * The input function of type lead_qual.model or lead_qual.engagement_rules
 * (argument 0, a cstring): as RefStoredFromText, which is what makes
 * lead_qual.model('bant') work, since PostgreSQL reads a type name applied
 * to a literal as a cast.  Bad text, and a name nothing is registered
 * under, are reported softly when the caller asks (InputParse,
 * InputSoftError): the result is then 0 and not to be used.
 */
Datum
RefTypeInput(FunctionCallInfo fcinfo, RegistryKind kind)
{
	char	   *s = PG_GETARG_CSTRING(0);
	TextInput	in = {.kind = kind, .s = s, .len = strlen(s)};
	Datum		compiled;
	struct varlena *stored;

	if (!InputParse(fcinfo, read_text, &in, &compiled))
		return (Datum) 0;
	if (!in.is_name)
		return compiled;
	if (!in.valid_name)
	{
		if (!SoftErrorsWanted(fcinfo))
			raise_not_found(&in);
		InputSoftError(fcinfo, raise_not_found, &in);
		return (Datum) 0;
	}
	stored = RegistryFetch(kind, in.name, SoftErrorsWanted(fcinfo));
	if (stored == NULL)
	{
		InputSoftError(fcinfo, raise_not_found, &in);
		return (Datum) 0;
	}
	return PointerGetDatum(stored);
}
