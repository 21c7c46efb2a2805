/*-------------------------------------------------------------------------
 *
 * model.h
 *	  A qualification model: criteria, weights, rules, min_met, pass score
 *	  and tiers.
 *
 * A model lives in three forms:
 *	 - JSON text, what users write and read (model_parse.c reads it,
 *	   model_json.c writes it, canonical);
 *	 - the stored form, a compact binary encoding in a varlena, the value of
 *	   type lead_qual.model (model_codec.c);
 *	 - LqModel, the decoded structure the scoring functions evaluate.
 * Decoding happens once per query (registry/ref.c keeps it).  The SQL
 * functions of the type are in model_type.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_MODEL_H
#define LQ_MODEL_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/numeric.h"

#include "base/json_tree.h"
#include "base/text_util.h"
#include "compat.h"

/* Limits on what a model may contain (checked on input). */
#define LQ_MAX_CRITERIA		64
#define LQ_MAX_LABEL_LEN	200
#define LQ_MAX_VALUES		256		/* entries of one_of and scale rules */
#define LQ_MAX_VALUE_LEN	200
#define LQ_MAX_LANGS		16
#define LQ_MAX_QUESTIONS	20
#define LQ_MAX_DAYS			36600	/* about a century */
#define LQ_MAX_CUTS			255		/* cut points of a bands rule */
#define LQ_MAX_WEIGHT		1e6
#define LQ_MAX_MODEL_BYTES	(1024 * 1024)	/* the encoded model */

typedef enum LqRuleKind
{
	LQ_RULE_BOOLEAN = 1,		/* true = met (10), false = unmet (0) */
	LQ_RULE_GRADE,				/* a mark 0-10, or a boolean; met at >= pass */
	LQ_RULE_AT_LEAST,			/* number >= lo */
	LQ_RULE_AT_MOST,			/* number <= hi */
	LQ_RULE_BETWEEN,			/* lo <= number <= hi */
	LQ_RULE_ONE_OF,				/* text is one of values[] */
	LQ_RULE_SCALE,				/* text maps to grades[]; met at >= pass */
	LQ_RULE_WITHIN_DAYS,		/* date within days of as_of */
	LQ_RULE_BANDS				/* number falls in a band of cuts[]: grade of
								 * the band; met at >= pass */
} LqRuleKind;

#define LQ_RULE_LAST		LQ_RULE_BANDS

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
	char	   *source;			/* jsonb key or column name (else the key:
								 * read_key) */
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
	int			ncuts;			/* bands: cut points, strictly increasing */
	double	   *cuts;
	double	   *band_grades;	/* bands: ncuts + 1 grades, band 0 first */
	bool		has_unknown_grade;	/* an unknown value earns ... */
	double		unknown_grade;	/* ... this grade toward the score */

	/* derived when decoding, not stored */
	bool		read_key;		/* the evidence's key is read when it lacks the
								 * source: the key differs from the source, and
								 * no criterion has it as its source */
	double		share;			/* weight / total weight of the model */
	Numeric		lo_num;			/* lo and hi as numeric, for numeric values */
	Numeric		hi_num;
	Numeric    *cuts_num;		/* bands: cuts[] as numeric */
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
	bool		has_calibration;	/* P(won) = 1 / (1 + exp(-(intercept + */
	double		cal_intercept;	/* slope * score))) */
	double		cal_slope;
	int			ncriteria;
	LqCriterion *criteria;

	/* derived when decoding, not stored */
	double		total_weight;
	int		   *ask_order;		/* criteria by weight desc, then model order */
} LqModel;

#define LQ_MODEL_TYPE		"lead_qual.model"

/* model_parse.c */
extern LqModel *ModelFromJson(const JNode *root);
extern LqModel *ModelParse(const char *text, int len);
extern struct varlena *ModelCompile(const char *text, int len);

/* model_codec.c */
extern bytea *ModelEncode(const LqModel *model);
extern LqModel *ModelDecode(const struct varlena *raw);
extern void ModelFinish(LqModel *model);
extern const char *LocalizedPick(const LqLocalized *loc, const char *lang, int index);
extern const char *LocalizedText(const LqLocalized *loc, const char *lang, int index);

/* model_type.c */
extern Oid	ModelTypeOid(void);

/* model_json.c */
extern const char *const RuleTypeNames[];
extern const char *const DirectionNames[];
extern void ModelToJson(StringInfo out, const LqModel *model);
extern void ModelRuleJson(StringInfo out, const LqCriterion *c);
extern void ModelLocalizedJson(StringInfo out, const LqLocalized *loc, bool arrays);
extern char *ModelJsonText(const struct varlena *raw);
extern char *RuleDescribe(const LqCriterion *c);
extern const char *RuleTypeName(LqRuleKind kind);

/* question.c */
extern const char *ModelQuestion(const LqCriterion *c, const char *lang);

#endif							/* LQ_MODEL_H */
