/*-------------------------------------------------------------------------
 *
 * qualification.c
 *	  Making and reading values of lead_qual.qualification
 *	  (qualification.h).
 *
 * A qualification is made for every row a scoring function or the
 * autoscore trigger sees, so the maker prepares once per model what does
 * not change from row to row: the texts of the model's name, statuses and
 * tiers, and (for small models) the arrays of missing and failed keys.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "base/fmgr_util.h"
#include "scoring/qualification.h"

/* The fields as the extension's script declares them, by QualField. */
static const struct
{
	const char *name;
	Oid			type;
}			fields[QF_NFIELDS + 1] = {
	[QF_MODEL] = {"model", TEXTOID},
	[QF_SCORE] = {"score", FLOAT8OID},
	[QF_QUALIFIED] = {"qualified", BOOLOID},
	[QF_STATUS] = {"status", TEXTOID},
	[QF_TIER] = {"tier", TEXTOID},
	[QF_MET] = {"met", INT4OID},
	[QF_KNOWN] = {"known", INT4OID},
	[QF_TOTAL] = {"total", INT4OID},
	[QF_MISSING] = {"missing", TEXTARRAYOID},
	[QF_FAILED] = {"failed", TEXTARRAYOID},
};

/* Is desc the row type this file reads and writes?  An error if not. */
static void
check_desc(TupleDesc desc)
{
	if (desc->natts != QF_NFIELDS)
		elog(ERROR, "lead_qual.qualification has %d fields, expected %d",
			 desc->natts, QF_NFIELDS);
	for (int f = 1; f <= QF_NFIELDS; f++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, f - 1);

		if (att->attisdropped || att->atttypid != fields[f].type ||
			strcmp(NameStr(att->attname), fields[f].name) != 0)
			elog(ERROR, "field %d of lead_qual.qualification is not %s of type %s",
				 f, fields[f].name, format_type_be(fields[f].type));
	}
}

/* The descriptor of the function's result, lead_qual.qualification, in fn_mcxt. */
TupleDesc
QualCallResultDesc(FunctionCallInfo fcinfo)
{
	TupleDesc	desc = CallResultDesc(fcinfo, QF_NFIELDS);

	check_desc(desc);
	return desc;
}

/* The descriptor of type typid, lead_qual.qualification, blessed, in the current context. */
TupleDesc
QualTypeDesc(Oid typid)
{
	TupleDesc	desc = lookup_rowtype_tupdesc_copy(typid, -1);

	check_desc(desc);
	return BlessTupleDesc(desc);
}

/*
 * Prepare what making qualifications of model m needs, in cxt: the
 * model's name and criterion keys as text, and room for the arrays.  desc
 * is the blessed descriptor of lead_qual.qualification.
 */
void
QualMakerInit(QualMaker *qm, const LqModel *m, TupleDesc desc, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	qm->desc = desc;
	qm->cxt = cxt;
	qm->key_arrays[0] = qm->key_arrays[1] = NULL;
	qm->name_text = CStringGetTextDatum(m->name);
	qm->key_texts = palloc(sizeof(Datum) * m->ncriteria);
	for (int i = 0; i < m->ncriteria; i++)
		qm->key_texts[i] = CStringGetTextDatum(m->criteria[i].key);
	qm->scratch = palloc(sizeof(Datum) * m->ncriteria);
	for (int s = 0; s < LQ_NSTATUS; s++)
		qm->status_text[s] = CStringGetTextDatum(StatusName((LqStatus) s));
	for (int t = 0; t < 4; t++)
	{
		char		tier[2] = {(char) ('A' + t), '\0'};

		qm->tier_text[t] = CStringGetTextDatum(tier);
	}
	MemoryContextSwitchTo(old);
}

static Datum
key_array(QualMaker *qm, const LqModel *m, const LqGrade *grades, bool unknown)
{
	LqState		want = unknown ? LQ_UNKNOWN : LQ_UNMET;
	Datum	   *cached = NULL;
	uint32		set = 0;
	int			n = 0;
	Datum		array;

	if (m->ncriteria <= QUAL_KEY_ARRAY_CACHE)
	{
		for (int i = 0; i < m->ncriteria; i++)
			if (grades[i].state == want)
				set |= (uint32) 1 << i;
		if (qm->key_arrays[unknown ? 0 : 1] == NULL)
			qm->key_arrays[unknown ? 0 : 1] =
				MemoryContextAllocZero(qm->cxt, sizeof(Datum) << m->ncriteria);
		cached = &qm->key_arrays[unknown ? 0 : 1][set];
		if (*cached != (Datum) 0)
			return *cached;
	}

	for (int k = 0; k < m->ncriteria; k++)
	{
		/* unknown ones in the order to ask them, failed ones in model order */
		int			i = unknown ? m->ask_order[k] : k;

		if (grades[i].state == want)
			qm->scratch[n++] = qm->key_texts[i];
	}
	if (cached == NULL)
		return n == 0 ? PointerGetDatum(construct_empty_array(TEXTOID)) :
			PointerGetDatum(construct_array(qm->scratch, n, TEXTOID, -1, false, TYPALIGN_INT));

	{
		MemoryContext old = MemoryContextSwitchTo(qm->cxt);

		array = n == 0 ? PointerGetDatum(construct_empty_array(TEXTOID)) :
			PointerGetDatum(construct_array(qm->scratch, n, TEXTOID, -1, false, TYPALIGN_INT));
		MemoryContextSwitchTo(old);
	}
	*cached = array;
	return array;
}

