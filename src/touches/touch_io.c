/*-------------------------------------------------------------------------
 *
 * touch_io.c
 *	  The text and binary forms of lead_qual.touch_state (touch_state.c).
 *
 * The text form is a JSON object written by touch_state_out, such as
 *	 {"version": 1, "kind": "fold", "entries": [["budget", "2026-01-05
 *	 10:00:00+00", 7], ["need", null, 8]]}
 * with, for qualify_touches, the model (its JSON, without descriptions and
 * questions) and "as_of" (the form with as_of) or "latest" (without).
 * Citus sends partial states between nodes in this form, so it is exact:
 * times to the microsecond, in UTC, and values as jsonb prints them.
 * touch_state_in checks everything a state must satisfy (and writes it
 * back compact and canonical), so a hand-written state is an error or a
 * valid state, never a crash or a wrong answer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/jsonapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "base/binary.h"
#include "base/fmgr_util.h"
#include "base/json_fields.h"
#include "compat.h"
#include "touches/touch_state.h"

/* ----------------------------------------------------------------
 * Building a state from its parts (text and binary input)
 * ----------------------------------------------------------------
 */

typedef struct TsItem
{
	char	   *key;
	int			keylen;
	bool		has_ts;
	int64		ts;
	Jsonb	   *value;
	int			index;			/* position in the input, for messages */
} TsItem;

pg_noreturn static void bad_input(const char *fmt,...) pg_attribute_printf(1, 2);

static void
bad_input(const char *fmt,...)
{
	char		buf[512];
	va_list		args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid lead_qual.touch_state: %s", buf),
			 errhint("A touch_state is written by lead_qual.touch_state_out; "
					 "it is the partial state of fold_evidence() or qualify_touches().")));
}

static int
cmp_items(const void *a, const void *b)
{
	const TsItem *x = (const TsItem *) a;
	const TsItem *y = (const TsItem *) b;

	return TsCmpKeys(x->key, x->keylen, y->key, y->keylen);
}

/*
 * Check the parts of a state and build it, compact.  model: a model as
 * compiled from its JSON (qualify_touches), stripped here.
 */
static TsHeader *
build_state(uint8 kind, uint8 flags, const LqModel *model, int64 as_of, int64 latest,
			TsItem *items, int n)
{
	struct varlena *stripped = NULL;
	LqModel    *m = NULL;
	TsBuf		b;
	Size		room = 0;

	if (kind == TS_KIND_QUALIFY)
	{
		stripped = TsStripModel(model);
		m = ModelDecode(stripped);
	}
	if (n > 1)
		qsort(items, n, sizeof(TsItem), cmp_items);
	for (int i = 0; i < n; i++)
	{
		JsonbValue	scalar;

		if (i > 0 && cmp_items(&items[i - 1], &items[i]) == 0)
			bad_input("key \"%s\" appears more than once in \"entries\"",
					  TextClip(pnstrdup(items[i].key, items[i].keylen), 64));
		if (JsonbExtractScalar(&items[i].value->root, &scalar) && scalar.type == jbvNull)
			bad_input("the value of entries[%d] is null (a state holds only known values)",
					  items[i].index);
		TsCheckValueDepth(items[i].value);
		if (kind == TS_KIND_QUALIFY)
		{
			bool		read = false;

			for (int c = 0; c < m->ncriteria && !read; c++)
			{
				const LqCriterion *crit = &m->criteria[c];

				read = (strlen(crit->source) == (size_t) items[i].keylen &&
						memcmp(crit->source, items[i].key, items[i].keylen) == 0) ||
					(crit->read_key && strlen(crit->key) == (size_t) items[i].keylen &&
					 memcmp(crit->key, items[i].key, items[i].keylen) == 0);
			}
			if (!read)
				bad_input("key \"%s\" of entries[%d] is not read by model \"%s\"",
						  TextClip(pnstrdup(items[i].key, items[i].keylen), 64),
						  items[i].index, m->name);
			if ((flags & TS_ASOF_NULL) != 0)
				bad_input("a state whose as_of is null has no entries");
			if (items[i].has_ts && (flags & TS_HAS_ASOF) != 0 && items[i].ts > as_of)
				bad_input("entries[%d] was observed after as_of", items[i].index);
			if (items[i].has_ts && (flags & TS_HAS_ASOF) == 0 && (flags & TS_HAS_LATEST) == 0)
				bad_input("entries[%d] has a time, but \"latest\" is null", items[i].index);
			if (items[i].has_ts && (flags & TS_HAS_ASOF) == 0 && items[i].ts > latest)
				bad_input("entries[%d] was observed after \"latest\"", items[i].index);
		}
		room += sizeof(TsEntry) + items[i].keylen + TYPEALIGN(8, VARSIZE(items[i].value)) + 8;
	}

	b.st = TsCreate(kind, flags, stripped, (flags & TS_HAS_ASOF) != 0 ? as_of : 0, room, false);
	b.st->latest = (flags & TS_HAS_LATEST) != 0 ? latest : 0;
	b.writable = true;
	b.in_agg = false;
	b.made_here = true;
	for (int i = 0; i < n; i++)
		TsOffer(&b, items[i].key, items[i].keylen, items[i].has_ts, items[i].ts,
				 NULL, items[i].value);
	return b.st;
}

