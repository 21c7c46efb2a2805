/*-------------------------------------------------------------------------
 *
 * touches.c
 *	  Multi-touch evidence: the aggregates fold_evidence(evidence,
 *	  observed_at), which keeps the latest known value of every key, and
 *	  qualify_touches(model, evidence, touched_at [, as_of]), which
 *	  qualifies what is known from all the touches of a lead.
 *
 * Both keep their state in a lead_qual.touch_state (touch_state.c): a
 * real type, not internal, so that PostgreSQL can run them as partial
 * aggregates in parallel workers and Citus can push them down to its
 * nodes (partial states travel as the type's text).  The combine function
 * merges two states; the final functions only read theirs, so the
 * aggregates also run as window functions.
 *
 * In place: when called as an aggregate, a transition or combine function
 * changes the state it is given and returns it, as long as the change
 * fits in the room the state has; otherwise it builds a larger state in
 * the current (per-row) memory context and returns that, and PostgreSQL
 * copies it into the aggregate's context and frees the old one
 * (advance_transition_function / ExecAggTransReparent).  A new state is
 * made the same way.  Called outside an aggregate, the functions never
 * change their arguments.
 *
 * Per row, nothing is looked up: the model (as a value or by name) is
 * decoded once per query and kept on fn_extra, with the keys it reads;
 * a name is looked up again only when it changes or the registry has
 * changed.  The state of qualify_touches holds only those keys, and the
 * model without its descriptions and questions (the final step, which on
 * a Citus coordinator sees nothing but the state, needs it).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "fmgr.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "registry/ref.h"
#include "scoring/evidence.h"
#include "scoring/grade.h"
#include "scoring/qualification.h"
#include "touches/touch_state.h"

/* ----------------------------------------------------------------
 * fold_evidence
 * ----------------------------------------------------------------
 */

static void
wrong_kind(const char *function, uint8 kind)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s cannot use a lead_qual.touch_state of %s", function,
					kind == TS_KIND_FOLD ? "fold_evidence()" : "qualify_touches()")));
}

/*
 * The state argument of a transition or combine function, ready to be
 * changed: NULL when there is none yet.  Inside an aggregate the state is
 * the aggregate's own (made by these functions), so it is neither checked
 * in depth nor copied; outside, it is checked in depth and copied before
 * it is changed.
 */
static bool
state_arg(FunctionCallInfo fcinfo, int argno, TsBuf *b)
{
	bool		own;

	b->in_agg = AggCheckCallContext(fcinfo, NULL) != 0;
	if (PG_ARGISNULL(argno))
	{
		b->st = NULL;
		b->writable = false;
		b->made_here = false;
		return false;
	}
	b->st = TsRead(PG_GETARG_DATUM(argno), !b->in_agg, &own);
	b->writable = b->in_agg || !own;
	b->made_here = false;
	return true;
}

PG_FUNCTION_INFO_V1(lq_fold_evidence_step);
Datum
lq_fold_evidence_step(PG_FUNCTION_ARGS)
{
	TsBuf		b;
	Jsonb	   *jb = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);

	if (!state_arg(fcinfo, 0, &b))
	{
		Size		room = 0;

		/* room for the first touch's keys and values */
		if (b.in_agg && jb != NULL)
			room = toast_raw_datum_size(PG_GETARG_DATUM(1)) +
				JB_ROOT_COUNT(jb) * (sizeof(TsEntry) + 8);
		b.st = TsCreate(TS_KIND_FOLD, 0, NULL, 0, room, b.in_agg);
		b.writable = true;
		b.made_here = true;
	}
	else if (b.st->kind != TS_KIND_FOLD)
		wrong_kind("fold_evidence()", b.st->kind);

	if (jb != NULL)
	{
		bool		has_ts = !PG_ARGISNULL(2);
		int64		ts = has_ts ? PG_GETARG_TIMESTAMPTZ(2) : 0;
		JsonbIterator *it;
		JsonbValue	v;
		const char *key = NULL;
		int			keylen = 0;
		JsonbIteratorToken tok;

		if (!JB_ROOT_IS_OBJECT(jb))
			EvidenceNotObject(jb);
		it = JsonbIteratorInit(&jb->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
			{
				key = v.val.string.val;
				keylen = v.val.string.len;
			}
			else if (tok == WJB_VALUE && v.type != jbvNull)
				TsOffer(&b, key, keylen, has_ts, ts, &v, NULL);
		}
	}
	PG_RETURN_POINTER(TsResult(&b));
}

