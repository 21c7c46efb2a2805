/* lead_qual 0.3.2 -> 0.4.0: learning from won and lost leads. */

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
