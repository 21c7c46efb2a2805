/*-------------------------------------------------------------------------
 *
 * lead_qual.h
 *	  Shared declarations of the lead_qual extension: the in-memory form of
 *	  a qualification model, evidence values, and the entry points that the
 *	  source files offer each other.
 *
 * A model lives in three forms:
 *	 - JSON text (what users write and read; see model_parse.c, model_json.c),
 *	 - the varlena stored on disk (a compact binary encoding; model_codec.c),
 *	 - LqModel, the decoded structure evaluated per row (rules.c).
 * Decoding happens once per query and is cached on fn_extra (qualify.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef LEAD_QUAL_H
#define LEAD_QUAL_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"

/* Limits on what a model may contain (checked on input). */
#define LQ_MAX_CRITERIA		64
#define LQ_MAX_NAME_LEN		63		/* model names, criterion keys, sources */
#define LQ_MAX_LABEL_LEN	200
#define LQ_MAX_TEXT_LEN		4000	/* a description or a question */
#define LQ_MAX_VALUES		256		/* entries of one_of and scale rules */
#define LQ_MAX_VALUE_LEN	200
#define LQ_MAX_LANGS		16
#define LQ_MAX_QUESTIONS	20
#define LQ_MAX_DAYS			36600	/* about a century */
#define LQ_MAX_WEIGHT		1e6
#define LQ_MAX_JSON_DEPTH	16		/* nesting of a model's JSON text */
#define LQ_MAX_EVIDENCE_DEPTH	(LQ_MAX_JSON_DEPTH + 48)	/* of evidence */
#define LQ_MAX_JSON_MEMBERS 1000	/* members of one object or array */
#define LQ_MAX_MODEL_BYTES	(1024 * 1024)	/* the encoded model */

/* ----------------------------------------------------------------
 * The decoded model
 * ----------------------------------------------------------------
 */

typedef enum LqRuleKind
{
	LQ_RULE_BOOLEAN = 1,		/* true = met (10), false = unmet (0) */
	LQ_RULE_GRADE,				/* a mark 0-10, or a boolean; met at >= pass */
	LQ_RULE_AT_LEAST,			/* number >= lo */
	LQ_RULE_AT_MOST,			/* number <= hi */
	LQ_RULE_BETWEEN,			/* lo <= number <= hi */
	LQ_RULE_ONE_OF,				/* text is one of values[] */
	LQ_RULE_SCALE,				/* text maps to grades[]; met at >= pass */
	LQ_RULE_WITHIN_DAYS			/* date within days of as_of */
} LqRuleKind;

typedef enum LqDirection
{
	LQ_DIR_AHEAD = 1,			/* as_of <= date <= as_of + days */
	LQ_DIR_BEHIND,				/* as_of - days <= date <= as_of */
	LQ_DIR_EITHER				/* |date - as_of| <= days */
} LqDirection;

/* Texts in several languages: lang[i] has ntexts[i] texts. */
typedef struct LqLocalized
{
	int			nlang;
	char	  **lang;
	int		   *ntexts;
	char	 ***texts;
} LqLocalized;

typedef struct LqCriterion
{
	char	   *key;
	char	   *label;
	char	   *source;			/* jsonb key or column name */
	LqLocalized description;	/* one text per language */
	LqLocalized questions;		/* questions to ask, per language */
	double		weight;
	bool		knockout;
	LqRuleKind	rule;
	double		pass;			/* grade, scale */
	double		lo;				/* at_least, between */
	double		hi;				/* at_most, between */
	int32		days;			/* within_days */
	LqDirection direction;		/* within_days */
	int			nvalues;		/* one_of, scale */
	char	  **values;			/* as written */
	double	   *grades;			/* scale: grade of values[i] */
	bool		default_known;	/* scale: grade of a value not listed is ... */
	double		default_grade;	/* ... this one, when default_known */

	/* derived when decoding, not stored */
	double		share;			/* weight / total weight of the model */
	Numeric		lo_num;			/* lo and hi as numeric, for numeric values */
	Numeric		hi_num;
	char	  **folded;			/* values[] trimmed, ASCII lower case */
	int		   *folded_len;
} LqCriterion;

typedef struct LqModel
{
	char	   *name;
	char	   *label;
	LqLocalized description;
	int			min_met;
	bool		has_pass_score;
	double		pass_score;
	double		tier_a;
	double		tier_b;
	double		tier_c;
	int			ncriteria;
	LqCriterion *criteria;

	/* derived when decoding, not stored */
	double		total_weight;
	int		   *ask_order;		/* criteria by weight desc, then model order */
} LqModel;

