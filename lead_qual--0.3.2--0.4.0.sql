/* lead_qual 0.3.2 -> 0.4.0: learning from won and lost leads; autoscore
 * and history triggers checked when they are made, models in use kept
 * from being dropped, and the reason of each history row. */

\echo Use "ALTER EXTENSION lead_qual UPDATE TO '0.4.0'" to load this file. \quit

-- Models learned from won and lost leads: the bands rule, unknown_grade and
-- calibration are new in the model's JSON (and in its stored form, format
-- version 2, which only models that use them are written in).  The
-- probability that a lead is won, from its score; NULL when the model has
-- no calibration.
CREATE FUNCTION lead_qual.win_probability(model lead_qual.model, evidence jsonb, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.win_probability(model lead_qual.model, evidence text, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.win_probability(model lead_qual.model, evidence record, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.win_probability(model text, evidence jsonb, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.win_probability(model text, evidence text, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.win_probability(model text, evidence record, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;

-- The twins the row forms are rewritten to (see row_support).
CREATE FUNCTION lead_qual.win_probability_columns(model lead_qual.model, as_of timestamptz, row_type regtype, columns text[], VARIADIC "any")
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.win_probability_columns(model text, as_of timestamptz, row_type regtype, columns text[], VARIADIC "any")
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_qual.win_probability(lead_qual.model, jsonb, timestamptz) IS 'Probability 0-1 that the lead is won, from its score and the model''s calibration (NULL without one): evidence as a jsonb object';
COMMENT ON FUNCTION lead_qual.win_probability(lead_qual.model, text, timestamptz) IS 'Probability 0-1 that the lead is won, from its score and the model''s calibration (NULL without one): evidence as JSON text';
COMMENT ON FUNCTION lead_qual.win_probability(lead_qual.model, record, timestamptz) IS 'Probability 0-1 that the lead is won, from its score and the model''s calibration (NULL without one): evidence read from a row';
COMMENT ON FUNCTION lead_qual.win_probability(text, jsonb, timestamptz) IS 'Probability 0-1 that the lead is won, with a registered model (NULL without calibration): evidence as a jsonb object';
COMMENT ON FUNCTION lead_qual.win_probability(text, text, timestamptz) IS 'Probability 0-1 that the lead is won, with a registered model (NULL without calibration): evidence as JSON text';
COMMENT ON FUNCTION lead_qual.win_probability(text, record, timestamptz) IS 'Probability 0-1 that the lead is won, with a registered model (NULL without calibration): evidence read from a row';
COMMENT ON FUNCTION lead_qual.win_probability_columns(lead_qual.model, timestamptz, regtype, text[], "any") IS 'win_probability() with the row given as its columns (what the planner rewrites win_probability(model, row) into)';
COMMENT ON FUNCTION lead_qual.win_probability_columns(text, timestamptz, regtype, text[], "any") IS 'win_probability() by model name with the row given as its columns (what the planner rewrites win_probability(name, row) into)';
COMMENT ON FUNCTION lead_qual.row_support(internal) IS 'Planner support: rewrites the row forms of qualify, score, win_probability and is_qualified over a table to their *_columns twins';

-- ---------------------------------------------------------------------
-- 0.4.0: the ROC AUC of scores against won and lost leads, and its state:
-- a histogram of the scores (src/learn/).
-- ---------------------------------------------------------------------

-- The state of the aggregate: a real type (see src/learn/score_hist.h), so
-- that parallel workers and a distributed engine can hand partial states
-- on, the latter as text.  Up to 3 MB: stored compressed or out of line.
CREATE TYPE lead_qual.auc_state;

CREATE FUNCTION lead_qual.auc_state_in(cstring) RETURNS lead_qual.auc_state
    AS 'MODULE_PATHNAME', 'lq_auc_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.auc_state_out(lead_qual.auc_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'lq_auc_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.auc_state_recv(internal) RETURNS lead_qual.auc_state
    AS 'MODULE_PATHNAME', 'lq_auc_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.auc_state_send(lead_qual.auc_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lq_auc_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE lead_qual.auc_state (
    INPUT = lead_qual.auc_state_in,
    OUTPUT = lead_qual.auc_state_out,
    RECEIVE = lead_qual.auc_state_recv,
    SEND = lead_qual.auc_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- Transition (strict: a row with a NULL score or outcome is skipped; the
-- aggregate starts from an empty state), combine and final functions.
CREATE FUNCTION lead_qual.auc_step(lead_qual.auc_state, double precision, boolean)
    RETURNS lead_qual.auc_state
    AS 'MODULE_PATHNAME', 'lq_auc_step' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.auc_combine(lead_qual.auc_state, lead_qual.auc_state)
    RETURNS lead_qual.auc_state
    AS 'MODULE_PATHNAME', 'lq_auc_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.auc_final(lead_qual.auc_state) RETURNS double precision
    AS 'MODULE_PATHNAME', 'lq_auc_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE lead_qual.auc(score double precision, won boolean) (
    SFUNC = lead_qual.auc_step,
    STYPE = lead_qual.auc_state,
    INITCOND = '{"version": 1, "shift": 0, "bins": []}',
    FINALFUNC = lead_qual.auc_final,
    COMBINEFUNC = lead_qual.auc_combine,
    PARALLEL = SAFE
);

COMMENT ON TYPE lead_qual.auc_state IS 'State of the auc aggregate: per distinct score (up to 65536, then neighbouring scores merge), the won and lost rows';
COMMENT ON FUNCTION lead_qual.auc_state_in(cstring) IS 'Text input of lead_qual.auc_state: {"version": 1, "shift": n, "bins": [[score, won, lost], ...]}, checked';
COMMENT ON FUNCTION lead_qual.auc_state_out(lead_qual.auc_state) IS 'Text output of lead_qual.auc_state: the bins in order of score, exact';
COMMENT ON FUNCTION lead_qual.auc_state_recv(internal) IS 'Binary input of lead_qual.auc_state, checked';
COMMENT ON FUNCTION lead_qual.auc_state_send(lead_qual.auc_state) IS 'Binary output of lead_qual.auc_state: version, shift, and the bins in order of score';
COMMENT ON FUNCTION lead_qual.auc_step(lead_qual.auc_state, double precision, boolean) IS 'Transition function of auc: count one scored row, won or lost';
COMMENT ON FUNCTION lead_qual.auc_combine(lead_qual.auc_state, lead_qual.auc_state) IS 'Combine function of auc: merge two partial states';
COMMENT ON FUNCTION lead_qual.auc_final(lead_qual.auc_state) IS 'Final function of auc: the ROC AUC of the state (NULL without won or without lost rows)';
COMMENT ON AGGREGATE lead_qual.auc(double precision, boolean) IS 'ROC AUC of scores against outcomes: the probability that a won lead scores above a lost one, ties counting half';

-- ---------------------------------------------------------------------
-- 0.4.0: learning a model from won and lost leads (src/learn/), choosing
-- its thresholds, and reports of a model against history.
-- ---------------------------------------------------------------------

-- The numbers of a column at every distinct value, won and lost: the state
-- of auc(), without its final function.  learn() cuts numbers into bands
-- at its quantiles.
CREATE AGGREGATE lead_qual.score_histogram(value double precision, won boolean) (
    SFUNC = lead_qual.auc_step,
    STYPE = lead_qual.auc_state,
    INITCOND = '{"version": 1, "shift": 0, "bins": []}',
    COMBINEFUNC = lead_qual.auc_combine,
    PARALLEL = SAFE
);

-- The sums of one pass of learn()'s fit: a real type (src/learn/fit_state.h)
-- so that parallel workers and a distributed engine can hand them on.
CREATE TYPE lead_qual.fit_state;

CREATE FUNCTION lead_qual.fit_state_in(cstring) RETURNS lead_qual.fit_state
    AS 'MODULE_PATHNAME', 'lq_fit_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.fit_state_out(lead_qual.fit_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'lq_fit_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.fit_state_recv(internal) RETURNS lead_qual.fit_state
    AS 'MODULE_PATHNAME', 'lq_fit_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.fit_state_send(lead_qual.fit_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lq_fit_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE lead_qual.fit_state (
    INPUT = lead_qual.fit_state_in,
    OUTPUT = lead_qual.fit_state_out,
    RECEIVE = lead_qual.fit_state_recv,
    SEND = lead_qual.fit_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- Not strict: the state starts NULL; a row without an outcome or with a
-- NULL weight adds nothing.
CREATE FUNCTION lead_qual.learn_fit_step(lead_qual.fit_state, jsonb, double precision[], record, boolean, double precision)
    RETURNS lead_qual.fit_state
    AS 'MODULE_PATHNAME', 'lq_learn_fit_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.learn_fit_step(lead_qual.fit_state, jsonb, double precision[], jsonb, boolean, double precision)
    RETURNS lead_qual.fit_state
    AS 'MODULE_PATHNAME', 'lq_learn_fit_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.learn_fit_step(lead_qual.fit_state, jsonb, double precision[], boolean, double precision, text[], VARIADIC "any")
    RETURNS lead_qual.fit_state
    AS 'MODULE_PATHNAME', 'lq_learn_fit_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.learn_fit_combine(lead_qual.fit_state, lead_qual.fit_state)
    RETURNS lead_qual.fit_state
    AS 'MODULE_PATHNAME', 'lq_learn_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE lead_qual.learn_fit(spec jsonb, coefficients double precision[], evidence record, won boolean, weight double precision) (
    SFUNC = lead_qual.learn_fit_step,
    STYPE = lead_qual.fit_state,
    COMBINEFUNC = lead_qual.learn_fit_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE lead_qual.learn_fit(spec jsonb, coefficients double precision[], evidence jsonb, won boolean, weight double precision) (
    SFUNC = lead_qual.learn_fit_step,
    STYPE = lead_qual.fit_state,
    COMBINEFUNC = lead_qual.learn_fit_combine,
    PARALLEL = SAFE
);
-- The columns the criteria read, named, instead of the row: what learn()
-- runs (the row is not made for every row).
CREATE AGGREGATE lead_qual.learn_fit(spec jsonb, coefficients double precision[], won boolean, weight double precision, columns text[], VARIADIC "any") (
    SFUNC = lead_qual.learn_fit_step,
    STYPE = lead_qual.fit_state,
    COMBINEFUNC = lead_qual.learn_fit_combine,
    PARALLEL = SAFE
);

-- learn() reads the source through queries of its own (SPI) and may use
-- parallel workers there: it is itself parallel unsafe.
CREATE FUNCTION lead_qual.learn(source regclass, outcome text, criteria text[], options jsonb DEFAULT '{}')
    RETURNS lead_qual.model
    AS 'MODULE_PATHNAME', 'lq_learn' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
CREATE FUNCTION lead_qual.learn(source regclass, outcome text, template lead_qual.model, options jsonb DEFAULT '{}')
    RETURNS lead_qual.model
    AS 'MODULE_PATHNAME', 'lq_learn' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE FUNCTION lead_qual.choose_thresholds(source regclass, outcome text, model lead_qual.model, options jsonb DEFAULT '{}',
    OUT min_met integer, OUT pass_score double precision, OUT qualified_share double precision,
    OUT "precision" double precision, OUT recall double precision, OUT f1 double precision,
    OUT auc double precision, OUT model lead_qual.model)
    RETURNS record
    AS 'MODULE_PATHNAME', 'lq_choose_thresholds' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- The rows of a report: the evidence of each row (the row itself, or a
-- jsonb column of it) and its outcome, as SQL text for the reports below.
CREATE FUNCTION lead_qual.report_rows(source regclass, outcome text, options jsonb)
    RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ev text := options ->> 'evidence';
    k text;
    alias text := 't';
    n int := 2;
BEGIN
    IF jsonb_typeof(options) <> 'object' THEN
        RAISE EXCEPTION 'invalid report options: must be a JSON object'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR k IN SELECT jsonb_object_keys(options) LOOP
        IF k NOT IN ('evidence', 'as_of') THEN
            RAISE EXCEPTION 'invalid report options: unknown field "%"', k
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'The options of a report are "evidence" (a jsonb column) and "as_of" (a timestamp).';
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = source AND attname = outcome
                   AND attnum > 0 AND NOT attisdropped) THEN
        RAISE EXCEPTION 'column "%" (the outcome) does not exist in %', outcome, source
            USING ERRCODE = 'undefined_column';
    END IF;
    IF (SELECT coalesce(nullif(t.typbasetype, 0), t.oid)
          FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
         WHERE a.attrelid = source AND a.attname = outcome) <> 'boolean'::regtype THEN
        RAISE EXCEPTION 'the outcome column "%" must be boolean', outcome
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    IF ev IS NOT NULL AND NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = source AND attname = ev
                   AND attnum > 0 AND NOT attisdropped AND atttypid = 'jsonb'::regtype) THEN
        RAISE EXCEPTION 'column "%" (the evidence) is not a jsonb column of %', ev, source
            USING ERRCODE = 'undefined_column';
    END IF;
    -- the source's alias: not the name of one of its columns (it would hide the row)
    WHILE EXISTS (SELECT FROM pg_attribute WHERE attrelid = source AND attname = alias
                     AND attnum > 0 AND NOT attisdropped) LOOP
        alias := 'lq_row' || n;
        n := n + 1;
    END LOOP;
    RETURN format('SELECT %s AS evidence, %I.%I AS won FROM %s %I WHERE %I.%I IS NOT NULL',
                  CASE WHEN ev IS NULL THEN quote_ident(alias) ELSE format('%I.%I', alias, ev) END,
                  alias, outcome, source, alias, alias, outcome);
END
$$;

CREATE FUNCTION lead_qual.model_report(source regclass, outcome text, model lead_qual.model, options jsonb DEFAULT '{}',
    OUT model_name text, OUT rows bigint, OUT won bigint, OUT win_rate double precision,
    OUT auc double precision, OUT log_loss double precision, OUT brier double precision,
    OUT qualified_share double precision, OUT "precision" double precision, OUT recall double precision)
    RETURNS record
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    as_of timestamptz := coalesce((options ->> 'as_of')::timestamptz, now());
BEGIN
    model_name := lead_qual.model_name(model);
    EXECUTE format($q$
        SELECT count(*), count(*) FILTER (WHERE r.won),
               avg(r.won::int),
               lead_qual.auc((q).score, r.won),
               -avg(CASE WHEN p IS NULL THEN NULL
                         WHEN r.won THEN ln(greatest(p, 1e-15)) ELSE ln(greatest(1 - p, 1e-15)) END),
               avg((p - r.won::int) ^ 2),
               avg((q).qualified::int),
               avg(r.won::int) FILTER (WHERE (q).qualified),
               (count(*) FILTER (WHERE (q).qualified AND r.won))::float8
                 / nullif(count(*) FILTER (WHERE r.won), 0)
          FROM (%s) r,
               LATERAL (SELECT lead_qual.qualify($1, r.evidence, $2) AS q,
                               lead_qual.win_probability($1, r.evidence, $2) AS p) s
        $q$, lead_qual.report_rows(source, outcome, options))
      INTO rows, won, win_rate, auc, log_loss, brier, qualified_share, "precision", recall
      USING model, as_of;
END
$$;

CREATE FUNCTION lead_qual.decile_report(source regclass, outcome text, model lead_qual.model, options jsonb DEFAULT '{}')
    RETURNS TABLE (decile integer, rows bigint, won bigint, win_rate double precision, lift double precision,
                   min_score double precision, max_score double precision, cumulative_won_share double precision)
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    as_of timestamptz := coalesce((options ->> 'as_of')::timestamptz, now());
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH s AS (
            SELECT lead_qual.score($1, r.evidence, $2) AS score, r.won FROM (%s) r),
        d AS (
            SELECT ceil(10 * cume_dist() OVER (ORDER BY score DESC))::int AS decile, score, won FROM s),
        g AS (
            SELECT d.decile, count(*) AS n, count(*) FILTER (WHERE d.won) AS w,
                   min(d.score) AS lo, max(d.score) AS hi
              FROM d GROUP BY d.decile)
        SELECT g.decile, g.n, g.w, g.w::float8 / g.n,
               (g.w::float8 / g.n) / nullif(sum(g.w) OVER () / sum(g.n) OVER (), 0),
               g.lo, g.hi,
               (sum(g.w) OVER (ORDER BY g.decile) / nullif(sum(g.w) OVER (), 0))::float8
          FROM g ORDER BY g.decile
        $q$, lead_qual.report_rows(source, outcome, options))
      USING model, as_of;
END
$$;

CREATE FUNCTION lead_qual.criterion_report(source regclass, outcome text, model lead_qual.model, options jsonb DEFAULT '{}')
    RETURNS TABLE (ordinal integer, criterion text, weight double precision,
                   met_rows bigint, met_win_rate double precision,
                   unmet_rows bigint, unmet_win_rate double precision,
                   unknown_rows bigint, unknown_win_rate double precision,
                   lift double precision, woe_met double precision, woe_unmet double precision,
                   woe_unknown double precision, information_value double precision)
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    as_of timestamptz := coalesce((options ->> 'as_of')::timestamptz, now());
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH e AS (
            SELECT x.ordinal, x.criterion, x.weight,
                   CASE WHEN NOT x.known THEN 'unknown' WHEN x.met THEN 'met' ELSE 'unmet' END AS state,
                   r.won
              FROM (%s) r, LATERAL lead_qual.explain($1, r.evidence, $2) x),
        c AS (
            SELECT e.ordinal, e.criterion, e.weight, e.state,
                   count(*) AS n, count(*) FILTER (WHERE e.won) AS w
              FROM e GROUP BY 1, 2, 3, 4),
        t AS (
            SELECT c.ordinal, sum(c.w) AS tw, sum(c.n - c.w) AS tl FROM c GROUP BY 1),
        s AS (
            -- weight of evidence per state, with half a row added to every count
            SELECT c.*, ln(((c.w + 0.5) / (t.tw + 0.5)) / ((c.n - c.w + 0.5) / (t.tl + 0.5))) AS woe,
                   (c.w / nullif(t.tw, 0)::float8 - (c.n - c.w) / nullif(t.tl, 0)::float8) AS diff,
                   t.tw, t.tl
              FROM c JOIN t USING (ordinal))
        SELECT s.ordinal, s.criterion, s.weight,
               coalesce(sum(s.n) FILTER (WHERE s.state = 'met'), 0)::bigint,
               (sum(s.w) FILTER (WHERE s.state = 'met') / sum(s.n) FILTER (WHERE s.state = 'met'))::float8,
               coalesce(sum(s.n) FILTER (WHERE s.state = 'unmet'), 0)::bigint,
               (sum(s.w) FILTER (WHERE s.state = 'unmet') / sum(s.n) FILTER (WHERE s.state = 'unmet'))::float8,
               coalesce(sum(s.n) FILTER (WHERE s.state = 'unknown'), 0)::bigint,
               (sum(s.w) FILTER (WHERE s.state = 'unknown') / sum(s.n) FILTER (WHERE s.state = 'unknown'))::float8,
               ((sum(s.w) FILTER (WHERE s.state = 'met') / sum(s.n) FILTER (WHERE s.state = 'met'))
                 / nullif(min(s.tw) / (min(s.tw) + min(s.tl)), 0))::float8,
               (min(s.woe) FILTER (WHERE s.state = 'met'))::float8,
               (min(s.woe) FILTER (WHERE s.state = 'unmet'))::float8,
               (min(s.woe) FILTER (WHERE s.state = 'unknown'))::float8,
               sum(s.diff * s.woe)::float8
          FROM s GROUP BY s.ordinal, s.criterion, s.weight ORDER BY s.ordinal
        $q$, lead_qual.report_rows(source, outcome, options))
      USING model, as_of;
END
$$;

COMMENT ON AGGREGATE lead_qual.score_histogram(double precision, boolean) IS 'The won and lost rows at every distinct value of a number (the state of auc, up to 65536 values, then neighbours merge): learn() cuts numbers into bands at its quantiles';
COMMENT ON TYPE lead_qual.fit_state IS 'State of learn_fit: the exact sums (gradient, Hessian, log-likelihood) of one pass of learn()''s logistic regression';
COMMENT ON FUNCTION lead_qual.fit_state_in(cstring) IS 'Text input of lead_qual.fit_state, checked';
COMMENT ON FUNCTION lead_qual.fit_state_out(lead_qual.fit_state) IS 'Text output of lead_qual.fit_state: exact sums in hexadecimal fixed point';
COMMENT ON FUNCTION lead_qual.fit_state_recv(internal) IS 'Binary input of lead_qual.fit_state, checked';
COMMENT ON FUNCTION lead_qual.fit_state_send(lead_qual.fit_state) IS 'Binary output of lead_qual.fit_state';
COMMENT ON FUNCTION lead_qual.learn_fit_step(lead_qual.fit_state, jsonb, double precision[], record, boolean, double precision) IS 'Transition function of learn_fit: add one row (evidence from the row)';
COMMENT ON FUNCTION lead_qual.learn_fit_step(lead_qual.fit_state, jsonb, double precision[], jsonb, boolean, double precision) IS 'Transition function of learn_fit: add one row (evidence as a jsonb object)';
COMMENT ON FUNCTION lead_qual.learn_fit_step(lead_qual.fit_state, jsonb, double precision[], boolean, double precision, text[], "any") IS 'Transition function of learn_fit: add one row (evidence from the columns named)';
COMMENT ON FUNCTION lead_qual.learn_fit_combine(lead_qual.fit_state, lead_qual.fit_state) IS 'Combine function of learn_fit: add two partial sums, exactly';
COMMENT ON AGGREGATE lead_qual.learn_fit(jsonb, double precision[], record, boolean, double precision) IS 'One pass of learn()''s fit: the sums of the logistic regression at the coefficients given (evidence from the row)';
COMMENT ON AGGREGATE lead_qual.learn_fit(jsonb, double precision[], jsonb, boolean, double precision) IS 'One pass of learn()''s fit: the sums of the logistic regression at the coefficients given (evidence as a jsonb object)';
COMMENT ON AGGREGATE lead_qual.learn_fit(jsonb, double precision[], boolean, double precision, text[], "any") IS 'One pass of learn()''s fit: the sums of the logistic regression at the coefficients given (evidence from the columns named)';
COMMENT ON FUNCTION lead_qual.learn(regclass, text, text[], jsonb) IS 'A model learned from the won and lost rows of a table or view: weights, grades per value and per numeric band, unknown grades, calibration and thresholds';
COMMENT ON FUNCTION lead_qual.learn(regclass, text, lead_qual.model, jsonb) IS 'A template model learned again from the won and lost rows of a table or view: its weights, scale grades and numeric cut points, keeping its keys, labels, questions and knockouts';
COMMENT ON FUNCTION lead_qual.choose_thresholds(regclass, text, lead_qual.model, jsonb) IS 'The pass_score and min_met that best serve a goal (best F1, a minimum precision, the top share of the leads) on rows with known outcomes, what they give, and the model with them';
COMMENT ON FUNCTION lead_qual.report_rows(regclass, text, jsonb) IS 'The query of evidence and outcome the reports read (checks the outcome column and the options)';
COMMENT ON FUNCTION lead_qual.model_report(regclass, text, lead_qual.model, jsonb) IS 'A model against history: rows, win rate, AUC, log loss and Brier score of its probability, and precision and recall of qualified';
COMMENT ON FUNCTION lead_qual.decile_report(regclass, text, lead_qual.model, jsonb) IS 'A model against history: conversion per score decile (1 = the highest scores), its lift and the cumulative share of the won';
COMMENT ON FUNCTION lead_qual.criterion_report(regclass, text, lead_qual.model, jsonb) IS 'A model against history, per criterion: the win rate when met, unmet and unknown, the lift when met, weight of evidence and information value';

-- rescore() says plainly that it cannot rewrite flat targets.
CREATE OR REPLACE PROCEDURE lead_qual.rescore(target regclass, batch_pages integer DEFAULT 1000,
                                   restart boolean DEFAULT false)
    LANGUAGE plpgsql
AS $$
DECLARE
    qualified_name pg_catalog.text;
    sets pg_catalog.text := '';
    differs pg_catalog.text := '';
    expr pg_catalog.text;
    scorer record;
    sql pg_catalog.text;
    page bigint := 0;
    pages bigint := pg_catalog.pg_relation_size(target) OPERATOR(pg_catalog./)
                    pg_catalog.current_setting('block_size')::integer;
    changed bigint;
    rescored bigint := 0;
BEGIN
    IF target IS NULL THEN
        RAISE EXCEPTION 'the table to rescore must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF batch_pages IS NULL OR batch_pages OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION 'batch_pages must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO qualified_name
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE c.oid OPERATOR(pg_catalog.=) target;

    -- What each autoscore trigger of the table writes, as the trigger would.
    FOR scorer IN SELECT * FROM lead_qual.autoscore_triggers(target) LOOP
        IF scorer.target_column IS NULL THEN
            RAISE EXCEPTION 'rescore() cannot rewrite what trigger % of table % writes', scorer.trigger_name, target
                USING ERRCODE = 'feature_not_supported',
                      DETAIL = 'The trigger writes flat targets only; rescore() compares and rewrites a lead_qual.qualification column.',
                      HINT = 'Give the trigger a qualification column too (its second argument): the flat targets follow it.';
        END IF;
        expr := pg_catalog.format('lead_qual.qualify(%L, %s, %s)', scorer.model,
                    CASE WHEN scorer.evidence_column IS NULL THEN 't'
                         ELSE 't.' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(scorer.evidence_column) END,
                    CASE WHEN scorer.as_of_column IS NULL THEN 'pg_catalog.transaction_timestamp()'
                         WHEN (SELECT a.atttypid FROM pg_catalog.pg_attribute a
                                WHERE a.attrelid OPERATOR(pg_catalog.=) target
                                  AND a.attname OPERATOR(pg_catalog.=) scorer.as_of_column)
                              OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.date'::pg_catalog.regtype,
                                                                'pg_catalog.timestamp'::pg_catalog.regtype]::pg_catalog.oid[])
                         THEN pg_catalog.format('(t.%I::pg_catalog.timestamp AT TIME ZONE ''UTC'')', scorer.as_of_column)
                         ELSE 't.' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(scorer.as_of_column) END);
        sets := sets OPERATOR(pg_catalog.||) CASE WHEN sets OPERATOR(pg_catalog.=) '' THEN '' ELSE ', ' END
                OPERATOR(pg_catalog.||) pg_catalog.format('%I = %s', scorer.target_column, expr);
        -- IS DISTINCT FROM, written without it: it finds = on the search
        -- path.  qualify() is NULL for a NULL as_of; the second test is
        -- evaluated only when the first holds, so qualify() runs once per
        -- row unless the stored value is NULL.
        differs := differs OPERATOR(pg_catalog.||) CASE WHEN differs OPERATOR(pg_catalog.=) '' THEN '' ELSE ' OR ' END
                OPERATOR(pg_catalog.||) pg_catalog.format('((t.%I OPERATOR(pg_catalog.=) %s) IS NOT TRUE'
                                                          ' AND (t.%I IS NOT NULL OR %s IS NOT NULL))',
                                                          scorer.target_column, expr, scorer.target_column, expr);
    END LOOP;
    IF sets OPERATOR(pg_catalog.=) '' THEN
        RAISE EXCEPTION 'table % has no lead_qual.autoscore trigger', target
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    sql := pg_catalog.format('UPDATE %s AS t SET %s WHERE t.ctid OPERATOR(pg_catalog.>=) $1 AND t.ctid OPERATOR(pg_catalog.<) $2 AND (%s)',
                             target, sets, differs);

    -- Resume an interrupted run, unless asked to start over.
    IF NOT restart THEN
        SELECT p.pages_done, p.rows_rescored INTO page, rescored
          FROM lead_qual.rescore_progress p
         WHERE p.table_name OPERATOR(pg_catalog.=) qualified_name AND p.finished_at IS NULL;
        page := COALESCE(page, 0);
        rescored := COALESCE(rescored, 0);
    END IF;
    INSERT INTO lead_qual.rescore_progress AS p
           (table_name, started_at, updated_at, finished_at, pages_done, pages_total, rows_rescored)
    VALUES (qualified_name, pg_catalog.clock_timestamp(), pg_catalog.clock_timestamp(), NULL, page,
            pages, rescored)
    ON CONFLICT (table_name) DO UPDATE
       SET started_at = CASE WHEN EXCLUDED.pages_done OPERATOR(pg_catalog.=) 0
                             THEN EXCLUDED.started_at ELSE p.started_at END,
           updated_at = EXCLUDED.updated_at, finished_at = NULL,
           pages_done = EXCLUDED.pages_done, pages_total = EXCLUDED.pages_total,
           rows_rescored = EXCLUDED.rows_rescored;
    COMMIT;

    -- The pages the table has now.  Rows written after this point, and the
    -- new versions this writes, are scored by the trigger with the model as
    -- it is: there is no need to follow the table as it grows.
    LOOP
        EXIT WHEN page OPERATOR(pg_catalog.>=) pages;
        EXECUTE sql USING pg_catalog.format('(%s,0)', page)::pg_catalog.tid,
                          pg_catalog.format('(%s,0)', page OPERATOR(pg_catalog.+) batch_pages)::pg_catalog.tid;
        GET DIAGNOSTICS changed = ROW_COUNT;
        page := LEAST(page OPERATOR(pg_catalog.+) batch_pages, pages);
        rescored := rescored OPERATOR(pg_catalog.+) changed;
        UPDATE lead_qual.rescore_progress
           SET updated_at = pg_catalog.clock_timestamp(), pages_done = page, rows_rescored = rescored
         WHERE table_name OPERATOR(pg_catalog.=) qualified_name;
        RAISE NOTICE 'lead_qual.rescore(%): % of % pages, % rows rescored',
            qualified_name, page, pages, rescored;
        COMMIT;
    END LOOP;
    UPDATE lead_qual.rescore_progress
       SET updated_at = pg_catalog.clock_timestamp(), finished_at = pg_catalog.clock_timestamp()
     WHERE table_name OPERATOR(pg_catalog.=) qualified_name;
    COMMIT;
