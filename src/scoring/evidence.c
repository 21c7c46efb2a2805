/*-------------------------------------------------------------------------
 *
 * evidence.c
 *	  Read the value of each criterion from the evidence: a jsonb object,
 *	  JSON text, or a table row.
 *
 * For rows, the column of each criterion, its type and how to read it are
 * resolved once per row type (EvidenceBindRow) and reused for every row; a row
 * is then deformed only up to the last column a criterion reads.
 *
 * A value is handed to the rules as an LqValue in the form it came in;
 * the rules convert it to what they need (grade.c).  NULL, a missing key
 * and JSON null all become LQV_NULL: unknown.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type_d.h"
#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "datatype/timestamp.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "base/convert.h"
#include "base/json_fields.h"
#include "registry/registry.h"
#include "scoring/evidence.h"

typedef struct EnumLabel
{
	Oid			oid;
	const char *label;
} EnumLabel;

typedef struct LqColumn
{
	int			attno;			/* 0-based */
	bool		by_key;			/* the column the criterion's key names */
	LqColKind	kind;
	FmgrInfo	output;			/* LQ_COL_OTHER, LQ_COL_ENUM (fallback) */
	int			nlabels;		/* LQ_COL_ENUM */
	EnumLabel  *labels;			/* sorted by oid */
} LqColumn;

struct LqRowBinding
{
	Oid			typid;
	int32		typmod;
	uint64		generation;		/* SchemaGeneration() when bound */
	TupleDesc	tupdesc;
	TupleTableSlot *slot;
	HeapTupleData tuple;		/* the row in slot */
	int			natts_needed;	/* deform up to this many columns */
	LqColumn   *cols;			/* one per criterion */
};

/* ---------------------------------------------------------------------
 * Rows
 * ---------------------------------------------------------------------
 */

static LqColKind
col_kind(Oid typid)
{
	switch (typid)
	{
		case BOOLOID:
			return LQ_COL_BOOL;
		case INT2OID:
			return LQ_COL_INT2;
		case INT4OID:
			return LQ_COL_INT4;
		case INT8OID:
			return LQ_COL_INT8;
		case FLOAT4OID:
			return LQ_COL_FLOAT4;
		case FLOAT8OID:
			return LQ_COL_FLOAT8;
		case NUMERICOID:
			return LQ_COL_NUMERIC;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return LQ_COL_TEXT;
		case NAMEOID:
			return LQ_COL_NAME;
		case DATEOID:
			return LQ_COL_DATE;
		case TIMESTAMPOID:
			return LQ_COL_TIMESTAMP;
		case TIMESTAMPTZOID:
			return LQ_COL_TIMESTAMPTZ;
		case JSONBOID:
			return LQ_COL_JSONB;
		default:
			return type_is_enum(typid) ? LQ_COL_ENUM : LQ_COL_OTHER;
	}
}

/*
 * Other types are read as their text, which must not depend on settings
 * (DateStyle, IntervalStyle, lc_monetary, bytea_output, search_path ...):
 * the functions reading rows are IMMUTABLE.  String, network and bit
 * string types qualify, and uuid.
 */
static bool
text_form_is_stable(Oid typid)
{
	char		category;
	bool		preferred;

	if (typid == UUIDOID)
		return true;
	get_type_category_preferred(typid, &category, &preferred);
	return category == TYPCATEGORY_STRING || category == TYPCATEGORY_NETWORK ||
		category == TYPCATEGORY_BITSTRING;
}

