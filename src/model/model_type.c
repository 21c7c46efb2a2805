/*-------------------------------------------------------------------------
 *
 * model_type.c
 *	  The SQL functions of type lead_qual.model: input and output, binary
 *	  send and receive, equality and hashing, casts from and to JSON, the
 *	  name, model(), and criteria().
 *
 * Input compiles the JSON into the stored form once, so a stored or passed
 * model is always valid.  Input also accepts the name of a registered model,
 * which is what makes lead_qual.model('bant') work: PostgreSQL reads a type
 * name applied to a literal as a cast.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/syscache.h"

#include "base/binary.h"
#include "model/model.h"
#include "registry/ref.h"

/* The OID of the type lead_qual.model (for queries that pass a model). */
Oid
ModelTypeOid(void)
{
	Oid			nsp = get_namespace_oid("lead_qual", false);
	Oid			type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
									   CStringGetDatum("model"), ObjectIdGetDatum(nsp));

	if (!OidIsValid(type))
		elog(ERROR, "type lead_qual.model does not exist");
	return type;
}

PG_FUNCTION_INFO_V1(lq_model_in);
Datum
lq_model_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(RefTypeInput(fcinfo, REGISTRY_MODELS));
}

PG_FUNCTION_INFO_V1(lq_model_out);
Datum
lq_model_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(ModelJsonText(PG_GETARG_VARLENA_PP(0)));
}

/* Binary form: a version byte, then the canonical JSON text. */
PG_FUNCTION_INFO_V1(lq_model_recv);
Datum
lq_model_recv(PG_FUNCTION_ARGS)
{
	int			nbytes;
	char	   *str = RecvJson((StringInfo) PG_GETARG_POINTER(0), LQ_MODEL_TYPE, &nbytes);

	PG_RETURN_POINTER(ModelCompile(str, nbytes));
}

PG_FUNCTION_INFO_V1(lq_model_send);
Datum
lq_model_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(SendJson(ModelJsonText(PG_GETARG_VARLENA_PP(0))));
}

/* The encoding is canonical: equal models have equal bytes. */
PG_FUNCTION_INFO_V1(lq_model_eq);
Datum
lq_model_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(BinEqual(PG_GETARG_VARLENA_PP(0), PG_GETARG_VARLENA_PP(1)));
}

PG_FUNCTION_INFO_V1(lq_model_ne);
Datum
lq_model_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!BinEqual(PG_GETARG_VARLENA_PP(0), PG_GETARG_VARLENA_PP(1)));
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

/* model(jsonb) */
PG_FUNCTION_INFO_V1(lq_model_jsonb);
Datum
lq_model_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	char	   *text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));

	PG_RETURN_POINTER(ModelCompile(text, strlen(text)));
}

/* model(text): a registered model by name, or model JSON. */
PG_FUNCTION_INFO_V1(lq_model_text);
Datum
lq_model_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_POINTER(RefStoredFromText(REGISTRY_MODELS, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
}

PG_FUNCTION_INFO_V1(lq_model_to_json);
Datum
lq_model_to_json(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(ModelJsonText(PG_GETARG_VARLENA_PP(0))));
}

PG_FUNCTION_INFO_V1(lq_model_to_jsonb);
Datum
lq_model_to_jsonb(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(ModelJsonText(PG_GETARG_VARLENA_PP(0))));
}

PG_FUNCTION_INFO_V1(lq_model_name);
Datum
lq_model_name(PG_FUNCTION_ARGS)
{
	LqModel    *m = ModelDecode(PG_GETARG_VARLENA_PP(0));

	PG_RETURN_TEXT_P(cstring_to_text(m->name));
}

/*
 * criteria(model, lang): the criteria as rows, for reading a model, for
 * documentation and for BI tools.
 */
PG_FUNCTION_INFO_V1(lq_criteria);
Datum
lq_criteria(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LqModel    *m;
	char	   *lang;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;		/* no model, no criteria */
	m = ModelDecode(PG_GETARG_VARLENA_PP(0));
	lang = PG_ARGISNULL(1) ? "en" : text_to_cstring(PG_GETARG_TEXT_PP(1));

	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		const char *descr = LocalizedPick(&c->description, lang, 0);
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
		values[7] = CStringGetTextDatum(RuleTypeName(c->rule));
		values[8] = CStringGetTextDatum(RuleDescribe(c));
		qs = palloc(sizeof(Datum) * LQ_MAX_QUESTIONS);
		for (const char *q; nq < LQ_MAX_QUESTIONS &&
			 (q = LocalizedPick(&c->questions, lang, nq)) != NULL; nq++)
			qs[nq] = CStringGetTextDatum(q);
		values[9] = PointerGetDatum(nq > 0
									? construct_array(qs, nq, TEXTOID, -1, false, TYPALIGN_INT)
									: construct_empty_array(TEXTOID));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