END
$$;

-- rescore() also serves the date rules, whose verdict moves with the calendar.
COMMENT ON PROCEDURE lead_qual.rescore(regclass, integer, boolean) IS 'Rewrite the stored qualifications of an auto-scored table that are out of date (after a model changed, or as date rules judged against the clock changed their verdict), in batches of pages, committing after each; resumes an interrupted run';

-- ---------------------------------------------------------------------
-- 0.4.0: the autoscore and history triggers (src/triggers/).
-- ---------------------------------------------------------------------

-- Mistakes in an autoscore or history trigger are refused when it is
-- created, or when its table is altered so that it would no longer work,
-- rather than on the first row written (src/triggers/trigger_check.c).
-- A history trigger depends on the autoscore trigger it follows.
CREATE FUNCTION lead_qual.check_triggers() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'lq_check_triggers' LANGUAGE C;
CREATE EVENT TRIGGER lead_qual_check_triggers ON ddl_command_end
    WHEN TAG IN ('CREATE TRIGGER', 'ALTER TABLE', 'ALTER FOREIGN TABLE', 'ALTER TRIGGER')
    EXECUTE FUNCTION lead_qual.check_triggers();

COMMENT ON FUNCTION lead_qual.check_triggers() IS 'Event trigger function: checks autoscore and history triggers when they are created and when their table is altered';
COMMENT ON EVENT TRIGGER lead_qual_check_triggers IS 'Refuses autoscore and history triggers that could not work, and changes of their tables that would break them (lead_qual.check_triggers)';

