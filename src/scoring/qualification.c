/*-------------------------------------------------------------------------
 *
 * qualification.c
 *	  Making and reading values of lead_qual.qualification
 *	  (qualification.h).
 *
 * A qualification is made for every row a scoring function or the
 * autoscore trigger sees, so the maker prepares once per model what does
 * not change from row to row: the texts of the model's name, statuses and
 * tiers, and (for small models) the arrays of missing and failed keys and
 * templates of whole qualifications.  Of a lead's qualification only the
 * score and the tier (one letter) are not fixed by which criteria are met,
 * unmet and unknown and its status: for models of at most
 * QUAL_KEY_ARRAY_CACHE criteria, the first qualification of each such
 * combination is kept as a template, and the next ones are copies of it
 * with their own score and tier written in.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupmacs.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "base/fmgr_util.h"
#include "base/text_util.h"
#include "scoring/qualification.h"

/* A whole qualification (a row value), and where its score and tier are. */
struct QualTemplate
{
	uint32		len;
	uint32		score_at;		/* the score's offset in the value */
	uint32		tier_at;		/* the offset of the tier's letter */
	HeapTupleHeader value;
};

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

/* The field named name (as the type declares it), or 0 when there is none. */
QualField
QualFieldByName(const char *name)
{
	for (int f = 1; f <= QF_NFIELDS; f++)
		if (strcmp(fields[f].name, name) == 0)
			return (QualField) f;
	return (QualField) 0;
}

/* The name of field f, as the type declares it. */
const char *
QualFieldName(QualField f)
{
	Assert(f >= 1 && f <= QF_NFIELDS);
	return fields[f].name;
}

/* The type of field f, as the type declares it. */
Oid
QualFieldType(QualField f)
{
	Assert(f >= 1 && f <= QF_NFIELDS);
	return fields[f].type;
}

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
	qm->key_lists[0] = qm->key_lists[1] = NULL;
	qm->templates = NULL;
	qm->by_states = NULL;
	qm->outcomes = NULL;
	qm->ntemplates = 0;
	qm->base3 = NULL;
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

/*
 * The slot of the cache which (NULL until used) for the set of criteria
 * set, in maker memory: room for one Datum per set of the model's
 * criteria.  NULL when the model has too many criteria to cache sets.
 */
static Datum *
set_slot(QualMaker *qm, const LqModel *m, Datum **which, uint64 set)
{
	if (m->ncriteria > QUAL_KEY_ARRAY_CACHE)
		return NULL;
	if (*which == NULL)
		*which = MemoryContextAllocZero(qm->cxt, sizeof(Datum) << m->ncriteria);
	return &(*which)[set];
}

/*
 * The criteria in set, in qm->scratch as their numbers: unknown ones in
 * the order to ask them, failed ones in model order.  Returns how many.
 */
static int
set_members(QualMaker *qm, const LqModel *m, uint64 set, bool unknown)
{
	int			n = 0;

	for (int k = 0; k < m->ncriteria; k++)
	{
		int			i = unknown ? m->ask_order[k] : k;

		if (set & ((uint64) 1 << i))
			qm->scratch[n++] = Int32GetDatum(i);
	}
	return n;
}

/*
 * The keys of the criteria in set (missing or failed): a text[], or when
 * as_text one text, the keys separated by ", " (empty when there are none),
 * as the views of create_view() show them.
 */