/* ----------------------------------------------------------------
 * Times in the text form: ISO 8601 in UTC, to the microsecond
 * ----------------------------------------------------------------
 */

static void
append_time(StringInfo out, int64 ts)
{
	char		buf[MAXDATELEN + 1];
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_IS_NOBEGIN(ts))
		strlcpy(buf, "-infinity", sizeof(buf));
	else if (TIMESTAMP_IS_NOEND(ts))
		strlcpy(buf, "infinity", sizeof(buf));
	else
	{
		if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range in lead_qual.touch_state")));
		tm.tm_isdst = 0;		/* UTC: print the offset, +00 */
		EncodeDateTime(&tm, fsec, true, 0, NULL, USE_ISO_DATES, buf);
	}
	appendStringInfo(out, "\"%s\"", buf);
}

/*
 * A time as append_time writes it (any other spelling, which might depend
 * on the session's TimeZone or on the clock, is refused).
 */
static void
time_context(void *arg)
{
	errcontext("in %s of a lead_qual.touch_state", (const char *) arg);
}

static int64
parse_time(const char *s, int len, const char *field)
{
	char	   *str = pnstrdup(s, len);
	ErrorContextCallback cb;
	Datum		d;
	StringInfoData canon;

	cb.callback = time_context;
	cb.arg = unconstify(char *, field);
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	d = DirectFunctionCall3(timestamptz_in, CStringGetDatum(str),
							ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	error_context_stack = cb.previous;

	initStringInfo(&canon);
	append_time(&canon, DatumGetTimestampTz(d));
	if (canon.len != len + 2 || memcmp(canon.data + 1, s, len) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_DATETIME_FORMAT),
				 errmsg("invalid lead_qual.touch_state: %s \"%s\" is not written as a time in UTC",
						field, TextClip(str, 64)),
				 errhint("Write it as %s.", canon.data)));
	return DatumGetTimestampTz(d);
}

/* ----------------------------------------------------------------
 * Text output
 * ----------------------------------------------------------------
 */

static void
append_key(StringInfo out, const char *key, int len)
{
	escape_json(out, pnstrdup(key, len));
}

static char *
state_text(const TsHeader *st)
{
	StringInfoData out;
	const TsEntry *e = TS_ENTRIES(st);

	initStringInfo(&out);
	appendStringInfo(&out, "{\"version\": %d, \"kind\": \"%s\"", TS_VERSION,
					 st->kind == TS_KIND_FOLD ? "fold" : "qualify");
	if (st->kind == TS_KIND_QUALIFY)
	{
		appendStringInfoString(&out, ", \"model\": ");
		ModelToJson(&out, ModelDecode(TS_MODEL(st)));
		if ((st->flags & TS_HAS_ASOF) != 0)
		{
			appendStringInfoString(&out, ", \"as_of\": ");
			if ((st->flags & TS_ASOF_NULL) != 0)
				appendStringInfoString(&out, "null");
			else
				append_time(&out, st->as_of);
		}
		else
		{
			appendStringInfoString(&out, ", \"latest\": ");
			if ((st->flags & TS_HAS_LATEST) != 0)
				append_time(&out, st->latest);
			else
				appendStringInfoString(&out, "null");
		}
	}
	appendStringInfoString(&out, ", \"entries\": [");
	for (int i = 0; i < st->nentries; i++)
	{
		Jsonb	   *v = TS_VALUE(st, &e[i]);

		appendStringInfoString(&out, i > 0 ? ", [" : "[");
		append_key(&out, TS_KEY(st, &e[i]), e[i].key_len);
		appendStringInfoString(&out, ", ");
		if (e[i].has_ts)
			append_time(&out, e[i].ts);
		else
			appendStringInfoString(&out, "null");
		appendStringInfoString(&out, ", ");
		JsonbToCString(&out, &v->root, e[i].val_len);
		appendStringInfoChar(&out, ']');
	}
	appendStringInfoString(&out, "]}");
	return out.data;
}