-- The history triggers made before: each depends on the autoscore trigger
-- it names, as the event trigger records for new ones.
INSERT INTO pg_catalog.pg_depend (classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype)
SELECT 'pg_catalog.pg_trigger'::pg_catalog.regclass, h.oid, 0,
       'pg_catalog.pg_trigger'::pg_catalog.regclass, s.oid, 0, 'n'
  FROM pg_catalog.pg_trigger h
  JOIN pg_catalog.pg_trigger s ON s.tgrelid OPERATOR(pg_catalog.=) h.tgrelid
 WHERE h.tgfoid OPERATOR(pg_catalog.=) 'lead_qual.record_history()'::pg_catalog.regprocedure
   AND s.tgfoid OPERATOR(pg_catalog.=) 'lead_qual.autoscore()'::pg_catalog.regprocedure
   AND h.tgparentid OPERATOR(pg_catalog.=) 0 AND h.tgnargs OPERATOR(pg_catalog.>=) 1
   AND pg_catalog.position(h.tgargs, '\x00'::pg_catalog.bytea) OPERATOR(pg_catalog.>) 0
   AND pg_catalog.substr(h.tgargs, 1, pg_catalog.position(h.tgargs, '\x00'::pg_catalog.bytea) OPERATOR(pg_catalog.-) 1)
       OPERATOR(pg_catalog.=) pg_catalog.convert_to(s.tgname::pg_catalog.text, pg_catalog.current_setting('server_encoding'))
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                    WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_trigger'::pg_catalog.regclass
                      AND d.objid OPERATOR(pg_catalog.=) h.oid
                      AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_trigger'::pg_catalog.regclass
                      AND d.refobjid OPERATOR(pg_catalog.=) s.oid);

