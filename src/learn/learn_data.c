/*-------------------------------------------------------------------------
 *
 * learn_data.c
 *	  The passes of learn() over the rows (learn.h): every one a query of
 *	  combinable aggregates, run through SPI, so that PostgreSQL may run it
 *	  with parallel workers and Citus on its nodes, and what comes back is
 *	  bounded by the criteria and their values, never by the rows.
 *
 * The queries are written with every function, operator and type
 * qualified by its schema: the caller's search_path cannot change them.
 * They run as the caller, who needs the right to read the source.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "base/convert.h"
#include "base/text_util.h"
#include "learn/fit_state.h"
#include "learn/learn.h"
#include "learn/score_hist.h"

/* A column of the row of the source, named by the source's alias. */
static char *
column_sql(Learn *l, const char *column)
{
	return psprintf("%s.%s", l->alias, quote_identifier(column));
}

/* The outcome of a row of the source. */
static char *
outcome_sql(Learn *l)
{
	return column_sql(l, l->outcome);
}

/* The evidence of a row: its jsonb column, or the row itself. */
static char *
evidence_sql(Learn *l)
{
	return l->opt.evidence ? column_sql(l, l->opt.evidence) : pstrdup(l->alias);
}

/* A row's weight, divided by the mean weight (1 without a weight column). */
static char *
weight_sql(Learn *l)
{
	if (l->opt.weight == NULL)
		return pstrdup("1::pg_catalog.float8");
	return psprintf("(%s)::pg_catalog.float8 OPERATOR(pg_catalog./) %s::pg_catalog.float8",
					column_sql(l, l->opt.weight), NumberText(l->mean_weight));
}

/* A criterion's value as text, or (number) as a double. */
static char *
value_sql(Learn *l, const LearnCriterion *c, bool number)
{
	if (l->opt.evidence != NULL)
	{
		char	   *ev = evidence_sql(l);
		char	   *key = quote_literal_cstr(c->source);
		char	   *text = psprintf("(%s OPERATOR(pg_catalog.->>) %s)", ev, key);

		if (!number)
			return text;
		/* a number, or a string holding one as scoring reads it (ParseDecimal) */
		return psprintf("CASE WHEN pg_catalog.jsonb_typeof(%s OPERATOR(pg_catalog.->) %s) "
						"OPERATOR(pg_catalog.=) 'number' OR pg_catalog.btrim(%s, E' \\t\\n\\r') "
						"OPERATOR(pg_catalog.~) '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$' "
						"THEN pg_catalog.btrim(%s, E' \\t\\n\\r')::pg_catalog.float8 END",
						ev, key, text, text);
	}
	return psprintf("(%s)::pg_catalog.%s", column_sql(l, c->source), number ? "float8" : "text");
}

/*
 * SELECT <what> FROM the source WHERE the outcome is known: the rows
 * every pass reads.
 */
char *
LearnRowSql(Learn *l, const char *what)
{
	return psprintf("SELECT %s FROM %s %s WHERE %s IS NOT NULL",
					what, l->source_sql, l->alias, outcome_sql(l));
}

static void
run(const char *sql, int nargs, Oid *types, Datum *values)
{
	int			rc;

	/* the previous query's rows are no longer needed */
	SPI_freetuptable(SPI_tuptable);
	rc = SPI_execute_with_args(sql, nargs, types, values, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "learn(): a query failed: %s", SPI_result_code_string(rc));
}

static int64
get_int64(int row, int col, bool *isnull)
{
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);

	return *isnull ? 0 : DatumGetInt64(d);
}

static double
get_float8(int row, int col, double if_null)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	return isnull ? if_null : DatumGetFloat8(d);
}

/*
 * How many rows won and lost, and the weights: none missing or below 0, all
 * finite, won and lost rows with some weight, and the largest at most
 * LEARN_MAX_WEIGHT_RATIO times the mean.  The mean is exact (numeric): it
 * is the same in any order of the rows.
 */