/* Can a column of this kind feed this rule?  Text can feed any rule. */
static bool
col_fits_rule(LqColKind kind, LqRuleKind rule)
{
	if (rule == LQ_RULE_ONE_OF || rule == LQ_RULE_SCALE)
		return true;
	switch (kind)
	{
		case LQ_COL_BOOL:
			return rule == LQ_RULE_BOOLEAN || rule == LQ_RULE_GRADE;
		case LQ_COL_INT2:
		case LQ_COL_INT4:
		case LQ_COL_INT8:
		case LQ_COL_FLOAT4:
		case LQ_COL_FLOAT8:
		case LQ_COL_NUMERIC:
			return rule == LQ_RULE_GRADE || rule == LQ_RULE_AT_LEAST ||
				rule == LQ_RULE_AT_MOST || rule == LQ_RULE_BETWEEN ||
				rule == LQ_RULE_BANDS;
		case LQ_COL_DATE:
		case LQ_COL_TIMESTAMP:
		case LQ_COL_TIMESTAMPTZ:
			return rule == LQ_RULE_WITHIN_DAYS;
		default:
			return true;
	}
}

static const char *
rule_needs(LqRuleKind rule)
{
	switch (rule)
	{
		case LQ_RULE_BOOLEAN:
			return "a boolean or text column";
		case LQ_RULE_WITHIN_DAYS:
			return "a date, timestamp or text column";
		default:
			return "a number or text column";
	}
}

static int
label_cmp(const void *a, const void *b)
{
	Oid			x = ((const EnumLabel *) a)->oid;
	Oid			y = ((const EnumLabel *) b)->oid;

	return (x > y) - (x < y);
}

static void
load_enum_labels(LqColumn *col, Oid typid)
{
	CatCList   *list = SearchSysCacheList1(ENUMTYPOIDNAME, ObjectIdGetDatum(typid));

	col->nlabels = list->n_members;
	col->labels = palloc(sizeof(EnumLabel) * Max(list->n_members, 1));
	for (int i = 0; i < list->n_members; i++)
	{
		Form_pg_enum e = (Form_pg_enum) GETSTRUCT(&list->members[i]->tuple);

		col->labels[i].oid = e->oid;
		col->labels[i].label = pstrdup(NameStr(e->enumlabel));
	}
	ReleaseSysCacheList(list);
	qsort(col->labels, col->nlabels, sizeof(EnumLabel), label_cmp);
}

/*
 * How to read a column of this type for this criterion, or an error if the
 * criterion's rule cannot use it.
 */
static void
bind_column(const LqModel *m, const LqCriterion *c, LqColumn *col, Oid coltype,
			MemoryContext mcxt)
{
	Oid			atttype = getBaseType(coltype);
	const char *colname = col->by_key ? c->key : c->source;

	col->kind = col_kind(atttype);
	if (!col_fits_rule(col->kind, c->rule))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of type %s cannot feed criterion \"%s\" of model \"%s\"",
						colname, format_type_be(atttype), c->key, m->name),
				 errdetail("A rule of type %s needs %s.", RuleTypeName(c->rule),
						   rule_needs(c->rule))));
	if (col->kind == LQ_COL_OTHER && !text_form_is_stable(atttype))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of type %s cannot feed criterion \"%s\" of model \"%s\"",
						colname, format_type_be(atttype), c->key, m->name),
				 errdetail("Columns are read as booleans, numbers, text, dates, timestamps, jsonb, enums, or types whose text does not depend on settings."),
				 errhint("Cast the column in a view, or pass the evidence as jsonb.")));
	if (col->kind == LQ_COL_ENUM || col->kind == LQ_COL_OTHER)
	{
		Oid			outfn;
		bool		varlena;

		getTypeOutputInfo(atttype, &outfn, &varlena);
		fmgr_info_cxt(outfn, &col->output, mcxt);
		if (col->kind == LQ_COL_ENUM)
			load_enum_labels(col, atttype);
	}
}

static void
no_such_column(const LqModel *m, const LqCriterion *c, Oid typid)
{
	if (c->read_key)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("row type %s has no column \"%s\" or \"%s\" for criterion \"%s\" of model \"%s\"",
						format_type_be(typid), c->source, c->key, c->key, m->name),
				 errhint("Add or rename the column, set the criterion's \"source\", or pass the evidence as jsonb.")));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("row type %s has no column \"%s\" for criterion \"%s\" of model \"%s\"",
					format_type_be(typid), c->source, c->key, m->name),
			 errhint("Add or rename the column, set the criterion's \"source\", or pass the evidence as jsonb.")));
}