-- drop_model(): cascade is new (a new signature, so the old function goes).
DROP FUNCTION lead_qual.drop_model(text, boolean);
-- A model that autoscore triggers use is not dropped unless cascade says
-- to drop those triggers too (and the history triggers that follow them):
-- every row written to their tables would fail otherwise.  The triggers
-- name the model as text, read as the scoring functions read it: blanks
-- around it dropped, in any case.
CREATE FUNCTION lead_qual.drop_model(name text, if_exists boolean DEFAULT false,
                                     cascade boolean DEFAULT false)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'lq_drop_model' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION lead_qual.drop_model(text, boolean, boolean) IS 'Remove a user-defined model from the registry; one that autoscore triggers use only with cascade, which drops those triggers';

-- Why each qualification in the history changed (NULL for the rows
-- recorded before).
ALTER TABLE lead_qual.history ADD COLUMN reason text;
COMMENT ON COLUMN lead_qual.history.reason IS 'Why the qualification changed: new (a new lead), evidence (its evidence or as_of changed), model (nothing the trigger reads changed: the model was redefined, as rescore() brings in, or date rules judged against the clock moved on); NULL for rows recorded before 0.4.0';
COMMENT ON FUNCTION lead_qual.enable_history(regclass, name) IS 'Record the changes the autoscore triggers of a table make in lead_qual.history; returns how many autoscore triggers are recorded (one history trigger each)';
COMMENT ON FUNCTION lead_qual.disable_history(regclass) IS 'Stop recording history for a table (the rows recorded stay); returns how many history triggers were dropped';