void
LearnCountRows(Learn *l)
{
	char	   *o = outcome_sql(l);
	char	   *w = l->opt.weight ? psprintf("(%s)::pg_catalog.numeric", column_sql(l, l->opt.weight))
		: pstrdup("1::pg_catalog.numeric");
	bool		isnull;
	int64		missing;
	double		min_weight,
				max_weight,
				won_weight,
				lost_weight;

	run(LearnRowSql(l, psprintf("pg_catalog.count(*) FILTER (WHERE %s), "
								"pg_catalog.count(*) FILTER (WHERE NOT %s), "
								"(pg_catalog.sum(%s) OPERATOR(pg_catalog./) "
								"NULLIF(pg_catalog.count(%s), 0))::pg_catalog.float8, "
								"pg_catalog.min(%s)::pg_catalog.float8, pg_catalog.max(%s)::pg_catalog.float8, "
								"pg_catalog.count(*) FILTER (WHERE %s IS NULL), "
								"(pg_catalog.sum(%s) FILTER (WHERE %s))::pg_catalog.float8, "
								"(pg_catalog.sum(%s) FILTER (WHERE NOT %s))::pg_catalog.float8",
								o, o, w, w, w, w, w, w, o, w, o)),
		0, NULL, NULL);
	l->won = get_int64(0, 1, &isnull);
	l->lost = get_int64(0, 2, &isnull);
	l->mean_weight = get_float8(0, 3, 1);
	min_weight = get_float8(0, 4, 1);
	max_weight = get_float8(0, 5, 1);
	missing = get_int64(0, 6, &isnull);
	won_weight = get_float8(0, 7, 0);
	lost_weight = get_float8(0, 8, 0);

	if (l->won == 0 || l->lost == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %s has no %s rows to learn from", l->fn, l->source_sql,
						l->won == 0 ? "won" : "lost"),
				 errdetail("Column \"%s\" is true in " INT64_FORMAT " rows and false in " INT64_FORMAT ".",
						   l->outcome, l->won, l->lost)));
	if (l->opt.weight == NULL)
		return;
	if (missing > 0 || min_weight < 0 || !isfinite(max_weight))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the weights in column \"%s\" must be finite numbers of at least 0", l->fn,
						l->opt.weight),
				 errdetail(INT64_FORMAT " rows have no weight; the smallest is %s, the largest %s.", missing,
						   NumberText(min_weight), NumberText(max_weight))));
	if (!(won_weight > 0 && lost_weight > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the %s rows of %s all have weight 0", l->fn,
						won_weight > 0 ? "lost" : "won", l->source_sql),
				 errdetail("Column \"%s\" weighs the won rows %s and the lost rows %s in all.",
						   l->opt.weight, NumberText(won_weight), NumberText(lost_weight))));
	if (max_weight > LEARN_MAX_WEIGHT_RATIO * l->mean_weight)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: a weight in column \"%s\" is more than %s times the mean weight", l->fn,
						l->opt.weight, NumberText(LEARN_MAX_WEIGHT_RATIO)),
				 errdetail("The largest is %s, the mean %s.", NumberText(max_weight),
						   NumberText(l->mean_weight))));
}

static int
learn_value_cmp(const void *a, const void *b)
{
	const LearnValue *x = a;
	const LearnValue *y = b;
	int64		nx = x->won + x->lost;
	int64		ny = y->won + y->lost;

	if (nx != ny)
		return nx > ny ? -1 : 1;	/* the most frequent first */
	return strcmp(x->folded, y->folded);
}

static int
folded_value_cmp(const void *a, const void *b)
{
	return strcmp(((const LearnValue *) a)->folded, ((const LearnValue *) b)->folded);
}

/* By folded value, then as written (bytewise): the first shows them all. */
static int
folded_shown_cmp(const void *a, const void *b)
{
	const LearnValue *x = a;
	const LearnValue *y = b;
	int			c = strcmp(x->folded, y->folded);

	return c != 0 ? c : strcmp(x->shown, y->shown);
}