/* The column of a row type named name, 0-based; -1 when there is none. */
static int
find_column(TupleDesc desc, const char *name)
{
	for (int a = 0; a < desc->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, a);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return a;
	}
	return -1;
}

/*
 * Resolve, for each criterion of the model, the column it reads in rows of
 * this type: the one its source names, else (read_key) its key.
 * Everything is allocated in mcxt and kept for later rows.
 */
LqRowBinding *
EvidenceBindRow(const LqModel *m, Oid typid, int32 typmod, MemoryContext mcxt)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	LqRowBinding *b = palloc0(sizeof(LqRowBinding));

	b->typid = typid;
	b->typmod = typmod;
	b->generation = SchemaGeneration();
	/* a copy with the defaults of added columns, which old rows lack */
	b->tupdesc = lookup_rowtype_tupdesc_copy(typid, typmod);
	b->slot = MakeSingleTupleTableSlot(b->tupdesc, &TTSOpsHeapTuple);
	b->cols = palloc0(sizeof(LqColumn) * m->ncriteria);

	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		LqColumn   *col = &b->cols[i];
		int			found = find_column(b->tupdesc, c->source);

		if (found < 0 && c->read_key)
		{
			found = find_column(b->tupdesc, c->key);
			col->by_key = true;
		}
		if (found < 0)
			no_such_column(m, c, typid);
		col->attno = found;
		b->natts_needed = Max(b->natts_needed, found + 1);
		bind_column(m, c, col, TupleDescAttr(b->tupdesc, found)->atttypid, mcxt);
	}
	MemoryContextSwitchTo(old);
	return b;
}

/*
 * Is the binding good for rows of this type?  Not if the type changed its
 * columns (ALTER TABLE) since it was made: a statement, or a PL/pgSQL
 * expression kept for a whole transaction, can see that happen.
 */
bool
EvidenceBindingMatches(const LqRowBinding *b, Oid typid, int32 typmod)
{
	return b != NULL && b->typid == typid && b->typmod == typmod &&
		b->generation == SchemaGeneration();
}

/* The position of name among the n column names; -1 when it is not there. */
static int
find_name(Datum *names, bool *nulls, int n, const char *name)
{
	for (int j = 0; j < n; j++)
		if (!nulls[j] && strcmp(TextDatumGetCString(names[j]), name) == 0)
			return j;
	return -1;
}

/*
 * Bind the criteria to the arguments of a *_columns call (see support.c):
 * argument names_arg holds the column names, and the values follow from
 * argument first_arg on, in that order, of the types the call gives them.
 */
LqRowBinding *
EvidenceBindArgs(const LqModel *m, FunctionCallInfo fcinfo, int names_arg,
				 int first_arg, Oid rowtype, MemoryContext mcxt)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	LqRowBinding *b = palloc0(sizeof(LqRowBinding));
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(names_arg);
	Datum	   *names;
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the column names must be a one-dimensional array, not one of %d dimensions",
						ARR_NDIM(arr))));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &names, &nulls, &n);
	if (n != PG_NARGS() - first_arg)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d column names given for %d column values",
						n, PG_NARGS() - first_arg)));
	b->typid = rowtype;
	b->typmod = -1;
	b->generation = SchemaGeneration();
	b->cols = palloc0(sizeof(LqColumn) * m->ncriteria);
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];
		int			found = find_name(names, nulls, n, c->source);
		Oid			coltype;

		if (found < 0 && c->read_key)
		{
			found = find_name(names, nulls, n, c->key);
			b->cols[i].by_key = true;
		}
		if (found < 0)
			no_such_column(m, c, rowtype);
		b->cols[i].attno = first_arg + found;
		coltype = get_fn_expr_argtype(fcinfo->flinfo, first_arg + found);
		if (!OidIsValid(coltype))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("the types of the column values are not known in this call")));
		bind_column(m, c, &b->cols[i], coltype, mcxt);
	}
	MemoryContextSwitchTo(old);
	return b;
}