/* ----------------------------------------------------------------
 * A parsed JSON document (json_tree.c)
 * ----------------------------------------------------------------
 */

typedef enum JNodeType
{
	JN_NULL,
	JN_BOOL,
	JN_NUMBER,
	JN_STRING,
	JN_ARRAY,
	JN_OBJECT
} JNodeType;

typedef struct JNode
{
	JNodeType	type;
	bool		boolval;
	char	   *str;			/* string contents, or the number as written */
	int			nitems;
	int			capacity;
	char	  **keys;			/* object member names */
	struct JNode **items;		/* object member values, array elements */
	const char *dupkey;			/* a member name the object repeats */
} JNode;

extern JNode *lq_json_parse_model(const char *text, int len);
extern JNode *lq_json_parse_evidence(const char *text, int len);
extern JNode *lq_json_parse_document(const char *text, int len, const char *what);
extern void lq_field_error(int code, const char *what, const char *path, const char *fmt,...)
			pg_attribute_printf(4, 5) pg_attribute_noreturn();
extern bool lq_arg_is_const(FmgrInfo *flinfo, int argno);
extern void lq_recv_need(StringInfo buf, int nbytes, const char *type);
extern void lq_recv_end(StringInfo buf, const char *type);
extern char *lq_recv_json(StringInfo buf, const char *type, int *nbytes);
extern bytea *lq_send_json(const char *json);
extern char *lq_clip(const char *s, int maxbytes);
extern JNode *lq_json_member(const JNode *obj, const char *key);
extern const char *lq_json_type_name(JNodeType type);

/* ----------------------------------------------------------------
 * Model text, binary and JSON forms
 * ----------------------------------------------------------------
 */

/* model_parse.c */
extern LqModel *lq_model_from_json(const JNode *root);
extern LqModel *lq_model_parse_text(const char *text, int len);
extern bool lq_valid_identifier(const char *s);

/* model_codec.c */
extern bytea *lq_model_encode(const LqModel *model);
extern LqModel *lq_model_decode(const struct varlena *raw);
extern void lq_model_finish(LqModel *model);
extern char *lq_fold(const char *s, int len, int *outlen);
extern const char *lq_localized_pick(const LqLocalized *loc, const char *lang,
									 int index);

/* model_json.c */
extern void lq_model_to_json(StringInfo out, const LqModel *model);
extern char *lq_rule_describe(const LqCriterion *c);
extern const char *lq_rule_type_name(LqRuleKind kind);
extern void lq_append_number(StringInfo out, double v);

/* model_type.c */
extern struct varlena *lq_model_from_text(const char *s, int len);

/* qualify.c */
extern Tuplestorestate *lq_srf_begin(FunctionCallInfo fcinfo, TupleDesc *desc);

/* registry.c */
extern void lq_registry_init(void);
extern struct varlena *lq_registry_fetch(const char *name, bool missing_ok);
extern struct varlena *lq_rules_registry_fetch(const char *name, bool missing_ok);
extern uint64 lq_registry_generation(void);
extern uint64 lq_schema_generation(void);

/* ----------------------------------------------------------------
 * Evidence values and evaluation (evidence.c, rules.c)
 * ----------------------------------------------------------------
 */

typedef enum LqValueKind
{
	LQV_NULL = 0,				/* unknown */
	LQV_BOOL,
	LQV_NUMBER,					/* a double */
	LQV_NUMERIC,				/* a Numeric, converted when needed */
	LQV_TEXT,					/* str/len, not necessarily terminated */
	LQV_DAYS,					/* a date as days since 2000-01-01 */
	LQV_NESTED					/* a JSON array or object: not usable */
} LqValueKind;

typedef struct LqValue
{
	LqValueKind kind;
	bool		b;
	double		num;
	Numeric		numeric;
	const char *str;
	int			len;
	int32		days;
	/* room for a small numeric read from a row, to spare a palloc per row */
	union
	{
		int32		align;
		char		data[48];
	}			numbuf;
} LqValue;

typedef enum LqState
{
	LQ_UNKNOWN = 0,
	LQ_MET,
	LQ_UNMET
} LqState;

typedef struct LqGrade
{
	LqState		state;
	double		grade;			/* 0-10; 0 when unknown */
} LqGrade;

typedef enum LqStatus
{
	LQ_STATUS_QUALIFIED,
	LQ_STATUS_NEEDS_INFO,
	LQ_STATUS_NURTURE,
	LQ_STATUS_DISQUALIFIED
} LqStatus;

typedef struct LqOutcome
{
	double		score;			/* 0-100 */
	int			met;
	int			known;
	int			total;
	LqStatus	status;
	char		tier;			/* 'A'..'D' */
} LqOutcome;