/* Room for one more value of criterion c. */
static LearnValue *
new_value(LearnCriterion *c)
{
	if (c->nvalues >= LEARN_MAX_DISTINCT)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("learn(): \"%s\" has more than %d distinct values", c->source,
						LEARN_MAX_DISTINCT),
				 errdetail("A criterion keeps its %d most frequent values; a column with more than %d is more likely an identifier or free text than a criterion.",
						   LEARN_MAX_KEPT, LEARN_MAX_DISTINCT),
				 errhint("Leave it out, or group its values in a view.")));
	if (c->nvalues == c->room)
	{
		c->room = c->room == 0 ? 64 : 2 * c->room;
		c->values = c->values == NULL ? palloc(sizeof(LearnValue) * c->room)
			: repalloc(c->values, sizeof(LearnValue) * c->room);
	}
	return &c->values[c->nvalues++];
}

/* The text values of the values and boolean criteria: one query. */
static void
count_values(Learn *l)
{
	StringInfoData cols;
	StringInfoData sets;
	StringInfoData which;
	StringInfoData value;
	int			n = 0;
	char	   *o = outcome_sql(l);

	initStringInfo(&cols);
	initStringInfo(&sets);
	initStringInfo(&which);
	initStringInfo(&value);
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];

		if (c->kind != FIT_VALUES && c->kind != FIT_BOOLEAN)
			continue;
		appendStringInfo(&cols, ", %s AS v%d", value_sql(l, c, false), i);
		appendStringInfo(&sets, "%s(s.v%d)", n++ > 0 ? ", " : "", i);
		appendStringInfo(&which, " WHEN GROUPING(s.v%d) OPERATOR(pg_catalog.=) 0 THEN %d", i, i);
		appendStringInfo(&value, " WHEN GROUPING(s.v%d) OPERATOR(pg_catalog.=) 0 THEN s.v%d", i, i);
	}
	if (n == 0)
		return;

	/*
	 * Each distinct value as written, counted, in one scan: a grouping set
	 * per criterion (a hash table each), GROUPING() telling which criterion
	 * a group is of.  Folded here, where values that fold alike are added
	 * up (the first in bytewise order shown).  At most LEARN_MAX_DISTINCT +
	 * 1 values of each criterion come back (and its unknown, first): enough
	 * to tell one with too many, and the memory here bounded.
	 */
	run(psprintf("SELECT g.k, g.v, g.won, g.lost FROM ("
				 "SELECT a.k, a.v, a.won, a.lost, "
				 "pg_catalog.row_number() OVER (PARTITION BY a.k ORDER BY a.v COLLATE pg_catalog.\"C\" NULLS FIRST) AS n "
				 "FROM (SELECT CASE%s END AS k, CASE%s END AS v, "
				 "pg_catalog.count(*) FILTER (WHERE s.o) AS won, pg_catalog.count(*) FILTER (WHERE NOT s.o) AS lost "
				 "FROM (%s) s GROUP BY GROUPING SETS (%s)) a) g "
				 "WHERE g.n OPERATOR(pg_catalog.<=) %d",
				 which.data, value.data,
				 LearnRowSql(l, psprintf("%s AS o%s", o, cols.data)), sets.data, LEARN_MAX_DISTINCT + 2),
		0, NULL, NULL);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		int			k = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull));
		LearnCriterion *c = &l->criteria[k];
		char	   *raw = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);
		int64		won = get_int64(r, 3, &isnull);
		int64		lost = get_int64(r, 4, &isnull);
		LearnValue *v;
		int			flen;

		if (raw == NULL)
		{
			c->unknown_won = won;
			c->unknown_lost = lost;
			continue;
		}
		v = new_value(c);
		v->folded = FoldText(raw, strlen(raw), &flen);
		v->shown = raw;
		v->won = won;
		v->lost = lost;
	}

	/* the values that fold alike, added up */
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];
		int			m = 0;

		if (c->nvalues < 2)
			continue;
		qsort(c->values, c->nvalues, sizeof(LearnValue), folded_shown_cmp);
		for (int j = 0; j < c->nvalues; j++)
		{
			if (m > 0 && strcmp(c->values[m - 1].folded, c->values[j].folded) == 0)
			{
				c->values[m - 1].won += c->values[j].won;
				c->values[m - 1].lost += c->values[j].lost;
				continue;
			}
			c->values[m++] = c->values[j];
		}
		c->nvalues = m;
	}

	/* keep the values seen min_rows times (the most frequent, if too many) */
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];

		if (c->kind != FIT_VALUES && c->kind != FIT_BOOLEAN)
			continue;
		if (c->nvalues > 1)
			qsort(c->values, c->nvalues, sizeof(LearnValue), learn_value_cmp);
		c->nkept = 0;
		for (int j = 0; j < c->nvalues; j++)
		{
			LearnValue *v = &c->values[j];

			if (c->kind == FIT_BOOLEAN)
			{
				if (strcmp(v->folded, "true") != 0 && strcmp(v->folded, "false") != 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("learn(): \"%s\" holds \"%s\", not a boolean", c->source,
									TextClip(v->shown, 64))));
				continue;
			}
			/* kept: first in the array, the most frequent first */
			if (v->won + v->lost >= l->opt.min_rows && c->nkept < LEARN_MAX_KEPT &&
				v->folded[0] != '\0' && strlen(v->shown) <= LQ_MAX_VALUE_LEN)
			{
				LearnValue	keep = *v;

				memmove(&c->values[c->nkept + 1], &c->values[c->nkept],
						sizeof(LearnValue) * (j - c->nkept));
				c->values[c->nkept++] = keep;
			}
		}
		/* the kept ones in the order of the fit's bins: folded, bytewise */
		if (c->nkept > 1)
			qsort(c->values, c->nkept, sizeof(LearnValue), folded_value_cmp);
	}
}