-- ---------------------------------------------------------------------
-- 0.4.0: evidence under a criterion's key as well as its source, the keys
-- that no criterion reads, kinds of events compared folded, and the
-- registry functions in C (errors that name the argument, and carry no
-- context from inside them).
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION lead_qual.define_model(name text, definition jsonb)
    RETURNS lead_qual.model
    AS 'MODULE_PATHNAME', 'lq_define_model' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;
CREATE OR REPLACE FUNCTION lead_qual.define_engagement_rules(name text, definition jsonb)
    RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_define_engagement_rules' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;
CREATE OR REPLACE FUNCTION lead_qual.drop_engagement_rules(name text, if_exists boolean DEFAULT false)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'lq_drop_engagement_rules' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION lead_qual.unmatched_keys(model lead_qual.model, evidence jsonb)
    RETURNS text[] AS 'MODULE_PATHNAME', 'lq_unmatched_keys' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.unmatched_keys(model lead_qual.model, evidence text)
    RETURNS text[] AS 'MODULE_PATHNAME', 'lq_unmatched_keys' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.unmatched_keys(model text, evidence jsonb)
    RETURNS text[] AS 'MODULE_PATHNAME', 'lq_unmatched_keys' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.unmatched_keys(model text, evidence text)
    RETURNS text[] AS 'MODULE_PATHNAME', 'lq_unmatched_keys' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.check_evidence(model lead_qual.model, evidence jsonb)
    RETURNS jsonb AS 'MODULE_PATHNAME', 'lq_check_evidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.check_evidence(model lead_qual.model, evidence text)
    RETURNS text AS 'MODULE_PATHNAME', 'lq_check_evidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.check_evidence(model text, evidence jsonb)
    RETURNS jsonb AS 'MODULE_PATHNAME', 'lq_check_evidence' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.check_evidence(model text, evidence text)
    RETURNS text AS 'MODULE_PATHNAME', 'lq_check_evidence' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION lead_qual.engagement_kind(rules lead_qual.engagement_rules, kind text)
    RETURNS text AS 'MODULE_PATHNAME', 'lq_engagement_kind' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_kind(rules text, kind text)
    RETURNS text AS 'MODULE_PATHNAME', 'lq_engagement_kind' LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_qual.unmatched_keys(lead_qual.model, jsonb) IS 'The keys of jsonb evidence that no criterion of the model reads, sorted';
