/*-------------------------------------------------------------------------
 *
 * question.c
 *	  The question to ask about a criterion whose value is unknown, as
 *	  explain() and next_action() give it: the criterion's own first
 *	  question in the language asked for, else its English one, else one
 *	  made from its label and rule.
 *
 *	  The made questions are written in English, Dutch and Spanish, the
 *	  languages of the built-in models' questions; every sentence of them
 *	  is in the tables below.  Another language gets the English ones.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "base/convert.h"
#include "base/text_util.h"
#include "model/model.h"

/* one_of and scale: up to this many values are listed in the question */
#define LIST_ALL	6
/* ... and with more, this many are given as examples */
#define LIST_SOME	3

/*
 * The sentences of one language.  Each takes the criterion's label first
 * (%s), then what its comment says.
 */
typedef struct QuestionWords
{
	const char *lang;			/* the language code (its first part) */
	char		decimal;		/* the decimal separator of numbers */
	const char *or;				/* the last joint of a list: "a, b or c" */
	const char *boolean;
	const char *grade;
	const char *at_least;		/* the number */
	const char *at_most;		/* the number */
	const char *between;		/* the numbers */
	const char *pick;			/* "a, b or c" */
	const char *pick_many;		/* how many values, a few of them */
	const char *date;			/* when it counts (one of the two below) */
	const char *today;			/* a window of 0 days */
	const char *days[3][2];		/* by direction: a window of 1 day; of %d days */
	const char *figure;			/* bands */
} QuestionWords;

static const QuestionWords words[] = {
	{
		"en", '.', " or ",
		"%s: yes or no?",
		"%s: what mark, from 0 to 10?",
		"%s: is it at least %s?",
		"%s: is it at most %s?",
		"%s: is it between %s and %s?",
		"%s: %s?",
		"%s: which one? (%d options, such as %s)",
		"%s: on what date? (%s)",
		"only today counts",
		{
			{"it counts up to 1 day ahead", "it counts up to %d days ahead"},
			{"it counts up to 1 day back", "it counts up to %d days back"},
			{"it counts up to 1 day either way", "it counts up to %d days either way"}
		},
		"%s: what is the figure?"
	},
	{
		"nl", ',', " of ",
		"%s: ja of nee?",
		"%s: welk cijfer, van 0 tot 10?",
		"%s: is het minstens %s?",
		"%s: is het hoogstens %s?",
		"%s: ligt het tussen %s en %s?",
		"%s: %s?",
		"%s: welke? (%d mogelijkheden, zoals %s)",
		"%s: op welke datum? (%s)",
		"alleen vandaag telt mee",
		{
			{"telt mee tot 1 dag vooruit", "telt mee tot %d dagen vooruit"},
			{"telt mee tot 1 dag terug", "telt mee tot %d dagen terug"},
			{"telt mee tot 1 dag ervoor of erna", "telt mee tot %d dagen ervoor of erna"}
		},
		"%s: wat is het getal?"
	},
	{
		"es", ',', " o ",
		"%s: ¿sí o no?",
		"%s: ¿qué nota, del 0 al 10?",
		"%s: ¿es al menos %s?",
		"%s: ¿es como máximo %s?",
		"%s: ¿está entre %s y %s?",
		"%s: ¿%s?",
		"%s: ¿cuál? (%d opciones, como %s)",
		"%s: ¿en qué fecha? (%s)",
		"solo cuenta hoy",
		{
			{"cuenta hasta 1 día después", "cuenta hasta %d días después"},
			{"cuenta hasta 1 día antes", "cuenta hasta %d días antes"},
			{"cuenta hasta 1 día antes o después", "cuenta hasta %d días antes o después"}
		},
		"%s: ¿cuál es la cifra?"
	}
};

/*
 * The words for lang: the table whose code is lang's first part ("es" for
 * "es" and "es-mx"), else English.
 */
static const QuestionWords *
words_for(const char *lang)
{
	size_t		len = 0;

	if (lang != NULL)
		len = strcspn(lang, "-");
	for (int i = 1; i < lengthof(words); i++)
		if (len == strlen(words[i].lang) && strncmp(lang, words[i].lang, len) == 0)
			return &words[i];
	return &words[0];
}

/*
 * Whether the database can take w's sentences as they are (see
 * Utf8Usable): all of them, so that the choice does not depend on the rule.
 */
static bool
words_usable(const QuestionWords *w)
{
	const char *const all[] = {
		w->or, w->boolean, w->grade, w->at_least, w->at_most, w->between, w->pick,
		w->pick_many, w->date, w->today, w->days[0][0], w->days[0][1], w->days[1][0],
		w->days[1][1], w->days[2][0], w->days[2][1], w->figure
	};

	for (int i = 0; i < lengthof(all); i++)
		if (!Utf8Usable(all[i]))
			return false;
	return true;
}

/* A number of the rule as the language writes it: "3.25", "3,25". */
static char *
number(const QuestionWords *w, double v)
{
	char	   *s = NumberText(v);

	for (char *p = s; *p; p++)
		if (*p == '.')
			*p = w->decimal;
	return s;
}

/* The question w's sentences make of criterion c. */
static char *
made_question(const QuestionWords *w, const LqCriterion *c)
{
	const char *label = c->label;

	switch (c->rule)
	{
		case LQ_RULE_BOOLEAN:
			return psprintf(w->boolean, label);
		case LQ_RULE_GRADE:
			return psprintf(w->grade, label);
		case LQ_RULE_AT_LEAST:
			return psprintf(w->at_least, label, number(w, c->lo));
		case LQ_RULE_AT_MOST:
			return psprintf(w->at_most, label, number(w, c->hi));
		case LQ_RULE_BETWEEN:
			return psprintf(w->between, label, number(w, c->lo), number(w, c->hi));
		case LQ_RULE_ONE_OF:
		case LQ_RULE_SCALE:
			{
				StringInfoData s;

				initStringInfo(&s);
				if (c->nvalues <= LIST_ALL)
				{
					AppendList(&s, (const char *const *) c->values, c->nvalues, w->or);
					return psprintf(w->pick, label, s.data);
				}
				AppendList(&s, (const char *const *) c->values, LIST_SOME, ", ");
				return psprintf(w->pick_many, label, c->nvalues, s.data);
			}
		case LQ_RULE_WITHIN_DAYS:
			{
				char	   *when = c->days == 0 ? pstrdup(w->today) :
					psprintf(w->days[c->direction - 1][c->days == 1 ? 0 : 1], c->days);

				return psprintf(w->date, label, when);
			}
		case LQ_RULE_BANDS:
			return psprintf(w->figure, label);
	}
	elog(ERROR, "criterion \"%s\" has unknown rule kind %d", c->key, (int) c->rule);
	return NULL;				/* keep the compiler quiet */
}

/*
 * The question to ask about criterion c in language lang (NULL: English):
 * its own first question in lang, else in English, else one made from its
 * label and rule in lang (English for a language without made questions,
 * or when the database's encoding cannot hold the words).  Never NULL.
 */
const char *
ModelQuestion(const LqCriterion *c, const char *lang)
{
	const char *q = LocalizedText(&c->questions, lang, 0);
	const QuestionWords *w;

	if (q == NULL)
		q = LocalizedText(&c->questions, "en", 0);
	if (q != NULL)
		return q;
	w = words_for(lang);
	if (!words_usable(w))
		w = &words[0];
	return made_question(w, c);
}
