/* lead_qual 0.3.1 -> 0.3.2: no change for users.  The C functions behind
 * some SQL functions are now named after them (lq_ + the SQL name); the
 * functions below are pointed at their new names.  The library still
 * answers to the old names, which databases not yet updated use. */

\echo Use "ALTER EXTENSION lead_qual UPDATE TO '0.3.2'" to load this file. \quit

-- lead_qual.model
CREATE OR REPLACE FUNCTION lead_qual.model(definition jsonb) RETURNS lead_qual.model
    AS 'MODULE_PATHNAME', 'lq_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.model_to_jsonb(lead_qual.model) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lq_model_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.model_to_json(lead_qual.model) RETURNS json
    AS 'MODULE_PATHNAME', 'lq_model_to_json' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.model(name text) RETURNS lead_qual.model
    AS 'MODULE_PATHNAME', 'lq_model_text' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- lead_qual.engagement_rules
CREATE OR REPLACE FUNCTION lead_qual.engagement_rules_in(cstring) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_in' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.engagement_rules_out(lead_qual.engagement_rules) RETURNS cstring
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.engagement_rules_recv(internal) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.engagement_rules_send(lead_qual.engagement_rules) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.engagement_rules_eq(lead_qual.engagement_rules, lead_qual.engagement_rules)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.engagement_rules(definition jsonb) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.engagement_rules_to_jsonb(lead_qual.engagement_rules) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.engagement_rules_name(lead_qual.engagement_rules) RETURNS text
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_name' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.engagement_kinds(rules lead_qual.engagement_rules)
    RETURNS TABLE (kind text, points double precision, cap double precision,
                   half_life_days double precision)
    AS 'MODULE_PATHNAME', 'lq_engagement_kinds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
CREATE OR REPLACE FUNCTION lead_qual.engagement_rules(name text) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_text' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- the engagement aggregate with the rules by name: one C function for both forms
CREATE OR REPLACE FUNCTION lead_qual.engagement_step(lead_qual.engagement_state, text,
                                                     text, timestamptz, timestamptz)
    RETURNS lead_qual.engagement_state
    AS 'MODULE_PATHNAME', 'lq_engagement_step' LANGUAGE C STABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lead_qual.engagement_unstep(lead_qual.engagement_state, text,
                                                       text, timestamptz, timestamptz)
    RETURNS lead_qual.engagement_state
    AS 'MODULE_PATHNAME', 'lq_engagement_unstep' LANGUAGE C STABLE PARALLEL SAFE;