COMMENT ON FUNCTION lead_qual.unmatched_keys(lead_qual.model, text) IS 'The keys of JSON text evidence that no criterion of the model reads, sorted';
COMMENT ON FUNCTION lead_qual.unmatched_keys(text, jsonb) IS 'The keys of jsonb evidence that no criterion of a registered model reads, sorted';
COMMENT ON FUNCTION lead_qual.unmatched_keys(text, text) IS 'The keys of JSON text evidence that no criterion of a registered model reads, sorted';
COMMENT ON FUNCTION lead_qual.check_evidence(lead_qual.model, jsonb) IS 'The jsonb evidence as it is, or an error when it has keys that no criterion of the model reads';
COMMENT ON FUNCTION lead_qual.check_evidence(lead_qual.model, text) IS 'The JSON text evidence as it is, or an error when it has keys that no criterion of the model reads';
COMMENT ON FUNCTION lead_qual.check_evidence(text, jsonb) IS 'The jsonb evidence as it is, or an error when it has keys that no criterion of a registered model reads';
COMMENT ON FUNCTION lead_qual.check_evidence(text, text) IS 'The JSON text evidence as it is, or an error when it has keys that no criterion of a registered model reads';
COMMENT ON FUNCTION lead_qual.engagement_kind(lead_qual.engagement_rules, text) IS 'The kind of the rules that an event of this kind counts as (case, blanks and separators ignored); NULL when the rules do not list it';
COMMENT ON FUNCTION lead_qual.engagement_kind(text, text) IS 'The kind of registered rules that an event of this kind counts as (case, blanks and separators ignored); NULL when the rules do not list it';