PG_FUNCTION_INFO_V1(lq_touch_state_out);
Datum
lq_touch_state_out(PG_FUNCTION_ARGS)
{
	bool		own;
	TsHeader   *st = TsRead(PG_GETARG_DATUM(0), true, &own);

	PG_RETURN_CSTRING(state_text(st));
}

/* ----------------------------------------------------------------
 * Text input
 * ----------------------------------------------------------------
 */

#define TS_TOP_FIELDS 6

/*
 * A first pass over the text with PostgreSQL's JSON parser: the top level
 * must be an object whose members are not repeated (jsonb would keep the
 * last silently), and the exact text of "model" is taken, for the model's
 * own parser, which is stricter than jsonb.
 */
typedef struct ShapeState
{
	JsonLexContext *lex;
	int			depth;
	int			nfields;
	char	   *fields[TS_TOP_FIELDS];
	bool		in_model;
	bool		top_is_object;
	const char *model_start;
	const char *model_end;
} ShapeState;

static const char *const top_fields[TS_TOP_FIELDS] =
{"version", "kind", "model", "as_of", "latest", "entries"};

/*
 * The state, "entries", an entry, then a value of evidence, which may be
 * nested as deep as evidence less the object that holds it: deeper is an
 * error here, before the parsers' recursion could run out of stack.
 */
#define TS_MAX_TEXT_DEPTH	(3 + LQ_MAX_EVIDENCE_DEPTH - 1)

static void
shape_descend(ShapeState *s)
{
	if (++s->depth > TS_MAX_TEXT_DEPTH)
		bad_input("nested more than %d levels deep", TS_MAX_TEXT_DEPTH);
}

static JSON_ACTION_RESULT
shape_object_start(void *state)
{
	ShapeState *s = (ShapeState *) state;

	if (s->depth == 0)
		s->top_is_object = true;
	shape_descend(s);
	JSON_ACTION_DONE;
}

static JSON_ACTION_RESULT
shape_array_start(void *state)
{
	shape_descend((ShapeState *) state);
	JSON_ACTION_DONE;
}

static JSON_ACTION_RESULT
shape_end(void *state)
{
	((ShapeState *) state)->depth--;
	JSON_ACTION_DONE;
}

static JSON_ACTION_RESULT
shape_field_start(void *state, char *fname, bool isnull)
{
	ShapeState *s = (ShapeState *) state;
	bool		known = false;

	if (s->depth != 1)
		JSON_ACTION_DONE;
	for (int i = 0; i < TS_TOP_FIELDS; i++)
		known = known || strcmp(fname, top_fields[i]) == 0;
	if (!known)
		bad_input("unknown field \"%s\"", TextClip(fname, 64));
	for (int i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i], fname) == 0)
			bad_input("field \"%s\" appears more than once", fname);
	s->fields[s->nfields++] = fname;
	if (strcmp(fname, "model") == 0)
	{
		s->in_model = true;
		s->model_start = s->lex->token_start;
	}
	JSON_ACTION_DONE;
}

static JSON_ACTION_RESULT
shape_field_end(void *state, char *fname, bool isnull)
{
	ShapeState *s = (ShapeState *) state;

	if (s->depth == 1 && s->in_model)
	{
		s->in_model = false;
		s->model_end = s->lex->prev_token_terminator;
	}
	JSON_ACTION_DONE;
}

