/*-------------------------------------------------------------------------
 *
 * engagement.h
 *	  Engagement rules (points per kind of event, decay, caps) and the
 *	  state of the engagement aggregate.
 *
 * Rules live in three forms, like models: JSON text (what users write and
 * read), the varlena of type lead_qual.engagement_rules (a compact binary
 * encoding, canonical so that equal rules have equal bytes), and
 * LqRules, decoded once per query (engagement_rules.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef LEAD_QUAL_ENGAGEMENT_H
#define LEAD_QUAL_ENGAGEMENT_H

#include "lead_qual.h"

#define LQ_MAX_KINDS		200		/* kinds of events in one rule set */
#define LQ_MAX_KIND_LEN		100		/* bytes of a kind's name */
#define LQ_MAX_POINTS		1e6		/* |points| of one event */
#define LQ_MAX_CAP			1e12
#define LQ_MAX_HALF_LIFE	36600.0 /* days, about a century */

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
} LqKind;

typedef struct LqRules
{
	char	   *name;			/* "" when the rules have no name */
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
	int			nslots;			/* hash table of kinds: a power of 2 */
	int		   *slots;			/* index into kinds, or -1 */
} LqRules;

/* engagement_rules.c */
extern LqRules *lq_rules_decode(const struct varlena *raw);
extern struct varlena *lq_rules_from_text(const char *s, int len);
extern const LqKind *lq_rules_kind(const LqRules *r, const char *name, int len);

#endif							/* LEAD_QUAL_ENGAGEMENT_H */