/* The date that as_of falls on, in days since 2000-01-01 (UTC). */
typedef struct LqAsOf
{
	bool		isnull;
	bool		finite;
	int32		days;
} LqAsOf;

/* rules.c */
extern void lq_grade_criterion(const LqModel *m, int i, const LqValue *v,
							   const LqAsOf *asof, LqGrade *g);
extern void lq_outcome(const LqModel *m, const LqGrade *grades, LqOutcome *out);
extern const char *lq_status_name(LqStatus status);
extern double lq_points(const LqModel *m, int i, const LqGrade *g);
extern double lq_model_score(const LqModel *m, const LqGrade *grades);
extern LqAsOf lq_asof_from_timestamptz(Datum ts, bool isnull);

/* evidence.c: where the values of one call come from */
typedef enum LqEvidenceKind
{
	LQ_EVIDENCE_JSONB,
	LQ_EVIDENCE_TEXT,			/* JSON text */
	LQ_EVIDENCE_ROW,
	LQ_EVIDENCE_COLUMNS			/* a row's columns as arguments (support.c) */
} LqEvidenceKind;

typedef struct LqRowBinding LqRowBinding;

extern LqRowBinding *lq_row_bind(const LqModel *m, Oid typid, int32 typmod,
								 MemoryContext mcxt);
extern bool lq_row_binding_matches(const LqRowBinding *b, Oid typid, int32 typmod);
extern void lq_values_from_row(const LqModel *m, LqRowBinding *b,
							   HeapTupleHeader row, LqValue *values);
extern void lq_values_from_slot(const LqModel *m, LqRowBinding *b,
								struct TupleTableSlot *slot, LqValue *values);
extern int	lq_row_binding_column(const LqRowBinding *b, int i);
extern LqRowBinding *lq_columns_bind(const LqModel *m, FunctionCallInfo fcinfo,
									 int names_arg, int first_arg, Oid rowtype,
									 MemoryContext mcxt);
extern void lq_values_from_args(const LqModel *m, LqRowBinding *b,
								FunctionCallInfo fcinfo, LqValue *values);
extern void lq_values_from_jsonb(const LqModel *m, Jsonb *jb, LqValue *values);
extern void lq_values_from_json_text(const LqModel *m, text *t, LqValue *values);
extern char *lq_value_display(const LqValue *v);

/* Blanks around a value do not count when values are compared. */
static inline bool
lq_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline void
lq_trim(const char **s, int *len)
{
	while (*len > 0 && lq_is_blank((*s)[0]))
		(*s)++, (*len)--;
	while (*len > 0 && lq_is_blank((*s)[*len - 1]))
		(*len)--;
}

static inline char
lq_ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* value conversions used by the rules */
extern bool lq_parse_number(const char *s, int len, double *out);
extern bool lq_parse_iso_date(const char *s, int len, int32 *days);
extern double lq_numeric_to_double(Numeric n);

/* qualify.c: building lead_qual.qualification values */
typedef struct LqResultMaker
{
	TupleDesc	desc;			/* blessed descriptor of lead_qual.qualification */
	Datum		name_text;		/* the model's name as text */
	Datum	   *key_texts;		/* the criteria's keys as text */
	Datum	   *scratch;		/* room for building the arrays */
	Datum		status_text[4];
	Datum		tier_text[4];

	/*
	 * The arrays of keys (missing, failed) built so far, by which criteria
	 * they hold (bit i: criterion i), for models of at most
	 * LQ_KEY_ARRAY_CACHE criteria: there are few such sets, and a lead's
	 * arrays are then copied rather than built.
	 */
	MemoryContext cxt;
	Datum	   *key_arrays[2];	/* [0] missing, [1] failed; NULL until used */
} LqResultMaker;

#define LQ_KEY_ARRAY_CACHE	8

extern void lq_result_maker_init(LqResultMaker *rm, const LqModel *m, TupleDesc desc,
								 MemoryContext cxt);
extern Datum lq_make_qualification(LqResultMaker *rm, const LqModel *m,
								   const LqGrade *grades);

/* ----------------------------------------------------------------
 * Sales readiness and the next action (0.3.0)
 * ----------------------------------------------------------------
 */

/* qualify.c: one evaluation of (model, evidence, as_of, ...), see there */
typedef struct LqEvaluation
{
	const LqModel *model;
	const LqValue *values;		/* per criterion, as read */
	const LqGrade *grades;		/* per criterion */
	LqAsOf		asof;
} LqEvaluation;

extern bool lq_evaluate(FunctionCallInfo fcinfo, void **cache, LqEvaluation *ev);

#endif							/* LEAD_QUAL_H */