static Datum
key_value(QualMaker *qm, const LqModel *m, uint64 set, bool unknown, bool as_text)
{
	Datum	  **which = as_text ? &qm->key_lists[unknown ? 0 : 1] :
		&qm->key_arrays[unknown ? 0 : 1];
	Datum	   *cached = set_slot(qm, m, which, set);
	MemoryContext old;
	int			n;
	Datum		value;

	if (cached != NULL && *cached != (Datum) 0)
		return *cached;
	n = set_members(qm, m, set, unknown);
	old = MemoryContextSwitchTo(cached != NULL ? qm->cxt : CurrentMemoryContext);
	if (as_text)
	{
		StringInfoData list;

		initStringInfo(&list);
		for (int k = 0; k < n; k++)
			appendStringInfo(&list, "%s%s", k > 0 ? ", " : "",
							 m->criteria[DatumGetInt32(qm->scratch[k])].key);
		value = CStringGetTextDatum(list.data);
		pfree(list.data);
	}
	else
	{
		for (int k = 0; k < n; k++)
			qm->scratch[k] = qm->key_texts[DatumGetInt32(qm->scratch[k])];
		value = n == 0 ? PointerGetDatum(construct_empty_array(TEXTOID)) :
			PointerGetDatum(construct_array(qm->scratch, n, TEXTOID, -1, false, TYPALIGN_INT));
	}
	MemoryContextSwitchTo(old);
	if (cached != NULL)
		*cached = value;
	return value;
}

/* How many combinations of states the criteria of m have: 3^ncriteria. */
static int
states_count(const LqModel *m)
{
	int			n = 1;

	Assert(m->ncriteria <= QUAL_KEY_ARRAY_CACHE);
	for (int i = 0; i < m->ncriteria; i++)
		n *= 3;
	return n;
}

/* The outcome of what the grades added up to, with its sets of criteria. */
void
QualOutcomeOf(const LqModel *m, const LqTally *t, QualOutcome *qo)
{
	GradeTallyOutcome(m, t, &qo->out);
	qo->unknown = t->unknown_set;
	qo->unmet = t->unmet_set;
}

/*
 * The outcome of a lead by the states of its criteria and the sum of share
 * * grade, for a model without a pass score and of at most
 * QUAL_KEY_ARRAY_CACHE criteria (as QualMakeFromStates()): all but the
 * score and the tier kept from the first lead in the same states.
 */
void
QualOutcomeOfStates(QualMaker *qm, const LqModel *m, int states, double sum, QualOutcome *qo)
{
	QualOutcome *kept;
	LqTally		tally;

	Assert(!m->has_pass_score && m->ncriteria <= QUAL_KEY_ARRAY_CACHE);
	if (likely(qm->outcomes != NULL) && (kept = qm->outcomes[states]) != NULL)
	{
		*qo = *kept;
		qo->out.score = GradeScoreOfSum(sum);
		qo->out.tier = GradeTier(m, qo->out.score);
		return;
	}
	GradeTallyOfStates(m, states, sum, &tally);
	QualOutcomeOf(m, &tally, qo);
	if (qm->outcomes == NULL)
		qm->outcomes = MemoryContextAllocZero(qm->cxt,
											  sizeof(QualOutcome *) * states_count(m));
	kept = MemoryContextAlloc(qm->cxt, sizeof(QualOutcome));
	*kept = *qo;
	qm->outcomes[states] = kept;
}

/* The value of field f of the qualification; missing and failed as text when as_text. */
Datum
QualFieldValue(QualMaker *qm, const LqModel *m, const QualOutcome *qo, QualField f,
			   bool as_text)
{
	switch (f)
	{
		case QF_MODEL:
			return qm->name_text;
		case QF_SCORE:
			return Float8GetDatum(qo->out.score);
		case QF_QUALIFIED:
			return BoolGetDatum(qo->out.status == LQ_STATUS_QUALIFIED);
		case QF_STATUS:
			return qm->status_text[qo->out.status];
		case QF_TIER:
			return qm->tier_text[qo->out.tier - 'A'];
		case QF_MET:
			return Int32GetDatum(qo->out.met);
		case QF_KNOWN:
			return Int32GetDatum(qo->out.known);
		case QF_TOTAL:
			return Int32GetDatum(qo->out.total);
		case QF_MISSING:
			return key_value(qm, m, qo->unknown, true, as_text);
		case QF_FAILED:
			return key_value(qm, m, qo->unmet, false, as_text);
	}
	elog(ERROR, "lead_qual.qualification has no field %d", (int) f);
	return (Datum) 0;			/* keep the compiler quiet */
}

