/*-------------------------------------------------------------------------
 *
 * text_util.h
 *	  Small string helpers: blanks, ASCII case, names, quoting what a user
 *	  wrote in a message, lists in words, and whether a text of the C source
 *	  (UTF-8) suits the database's encoding.
 *
 * Comparisons here never depend on the locale: only ASCII letters change
 * case, and the blanks are space, tab, carriage return and newline.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_TEXT_UTIL_H
#define LQ_TEXT_UTIL_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "compat.h"

/* the longest name of a model, criterion, source or rule set, in bytes */
#define LQ_MAX_NAME_LEN		63
/* the longest text users write into a model or rules (a description, a question) */
#define LQ_MAX_TEXT_LEN		4000

/* what a name is, for messages (IsIdentifier) */
#define LQ_NAME_RULES \
	"A name is 1 to " CppAsString2(LQ_MAX_NAME_LEN) " bytes of lower-case ASCII letters, digits and underscores, starting with a letter or an underscore."

static inline bool
IsBlank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Drop the blanks around s[0 .. *len - 1], moving *s and shortening *len. */
static inline void
TrimBlanks(const char **s, int *len)
{
	while (*len > 0 && IsBlank((*s)[0]))
		(*s)++, (*len)--;
	while (*len > 0 && IsBlank((*s)[*len - 1]))
		(*len)--;
}

static inline char
AsciiLower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

extern char *FoldText(const char *s, int len, int *outlen);
extern int	FoldNameInto(const char *s, int len, char *buf, int size);
extern bool IsIdentifier(const char *s);
extern char *NameSuggestion(const char *s);
extern char *TextClip(const char *s, int maxbytes);
extern char *JoinNames(const char *const *names);
extern void AppendList(StringInfo s, const char *const *items, int n, const char *last);
extern bool Utf8Usable(const char *utf8);

#endif							/* LQ_TEXT_UTIL_H */