static void value_from_datum(LqColumn *col, Datum d, LqValue *v);

/* The criteria's values from the arguments of a *_columns call. */
void
EvidenceFromArgs(const LqModel *m, LqRowBinding *b, FunctionCallInfo fcinfo,
				 LqValue *values)
{
	for (int i = 0; i < m->ncriteria; i++)
	{
		int			arg = b->cols[i].attno;

		values[i].str = NULL;
		values[i].by_key = b->cols[i].by_key;
		if (PG_ARGISNULL(arg))
			values[i].kind = LQV_NULL;
		else
			value_from_datum(&b->cols[i], PG_GETARG_DATUM(arg), &values[i]);
	}
}

static void value_from_jsonb_value(const JsonbValue *jv, LqValue *v);

/*
 * Read a column value.  Sets the fields its kind uses; the caller has set
 * v->str to NULL (a number read from a row has no text as written).
 */
static void
value_from_datum(LqColumn *col, Datum d, LqValue *v)
{
	switch (col->kind)
	{
		case LQ_COL_BOOL:
			v->kind = LQV_BOOL;
			v->b = DatumGetBool(d);
			break;
		case LQ_COL_INT2:
			v->kind = LQV_NUMBER;
			v->num = DatumGetInt16(d);
			break;
		case LQ_COL_INT4:
			v->kind = LQV_NUMBER;
			v->num = DatumGetInt32(d);
			break;
		case LQ_COL_INT8:
			v->kind = LQV_NUMBER;
			v->num = (double) DatumGetInt64(d);
			break;
		case LQ_COL_FLOAT4:
			{
				/* the decimal a user sees (0.3), not its widening (0.30000001...) */
				char		buf[FLOAT_SHORTEST_DECIMAL_LEN];

				float_to_shortest_decimal_buf(DatumGetFloat4(d), buf);
				v->kind = LQV_NUMBER;
				v->num = strtod(buf, NULL);
				break;
			}
		case LQ_COL_FLOAT8:
			v->kind = LQV_NUMBER;
			v->num = DatumGetFloat8(d);
			break;
		case LQ_COL_NUMERIC:
			{
				struct varlena *p = (struct varlena *) DatumGetPointer(d);

				v->kind = LQV_NUMERIC;
				if (VARATT_IS_SHORT(p) &&
					VARSIZE_SHORT(p) - VARHDRSZ_SHORT + VARHDRSZ <= sizeof(v->numbuf.data))
				{
					/* a short header as stored in a row: widen it here */
					Size		len = VARSIZE_SHORT(p) - VARHDRSZ_SHORT;

					SET_VARSIZE(v->numbuf.data, len + VARHDRSZ);
					memcpy(VARDATA(v->numbuf.data), VARDATA_SHORT(p), len);
					v->numeric = (Numeric) v->numbuf.data;
				}
				else
					v->numeric = DatumGetNumeric(d);
				break;
			}
		case LQ_COL_TEXT:
			{
				text	   *t = DatumGetTextPP(d);

				v->kind = LQV_TEXT;
				v->str = VARDATA_ANY(t);
				v->len = VARSIZE_ANY_EXHDR(t);
				break;
			}
		case LQ_COL_NAME:
			v->kind = LQV_TEXT;
			v->str = NameStr(*DatumGetName(d));
			v->len = strlen(v->str);
			break;
		case LQ_COL_DATE:
			v->kind = LQV_DAYS;
			v->days = DatumGetDateADT(d);
			break;
		case LQ_COL_TIMESTAMP:
			v->kind = LQV_DAYS;
			v->days = EvidenceTimestampDays(DatumGetTimestamp(d));
			break;
		case LQ_COL_TIMESTAMPTZ:
			v->kind = LQV_DAYS;
			v->days = EvidenceTimestampDays(DatumGetTimestampTz(d));
			break;
		case LQ_COL_JSONB:
			{
				Jsonb	   *jb = DatumGetJsonbP(d);
				JsonbValue	jv;

				if (JsonbExtractScalar(&jb->root, &jv))
					value_from_jsonb_value(&jv, v);
				else
					v->kind = LQV_NESTED;
				break;
			}
		case LQ_COL_ENUM:
			{
				Oid			oid = DatumGetObjectId(d);
				int			lo = 0,
							hi = col->nlabels - 1;

				while (lo <= hi)
				{
					int			mid = (lo + hi) / 2;

					if (col->labels[mid].oid == oid)
					{
						v->kind = LQV_TEXT;
						v->str = col->labels[mid].label;
						v->len = strlen(v->str);
						return;
					}
					if (col->labels[mid].oid < oid)
						lo = mid + 1;
					else
						hi = mid - 1;
				}
			}
			/* a label added since we looked: ask the type */
			/* FALLTHROUGH */
		case LQ_COL_OTHER:
			v->kind = LQV_TEXT;
			v->str = OutputFunctionCall(&col->output, d);
			v->len = strlen(v->str);
			break;
	}
}