/*
 * The bands of the numeric criteria: one query of histograms (bounded:
 * score_hist.h), cut at quantiles.
 */
static void
cut_bands(Learn *l)
{
	StringInfoData what;
	int			n = 0;
	char	   *o = outcome_sql(l);
	MemoryContext caller = CurrentMemoryContext;

	initStringInfo(&what);
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];
		char	   *v;

		if (c->kind != FIT_BANDS)
			continue;
		v = value_sql(l, c, true);
		appendStringInfo(&what, "%spg_catalog.count(*) FILTER (WHERE %s IS NULL AND %s), "
						 "pg_catalog.count(*) FILTER (WHERE %s IS NULL AND NOT %s), "
						 "lead_qual.score_histogram(NULLIF(%s, 'NaN'), %s), "
						 "pg_catalog.count(*) FILTER (WHERE %s OPERATOR(pg_catalog.=) 'NaN')",
						 n++ > 0 ? ", " : "", v, o, v, o, v, o, v);
	}
	if (n == 0)
		return;
	run(LearnRowSql(l, what.data), 0, NULL, NULL);
	n = 0;
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];
		bool		isnull;
		Datum		d;
		HistSorted	sorted;
		MemoryContext old;

		if (c->kind != FIT_BANDS)
			continue;
		if (get_int64(0, 4 * n + 4, &isnull) > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("learn(): \"%s\" holds NaN, which is not a usable number", c->source),
					 errhint("Make it NULL (unknown) in a view.")));
		c->unknown_won = get_int64(0, 4 * n + 1, &isnull);
		c->unknown_lost = get_int64(0, 4 * n + 2, &isnull);
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4 * n + 3, &isnull);
		n++;
		old = MemoryContextSwitchTo(caller);
		c->cuts = palloc(sizeof(double) * Max(l->opt.bands, 1));
		c->ncuts = 0;
		if (!isnull)
		{
			/* only the sorted bins are read: HistSort checks them */
			HistSort(HistFromDatum(d, false, false, "lead_qual.auc_state"), &sorted,
					 "lead_qual.auc_state");
			/* the score at each quantile starts a band (numbers <= it go above) */
			for (int b = 1; b < l->opt.bands; b++)
			{
				int			bin = HistQuantile(&sorted, (double) b / l->opt.bands, HIST_ALL);
				double		cut;

				if (bin < 0)
					continue;
				cut = HistBinLow(sorted.bins[bin].key, sorted.shift);
				if (!isfinite(cut) || (c->ncuts > 0 && cut <= c->cuts[c->ncuts - 1]))
					continue;
				c->cuts[c->ncuts++] = cut;
			}
		}
		MemoryContextSwitchTo(old);
		if (c->ncuts == 0)
		{
			/* one value, or none: a single band */
			c->cuts[0] = 0;
			c->ncuts = 1;
		}
	}
}