PG_FUNCTION_INFO_V1(lq_fold_evidence_final);
Datum
lq_fold_evidence_final(PG_FUNCTION_ARGS)
{
	bool		own;
	TsHeader   *st = TsRead(PG_GETARG_DATUM(0),
							 AggCheckCallContext(fcinfo, NULL) == 0, &own);

	if (st->kind != TS_KIND_FOLD)
		wrong_kind("fold_evidence()", st->kind);
	PG_RETURN_JSONB_P(TsLatestValues(st));
}

/* ----------------------------------------------------------------
 * qualify_touches: the model of the transition function
 * ----------------------------------------------------------------
 */

typedef struct StepCache
{
	LqRef		model;
	uint64		model_loads;	/* model.loads when what follows was made */
	struct varlena *stripped;	/* the model as the state carries it */
	int			nsources;		/* the distinct keys the model reads (sources,
								 * and keys read when a source is missing) */
	char	  **sources;
	int		   *source_len;
} StepCache;

/*
 * The model of this row (argument 1, a value or text), with what the
 * transition function derives from it: its stripped form and the keys it
 * reads.  Made in RefMemory() once per model loaded.
 */
static const LqModel *
step_model(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	StepCache  *c = (StepCache *) flinfo->fn_extra;
	const LqModel *m;
	MemoryContext old;
	int			n = 0;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(StepCache));
		RefInitArg(&c->model, REGISTRY_MODELS, fcinfo, 1);
		flinfo->fn_extra = c;
	}
	m = RefModel(&c->model, PG_GETARG_DATUM(1));
	if (c->model_loads == c->model.loads)
		return m;

	old = MemoryContextSwitchTo(RefMemory(&c->model));
	c->stripped = TsStripModel(m);
	c->sources = palloc(sizeof(char *) * 2 * m->ncriteria);
	c->source_len = palloc(sizeof(int) * 2 * m->ncriteria);
	for (int i = 0; i < 2 * m->ncriteria; i++)
	{
		/* every source, and the keys read when a source is missing */
		const LqCriterion *crit = &m->criteria[i / 2];
		const char *src = (i % 2 == 0) ? crit->source : crit->key;
		bool		seen = (i % 2 == 1 && !crit->read_key);

		for (int j = 0; j < n && !seen; j++)
			seen = strcmp(c->sources[j], src) == 0;
		if (!seen)
		{
			c->sources[n] = pstrdup(src);
			c->source_len[n] = strlen(src);
			n++;
		}
	}
	c->nsources = n;
	MemoryContextSwitchTo(old);
	c->model_loads = c->model.loads;
	return m;
}

/* ----------------------------------------------------------------
 * qualify_touches: transition, combine and final functions
 * ----------------------------------------------------------------
 */

static bool
same_model(const TsHeader *st, const struct varlena *model)
{
	const struct varlena *mine = TS_MODEL(st);

	return st->model_len == VARSIZE(model) && memcmp(mine, model, st->model_len) == 0;
}

static void
model_differs(const TsHeader *st, const char *other_name)
{
	LqModel    *m = ModelDecode(TS_MODEL(st));

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("qualify_touches() needs the same model in every row of a group"),
			 strcmp(m->name, other_name) == 0
			 ? errdetail("The group has two different models named \"%s\".", m->name)
			 : errdetail("The group has models \"%s\" and \"%s\".", m->name, other_name)));
}