-- ---------------------------------------------------------------------
-- 0.4.0: make_view() takes names, not pieces of SQL.
-- ---------------------------------------------------------------------

DROP FUNCTION lead_qual.make_view(regclass, text, text, text, name, text, text);
-- The view: the table's columns (but the stored qualification column),
-- then the flat columns of the qualification: computed with the model
-- (evidence from the row or evidence_column, as of as_of_column or now())
-- when qualification_column is NULL, else read from that stored column.  A
-- view name without a schema is created in the schema of the table.  A
-- NULL table, view name or prefix is refused (22004
-- null_value_not_allowed) rather than left to fail in the statement built
-- from it.  Every name given is quoted into the statement: nothing given
-- is pasted as SQL.
CREATE FUNCTION lead_qual.make_view(source regclass, view_name text, model text,
                                    evidence_column name, as_of_column name,
                                    qualification_column name, column_prefix text)
    RETURNS regclass
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cols text;
    clash text;
    target text;
    q text;
    joined text := '';
    description text;
    distributed boolean := false;
    v regclass;
BEGIN
    IF source IS NULL OR view_name IS NULL OR column_prefix IS NULL THEN
        RAISE EXCEPTION 'table, view name and column prefix must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF qualification_column IS NOT NULL THEN
        q := format('(t.%I)', qualification_column);
        description := format('lead_qual: rows of %s with the qualification stored in %s', source, qualification_column);
    ELSIF model IS NULL THEN
        RAISE EXCEPTION 'model must not be null' USING ERRCODE = 'null_value_not_allowed';
    ELSE
        q := format('lead_qual.qualify(%L, %s, %s)', model,
                    CASE WHEN evidence_column IS NULL THEN 't' ELSE format('t.%I', evidence_column) END,
                    CASE WHEN as_of_column IS NULL THEN 'pg_catalog.now()' ELSE format('t.%I', as_of_column) END);
        description := format('lead_qual: rows of %s qualified with model %s, computed when read', source, model);
        -- A table Citus distributes: each column its own call, which Citus
        -- runs on the nodes with the filters on them (a query over a view
        -- whose FROM joins a function, it runs on the coordinator).
        -- Elsewhere one call per row, joined.
        IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
            EXECUTE 'SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_partition WHERE logicalrelid = $1)'
                INTO distributed USING source;
        END IF;
        IF distributed THEN
            q := '(' || q || ')';
        ELSE
            joined := 'CROSS JOIN LATERAL ' || q || ' AS q';
            q := 'q';
        END IF;
    END IF;
    -- a view without a schema goes next to its table
    SELECT string_agg(quote_ident(p), '.') INTO target FROM unnest(parse_ident(view_name)) AS p;
    IF array_length(parse_ident(view_name), 1) = 1 THEN
        SELECT format('%I.', n.nspname) || target INTO target
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = source;
    END IF;
    SELECT f.name INTO clash
      FROM lead_qual.flat_columns(q, column_prefix) f
      JOIN pg_attribute a ON a.attrelid = source AND a.attname = f.name AND a.attnum > 0
                         AND NOT a.attisdropped AND a.attname IS DISTINCT FROM qualification_column
     LIMIT 1;
    IF clash IS NOT NULL THEN
        RAISE EXCEPTION 'table % already has a column "%"', source, clash
            USING ERRCODE = 'duplicate_column',
                  HINT = 'Give the qualification columns a prefix: column_prefix => ''lq_''.';
    END IF;
    SELECT string_agg(format('t.%I', a.attname), ', ' ORDER BY a.attnum) INTO cols
      FROM pg_attribute a
     WHERE a.attrelid = source AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname IS DISTINCT FROM qualification_column;
    SELECT coalesce(cols || ', ', '') || string_agg(format('%s AS %I', f.expr, f.name), ', ')
      INTO cols FROM lead_qual.flat_columns(q, column_prefix) f;
    EXECUTE format('CREATE VIEW %s AS SELECT %s FROM %s AS t %s', target, cols, source, joined);
    v := to_regclass(target);
    EXECUTE format('COMMENT ON VIEW %s IS %L', v, description);
    RETURN v;
END
$$;

CREATE OR REPLACE FUNCTION lead_qual.create_view(source regclass, model text, view_name text,
                                      evidence_column name DEFAULT NULL,
                                      as_of_column name DEFAULT NULL,
                                      column_prefix text DEFAULT '')
    RETURNS regclass
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF model IS NULL THEN
        RAISE EXCEPTION 'model must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM lead_qual.model(model);     -- an unknown model fails here
    RETURN lead_qual.make_view(source, view_name, model, evidence_column, as_of_column, NULL, column_prefix);
END
$$;

CREATE OR REPLACE FUNCTION lead_qual.create_stored_view(source regclass, qualification_column name,
                                             view_name text, column_prefix text DEFAULT '')
    RETURNS regclass
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF source IS NULL OR qualification_column IS NULL THEN
        RAISE EXCEPTION 'table and qualification column must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_attribute
                    WHERE attrelid = source AND attname = qualification_column AND attnum > 0
                      AND NOT attisdropped AND atttypid = 'lead_qual.qualification'::regtype) THEN
        RAISE EXCEPTION 'table % has no column "%" of type lead_qual.qualification', source, qualification_column
            USING ERRCODE = 'undefined_column';
    END IF;
    RETURN lead_qual.make_view(source, view_name, NULL, NULL, NULL, qualification_column, column_prefix);