/* The first pass: the values of text criteria, the bands of numbers. */
void
LearnFirstPass(Learn *l)
{
	count_values(l);
	cut_bands(l);
}

/*
 * The spec of the fit (fit_spec.h) for the criteria in it (not left out),
 * with their offsets set.
 */
char *
LearnFitSpec(Learn *l)
{
	StringInfoData s;
	int			offset = 1;
	int			n = 0;

	initStringInfo(&s);
	appendStringInfoString(&s, "{\"version\": 1");
	if (l->opt.as_of != DT_NOBEGIN)
	{
		LqAsOf		a = AsOfFromTimestamptz(TimestampTzGetDatum(l->opt.as_of), false);

		if (a.finite)
			appendStringInfo(&s, ", \"as_of_day\": %d", a.days);
	}
	appendStringInfoString(&s, ", \"criteria\": [");
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];

		c->offset = -1;
		if (c->leak || c->noise)
			continue;
		appendStringInfo(&s, "%s{\"key\": ", n++ > 0 ? ", " : "");
		escape_json(&s, c->key);
		appendStringInfoString(&s, ", \"source\": ");
		escape_json(&s, c->source);
		switch (c->kind)
		{
			case FIT_VALUES:
				appendStringInfoString(&s, ", \"kind\": \"values\", \"values\": [");
				for (int j = 0; j < c->nkept; j++)
				{
					if (j > 0)
						appendStringInfoString(&s, ", ");
					escape_json(&s, c->values[j].folded);
				}
				appendStringInfoChar(&s, ']');
				c->nbins = 1 + c->nkept;
				break;
			case FIT_BANDS:
				appendStringInfoString(&s, ", \"kind\": \"bands\", \"cuts\": [");
				for (int j = 0; j < c->ncuts; j++)
				{
					if (j > 0)
						appendStringInfoString(&s, ", ");
					AppendNumber(&s, c->cuts[j]);
				}
				appendStringInfoChar(&s, ']');
				c->nbins = 1 + c->ncuts;
				break;
			case FIT_BOOLEAN:
				appendStringInfoString(&s, ", \"kind\": \"boolean\"");
				c->nbins = 2;
				break;
			case FIT_GRADED:
				{
					StringInfoData rule;

					initStringInfo(&rule);
					ModelRuleJson(&rule, c->tmpl);
					appendStringInfoString(&s, ", \"kind\": \"graded\", \"rule\": ");
					escape_json(&s, rule.data);
					c->nbins = 2;
					break;
				}
		}
		appendStringInfoChar(&s, '}');
		c->offset = offset;
		offset += 1 + c->nbins;
		if (offset > LQ_MAX_FIT_BINS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("learn(): the criteria have more than %d values, bands and unknowns in all",
							LQ_MAX_FIT_BINS - 1),
					 errhint("Learn from fewer criteria or bands, or raise the option \"min_rows\" so that rare values are grouped.")));
	}
	appendStringInfoString(&s, "]}");
	l->ninfit = n;
	l->nbins = offset;
	return s.data;
}

/*
 * The call of learn_fit in a pass, spec and coefficients $1 and $2: with
 * the jsonb column of the evidence, or with the columns the criteria read,
 * by name (each once), so that no row value is made.
 */