static void
asof_differs(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("qualify_touches() needs the same as_of in every row of a group"),
			 errhint("Pass as_of as a constant, such as now() or a fixed timestamp; over a table Citus distributes, each node has a now() of its own: give a timestamp (a literal or a parameter).")));
}

/*
 * qualify_touches(model, evidence, touched_at [, as_of]): arguments 1-4
 * (5) after the state.  A row with a NULL model adds nothing.  With as_of,
 * touches after it do not count (undated ones do); without, the latest
 * touched_at is remembered, to judge the date rules against.
 */
PG_FUNCTION_INFO_V1(lq_qualify_touches_step);
Datum
lq_qualify_touches_step(PG_FUNCTION_ARGS)
{
	StepCache  *c;
	const LqModel *m;
	TsBuf		b;
	bool		with_asof = PG_NARGS() >= 5;
	bool		asof_null = with_asof && PG_ARGISNULL(4);
	int64		as_of = (with_asof && !asof_null) ? PG_GETARG_TIMESTAMPTZ(4) : 0;
	uint8		flags = with_asof ? (TS_HAS_ASOF | (asof_null ? TS_ASOF_NULL : 0)) : 0;
	bool		has_ts = !PG_ARGISNULL(3);
	int64		ts = has_ts ? PG_GETARG_TIMESTAMPTZ(3) : 0;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	m = step_model(fcinfo);
	c = (StepCache *) fcinfo->flinfo->fn_extra;

	if (!state_arg(fcinfo, 0, &b))
	{
		Size		room = 0;

		if (b.in_agg)
			for (int i = 0; i < c->nsources; i++)
				room += sizeof(TsEntry) + c->source_len[i] + 24;
		b.st = TsCreate(TS_KIND_QUALIFY, flags, c->stripped, as_of, room, b.in_agg);
		b.writable = true;
		b.made_here = true;
	}
	else
	{
		if (b.st->kind != TS_KIND_QUALIFY)
			wrong_kind("qualify_touches()", b.st->kind);
		if (!same_model(b.st, c->stripped))
			model_differs(b.st, m->name);
		if ((b.st->flags & (TS_HAS_ASOF | TS_ASOF_NULL)) != (flags & (TS_HAS_ASOF | TS_ASOF_NULL)) ||
			b.st->as_of != as_of)
		{
			if ((b.st->flags & TS_HAS_ASOF) != (flags & TS_HAS_ASOF))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("qualify_touches() cannot continue a state made %s as_of",
								with_asof ? "without" : "with")));
			asof_differs();
		}
	}

	if (with_asof)
	{
		if (asof_null || (has_ts && ts > as_of))
			PG_RETURN_POINTER(b.st);	/* this touch does not count */
	}
	else if (has_ts && ((b.st->flags & TS_HAS_LATEST) == 0 || ts > b.st->latest))
	{
		TsMakeWritable(&b, 0);
		b.st->flags |= TS_HAS_LATEST;
		b.st->latest = ts;
	}

	if (!PG_ARGISNULL(2))
	{
		Jsonb	   *jb = PG_GETARG_JSONB_P(2);

		if (!JB_ROOT_IS_OBJECT(jb))
			EvidenceNotObject(jb);
		TsCheckDepths(jb);
		for (int i = 0; i < c->nsources; i++)
		{
			JsonbValue	buf;
			JsonbValue *jv = getKeyJsonValueFromContainer(&jb->root, c->sources[i],
														  c->source_len[i], &buf);

			if (jv != NULL && jv->type != jbvNull)
				TsOffer(&b, c->sources[i], c->source_len[i], has_ts, ts, jv, NULL);
		}
	}
	PG_RETURN_POINTER(TsResult(&b));
}

/*
 * Merge two states (of parallel workers, or of Citus nodes).  Not strict:
 * the first state of a group comes through here too, and is checked
 * before it becomes the aggregate's own.
 */
