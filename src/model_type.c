/*-------------------------------------------------------------------------
 *
 * model_type.c
 *	  The lead_qual.model type: input, output, binary send/receive,
 *	  equality and hashing, casts from and to JSON, and accessors.
 *
 * Input compiles the JSON into the binary form once, so a stored or passed
 * model is always valid.  Input also accepts the name of a registered model,
 * which is what makes lead_qual.model('bant') work: PostgreSQL reads a type
 * name applied to a literal as a cast.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "lead_qual.h"

/* Compile model JSON into a varlena allocated in the caller's context. */
static bytea *
compile_model_text(const char *text, int len)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext work = AllocSetContextCreate(caller, "lead_qual model input",
											   ALLOCSET_DEFAULT_SIZES);
	bytea	   *encoded;
	bytea	   *result;

	MemoryContextSwitchTo(work);
	encoded = lq_model_encode(lq_model_parse_text(text, len));
	MemoryContextSwitchTo(caller);
	result = palloc(VARSIZE(encoded));
	memcpy(result, encoded, VARSIZE(encoded));
	MemoryContextDelete(work);
	return result;
}

static char *
model_json(const struct varlena *raw)
{
	StringInfoData out;

	initStringInfo(&out);
	lq_model_to_json(&out, lq_model_decode(raw));
	return out.data;
}

/*
 * A model written as text: model JSON, or the name of a registered model
 * (any case, blanks around it ignored).  Used by the type input and by the
 * functions that take the model as text.
 */
struct varlena *
lq_model_from_text(const char *s, int len)
{
	const char *p = s;
	int			n = len;
	bool		wordlike = true;

	lq_trim(&p, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a model cannot be empty"),
				 errhint("Write a model as JSON, or give the name of a registered model.")));

	/* letters, digits and underscores only: meant as a name */
	for (int i = 0; i < n && wordlike; i++)
		wordlike = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
			(p[i] >= '0' && p[i] <= '9') || p[i] == '_';
	if (wordlike)
	{
		char		name[LQ_MAX_NAME_LEN + 1];

		if (n > LQ_MAX_NAME_LEN || (p[0] >= '0' && p[0] <= '9'))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" is not a valid model name", lq_clip(pnstrdup(p, n), 64)),
					 errdetail("A model name has at most %d letters, digits and underscores, and does not start with a digit.",
							   LQ_MAX_NAME_LEN)));
		for (int i = 0; i < n; i++)
			name[i] = lq_ascii_lower(p[i]);
		name[n] = '\0';
		return lq_registry_fetch(name, false);
	}
	return (struct varlena *) compile_model_text(s, len);
}

PG_FUNCTION_INFO_V1(lq_model_in);
Datum
lq_model_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(lq_model_from_text(s, strlen(s)));
}

PG_FUNCTION_INFO_V1(lq_model_out);
Datum
lq_model_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(model_json(PG_GETARG_VARLENA_PP(0)));
}

/* Binary form: a version byte, then the canonical JSON text. */
PG_FUNCTION_INFO_V1(lq_model_recv);
Datum
lq_model_recv(PG_FUNCTION_ARGS)
{
	int			nbytes;
	char	   *str = lq_recv_json((StringInfo) PG_GETARG_POINTER(0), "lead_qual.model", &nbytes);

	PG_RETURN_POINTER(compile_model_text(str, nbytes));
}

PG_FUNCTION_INFO_V1(lq_model_send);
Datum
lq_model_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(lq_send_json(model_json(PG_GETARG_VARLENA_PP(0))));
}

/* The encoding is canonical: equal models have equal bytes. */
static bool
model_bytes_equal(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_GETARG_VARLENA_PP(0);
	struct varlena *b = PG_GETARG_VARLENA_PP(1);

	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

PG_FUNCTION_INFO_V1(lq_model_eq);
Datum
lq_model_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(model_bytes_equal(fcinfo));
}

