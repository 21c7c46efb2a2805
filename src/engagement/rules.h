/*-------------------------------------------------------------------------
 *
 * rules.h
 *	  Engagement rules: points per kind of event, decay, caps.
 *
 * An event's kind is matched with a kind of the rules the way names people
 * write are compared (FoldNameInto): blanks around it, ASCII case, and
 * whether its words are joined by blanks, '_' or '-' do not count.  So
 * "Pricing Page Visit" is the kind pricing_page_visit.
 *
 * Rules live in three forms, like models: JSON text, what users write and
 * read (rules_parse.c reads it, rules_json.c writes it, canonical); the
 * stored form, a compact binary encoding in a varlena of type
 * lead_qual.engagement_rules, canonical so that equal rules have equal
 * bytes (rules_codec.c); and LqRules, decoded once per query
 * (registry/ref.c keeps it).  The SQL functions of the type are in
 * rules_type.c, the aggregate that applies them in engagement.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_RULES_H
#define LQ_RULES_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "base/json_tree.h"
#include "compat.h"

#define LQ_MAX_KINDS		200		/* kinds of events in one rule set */
#define LQ_MAX_KIND_LEN		100		/* bytes of a kind's name */
#define LQ_MAX_POINTS		1e6		/* |points| of one event */
#define LQ_MAX_CAP			1e12
#define LQ_MAX_HALF_LIFE	36600.0 /* days, about a century */

#define LQ_RULES_TYPE		"lead_qual.engagement_rules"

typedef struct LqKind
{
	char	   *name;
	int			len;
	double		points;
	bool		has_cap;
	double		cap;			/* the kind's total stays within [-cap, cap] */
	double		half_life;		/* days; 0: the kind does not decay */
	bool		own_half_life;	/* half_life set for this kind, not inherited */
	int			accum;			/* which sum of the state it adds to */
	/* derived when decoding */
	char	   *folded;			/* the name as kinds are compared (FoldNameInto) */
	int			folded_len;
} LqKind;

typedef struct LqRules
{
	char	   *name;			/* "" when the rules have no name */
	char	   *description;	/* NULL when none */
	double		half_life;		/* days; 0: no decay */
	bool		has_cap;
	double		cap;			/* the total is at most cap ... */
	bool		has_floor;
	double		floor;			/* ... and at least floor */
	bool		unknown_is_error;	/* an event of a kind not listed */
	int			nkinds;
	LqKind	   *kinds;			/* sorted by name (bytes) */

	/* derived when decoding */
	uint32		fingerprint;	/* hash of the encoded rules */
	int			naccum;			/* 1 + the number of capped kinds */
	int			nslots;			/* hash tables of kinds: a power of 2 */
	int		   *slots;			/* by folded name: index into kinds, or -1 */
	int		   *exact_slots;	/* by name as written, when exact_first */
	bool		exact_first;	/* rules of before 0.4.0 in which two kinds
								 * fold alike (or one folds to nothing): the
								 * name as written is tried first */
} LqRules;

/* rules_parse.c */
extern LqRules *RulesFromJson(const JNode *root);
extern struct varlena *RulesCompile(const char *text, int len);

/* rules_codec.c */
extern bytea *RulesEncode(const LqRules *r);
extern LqRules *RulesDecode(const struct varlena *raw);
extern int	RulesKindCmp(const LqKind *a, const LqKind *b);
extern const LqKind *RulesKind(const LqRules *r, const char *name, int len);

/* rules_json.c */
extern char *RulesJsonText(const struct varlena *raw);

#endif							/* LQ_RULES_H */
