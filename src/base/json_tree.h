/*-------------------------------------------------------------------------
 *
 * json_tree.h
 *	  A JSON document parsed into a small tree (JNode), by PostgreSQL's own
 *	  JSON parser.
 *
 * Unlike jsonb, the tree keeps object members in the order written and
 * notes a repeated member name, so that lead_qual's documents (models,
 * engagement rules, states) can refuse one and name the field.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_JSON_TREE_H
#define LQ_JSON_TREE_H

#include "postgres.h"

#include "compat.h"

/* limits on a document (a model, engagement rules, a state) */
#define LQ_MAX_JSON_DEPTH		16	/* nesting */
#define LQ_MAX_JSON_MEMBERS		1000	/* members of one object or array */
/* evidence may nest deeper, though its nested values are not used */
#define LQ_MAX_EVIDENCE_DEPTH	(LQ_MAX_JSON_DEPTH + 48)

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

extern JNode *JsonTreeParse(const char *text, int len, const char *what);
extern JNode *JsonTreeParseShallow(const char *text, int len, const char *what);
extern JNode *JsonMember(const JNode *obj, const char *key);
extern const char *JsonTypeName(JNodeType type);

#endif							/* LQ_JSON_TREE_H */