PG_FUNCTION_INFO_V1(lq_touch_state_combine);
Datum
lq_touch_state_combine(PG_FUNCTION_ARGS)
{
	TsBuf		b;
	TsHeader   *other;
	bool		own;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	other = TsRead(PG_GETARG_DATUM(1), true, &own);
	if (!state_arg(fcinfo, 0, &b))
		PG_RETURN_POINTER(other);

	if (b.st->kind != other->kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine a lead_qual.touch_state of fold_evidence() with one of qualify_touches()")));
	if (b.st->kind == TS_KIND_QUALIFY)
	{
		if (!same_model(b.st, TS_MODEL(other)))
			model_differs(b.st, ModelDecode(TS_MODEL(other))->name);
		if ((b.st->flags & TS_HAS_ASOF) != (other->flags & TS_HAS_ASOF))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot combine a lead_qual.touch_state made with as_of with one made without")));
		if ((b.st->flags & TS_ASOF_NULL) != (other->flags & TS_ASOF_NULL) ||
			b.st->as_of != other->as_of)
			asof_differs();
	}
	TsMerge(&b, other);
	PG_RETURN_POINTER(TsResult(&b));
}

typedef struct FinalCache
{
	TupleDesc	desc;			/* lead_qual.qualification, blessed */
	LqRef		model;			/* the model the state carries */
	uint64		model_loads;	/* model.loads when what follows was made */
	LqValue    *values;
	LqGrade    *grades;
	QualMaker	maker;
} FinalCache;

/*
 * The qualification of the folded evidence, as qualify(model, evidence,
 * as_of) would give it: as of as_of, or (without) as of the latest dated
 * touch; NULL when that is NULL.
 */
PG_FUNCTION_INFO_V1(lq_qualify_touches_final);
Datum
lq_qualify_touches_final(PG_FUNCTION_ARGS)
{
	bool		own;
	TsHeader   *st = TsRead(PG_GETARG_DATUM(0),
							AggCheckCallContext(fcinfo, NULL) == 0, &own);
	FinalCache *c = (FinalCache *) fcinfo->flinfo->fn_extra;
	const LqModel *m;
	int64		as_of;
	LqAsOf		asof;

	if (st->kind != TS_KIND_QUALIFY)
		wrong_kind("qualify_touches()", st->kind);
	if ((st->flags & TS_HAS_ASOF) != 0)
	{
		if ((st->flags & TS_ASOF_NULL) != 0)
			PG_RETURN_NULL();
		as_of = st->as_of;
	}
	else if ((st->flags & TS_HAS_LATEST) != 0)
		as_of = st->latest;
	else
		PG_RETURN_NULL();			/* no dated touch: as of NULL */

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FinalCache));
		c->desc = QualCallResultDesc(fcinfo);
		RefInit(&c->model, REGISTRY_MODELS, fcinfo->flinfo->fn_mcxt, false, false);
		fcinfo->flinfo->fn_extra = c;
	}
	m = (const LqModel *) RefGetStored(&c->model, TS_MODEL(st));
	if (c->model_loads != c->model.loads)
	{
		c->values = MemoryContextAllocZero(RefMemory(&c->model), sizeof(LqValue) * m->ncriteria);
		c->grades = MemoryContextAllocZero(RefMemory(&c->model), sizeof(LqGrade) * m->ncriteria);
		QualMakerInit(&c->maker, m, c->desc, RefMemory(&c->model));
		c->model_loads = c->model.loads;
	}

	EvidenceFromJsonb(m, TsLatestValues(st), c->values);
	asof = AsOfFromTimestamptz(TimestampTzGetDatum(as_of), false);
	for (int i = 0; i < m->ncriteria; i++)
		GradeCriterion(m, i, &c->values[i], &asof, &c->grades[i]);
	PG_RETURN_DATUM(QualMake(&c->maker, m, c->grades));
}