/*
 * The binding's slot holding the row (of the bound type), taken apart up to
 * the last column a criterion reads.  The row must outlive the slot's use;
 * ExecClearTuple() the slot after.
 */
TupleTableSlot *
EvidenceRowSlot(LqRowBinding *b, HeapTupleHeader row)
{
	TupleTableSlot *slot = b->slot;

	b->tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&b->tuple.t_self);
	b->tuple.t_tableOid = InvalidOid;
	b->tuple.t_data = row;
	ExecStoreHeapTuple(&b->tuple, slot, false);
	slot_getsomeattrs(slot, b->natts_needed);
	return slot;
}

void
EvidenceFromRow(const LqModel *m, LqRowBinding *b, HeapTupleHeader row,
				LqValue *values)
{
	TupleTableSlot *slot = EvidenceRowSlot(b, row);

	EvidenceFromSlot(m, b, slot, values);
	ExecClearTuple(slot);
}

/* The criteria's values from a slot holding a row of the bound type. */
void
EvidenceFromSlot(const LqModel *m, LqRowBinding *b, TupleTableSlot *slot,
				 LqValue *values)
{
	slot_getsomeattrs(slot, b->natts_needed);
	for (int i = 0; i < m->ncriteria; i++)
	{
		LqColumn   *col = &b->cols[i];

		values[i].str = NULL;
		values[i].by_key = col->by_key;
		if (slot->tts_isnull[col->attno])
			values[i].kind = LQV_NULL;
		else
			value_from_datum(col, slot->tts_values[col->attno], &values[i]);
	}
}

/*
 * The column (0-based) that criterion i reads in the bound row type; for
 * the arguments of a *_columns call, the argument.
 */
int
EvidenceBoundColumn(const LqRowBinding *b, int i)
{
	return b->cols[i].attno;
}

/* What the column criterion i reads holds. */
LqColKind
EvidenceBoundKind(const LqRowBinding *b, int i)
{
	return b->cols[i].kind;
}

/* How many columns of a row the criteria read: up to the last one. */
int
EvidenceBoundWidth(const LqRowBinding *b)
{
	return b->natts_needed;
}

/* The value of criterion i from d, a value of the column it reads (not NULL). */
void
EvidenceFromDatum(LqRowBinding *b, int i, Datum d, LqValue *v)
{
	v->str = NULL;
	v->by_key = b->cols[i].by_key;
	value_from_datum(&b->cols[i], d, v);
}

/* ---------------------------------------------------------------------
 * jsonb and JSON text
 * ---------------------------------------------------------------------
 */