/* The qualification, made field by field, in the current memory context. */
static HeapTupleHeader
form_qualification(QualMaker *qm, const LqModel *m, const QualOutcome *qo)
{
	Datum		values[QF_NFIELDS];
	bool		nulls[QF_NFIELDS] = {0};

	for (int f = 1; f <= QF_NFIELDS; f++)
		values[f - 1] = QualFieldValue(qm, m, qo, (QualField) f, false);
	return DatumGetHeapTupleHeader(HeapTupleGetDatum(heap_form_tuple(qm->desc, values, nulls)));
}

/*
 * The offset of field f in qualification q, which has no NULL field: the
 * fields before it taken apart as heap_deform_tuple() would.
 */
static uint32
field_offset(TupleDesc desc, HeapTupleHeader q, QualField f)
{
	char	   *data = (char *) q + q->t_hoff;
	uint32		off = 0;

	Assert(!(q->t_infomask & HEAP_HASNULL));
	for (int k = 0; k < (int) f - 1; k++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, k);

		off = att_align_pointer(off, att->attalign, att->attlen, data + off);
		off = att_addlength_pointer(off, att->attlen, data + off);
	}
	off = att_align_pointer(off, TupleDescAttr(desc, f - 1)->attalign,
							TupleDescAttr(desc, f - 1)->attlen, data + off);
	return q->t_hoff + off;
}

/*
 * Make qualification q, of outcome out, the template t of those like it:
 * where the score and the tier's letter are, so that the next ones copy it
 * and write theirs in; an error if they are not there.
 */
static void
make_template(QualTemplate *t, TupleDesc desc, HeapTupleHeader q, const LqOutcome *out)
{
	char	   *tier;

	if (q->t_infomask & HEAP_HASNULL)
		elog(ERROR, "a lead_qual.qualification has a NULL field");
	t->len = HeapTupleHeaderGetDatumLength(q);
	t->score_at = field_offset(desc, q, QF_SCORE);
	tier = (char *) q + field_offset(desc, q, QF_TIER);
	t->tier_at = (tier - (char *) q) + VARHDRSZ_SHORT;
	if (memcmp((char *) q + t->score_at, &out->score, sizeof(double)) != 0 ||
		!VARATT_IS_SHORT(tier) || VARSIZE_SHORT(tier) != VARHDRSZ_SHORT + 1 ||
		*VARDATA_SHORT(tier) != out->tier)
		elog(ERROR, "the score or the tier of a lead_qual.qualification is not where it was expected");
}

/*
 * The template for the lead's combination of states and status (NULL when
 * there is none yet, or the model has too many criteria), and in *slot
 * where to keep a new one (NULL when none may be kept).  The tier is not
 * part of what it is found by: that depends on the score, which is worked
 * out at the same time (a division), and waiting for it would hold up the
 * copying.
 */
static QualTemplate *
find_template(QualMaker *qm, const LqModel *m, const QualOutcome *qo, QualTemplate ***slot)
{
	QualTemplate **by_pattern;
	uint64		met;
	int			pattern;

	*slot = NULL;
	if (m->ncriteria > QUAL_KEY_ARRAY_CACHE)
		return NULL;
	if (qm->templates == NULL)
	{
		int			npatterns = 1;

		/* base3[set]: the sum of 3^i over the criteria i of the set */
		qm->base3 = MemoryContextAlloc(qm->cxt, sizeof(uint16) << m->ncriteria);
		qm->base3[0] = 0;
		for (int i = 0; i < m->ncriteria; i++)
		{
			for (int set = 0; set < (1 << i); set++)
				qm->base3[set | (1 << i)] = qm->base3[set] + npatterns;
			npatterns *= 3;
		}
		qm->templates = MemoryContextAllocZero(qm->cxt, sizeof(QualTemplate **) * npatterns);
	}
	/* the state of every criterion in base 3: unknown 0, met 1, unmet 2 */
	met = ~(qo->unknown | qo->unmet) & (((uint64) 1 << m->ncriteria) - 1);
	pattern = qm->base3[met] + 2 * qm->base3[qo->unmet];
	by_pattern = qm->templates[pattern];
	if (by_pattern == NULL)
	{
		if (qm->ntemplates >= QUAL_MAX_TEMPLATES)
			return NULL;
		by_pattern = qm->templates[pattern] =
			MemoryContextAllocZero(qm->cxt, sizeof(QualTemplate *) * LQ_NSTATUS);
	}
	*slot = &by_pattern[qo->out.status];
	if (**slot == NULL && qm->ntemplates >= QUAL_MAX_TEMPLATES)
		*slot = NULL;
	return *slot ? **slot : NULL;
}

