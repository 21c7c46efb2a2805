/*-------------------------------------------------------------------------
 *
 * json_tree.c
 *	  Parse JSON text into a small tree (json_tree.h), using PostgreSQL's
 *	  own JSON parser for the syntax, escapes and encodings.
 *
 * The depth and the size of each object or array are bounded, so that a
 * hostile document fails with a clear error long before it could exhaust
 * the stack or the memory.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/jsonapi.h"
#include "miscadmin.h"

#include "base/json_tree.h"
#include "base/text_util.h"
#include "compat.h"

typedef struct TreeState
{
	const char *what;			/* "model", "evidence" ..., for messages */
	int			maxdepth;
	int			maxmembers;
	bool		shallow;		/* build nodes only down to the root's members */
	bool		find_dups;		/* note repeated member names */
	int			depth;
	JNode	   *root;
	JNode	   *stack[LQ_MAX_JSON_DEPTH + 64];
	char	   *pending_key;
} TreeState;

static JNode *
new_node(JNodeType type)
{
	JNode	   *n = palloc0(sizeof(JNode));

	n->type = type;
	return n;
}

/* Where in the document the parser is, as a path such as criteria[2].rule. */
static char *
tree_path(TreeState *st)
{
	StringInfoData path;

	initStringInfo(&path);
	for (int i = 1; i <= st->depth && i < (int) lengthof(st->stack); i++)
	{
		JNode	   *parent = st->stack[i - 1];

		if (parent == NULL || parent->nitems == 0)
			break;
		if (parent->type == JN_OBJECT)
			appendStringInfo(&path, "%s%s", path.len > 0 ? "." : "",
							 TextClip(parent->keys[parent->nitems - 1], 64));
		else
			appendStringInfo(&path, "[%d]", parent->nitems - 1);
	}
	return path.data;
}

/* Hang a new value under the container on top of the stack. */
static void
attach(TreeState *st, JNode *n)
{
	JNode	   *parent;

	CHECK_FOR_INTERRUPTS();
	if (st->depth == 0)
	{
		st->root = n;
		return;
	}
	parent = st->stack[st->depth - 1];
	if (parent == NULL)
		return;					/* below what a shallow tree keeps */
	if (parent->nitems >= st->maxmembers)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s JSON has an object or array with more than %d members",
						st->what, st->maxmembers),
				 errdetail("At \"%s\".", tree_path(st))));
	if (parent->nitems == parent->capacity)
	{
		int			newcap = parent->capacity == 0 ? 8 : parent->capacity * 2;

		if (parent->capacity == 0)
		{
			parent->items = palloc(newcap * sizeof(JNode *));
			if (parent->type == JN_OBJECT)
				parent->keys = palloc(newcap * sizeof(char *));
		}
		else
		{
			parent->items = repalloc(parent->items, newcap * sizeof(JNode *));
			if (parent->type == JN_OBJECT)
				parent->keys = repalloc(parent->keys, newcap * sizeof(char *));
		}
		parent->capacity = newcap;
	}
	if (parent->type == JN_OBJECT)
	{
		/* documents are small (at most maxmembers); evidence is not searched */
		for (int i = 0; st->find_dups && i < parent->nitems && parent->dupkey == NULL; i++)
			if (strcmp(parent->keys[i], st->pending_key) == 0)
				parent->dupkey = st->pending_key;
		parent->keys[parent->nitems] = st->pending_key;
		st->pending_key = NULL;
	}
	parent->items[parent->nitems++] = n;
}

static void
push(TreeState *st, JNode *n)
{
	if (st->depth >= st->maxdepth)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s JSON is nested more than %d levels deep",
						st->what, st->maxdepth),
				 errdetail("At \"%s\".", tree_path(st))));
	/* a shallow tree keeps the root and its members, not what they hold */
	if (st->shallow && st->depth >= 2)
		n = NULL;
	else
		attach(st, n);
	st->stack[st->depth++] = n;
}

static JSON_ACTION_RESULT
tree_object_start(void *state)
{
	TreeState  *st = (TreeState *) state;

	push(st, (st->shallow && st->depth >= 2) ? NULL : new_node(JN_OBJECT));
	JSON_ACTION_DONE;
}