static char *
fit_call_sql(Learn *l)
{
	StringInfoData names;
	StringInfoData cols;
	int			n = 0;

	if (l->opt.evidence != NULL)
		return psprintf("lead_qual.learn_fit($1, $2, %s, %s, %s)",
						evidence_sql(l), outcome_sql(l), weight_sql(l));
	initStringInfo(&names);
	initStringInfo(&cols);
	for (int i = 0; i < l->ncriteria; i++)
	{
		const char *source = l->criteria[i].source;
		bool		seen = false;

		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(l->criteria[j].source, source) == 0;
		if (seen)
			continue;
		appendStringInfo(&names, "%s%s", n++ > 0 ? ", " : "", quote_literal_cstr(source));
		appendStringInfo(&cols, ", %s", column_sql(l, source));
	}
	return psprintf("lead_qual.learn_fit($1, $2, %s, %s, ARRAY[%s]::pg_catalog.text[]%s)",
					outcome_sql(l), weight_sql(l), names.data, cols.data);
}

/*
 * One pass of the fit at the coefficients theta (K of them): the gradient
 * (K), the Hessian (K x K, both triangles) and the log-likelihood, in the
 * units of the data (weights divided by their mean).
 */
void
LearnFitPass(Learn *l, const char *spec, const double *theta, double *grad, double *hess,
			 double *loglik)
{
	int			k = l->nbins;
	Datum	   *elems = palloc(sizeof(Datum) * k);
	Oid			types[2] = {JSONBOID, FLOAT8ARRAYOID};
	Datum		args[2];
	bool		isnull;
	Datum		d;
	FitState   *s;

	for (int i = 0; i < k; i++)
		elems[i] = Float8GetDatum(theta[i]);
	args[0] = DirectFunctionCall1(jsonb_in, CStringGetDatum(spec));
	args[1] = PointerGetDatum(construct_array(elems, k, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	run(LearnRowSql(l, fit_call_sql(l)), 2, types, args);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		elog(ERROR, "learn(): the fit read no row");
	s = (FitState *) PG_DETOAST_DATUM(d);
	if (s->nbins != k)
		elog(ERROR, "learn(): the fit gave %d bins, not %d", s->nbins, k);
	for (int i = 0; i < k; i++)
	{
		grad[i] = Int128ToDouble(FIT_GRAD(s)[i]) / FIT_FIXED_ONE;
		for (int j = i; j < k; j++)
			hess[i * k + j] = hess[j * k + i] = Int128ToDouble(FIT_HESS(s)[FIT_HIDX(k, i, j)]) / FIT_FIXED_ONE;
	}
	*loglik = Int128ToDouble(s->loglik) / FIT_FIXED_ONE;
}

/*
 * The rows scored by a model (with min_met 0 and no pass_score, so that
 * qualified says whether the knockouts let the row through), grouped by
 * score in hundredths, criteria met and that: won and lost (weighted) in
 * each group.  A row's hundredth is the largest k with k / 100 <= score, in
 * double precision as a pass_score of k / 100 is compared with the score:
 * a pass_score of k / 100 qualifies exactly the groups of k and above.  Rows
 * are counted, weights summed as numeric: exact in any order.
 */
LearnGroup *
LearnScorePass(Learn *l, const struct varlena *model, int *ngroups)
{
	char	   *o = outcome_sql(l);
	char	   *w = l->opt.weight ? psprintf("(%s)::pg_catalog.numeric", weight_sql(l)) : NULL;
	/* rows are counted; weights summed as numeric */
	char	   *won = w ? psprintf("pg_catalog.sum(%s) FILTER (WHERE %s)", w, o)
		: psprintf("pg_catalog.count(*) FILTER (WHERE %s)", o);
	char	   *lost = w ? psprintf("pg_catalog.sum(%s) FILTER (WHERE NOT %s)", w, o)
		: psprintf("pg_catalog.count(*) FILTER (WHERE NOT %s)", o);
	Oid			types[2] = {ModelTypeOid(), TIMESTAMPTZOID};
	Datum		args[2] = {PointerGetDatum(model), TimestampTzGetDatum(l->opt.as_of)};
	LearnGroup *g;
	MemoryContext caller = CurrentMemoryContext;

	run(psprintf("SELECT lead_qual.learn_group($1, %s, $2), (%s)::pg_catalog.float8, (%s)::pg_catalog.float8 "
				 "FROM %s %s WHERE %s IS NOT NULL GROUP BY 1",
				 evidence_sql(l), won, lost, l->source_sql, l->alias, o),
		2, types, args);
	g = MemoryContextAlloc(caller, sizeof(LearnGroup) * Max(SPI_processed, 1));
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;

		int64		key = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));

		g[r].score100 = key / LEARN_GROUP_K;
		g[r].met = (int) (key % LEARN_GROUP_K) / 2;
		g[r].gate = (key % 2) == 1;
		d = SPI_getbinval(tup, desc, 2, &isnull);
		g[r].won = isnull ? 0 : DatumGetFloat8(d);
		d = SPI_getbinval(tup, desc, 3, &isnull);
		g[r].lost = isnull ? 0 : DatumGetFloat8(d);
	}
	*ngroups = (int) SPI_processed;
	return g;
}

