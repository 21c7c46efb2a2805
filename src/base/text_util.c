/*-------------------------------------------------------------------------
 *
 * text_util.c
 *	  Small string helpers (text_util.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"

#include "base/text_util.h"

/*
 * The form in which values are compared: without the blanks around it,
 * ASCII letters in lower case, other bytes as they are.  NUL-terminated,
 * its length in *outlen.
 */
char *
FoldText(const char *s, int len, int *outlen)
{
	char	   *out,
			   *p;

	TrimBlanks(&s, &len);
	out = p = palloc(len + 1);
	for (int i = 0; i < len; i++)
		*p++ = AsciiLower(s[i]);
	*p = '\0';
	*outlen = len;
	return out;
}

static inline bool
is_separator(char c)
{
	return IsBlank(c) || c == '_' || c == '-';
}

/*
 * The form in which names that people and systems write in their own ways
 * are compared (the kinds of events of engagement rules): FoldText's form,
 * with every run of blanks, '_' and '-' made one '_', so that
 * "Pricing Page-Visit" reads as "pricing_page_visit".  Written into buf,
 * not terminated; returns the length, or -1 when it needs more than size
 * bytes.
 */
int
FoldNameInto(const char *s, int len, char *buf, int size)
{
	int			n = 0;

	TrimBlanks(&s, &len);
	for (int i = 0; i < len; i++)
	{
		char		c = s[i];

		if (is_separator(c))
		{
			while (i + 1 < len && is_separator(s[i + 1]))
				i++;
			c = '_';
		}
		if (n == size)
			return -1;
		buf[n++] = AsciiLower(c);
	}
	return n;
}

/*
 * A name as lead_qual's names are written (models, criteria, rule sets):
 * lower-case ASCII letters, digits and '_', not starting with a digit, at
 * most LQ_MAX_NAME_LEN bytes.
 */
bool
IsIdentifier(const char *s)
{
	size_t		len = strlen(s);

	if (len == 0 || len > LQ_MAX_NAME_LEN || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/*
 * The valid name that what a user wrote most likely means, for a hint
 * ("Budget (EUR)" -> "budget_eur", "BANT-2" -> "bant_2"): ASCII letters in
 * lower case, every run of other characters one '_', none at either end.
 * NULL when there is no such name (nothing left, a digit first, too long,
 * or bytes beyond ASCII), or when s is already valid.
 */
char *
NameSuggestion(const char *s)
{
	size_t		len = strlen(s);
	char	   *out = palloc(len + 1);
	int			n = 0;
	bool		gap = false;

	if (IsIdentifier(s))
		return NULL;
	for (size_t i = 0; i < len; i++)
	{
		char		c = AsciiLower(s[i]);

		if ((unsigned char) c >= 0x80)
			return NULL;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		{
			if (gap && n > 0)
				out[n++] = '_';
			out[n++] = c;
			gap = false;
		}
		else
			gap = true;
	}
	out[n] = '\0';
	return IsIdentifier(out) ? out : NULL;
}

/*
 * At most maxbytes of s (cut at a character boundary, "..." added), for
 * messages that quote what a user wrote.
 */
char *
TextClip(const char *s, int maxbytes)
{
	int			len = strlen(s);
	int			cut;

	if (len <= maxbytes)
		return pstrdup(s);
	cut = pg_mbcliplen(s, len, maxbytes);
	return psprintf("%.*s...", cut, s);
}

/* "a, b, c": the names of a NULL-terminated list, for messages. */
char *
JoinNames(const char *const *names)
{
	StringInfoData s;

	initStringInfo(&s);
	for (int i = 0; names[i] != NULL; i++)
		appendStringInfo(&s, "%s%s", i > 0 ? ", " : "", names[i]);
	return s.data;
}

/*
 * "a, b and c": items[0 .. n-1] joined by ", ", the last two by last (" and
 * ", " or ").
 */
void
AppendList(StringInfo s, const char *const *items, int n, const char *last)
{
	for (int i = 0; i < n; i++)
		appendStringInfo(s, "%s%s", i == 0 ? "" : (i == n - 1 ? last : ", "), items[i]);
}

/*
 * Whether a text the C source holds in UTF-8 can be given to the database as
 * it is: it is ASCII, or the database's encoding is UTF-8 (or SQL_ASCII,
 * which takes any bytes).  Texts that cannot are said in English (ASCII)
 * instead; converting them would need a conversion found on the search_path.
 */
bool
Utf8Usable(const char *utf8)
{
	int			enc = GetDatabaseEncoding();

	if (enc == PG_UTF8 || enc == PG_SQL_ASCII)
		return true;
	for (const char *p = utf8; *p; p++)
		if (IS_HIGHBIT_SET(*p))
			return false;
	return true;
}