static JSON_ACTION_RESULT
tree_array_start(void *state)
{
	TreeState  *st = (TreeState *) state;

	push(st, (st->shallow && st->depth >= 2) ? NULL : new_node(JN_ARRAY));
	JSON_ACTION_DONE;
}

static JSON_ACTION_RESULT
tree_end(void *state)
{
	((TreeState *) state)->depth--;
	JSON_ACTION_DONE;
}

static JSON_ACTION_RESULT
tree_field_start(void *state, char *fname, bool isnull)
{
	((TreeState *) state)->pending_key = fname;
	JSON_ACTION_DONE;
}

static JSON_ACTION_RESULT
tree_scalar(void *state, char *token, JsonTokenType tokentype)
{
	TreeState  *st = (TreeState *) state;
	JNode	   *n;

	if (st->shallow && st->depth >= 2)
		JSON_ACTION_DONE;		/* inside a member's array or object */
	switch (tokentype)
	{
		case JSON_TOKEN_STRING:
			n = new_node(JN_STRING);
			n->str = token;
			break;
		case JSON_TOKEN_NUMBER:
			n = new_node(JN_NUMBER);
			n->str = token;
			break;
		case JSON_TOKEN_TRUE:
		case JSON_TOKEN_FALSE:
			n = new_node(JN_BOOL);
			n->boolval = (tokentype == JSON_TOKEN_TRUE);
			break;
		default:
			n = new_node(JN_NULL);
			break;
	}
	attach(st, n);
	JSON_ACTION_DONE;
}

static JNode *
parse_tree(const char *text, int len, TreeState *st)
{
	JsonSemAction sem;
	JsonLexContext *lex;
	JsonParseErrorType rc;

	st->maxdepth = Min(st->maxdepth, (int) lengthof(st->stack));
	memset(&sem, 0, sizeof(sem));
	sem.semstate = st;
	sem.object_start = tree_object_start;
	sem.object_end = tree_end;
	sem.array_start = tree_array_start;
	sem.array_end = tree_end;
	sem.object_field_start = tree_field_start;
	sem.scalar = tree_scalar;

	lex = JsonLexerFor(text, len);
	rc = pg_parse_json(lex, &sem);
	if (rc != JSON_SUCCESS)
		ereport(ERROR,
				(errcode(JsonErrorIsEncoding(rc)
						 ? ERRCODE_UNTRANSLATABLE_CHARACTER
						 : ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("%s is not valid JSON", st->what),
				 errdetail("%s", json_errdetail(rc, lex))));
	return st->root;
}

/*
 * A JSON document of lead_qual's (what names it in messages: "model",
 * "engagement rules" ...) as a whole tree in the current memory context,
 * with repeated member names noted.  Syntax errors are reported with
 * SQLSTATE 22P02 and the parser's own description.
 */
JNode *
JsonTreeParse(const char *text, int len, const char *what)
{
	TreeState	st;

	memset(&st, 0, sizeof(st));
	st.what = what;
	st.maxdepth = LQ_MAX_JSON_DEPTH;
	st.maxmembers = LQ_MAX_JSON_MEMBERS;
	st.find_dups = true;
	return parse_tree(text, len, &st);
}

/*
 * Evidence as JSON text: only the root and its members become nodes (a
 * member that is an array or object is a node without contents), so memory
 * stays proportional to the number of top-level members.  Repeated names
 * are not looked for: the last one counts.
 */
JNode *
JsonTreeParseShallow(const char *text, int len, const char *what)
{
	TreeState	st;

	memset(&st, 0, sizeof(st));
	st.what = what;
	st.maxdepth = LQ_MAX_EVIDENCE_DEPTH;
	st.maxmembers = PG_INT32_MAX / 2;
	st.shallow = true;
	return parse_tree(text, len, &st);
}

/* The value of an object member; the last one when a name repeats. */
JNode *
JsonMember(const JNode *obj, const char *key)
{
	if (obj == NULL || obj->type != JN_OBJECT)
		return NULL;
	for (int i = obj->nitems - 1; i >= 0; i--)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

const char *
JsonTypeName(JNodeType type)
{
	switch (type)
	{
		case JN_NULL:
			return "null";
		case JN_BOOL:
			return "a boolean";
		case JN_NUMBER:
			return "a number";
		case JN_STRING:
			return "a string";
		case JN_ARRAY:
			return "an array";
		case JN_OBJECT:
			return "an object";
	}
	return "unknown";
}