static void
value_from_jsonb_value(const JsonbValue *jv, LqValue *v)
{
	switch (jv->type)
	{
		case jbvNull:
			v->kind = LQV_NULL;
			break;
		case jbvBool:
			v->kind = LQV_BOOL;
			v->b = jv->val.boolean;
			break;
		case jbvNumeric:
			v->kind = LQV_NUMERIC;
			v->numeric = jv->val.numeric;
			break;
		case jbvString:
			v->kind = LQV_TEXT;
			v->str = jv->val.string.val;
			v->len = jv->val.string.len;
			break;
		default:
			v->kind = LQV_NESTED;
			break;
	}
}

pg_noreturn static void not_an_object(const char *type_name);

static void
not_an_object(const char *type_name)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("evidence must be a JSON object, not %s", type_name),
			 errhint("Write evidence as {\"criterion\": value, ...}.")));
}

/* Evidence given as jsonb that is not an object (22023), naming what it is. */
void
EvidenceNotObject(Jsonb *jb)
{
	not_an_object(JsonbRootTypeName(jb));
}

/*
 * The member of a jsonb object that criterion c reads: the one its source
 * names, else (read_key) the one its key names, and then *by_key is set;
 * NULL when there is neither.
 */
JsonbValue *
EvidenceJsonbMember(const LqCriterion *c, JsonbContainer *obj, JsonbValue *buf,
					bool *by_key)
{
	JsonbValue *jv = getKeyJsonValueFromContainer(obj, c->source, strlen(c->source), buf);

	*by_key = false;
	if (jv == NULL && c->read_key)
	{
		jv = getKeyJsonValueFromContainer(obj, c->key, strlen(c->key), buf);
		*by_key = (jv != NULL);
	}
	return jv;
}

void
EvidenceFromJsonb(const LqModel *m, Jsonb *jb, LqValue *values)
{
	if (!JB_ROOT_IS_OBJECT(jb))
		EvidenceNotObject(jb);
	for (int i = 0; i < m->ncriteria; i++)
	{
		JsonbValue	buf;
		JsonbValue *jv = EvidenceJsonbMember(&m->criteria[i], &jb->root, &buf,
											 &values[i].by_key);

		values[i].str = NULL;
		if (jv == NULL)
			values[i].kind = LQV_NULL;
		else
			value_from_jsonb_value(jv, &values[i]);
	}
}

/* The member of JSON text that criterion c reads (see EvidenceJsonbMember). */
static JNode *
text_member(const LqCriterion *c, const JNode *root, bool *by_key)
{
	JNode	   *n = JsonMember(root, c->source);

	*by_key = false;
	if (n == NULL && c->read_key)
	{
		n = JsonMember(root, c->key);
		*by_key = (n != NULL);
	}
	return n;
}

void
EvidenceFromJsonText(const LqModel *m, text *t, LqValue *values)
{
	JNode	   *root = JsonTreeParseShallow(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), "evidence");

	if (root->type != JN_OBJECT)
		not_an_object(JsonTypeName(root->type));
	for (int i = 0; i < m->ncriteria; i++)
	{
		LqValue    *v = &values[i];
		JNode	   *n = text_member(&m->criteria[i], root, &v->by_key);

		v->str = NULL;
		if (n == NULL || n->type == JN_NULL)
			v->kind = LQV_NULL;
		else if (n->type == JN_BOOL)
		{
			v->kind = LQV_BOOL;
			v->b = n->boolval;
		}
		else if (n->type == JN_NUMBER)
		{
			v->kind = LQV_NUMBER;
			v->num = strtod(n->str, NULL);	/* syntax checked by the parser */
			v->str = n->str;	/* as written, for display */
			v->len = strlen(n->str);
		}
		else if (n->type == JN_STRING)
		{
			v->kind = LQV_TEXT;
			v->str = n->str;
			v->len = strlen(n->str);
		}
		else
			v->kind = LQV_NESTED;
	}
}

/* ---------------------------------------------------------------------
 * Keys that no criterion reads
 * ---------------------------------------------------------------------
 */

/*
 * Whether key (len bytes) is read by a criterion of m, given which
 * criteria find their source in the evidence (has_source).
 */