END
$$;

COMMENT ON FUNCTION lead_qual.make_view(regclass, text, text, name, name, name, text) IS 'Creates a view of a table with flat qualification columns, computed with a model or read from a stored column (used by create_view and create_stored_view)';

-- ---------------------------------------------------------------------
-- 0.4.0: a model or rules named by a constant are looked up when the
-- query is planned (src/scoring/support.c): the forms that take a name
-- get the planner support function.
-- ---------------------------------------------------------------------

ALTER FUNCTION lead_qual.qualify(text, jsonb, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.qualify(text, text, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.qualify(text, record, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.score(text, jsonb, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.score(text, text, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.score(text, record, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.win_probability(text, jsonb, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.win_probability(text, text, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.win_probability(text, record, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.is_qualified(text, jsonb, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.is_qualified(text, text, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.is_qualified(text, record, timestamptz) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.qualify_columns(text, timestamptz, regtype, text[], VARIADIC "any") SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.score_columns(text, timestamptz, regtype, text[], VARIADIC "any") SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.win_probability_columns(text, timestamptz, regtype, text[], VARIADIC "any") SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.is_qualified_columns(text, timestamptz, regtype, text[], VARIADIC "any") SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.explain(text, jsonb, timestamptz, text) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.explain(text, text, timestamptz, text) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.explain(text, record, timestamptz, text) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.unmatched_keys(text, jsonb) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.unmatched_keys(text, text) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.check_evidence(text, jsonb) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.check_evidence(text, text) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.engagement_kind(text, text) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.next_action(text, jsonb, timestamptz, text, jsonb) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.next_action(text, text, timestamptz, text, jsonb) SUPPORT lead_qual.row_support;
ALTER FUNCTION lead_qual.next_action(text, record, timestamptz, text, jsonb) SUPPORT lead_qual.row_support;
COMMENT ON FUNCTION lead_qual.row_support(internal) IS 'Planner support: looks up a model or rules named by a constant when the query is planned, and rewrites the row forms of qualify, score, win_probability and is_qualified over a table to their *_columns twins';


-- The group of a row in learn()'s scoring pass: its score's hundredth,
-- the criteria it meets and whether its knockouts let it through, as one
-- number (learn() groups the rows by it).
CREATE FUNCTION lead_qual.learn_group(model lead_qual.model, evidence record, as_of timestamptz)
    RETURNS bigint AS 'MODULE_PATHNAME', 'lq_learn_group' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.learn_group(model lead_qual.model, evidence jsonb, as_of timestamptz)
    RETURNS bigint AS 'MODULE_PATHNAME', 'lq_learn_group' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION lead_qual.learn_group(lead_qual.model, record, timestamptz) IS 'learn()''s scoring pass: a row''s score in hundredths times 256, plus twice the criteria it meets, plus 1 when it is qualified (learn() passes a model with min_met 0 and no pass_score, so that this says whether its knockouts let it through; evidence from the row)';
COMMENT ON FUNCTION lead_qual.learn_group(lead_qual.model, jsonb, timestamptz) IS 'learn()''s scoring pass: a row''s score in hundredths times 256, plus twice the criteria it meets, plus 1 when it is qualified (learn() passes a model with min_met 0 and no pass_score, so that this says whether its knockouts let it through; evidence as a jsonb object)';

-- On the coordinator of a Citus cluster: make every worker's registries
-- of models and engagement rules the coordinator's (define_model() and the
-- others do it as they go; this catches up after a transaction that rolled
-- back, or a worker added since).  Returns how many workers it reached.
CREATE FUNCTION lead_qual.sync_registry() RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    model_names text[];
    rule_names text[];
    statement text;
    failed text;
    reached integer;
    coordinator boolean;
BEGIN
    IF to_regclass('pg_catalog.pg_dist_node') IS NULL THEN
        RAISE EXCEPTION 'lead_qual.sync_registry() is for the coordinator of a Citus cluster'
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Citus is not installed in this database.';
    END IF;
    EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO STRICT coordinator;
    IF NOT coordinator THEN
        RAISE EXCEPTION 'lead_qual.sync_registry() runs on the coordinator of the Citus cluster'
            USING ERRCODE = 'feature_not_supported';
    END IF;
    SELECT coalesce(array_agg(name ORDER BY name), '{}') INTO model_names FROM lead_qual.models WHERE NOT builtin;
    SELECT coalesce(array_agg(name ORDER BY name), '{}') INTO rule_names FROM lead_qual.engagement_rule_sets WHERE NOT builtin;
    statement := format('DELETE FROM lead_qual.models WHERE NOT builtin AND name <> ALL (%L::text[]); ', model_names)
              || format('DELETE FROM lead_qual.engagement_rule_sets WHERE NOT builtin AND name <> ALL (%L::text[]); ', rule_names)
              || coalesce((SELECT string_agg(format('SELECT lead_qual.define_model(%L, %L::jsonb);', m.name, m.model::jsonb), ' ' ORDER BY m.name)
                             FROM lead_qual.models m WHERE NOT m.builtin), '')
              || coalesce((SELECT string_agg(format('SELECT lead_qual.define_engagement_rules(%L, %L::jsonb);', r.name, r.rules::jsonb), ' ' ORDER BY r.name)
                             FROM lead_qual.engagement_rule_sets r WHERE NOT r.builtin), '');
    EXECUTE 'SELECT count(*) FILTER (WHERE success), string_agg(nodename || '':'' || nodeport || '': '' || result, ''; '') FILTER (WHERE NOT success)
               FROM pg_catalog.run_command_on_workers($1)'
        INTO reached, failed USING statement;
    IF failed IS NOT NULL THEN
        RAISE EXCEPTION 'lead_qual.sync_registry(): not every worker could be reached'
            USING ERRCODE = 'connection_failure', DETAIL = failed;
    END IF;
    RETURN reached;
END
$$;

COMMENT ON FUNCTION lead_qual.sync_registry() IS 'On the coordinator of a Citus cluster: make every worker''s registries of models and engagement rules the coordinator''s; returns how many workers it reached';