/*
 * The kind of each jsonb key named as a criterion, from the JSON types of
 * its values: numbers only make bands, booleans only a boolean, anything
 * with strings values (set_kinds: a template's rules say).  A key that
 * never holds a value is an error.
 */
void
LearnKeyKinds(Learn *l, bool set_kinds)
{
	Datum	   *keys = palloc(sizeof(Datum) * l->ncriteria);
	Oid			types[1] = {TEXTARRAYOID};
	Datum		args[1];
	char	   *ev = evidence_sql(l);
	int		   *seen = palloc0(sizeof(int) * l->ncriteria * 4);	/* number, boolean, string, nested */

	for (int i = 0; i < l->ncriteria; i++)
		keys[i] = CStringGetTextDatum(l->criteria[i].source);
	args[0] = PointerGetDatum(construct_array(keys, l->ncriteria, TEXTOID, -1, false, TYPALIGN_INT));
	run(psprintf("SELECT lq_keys.i, pg_catalog.jsonb_typeof(%s OPERATOR(pg_catalog.->) lq_keys.key) "
				 "FROM %s %s, pg_catalog.unnest($1) WITH ORDINALITY lq_keys(key, i) "
				 "WHERE %s IS NOT NULL AND %s OPERATOR(pg_catalog.?) lq_keys.key GROUP BY 1, 2",
				 ev, l->source_sql, l->alias, outcome_sql(l), ev),
		1, types, args);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		int64		i = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull)) - 1;
		char	   *type = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);

		if (type == NULL || i < 0 || i >= l->ncriteria || strcmp(type, "null") == 0)
			continue;
		if (strcmp(type, "number") == 0)
			seen[i * 4]++;
		else if (strcmp(type, "boolean") == 0)
			seen[i * 4 + 1]++;
		else if (strcmp(type, "string") == 0)
			seen[i * 4 + 2]++;
		else
			seen[i * 4 + 3]++;
	}
	for (int i = 0; i < l->ncriteria; i++)
	{
		LearnCriterion *c = &l->criteria[i];
		int		   *s = &seen[i * 4];

		if (s[3] > 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("learn(): key \"%s\" of column \"%s\" holds JSON arrays or objects, which cannot be a criterion",
							c->source, l->opt.evidence)));
		if (s[0] + s[1] + s[2] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("learn(): key \"%s\" never appears with a value in column \"%s\" of %s",
							c->source, l->opt.evidence, l->source_sql),
					 errhint("Keys are compared exactly, in their case.")));
		if (set_kinds)
			c->kind = s[2] > 0 || (s[0] > 0 && s[1] > 0) ? FIT_VALUES
				: s[0] > 0 ? FIT_BANDS : FIT_BOOLEAN;
	}
}