static bool
key_is_read(const LqModel *m, const bool *has_source, const char *key, int len)
{
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];

		if (strlen(c->source) == (size_t) len && memcmp(c->source, key, len) == 0)
			return true;
		if (c->read_key && !has_source[i] &&
			strlen(c->key) == (size_t) len && memcmp(c->key, key, len) == 0)
			return true;
	}
	return false;
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * The top-level keys of the evidence (jsonb, or JSON text when is_text)
 * that no criterion of m reads: neither a criterion's source, nor the key
 * of a criterion that reads its key because the evidence lacks its source.
 * Sorted (by bytes), each once; *nkeys of them, in the current memory
 * context.
 */
char **
EvidenceUnmatchedKeys(const LqModel *m, Datum evidence, bool is_text, int *nkeys)
{
	bool	   *has_source = palloc(sizeof(bool) * m->ncriteria);
	char	  **keys;
	int			n = 0;

	if (is_text)
	{
		text	   *t = DatumGetTextPP(evidence);
		JNode	   *root = JsonTreeParseShallow(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), "evidence");

		if (root->type != JN_OBJECT)
			not_an_object(JsonTypeName(root->type));
		for (int i = 0; i < m->ncriteria; i++)
			has_source[i] = JsonMember(root, m->criteria[i].source) != NULL;
		keys = palloc(sizeof(char *) * Max(root->nitems, 1));
		for (int k = 0; k < root->nitems; k++)
			if (!key_is_read(m, has_source, root->keys[k], strlen(root->keys[k])))
				keys[n++] = root->keys[k];
	}
	else
	{
		Jsonb	   *jb = DatumGetJsonbP(evidence);
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;

		if (!JB_ROOT_IS_OBJECT(jb))
			EvidenceNotObject(jb);
		for (int i = 0; i < m->ncriteria; i++)
		{
			const char *src = m->criteria[i].source;
			JsonbValue	buf;

			has_source[i] = getKeyJsonValueFromContainer(&jb->root, src, strlen(src), &buf) != NULL;
		}
		keys = palloc(sizeof(char *) * Max(JsonContainerSize(&jb->root), 1));
		it = JsonbIteratorInit(&jb->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			if (tok == WJB_KEY &&
				!key_is_read(m, has_source, v.val.string.val, v.val.string.len))
				keys[n++] = pnstrdup(v.val.string.val, v.val.string.len);
	}

	/* sorted, and each once (JSON text may repeat a key) */
	if (n > 1)
		qsort(keys, n, sizeof(char *), cmp_keys);
	*nkeys = 0;
	for (int k = 0; k < n; k++)
		if (*nkeys == 0 || strcmp(keys[*nkeys - 1], keys[k]) != 0)
			keys[(*nkeys)++] = keys[k];
	return keys;
}

/*
 * What the criteria of m read, for messages: "budget_eur (or budget), role,
 * need": each source, with the key a criterion reads when the source is
 * missing.
 */
char *
EvidenceReadList(const LqModel *m)
{
	StringInfoData s;

	initStringInfo(&s);
	for (int i = 0; i < m->ncriteria; i++)
	{
		const LqCriterion *c = &m->criteria[i];

		appendStringInfo(&s, "%s%s", i > 0 ? ", " : "", c->source);
		if (c->read_key)
			appendStringInfo(&s, " (or %s)", c->key);
	}
	return s.data;
}

/* The value as text, for explain() and messages; NULL when unknown. */
char *
EvidenceValueText(const LqValue *v)
{
	switch (v->kind)
	{
		case LQV_NULL:
			return NULL;
		case LQV_BOOL:
			return pstrdup(v->b ? "true" : "false");
		case LQV_NUMBER:
			if (v->str != NULL)
				return pnstrdup(v->str, v->len);
			return NumberText(v->num);
		case LQV_NUMERIC:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->numeric)));
		case LQV_TEXT:
			return pnstrdup(v->str, v->len);
		case LQV_DAYS:
			return DateText(v->days);
		case LQV_NESTED:
			return pstrdup("(array or object)");
	}
	return NULL;
}
