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