static void
check_shape(const char *text, int len, ShapeState *s)
{
	JsonSemAction sem;
	JsonParseErrorType rc;

	memset(s, 0, sizeof(*s));
	memset(&sem, 0, sizeof(sem));
	sem.semstate = s;
	sem.object_start = shape_object_start;
	sem.object_end = shape_end;
	sem.array_start = shape_array_start;
	sem.array_end = shape_end;
	sem.object_field_start = shape_field_start;
	sem.object_field_end = shape_field_end;
	s->lex = JsonLexerFor(text, len);
	rc = pg_parse_json(s->lex, &sem);
	if (rc != JSON_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid lead_qual.touch_state: not valid JSON"),
				 errdetail("%s", json_errdetail(rc, s->lex))));
	if (!s->top_is_object)
		bad_input("must be a JSON object");
}

static JsonbValue *
member(Jsonb *doc, const char *name, JsonbValue *buf)
{
	return getKeyJsonValueFromContainer(&doc->root, name, strlen(name), buf);
}

/* A time member: a string as append_time writes it, or null (false). */
static bool
time_value(JsonbValue *v, const char *field, int64 *ts)
{
	if (v->type == jbvNull)
		return false;
	if (v->type != jbvString)
		bad_input("%s must be a string or null, not %s", field, JsonbValueTypeName(v));
	*ts = parse_time(v->val.string.val, v->val.string.len, field);
	return true;
}

static void
model_context(void *arg)
{
	errcontext("in the model of a lead_qual.touch_state");
}

/* The model of a state, from its JSON; errors say where it was. */
static LqModel *
model_in_state(const char *text, int len)
{
	ErrorContextCallback cb;
	LqModel    *m;

	cb.callback = model_context;
	cb.arg = NULL;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	m = ModelParse(text, len);
	error_context_stack = cb.previous;
	return m;
}

/* The state written as text (see touch_state_out); see InputParse. */
static Datum
state_from_text(void *arg)
{
	char	   *text = (char *) arg;
	int			len = strlen(text);
	ShapeState	shape;
	Jsonb	   *doc;
	JsonbValue	buf;
	JsonbValue *v;
	uint8		kind;
	uint8		flags = 0;
	int64		as_of = 0;
	int64		latest = 0;
	LqModel    *model = NULL;
	TsItem	   *items;
	int			n;
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;

	check_shape(text, len, &shape);
	doc = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));

	if ((v = member(doc, "version", &buf)) == NULL)
		bad_input("missing field \"version\"");
	if (v->type != jbvNumeric ||
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(v->val.numeric),
										  DirectFunctionCall1(int4_numeric, Int32GetDatum(TS_VERSION)))) != 0)
		bad_input("unsupported \"version\" (this lead_qual writes and reads version %d)", TS_VERSION);

	if ((v = member(doc, "kind", &buf)) == NULL)
		bad_input("missing field \"kind\"");
	if (v->type == jbvString && v->val.string.len == 4 && memcmp(v->val.string.val, "fold", 4) == 0)
		kind = TS_KIND_FOLD;
	else if (v->type == jbvString && v->val.string.len == 7 &&
			 memcmp(v->val.string.val, "qualify", 7) == 0)
		kind = TS_KIND_QUALIFY;
	else
		bad_input("\"kind\" must be \"fold\" or \"qualify\"");

	if (kind == TS_KIND_FOLD)
	{
		if (shape.model_start != NULL || member(doc, "as_of", &buf) != NULL ||
			member(doc, "latest", &buf) != NULL)
			bad_input("a state of kind \"fold\" has no \"model\", \"as_of\" or \"latest\"");
	}
	else
	{
		JsonbValue *a = member(doc, "as_of", &buf);

		if (shape.model_start == NULL || shape.model_end == NULL ||
			shape.model_end < shape.model_start)
			bad_input("a state of kind \"qualify\" needs a \"model\"");
		model = model_in_state(shape.model_start,
							   (int) (shape.model_end - shape.model_start));
		if (a != NULL)
		{
			if (member(doc, "latest", &elem) != NULL)
				bad_input("a state has \"as_of\" or \"latest\", not both");
			flags |= TS_HAS_ASOF;
			if (!time_value(a, "\"as_of\"", &as_of))
				flags |= TS_ASOF_NULL;
		}
		else if ((a = member(doc, "latest", &buf)) != NULL)
		{
			if (time_value(a, "\"latest\"", &latest))
				flags |= TS_HAS_LATEST;
		}
		else
			bad_input("a state of kind \"qualify\" needs \"as_of\" or \"latest\"");
	}

	if ((v = member(doc, "entries", &buf)) == NULL)
		bad_input("missing field \"entries\"");
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		bad_input("\"entries\" must be an array, not %s", JsonbValueTypeName(v));

	n = JsonContainerSize(v->val.binary.data);
	items = palloc0(sizeof(TsItem) * Max(n, 1));
	it = JsonbIteratorInit(v->val.binary.data);
	n = 0;
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		JsonbValue	part[3];
		JsonbValue	one;
		JsonbIterator *eit;
		int			nparts = 0;
		char		field[32];

		if (tok != WJB_ELEM)
			continue;
		snprintf(field, sizeof(field), "entries[%d]", n);
		if (elem.type != jbvBinary || !JsonContainerIsArray(elem.val.binary.data) ||
			JsonContainerSize(elem.val.binary.data) != 3)
			bad_input("%s must be an array of a key, a time and a value", field);
		eit = JsonbIteratorInit(elem.val.binary.data);
		while ((tok = JsonbIteratorNext(&eit, &one, true)) != WJB_DONE)
			if (tok == WJB_ELEM && nparts < 3)
				part[nparts++] = one;
		if (part[0].type != jbvString)
			bad_input("the key of %s must be a string, not %s", field, JsonbValueTypeName(&part[0]));
		items[n].key = part[0].val.string.val;
		items[n].keylen = part[0].val.string.len;
		snprintf(field, sizeof(field), "the time of entries[%d]", n);
		items[n].has_ts = time_value(&part[1], field, &items[n].ts);
		if (!items[n].has_ts)
			items[n].ts = 0;
		items[n].value = JsonbValueToJsonb(&part[2]);
		items[n].index = n;
		n++;
	}

	return PointerGetDatum(build_state(kind, flags, model, as_of, latest, items, n));
}