/* The qualification the grades make, in the current memory context. */
Datum
QualMake(QualMaker *qm, const LqModel *m, const LqGrade *grades)
{
	LqOutcome	out;
	Datum		values[QF_NFIELDS];
	bool		nulls[QF_NFIELDS] = {0};

	GradeOutcome(m, grades, &out);
	values[QF_MODEL - 1] = qm->name_text;
	values[QF_SCORE - 1] = Float8GetDatum(out.score);
	values[QF_QUALIFIED - 1] = BoolGetDatum(out.status == LQ_STATUS_QUALIFIED);
	values[QF_STATUS - 1] = qm->status_text[out.status];
	values[QF_TIER - 1] = qm->tier_text[out.tier - 'A'];
	values[QF_MET - 1] = Int32GetDatum(out.met);
	values[QF_KNOWN - 1] = Int32GetDatum(out.known);
	values[QF_TOTAL - 1] = Int32GetDatum(out.total);
	values[QF_MISSING - 1] = key_array(qm, m, grades, true);
	values[QF_FAILED - 1] = key_array(qm, m, grades, false);
	return HeapTupleGetDatum(heap_form_tuple(qm->desc, values, nulls));
}

void
QualReaderInit(QualReader *r, MemoryContext cxt)
{
	r->cxt = cxt;
	r->typid = InvalidOid;
	r->typmod = -1;
	r->desc = NULL;
}

/*
 * Read a stored qualification (isnull: none), its arrays only when asked
 * for.  The row type's descriptor is looked up (and checked) once per type.
 */
void
QualRead(QualReader *r, Datum d, bool isnull, bool arrays, StoredQual *q)
{
	HeapTupleHeader th;
	HeapTupleData tup;
	Oid			typid;
	int32		typmod;
	Datum		f;
	bool		fnull;

	memset(q, 0, sizeof(*q));
	if (isnull)
		return;
	th = DatumGetHeapTupleHeader(d);
	typid = HeapTupleHeaderGetTypeId(th);
	typmod = HeapTupleHeaderGetTypMod(th);
	if (r->desc == NULL || r->typid != typid || r->typmod != typmod)
	{
		TupleDesc	desc = lookup_rowtype_tupdesc(typid, typmod);
		MemoryContext old = MemoryContextSwitchTo(r->cxt);
		TupleDesc	copy = CreateTupleDescCopy(desc);

		MemoryContextSwitchTo(old);
		ReleaseTupleDesc(desc);
		check_desc(copy);
		if (r->desc != NULL)
			FreeTupleDesc(r->desc);
		r->desc = copy;
		r->typid = typid;
		r->typmod = typmod;
	}
	tup.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tup.t_self);
	tup.t_tableOid = InvalidOid;
	tup.t_data = th;

	q->present = true;
	f = heap_getattr(&tup, QF_MODEL, r->desc, &fnull);
	q->model = fnull ? NULL : DatumGetTextPP(f);
	f = heap_getattr(&tup, QF_SCORE, r->desc, &fnull);
	q->has_score = !fnull;
	q->score = fnull ? 0 : DatumGetFloat8(f);
	f = heap_getattr(&tup, QF_STATUS, r->desc, &fnull);
	q->status = fnull ? NULL : DatumGetTextPP(f);
	f = heap_getattr(&tup, QF_TIER, r->desc, &fnull);
	q->tier = fnull ? NULL : DatumGetTextPP(f);
	if (!arrays)
		return;
	f = heap_getattr(&tup, QF_MISSING, r->desc, &fnull);
	q->missing = fnull ? NULL : DatumGetArrayTypeP(f);
	f = heap_getattr(&tup, QF_FAILED, r->desc, &fnull);
	q->failed = fnull ? NULL : DatumGetArrayTypeP(f);
}