PG_FUNCTION_INFO_V1(lq_model_ne);
Datum
lq_model_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!model_bytes_equal(fcinfo));
}

PG_FUNCTION_INFO_V1(lq_model_hash);
Datum
lq_model_hash(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_VARLENA_PP(0);

	return hash_any((const unsigned char *) VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a));
}

PG_FUNCTION_INFO_V1(lq_model_hash_extended);
Datum
lq_model_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_VARLENA_PP(0);

	return hash_any_extended((const unsigned char *) VARDATA_ANY(a),
							 VARSIZE_ANY_EXHDR(a), PG_GETARG_INT64(1));
}

PG_FUNCTION_INFO_V1(lq_model_from_jsonb);
Datum
lq_model_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	char	   *text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));

	PG_RETURN_POINTER(compile_model_text(text, strlen(text)));
}

PG_FUNCTION_INFO_V1(lq_model_as_json);
Datum
lq_model_as_json(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(model_json(PG_GETARG_VARLENA_PP(0))));
}

PG_FUNCTION_INFO_V1(lq_model_as_jsonb);
Datum
lq_model_as_jsonb(PG_FUNCTION_ARGS)
{
	char	   *json = model_json(PG_GETARG_VARLENA_PP(0));

	return DirectFunctionCall1(jsonb_in, CStringGetDatum(json));
}

PG_FUNCTION_INFO_V1(lq_model_name);
Datum
lq_model_name(PG_FUNCTION_ARGS)
{
	LqModel    *m = lq_model_decode(PG_GETARG_VARLENA_PP(0));

	PG_RETURN_TEXT_P(cstring_to_text(m->name));
}

/* lead_qual.model(text): a registered model by name, or model JSON. */
PG_FUNCTION_INFO_V1(lq_model_by_name);
Datum
lq_model_by_name(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_POINTER(lq_model_from_text(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
}

/*
 * criteria(model, lang): the criteria as rows, for reading a model, for
 * documentation and for BI tools.
 */
PG_FUNCTION_INFO_V1(lq_criteria);
Datum
lq_criteria(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Tuplestorestate *store = lq_srf_begin(fcinfo, &desc);
	LqModel    *m;
	char	   *lang;

	if (PG_ARGISNULL(0))
		return (Datum) 0;		/* no model, no criteria */
	m = lq_model_decode(PG_GETARG_VARLENA_PP(0));
	lang = PG_ARGISNULL(1) ? "en" : text_to_cstring(PG_GETARG_TEXT_PP(1));

	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		const char *descr = lq_localized_pick(&c->description, lang, 0);
		Datum		values[10];
		bool		nulls[10] = {0};
		Datum	   *qs;
		int			nq = 0;

		values[0] = Int32GetDatum(i + 1);
		values[1] = CStringGetTextDatum(c->key);
		values[2] = CStringGetTextDatum(c->label);
		if (descr)
			values[3] = CStringGetTextDatum(descr);
		else
			nulls[3] = true;
		values[4] = Float8GetDatum(c->weight);
		values[5] = CStringGetTextDatum(c->source);
		values[6] = BoolGetDatum(c->knockout);
		values[7] = CStringGetTextDatum(lq_rule_type_name(c->rule));
		values[8] = CStringGetTextDatum(lq_rule_describe(c));
		qs = palloc(sizeof(Datum) * LQ_MAX_QUESTIONS);
		for (const char *q; nq < LQ_MAX_QUESTIONS &&
			 (q = lq_localized_pick(&c->questions, lang, nq)) != NULL; nq++)
			qs[nq] = CStringGetTextDatum(q);
		values[9] = PointerGetDatum(nq > 0
									? construct_array(qs, nq, TEXTOID, -1, false, TYPALIGN_INT)
									: construct_empty_array(TEXTOID));
		tuplestore_putvalues(store, desc, values, nulls);
	}
	return (Datum) 0;
}