PG_FUNCTION_INFO_V1(lq_touch_state_in);
Datum
lq_touch_state_in(PG_FUNCTION_ARGS)
{
	Datum		result;

	if (!InputParse(fcinfo, state_from_text, PG_GETARG_CSTRING(0), &result))
		return (Datum) 0;		/* reported softly */
	PG_RETURN_DATUM(result);
}

/* ----------------------------------------------------------------
 * Binary form
 *
 * u8 version, u8 kind, u8 flags; for qualify_touches the model's JSON
 * text (i32 length, bytes) and the as_of or latest time (i64, when set);
 * i32 number of entries; per entry the key (i32 length, bytes), u8 dated,
 * i64 time (when dated) and the value's JSON text (i32 length, bytes).
 * Texts are in the client encoding, as for the text type.
 * ----------------------------------------------------------------
 */

static void
send_text(StringInfo buf, const char *s, int len)
{
	StringInfoData tmp;

	/* the length of the converted text, then the text */
	initStringInfo(&tmp);
	pq_sendtext(&tmp, s, len);
	pq_sendint32(buf, tmp.len);
	pq_sendbytes(buf, tmp.data, tmp.len);
	pfree(tmp.data);
}

static int64
recv_time(StringInfo buf, const char *what)
{
	int64		ts;

	RecvNeed(buf, 8, LQ_TOUCH_STATE_TYPE);
	ts = pq_getmsgint64(buf);
	if (!IS_VALID_TIMESTAMP(ts) && !TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary lead_qual.touch_state: %s is out of range", what)));
	return ts;
}

static char *
recv_text(StringInfo buf, int *len, const char *what)
{
	int			n;

	RecvNeed(buf, 4, LQ_TOUCH_STATE_TYPE);
	n = pq_getmsgint(buf, 4);
	if (n < 0 || n > buf->len - buf->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary lead_qual.touch_state: bad length of %s", what)));
	return pq_getmsgtext(buf, n, len);
}

PG_FUNCTION_INFO_V1(lq_touch_state_send);
Datum
lq_touch_state_send(PG_FUNCTION_ARGS)
{
	bool		own;
	TsHeader   *st = TsRead(PG_GETARG_DATUM(0), true, &own);
	const TsEntry *e = TS_ENTRIES(st);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, TS_VERSION);
	pq_sendint8(&buf, st->kind);
	pq_sendint8(&buf, st->flags);
	if (st->kind == TS_KIND_QUALIFY)
	{
		StringInfoData json;

		initStringInfo(&json);
		ModelToJson(&json, ModelDecode(TS_MODEL(st)));
		send_text(&buf, json.data, json.len);
		if ((st->flags & TS_HAS_ASOF) != 0 && (st->flags & TS_ASOF_NULL) == 0)
			pq_sendint64(&buf, st->as_of);
		if ((st->flags & TS_HAS_LATEST) != 0)
			pq_sendint64(&buf, st->latest);
	}
	pq_sendint32(&buf, st->nentries);
	for (int i = 0; i < st->nentries; i++)
	{
		Jsonb	   *v = TS_VALUE(st, &e[i]);
		char	   *json = JsonbToCString(NULL, &v->root, e[i].val_len);

		send_text(&buf, TS_KEY(st, &e[i]), e[i].key_len);
		pq_sendint8(&buf, e[i].has_ts);
		if (e[i].has_ts)
			pq_sendint64(&buf, e[i].ts);
		send_text(&buf, json, strlen(json));
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(lq_touch_state_recv);
Datum
lq_touch_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	uint8		kind;
	uint8		flags;
	int64		as_of = 0;
	int64		latest = 0;
	LqModel    *model = NULL;
	TsItem	   *items;
	int			n;

	RecvNeed(buf, 3, LQ_TOUCH_STATE_TYPE);	/* version, kind, flags */
	version = pq_getmsgint(buf, 1);
	if (version != TS_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported lead_qual.touch_state binary format version %d", version)));
	kind = (uint8) pq_getmsgint(buf, 1);
	flags = (uint8) pq_getmsgint(buf, 1);
	if (kind != TS_KIND_FOLD && kind != TS_KIND_QUALIFY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary lead_qual.touch_state: unknown kind %d", kind)));
	if ((flags & ~TS_ALL_FLAGS) != 0 ||
		(kind == TS_KIND_FOLD && flags != 0) ||
		((flags & TS_HAS_ASOF) != 0 && (flags & TS_HAS_LATEST) != 0) ||
		((flags & TS_HAS_ASOF) == 0 && (flags & TS_ASOF_NULL) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary lead_qual.touch_state: bad flags %d", flags)));
	if (kind == TS_KIND_QUALIFY)
	{
		int			len;
		char	   *json = recv_text(buf, &len, "the model");

		model = model_in_state(json, len);
		if ((flags & TS_HAS_ASOF) != 0 && (flags & TS_ASOF_NULL) == 0)
			as_of = recv_time(buf, "as_of");
		if ((flags & TS_HAS_LATEST) != 0)
			latest = recv_time(buf, "latest");
	}
	RecvNeed(buf, 4, LQ_TOUCH_STATE_TYPE);
	n = pq_getmsgint(buf, 4);
	if (n < 0 || n > (buf->len - buf->cursor) / 9)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary lead_qual.touch_state: bad number of entries %d", n)));
	items = palloc0(sizeof(TsItem) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		int			len;
		char	   *json;
		int			dated;

		items[i].key = recv_text(buf, &items[i].keylen, "a key");
		if (memchr(items[i].key, '\0', items[i].keylen) != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary lead_qual.touch_state: key %d contains a zero byte", i)));
		RecvNeed(buf, 1, LQ_TOUCH_STATE_TYPE);
		dated = pq_getmsgint(buf, 1);
		if (dated != 0 && dated != 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary lead_qual.touch_state: bad entry %d", i)));
		items[i].has_ts = dated == 1;
		items[i].ts = items[i].has_ts ? recv_time(buf, "a time") : 0;
		json = recv_text(buf, &len, "a value");
		items[i].value = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
		items[i].index = i;
	}
	RecvEnd(buf, LQ_TOUCH_STATE_TYPE);
	PG_RETURN_POINTER(build_state(kind, flags, model, as_of, latest, items, n));
}