/* A copy of template t with this score and tier, in the current memory context. */
static inline Datum
copy_template(const QualTemplate *t, double score, char tier)
{
	HeapTupleHeader q = palloc(t->len);

	memcpy(q, t->value, t->len);
	memcpy((char *) q + t->score_at, &score, sizeof(double));
	((char *) q)[t->tier_at] = tier;
	return PointerGetDatum(q);
}

/* The qualification of the outcome, in the current memory context. */
Datum
QualMakeFrom(QualMaker *qm, const LqModel *m, const QualOutcome *qo)
{
	QualTemplate **slot;
	QualTemplate *t = find_template(qm, m, qo, &slot);
	HeapTupleHeader q;

	if (t == NULL)
	{
		q = form_qualification(qm, m, qo);
		if (slot == NULL)
			return PointerGetDatum(q);
		/* the first of its kind: kept as the template of the next ones */
		t = MemoryContextAlloc(qm->cxt, sizeof(QualTemplate));
		make_template(t, qm->desc, q, &qo->out);
		t->value = MemoryContextAlloc(qm->cxt, t->len);
		memcpy(t->value, q, t->len);
		*slot = t;
		qm->ntemplates++;
		return PointerGetDatum(q);
	}
	return copy_template(t, qo->out.score, qo->out.tier);
}

/*
 * The qualification of a lead by the states of its criteria (as
 * GradeTallyOfStates() reads them) and the sum of share * grade, for a
 * model without a pass score and of at most QUAL_KEY_ARRAY_CACHE criteria:
 * its status then follows from the states, and so does everything but the
 * score and the tier, so that the template is found by the states alone.
 */
Datum
QualMakeFromStates(QualMaker *qm, const LqModel *m, int states, double sum)
{
	QualTemplate *t;
	LqTally		tally;
	QualOutcome qo;
	QualTemplate **slot;
	Datum		q;

	Assert(!m->has_pass_score && m->ncriteria <= QUAL_KEY_ARRAY_CACHE);
	if (likely(qm->by_states != NULL) && (t = qm->by_states[states]) != NULL)
	{
		double		score = GradeScoreOfSum(sum);

		return copy_template(t, score, GradeTier(m, score));
	}

	/* the first lead in these states: made from its tally, kept for the next */
	GradeTallyOfStates(m, states, sum, &tally);
	QualOutcomeOf(m, &tally, &qo);
	q = QualMakeFrom(qm, m, &qo);
	t = find_template(qm, m, &qo, &slot);
	if (t != NULL)
	{
		if (qm->by_states == NULL)
			qm->by_states = MemoryContextAllocZero(qm->cxt,
												   sizeof(QualTemplate *) * states_count(m));
		qm->by_states[states] = t;
	}
	return q;
}

/* The qualification the grades make, in the current memory context. */
Datum
QualMake(QualMaker *qm, const LqModel *m, const LqGrade *grades)
{
	LqTally		t;
	QualOutcome qo;

	GradeTally(m, grades, &t);
	QualOutcomeOf(m, &t, &qo);
	return QualMakeFrom(qm, m, &qo);
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
