/* lead_qual 0.4.0: the install script.  CREATE EXTENSION lead_qual runs
 * this file to create the whole extension at once: models as values and
 * the registry of named models with the built-in frameworks; qualify(),
 * score(), win_probability(), is_qualified() and explain(); the
 * auto-scoring trigger, score history, rescoring and views for BI tools;
 * aggregates over touches and events (multi-touch evidence and behavioural
 * engagement) and sales readiness; learning models from won and lost leads
 * (learn(), choose_thresholds(), auc and the reports). */

\echo Use "CREATE EXTENSION lead_qual" to load this file. \quit

-- CREATE EXTENSION creates the schema lead_qual, or takes one that exists.
-- Refuse one that another, unprivileged role owns, may create objects in,
-- or has filled: its objects could shadow or replace the extension's, and
-- run as whoever calls them.  Every name here is schema-qualified.
DO $check$
DECLARE
    owner pg_catalog.name;
BEGIN
    SELECT r.rolname INTO owner
      FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
     WHERE n.nspname OPERATOR(pg_catalog.=) 'lead_qual'
       AND n.nspowner OPERATOR(pg_catalog.<>) (SELECT u.oid FROM pg_catalog.pg_roles u
                                                WHERE u.rolname OPERATOR(pg_catalog.=) CURRENT_USER)
       AND NOT r.rolsuper;
    IF owner IS NOT NULL THEN
        RAISE EXCEPTION 'schema lead_qual already exists and is owned by %', owner
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Drop or rename that schema; CREATE EXTENSION lead_qual creates it.';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
                WHERE n.nspname OPERATOR(pg_catalog.=) 'lead_qual'
                  AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
                  AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner
                  AND NOT coalesce((SELECT g.rolsuper FROM pg_catalog.pg_roles g
                                     WHERE g.oid OPERATOR(pg_catalog.=) a.grantee), false)) THEN
        RAISE EXCEPTION 'schema lead_qual already exists and roles other than its owner may create objects in it'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Drop that schema; CREATE EXTENSION lead_qual creates it.';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_depend d
                WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass
                  AND d.classid OPERATOR(pg_catalog.<>) 'pg_catalog.pg_extension'::pg_catalog.regclass
                  AND d.classid OPERATOR(pg_catalog.<>) 'pg_catalog.pg_default_acl'::pg_catalog.regclass
                  AND d.refobjid OPERATOR(pg_catalog.=) (SELECT n.oid FROM pg_catalog.pg_namespace n
                                                          WHERE n.nspname OPERATOR(pg_catalog.=) 'lead_qual')) THEN
        RAISE EXCEPTION 'schema lead_qual already exists and is not empty'
            USING ERRCODE = 'duplicate_schema',
                  HINT = 'The extension needs a schema of its own.';
    END IF;
END
$check$;

GRANT USAGE ON SCHEMA lead_qual TO PUBLIC;
COMMENT ON SCHEMA lead_qual IS 'lead_qual: qualify and score sales leads';

--------------------------------------------------------------------------
-- The model type
--------------------------------------------------------------------------

CREATE TYPE lead_qual.model;

CREATE FUNCTION lead_qual.model_in(cstring) RETURNS lead_qual.model
    AS 'MODULE_PATHNAME', 'lq_model_in' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.model_out(lead_qual.model) RETURNS cstring
    AS 'MODULE_PATHNAME', 'lq_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.model_recv(internal) RETURNS lead_qual.model
    AS 'MODULE_PATHNAME', 'lq_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.model_send(lead_qual.model) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lq_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE lead_qual.model (
    INPUT = lead_qual.model_in,
    OUTPUT = lead_qual.model_out,
    RECEIVE = lead_qual.model_recv,
    SEND = lead_qual.model_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);

CREATE FUNCTION lead_qual.model_eq(lead_qual.model, lead_qual.model) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lq_model_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.model_ne(lead_qual.model, lead_qual.model) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lq_model_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.model_hash(lead_qual.model) RETURNS integer
    AS 'MODULE_PATHNAME', 'lq_model_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.model_hash_extended(lead_qual.model, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lq_model_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR lead_qual.= (
    LEFTARG = lead_qual.model, RIGHTARG = lead_qual.model,
    FUNCTION = lead_qual.model_eq,
    COMMUTATOR = OPERATOR(lead_qual.=), NEGATOR = OPERATOR(lead_qual.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR lead_qual.<> (
    LEFTARG = lead_qual.model, RIGHTARG = lead_qual.model,
    FUNCTION = lead_qual.model_ne,
    COMMUTATOR = OPERATOR(lead_qual.<>), NEGATOR = OPERATOR(lead_qual.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS lead_qual.model_hash_ops
    DEFAULT FOR TYPE lead_qual.model USING hash AS
        OPERATOR 1 lead_qual.= (lead_qual.model, lead_qual.model),
        FUNCTION 1 lead_qual.model_hash(lead_qual.model),
        FUNCTION 2 lead_qual.model_hash_extended(lead_qual.model, bigint);

-- Casts between models and JSON.
CREATE FUNCTION lead_qual.model(definition jsonb) RETURNS lead_qual.model
    AS 'MODULE_PATHNAME', 'lq_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.model_to_jsonb(lead_qual.model) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lq_model_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.model_to_json(lead_qual.model) RETURNS json
    AS 'MODULE_PATHNAME', 'lq_model_to_json' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (jsonb AS lead_qual.model) WITH FUNCTION lead_qual.model(jsonb);
CREATE CAST (json AS lead_qual.model) WITH INOUT;
CREATE CAST (lead_qual.model AS jsonb) WITH FUNCTION lead_qual.model_to_jsonb(lead_qual.model);
CREATE CAST (lead_qual.model AS json) WITH FUNCTION lead_qual.model_to_json(lead_qual.model);

CREATE FUNCTION lead_qual.model_name(lead_qual.model) RETURNS text
    AS 'MODULE_PATHNAME', 'lq_model_name' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION lead_qual.criteria(model lead_qual.model, lang text DEFAULT 'en')
    RETURNS TABLE (ordinal integer, key text, label text, description text,
                   weight double precision, source text, knockout boolean,
                   rule_type text, rule text, questions text[])
    AS 'MODULE_PATHNAME', 'lq_criteria' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 6;

COMMENT ON TYPE lead_qual.model IS 'A compiled lead qualification model: criteria with weights and rules, min_met, pass_score and tiers. Written as JSON or as the name of a registered model';
COMMENT ON FUNCTION lead_qual.model_in(cstring) IS 'Input of lead_qual.model: model JSON, or the name of a registered model';
COMMENT ON FUNCTION lead_qual.model_out(lead_qual.model) IS 'Output of lead_qual.model: canonical JSON';
COMMENT ON FUNCTION lead_qual.model_recv(internal) IS 'Binary input of lead_qual.model: version byte and JSON text';
COMMENT ON FUNCTION lead_qual.model_send(lead_qual.model) IS 'Binary output of lead_qual.model: version byte and canonical JSON text';
COMMENT ON FUNCTION lead_qual.model_eq(lead_qual.model, lead_qual.model) IS 'True when two models are the same model';
COMMENT ON FUNCTION lead_qual.model_ne(lead_qual.model, lead_qual.model) IS 'True when two models differ';
COMMENT ON FUNCTION lead_qual.model_hash(lead_qual.model) IS 'Hash of a model, for hash joins and grouping';
COMMENT ON FUNCTION lead_qual.model_hash_extended(lead_qual.model, bigint) IS 'Seeded 64-bit hash of a model';
COMMENT ON OPERATOR lead_qual.= (lead_qual.model, lead_qual.model) IS 'Models are equal';
COMMENT ON OPERATOR lead_qual.<> (lead_qual.model, lead_qual.model) IS 'Models differ';
COMMENT ON OPERATOR CLASS lead_qual.model_hash_ops USING hash IS 'Hash operator class for lead_qual.model';
COMMENT ON OPERATOR FAMILY lead_qual.model_hash_ops USING hash IS 'Hash operator family for lead_qual.model';
COMMENT ON FUNCTION lead_qual.model(jsonb) IS 'Validate and compile a model definition given as jsonb';
COMMENT ON FUNCTION lead_qual.model_to_jsonb(lead_qual.model) IS 'A model as jsonb';
COMMENT ON FUNCTION lead_qual.model_to_json(lead_qual.model) IS 'A model as canonical json';
COMMENT ON CAST (jsonb AS lead_qual.model) IS 'Validate and compile a model definition';
COMMENT ON CAST (json AS lead_qual.model) IS 'Validate and compile a model definition';
COMMENT ON CAST (lead_qual.model AS jsonb) IS 'A model as jsonb';
COMMENT ON CAST (lead_qual.model AS json) IS 'A model as canonical json';
COMMENT ON FUNCTION lead_qual.model_name(lead_qual.model) IS 'The name of a model';
COMMENT ON FUNCTION lead_qual.criteria(lead_qual.model, text) IS 'The criteria of a model as rows: key, label, description, weight, source, knockout, rule and questions in the given language';

--------------------------------------------------------------------------
-- The registry of named models
--------------------------------------------------------------------------

CREATE TABLE lead_qual.models (
    name text PRIMARY KEY,
    model lead_qual.model NOT NULL,
    builtin boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT models_name_matches_model
        CHECK (lead_qual.model_name(model) OPERATOR(pg_catalog.=) name)
);
-- pg_dump keeps the rows users add; the built-ins come with the extension.
SELECT pg_catalog.pg_extension_config_dump('lead_qual.models', 'WHERE NOT builtin');
REVOKE ALL ON lead_qual.models FROM PUBLIC;
GRANT SELECT ON lead_qual.models TO PUBLIC;

CREATE FUNCTION lead_qual.model(name text) RETURNS lead_qual.model
    AS 'MODULE_PATHNAME', 'lq_model_text' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- Written in C: the arguments are checked before anything is written, and
-- an error of the statement inside comes without its context.
CREATE FUNCTION lead_qual.define_model(name text, definition jsonb)
    RETURNS lead_qual.model
    AS 'MODULE_PATHNAME', 'lq_define_model' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;

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

-- Built-in models change only with the extension.  lead_qual.maintenance
-- lets only the owner of the registry (the extension's owner) through, so
-- a role granted the right to write user models cannot change the
-- built-ins.
CREATE FUNCTION lead_qual.protect_builtin_models() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF current_setting('lead_qual.maintenance', true) IS NOT DISTINCT FROM 'on'
       AND pg_has_role(current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'lead_qual.models cannot be truncated: it holds the built-in models'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Drop user models with lead_qual.drop_model().';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.builtin THEN
        RAISE EXCEPTION 'model "%" is built in and cannot be changed or dropped', OLD.name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Make your own version under another name: SELECT lead_qual.define_model(%L, lead_qual.model(%L)::jsonb - %L);',
                                'my_' || OLD.name, OLD.name, 'name');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.builtin THEN
        RAISE EXCEPTION 'only the extension adds built-in models'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE FUNCTION lead_qual.registry_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lq_registry_changed' LANGUAGE C;

COMMENT ON TABLE lead_qual.models IS 'Registry of named models: the built-in frameworks and user-defined models';
COMMENT ON COLUMN lead_qual.models.name IS 'Name of the model, as used in qualify(name, ...)';
COMMENT ON COLUMN lead_qual.models.model IS 'The compiled model';
COMMENT ON COLUMN lead_qual.models.builtin IS 'True for the frameworks that come with the extension; those cannot be changed';
COMMENT ON COLUMN lead_qual.models.updated_at IS 'When the model was last defined';
COMMENT ON FUNCTION lead_qual.model(text) IS 'The registered model of that name';
COMMENT ON FUNCTION lead_qual.define_model(text, jsonb) IS 'Validate a model definition and store it in the registry under the name, replacing an earlier one';
COMMENT ON FUNCTION lead_qual.drop_model(text, boolean, boolean) IS 'Remove a user-defined model from the registry; one that autoscore triggers use only with cascade, which drops those triggers';
COMMENT ON FUNCTION lead_qual.protect_builtin_models() IS 'Trigger: keeps the built-in models from being changed, dropped or added by hand';
COMMENT ON FUNCTION lead_qual.registry_changed() IS 'Trigger: tells every session to drop the registered models it has cached';

--------------------------------------------------------------------------
-- Qualifying
--------------------------------------------------------------------------

CREATE TYPE lead_qual.qualification AS (
    model text,
    score double precision,
    qualified boolean,
    status text,
    tier text,
    met integer,
    known integer,
    total integer,
    missing text[],
    failed text[]
);

CREATE TYPE lead_qual.explanation AS (
    ordinal integer,
    criterion text,
    label text,
    source text,
    rule text,
    value text,
    grade double precision,
    weight double precision,
    points double precision,
    met boolean,
    known boolean,
    knockout boolean,
    question text
);

-- Planner support for the row forms: over a plain table, the call is
-- rewritten to its *_columns twin, which takes the table's columns as
-- arguments instead of the whole row (see src/scoring/support.c).
CREATE FUNCTION lead_qual.row_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'lq_row_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- A model given as a value: IMMUTABLE.  By name: STABLE (reads the registry).
CREATE FUNCTION lead_qual.qualify(model lead_qual.model, evidence jsonb, as_of timestamptz DEFAULT now())
    RETURNS lead_qual.qualification AS 'MODULE_PATHNAME', 'lq_qualify' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.qualify(model lead_qual.model, evidence text, as_of timestamptz DEFAULT now())
    RETURNS lead_qual.qualification AS 'MODULE_PATHNAME', 'lq_qualify' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.qualify(model lead_qual.model, evidence record, as_of timestamptz DEFAULT now())
    RETURNS lead_qual.qualification AS 'MODULE_PATHNAME', 'lq_qualify' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.qualify(model text, evidence jsonb, as_of timestamptz DEFAULT now())
    RETURNS lead_qual.qualification AS 'MODULE_PATHNAME', 'lq_qualify' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.qualify(model text, evidence text, as_of timestamptz DEFAULT now())
    RETURNS lead_qual.qualification AS 'MODULE_PATHNAME', 'lq_qualify' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.qualify(model text, evidence record, as_of timestamptz DEFAULT now())
    RETURNS lead_qual.qualification AS 'MODULE_PATHNAME', 'lq_qualify' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;

CREATE FUNCTION lead_qual.score(model lead_qual.model, evidence jsonb, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_score' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.score(model lead_qual.model, evidence text, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_score' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.score(model lead_qual.model, evidence record, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_score' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.score(model text, evidence jsonb, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_score' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.score(model text, evidence text, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_score' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.score(model text, evidence record, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_score' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;

-- The probability that the lead is won, from its score; NULL when the model
-- has no calibration.
CREATE FUNCTION lead_qual.win_probability(model lead_qual.model, evidence jsonb, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.win_probability(model lead_qual.model, evidence text, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.win_probability(model lead_qual.model, evidence record, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.win_probability(model text, evidence jsonb, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.win_probability(model text, evidence text, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.win_probability(model text, evidence record, as_of timestamptz DEFAULT now())
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;

CREATE FUNCTION lead_qual.is_qualified(model lead_qual.model, evidence jsonb, as_of timestamptz DEFAULT now())
    RETURNS boolean AS 'MODULE_PATHNAME', 'lq_is_qualified' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.is_qualified(model lead_qual.model, evidence text, as_of timestamptz DEFAULT now())
    RETURNS boolean AS 'MODULE_PATHNAME', 'lq_is_qualified' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.is_qualified(model lead_qual.model, evidence record, as_of timestamptz DEFAULT now())
    RETURNS boolean AS 'MODULE_PATHNAME', 'lq_is_qualified' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.is_qualified(model text, evidence jsonb, as_of timestamptz DEFAULT now())
    RETURNS boolean AS 'MODULE_PATHNAME', 'lq_is_qualified' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.is_qualified(model text, evidence text, as_of timestamptz DEFAULT now())
    RETURNS boolean AS 'MODULE_PATHNAME', 'lq_is_qualified' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.is_qualified(model text, evidence record, as_of timestamptz DEFAULT now())
    RETURNS boolean AS 'MODULE_PATHNAME', 'lq_is_qualified' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;

-- The twins the row forms are rewritten to: the row's columns as arguments,
-- with the row type and the column names.  Not meant to be called by hand.
CREATE FUNCTION lead_qual.qualify_columns(model lead_qual.model, as_of timestamptz, row_type regtype, columns text[], VARIADIC "any")
    RETURNS lead_qual.qualification AS 'MODULE_PATHNAME', 'lq_qualify' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.qualify_columns(model text, as_of timestamptz, row_type regtype, columns text[], VARIADIC "any")
    RETURNS lead_qual.qualification AS 'MODULE_PATHNAME', 'lq_qualify' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.score_columns(model lead_qual.model, as_of timestamptz, row_type regtype, columns text[], VARIADIC "any")
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_score' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.score_columns(model text, as_of timestamptz, row_type regtype, columns text[], VARIADIC "any")
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_score' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.win_probability_columns(model lead_qual.model, as_of timestamptz, row_type regtype, columns text[], VARIADIC "any")
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.win_probability_columns(model text, as_of timestamptz, row_type regtype, columns text[], VARIADIC "any")
    RETURNS double precision AS 'MODULE_PATHNAME', 'lq_win_probability' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.is_qualified_columns(model lead_qual.model, as_of timestamptz, row_type regtype, columns text[], VARIADIC "any")
    RETURNS boolean AS 'MODULE_PATHNAME', 'lq_is_qualified' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.is_qualified_columns(model text, as_of timestamptz, row_type regtype, columns text[], VARIADIC "any")
    RETURNS boolean AS 'MODULE_PATHNAME', 'lq_is_qualified' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;

CREATE FUNCTION lead_qual.explain(model lead_qual.model, evidence jsonb, as_of timestamptz DEFAULT now(), lang text DEFAULT 'en')
    RETURNS SETOF lead_qual.explanation AS 'MODULE_PATHNAME', 'lq_explain' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 6;
CREATE FUNCTION lead_qual.explain(model lead_qual.model, evidence text, as_of timestamptz DEFAULT now(), lang text DEFAULT 'en')
    RETURNS SETOF lead_qual.explanation AS 'MODULE_PATHNAME', 'lq_explain' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 6;
CREATE FUNCTION lead_qual.explain(model lead_qual.model, evidence record, as_of timestamptz DEFAULT now(), lang text DEFAULT 'en')
    RETURNS SETOF lead_qual.explanation AS 'MODULE_PATHNAME', 'lq_explain' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 6;
CREATE FUNCTION lead_qual.explain(model text, evidence jsonb, as_of timestamptz DEFAULT now(), lang text DEFAULT 'en')
    RETURNS SETOF lead_qual.explanation AS 'MODULE_PATHNAME', 'lq_explain' LANGUAGE C STABLE PARALLEL SAFE ROWS 6
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.explain(model text, evidence text, as_of timestamptz DEFAULT now(), lang text DEFAULT 'en')
    RETURNS SETOF lead_qual.explanation AS 'MODULE_PATHNAME', 'lq_explain' LANGUAGE C STABLE PARALLEL SAFE ROWS 6
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.explain(model text, evidence record, as_of timestamptz DEFAULT now(), lang text DEFAULT 'en')
    RETURNS SETOF lead_qual.explanation AS 'MODULE_PATHNAME', 'lq_explain' LANGUAGE C STABLE PARALLEL SAFE ROWS 6
    SUPPORT lead_qual.row_support;

-- The keys of evidence that no criterion reads.
CREATE FUNCTION lead_qual.unmatched_keys(model lead_qual.model, evidence jsonb)
    RETURNS text[] AS 'MODULE_PATHNAME', 'lq_unmatched_keys' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.unmatched_keys(model lead_qual.model, evidence text)
    RETURNS text[] AS 'MODULE_PATHNAME', 'lq_unmatched_keys' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.unmatched_keys(model text, evidence jsonb)
    RETURNS text[] AS 'MODULE_PATHNAME', 'lq_unmatched_keys' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.unmatched_keys(model text, evidence text)
    RETURNS text[] AS 'MODULE_PATHNAME', 'lq_unmatched_keys' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.check_evidence(model lead_qual.model, evidence jsonb)
    RETURNS jsonb AS 'MODULE_PATHNAME', 'lq_check_evidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.check_evidence(model lead_qual.model, evidence text)
    RETURNS text AS 'MODULE_PATHNAME', 'lq_check_evidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.check_evidence(model text, evidence jsonb)
    RETURNS jsonb AS 'MODULE_PATHNAME', 'lq_check_evidence' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.check_evidence(model text, evidence text)
    RETURNS text AS 'MODULE_PATHNAME', 'lq_check_evidence' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT lead_qual.row_support;

COMMENT ON TYPE lead_qual.qualification IS 'Result of qualify(): model, score 0-100, qualified, status, tier A-D, criteria met/known/total, missing (ask next) and failed criteria';
COMMENT ON TYPE lead_qual.explanation IS 'One row of explain(): how one criterion contributed to the score';

COMMENT ON FUNCTION lead_qual.qualify(lead_qual.model, jsonb, timestamptz) IS 'Qualify a lead: evidence as a jsonb object';
COMMENT ON FUNCTION lead_qual.qualify(lead_qual.model, text, timestamptz) IS 'Qualify a lead: evidence as JSON text';
COMMENT ON FUNCTION lead_qual.qualify(lead_qual.model, record, timestamptz) IS 'Qualify a lead: evidence read from the columns of a row';
COMMENT ON FUNCTION lead_qual.qualify(text, jsonb, timestamptz) IS 'Qualify a lead with a registered model: evidence as a jsonb object';
COMMENT ON FUNCTION lead_qual.qualify(text, text, timestamptz) IS 'Qualify a lead with a registered model: evidence as JSON text';
COMMENT ON FUNCTION lead_qual.qualify(text, record, timestamptz) IS 'Qualify a lead with a registered model: evidence read from the columns of a row';
COMMENT ON FUNCTION lead_qual.score(lead_qual.model, jsonb, timestamptz) IS 'Weighted score 0-100 of a lead: evidence as a jsonb object';
COMMENT ON FUNCTION lead_qual.score(lead_qual.model, text, timestamptz) IS 'Weighted score 0-100 of a lead: evidence as JSON text';
COMMENT ON FUNCTION lead_qual.score(lead_qual.model, record, timestamptz) IS 'Weighted score 0-100 of a lead: evidence read from a row';
COMMENT ON FUNCTION lead_qual.score(text, jsonb, timestamptz) IS 'Weighted score 0-100 with a registered model: evidence as a jsonb object';
COMMENT ON FUNCTION lead_qual.score(text, text, timestamptz) IS 'Weighted score 0-100 with a registered model: evidence as JSON text';
COMMENT ON FUNCTION lead_qual.score(text, record, timestamptz) IS 'Weighted score 0-100 with a registered model: evidence read from a row';
COMMENT ON FUNCTION lead_qual.win_probability(lead_qual.model, jsonb, timestamptz) IS 'Probability 0-1 that the lead is won, from its score and the model''s calibration (NULL without one): evidence as a jsonb object';
COMMENT ON FUNCTION lead_qual.win_probability(lead_qual.model, text, timestamptz) IS 'Probability 0-1 that the lead is won, from its score and the model''s calibration (NULL without one): evidence as JSON text';
COMMENT ON FUNCTION lead_qual.win_probability(lead_qual.model, record, timestamptz) IS 'Probability 0-1 that the lead is won, from its score and the model''s calibration (NULL without one): evidence read from a row';
COMMENT ON FUNCTION lead_qual.win_probability(text, jsonb, timestamptz) IS 'Probability 0-1 that the lead is won, with a registered model (NULL without calibration): evidence as a jsonb object';
COMMENT ON FUNCTION lead_qual.win_probability(text, text, timestamptz) IS 'Probability 0-1 that the lead is won, with a registered model (NULL without calibration): evidence as JSON text';
COMMENT ON FUNCTION lead_qual.win_probability(text, record, timestamptz) IS 'Probability 0-1 that the lead is won, with a registered model (NULL without calibration): evidence read from a row';
COMMENT ON FUNCTION lead_qual.is_qualified(lead_qual.model, jsonb, timestamptz) IS 'True when the lead is qualified: evidence as a jsonb object';
COMMENT ON FUNCTION lead_qual.is_qualified(lead_qual.model, text, timestamptz) IS 'True when the lead is qualified: evidence as JSON text';
COMMENT ON FUNCTION lead_qual.is_qualified(lead_qual.model, record, timestamptz) IS 'True when the lead is qualified: evidence read from a row';
COMMENT ON FUNCTION lead_qual.is_qualified(text, jsonb, timestamptz) IS 'True when the lead is qualified under a registered model: evidence as a jsonb object';
COMMENT ON FUNCTION lead_qual.is_qualified(text, text, timestamptz) IS 'True when the lead is qualified under a registered model: evidence as JSON text';
COMMENT ON FUNCTION lead_qual.is_qualified(text, record, timestamptz) IS 'True when the lead is qualified under a registered model: evidence read from a row';
COMMENT ON FUNCTION lead_qual.row_support(internal) IS 'Planner support: looks up a model or rules named by a constant when the query is planned, and rewrites the row forms of qualify, score, win_probability and is_qualified over a table to their *_columns twins';
COMMENT ON FUNCTION lead_qual.qualify_columns(lead_qual.model, timestamptz, regtype, text[], "any") IS 'qualify() with the row given as its columns (what the planner rewrites qualify(model, row) into)';
COMMENT ON FUNCTION lead_qual.qualify_columns(text, timestamptz, regtype, text[], "any") IS 'qualify() by model name with the row given as its columns (what the planner rewrites qualify(name, row) into)';
COMMENT ON FUNCTION lead_qual.score_columns(lead_qual.model, timestamptz, regtype, text[], "any") IS 'score() with the row given as its columns (what the planner rewrites score(model, row) into)';
COMMENT ON FUNCTION lead_qual.score_columns(text, timestamptz, regtype, text[], "any") IS 'score() by model name with the row given as its columns (what the planner rewrites score(name, row) into)';
COMMENT ON FUNCTION lead_qual.win_probability_columns(lead_qual.model, timestamptz, regtype, text[], "any") IS 'win_probability() with the row given as its columns (what the planner rewrites win_probability(model, row) into)';
COMMENT ON FUNCTION lead_qual.win_probability_columns(text, timestamptz, regtype, text[], "any") IS 'win_probability() by model name with the row given as its columns (what the planner rewrites win_probability(name, row) into)';
COMMENT ON FUNCTION lead_qual.is_qualified_columns(lead_qual.model, timestamptz, regtype, text[], "any") IS 'is_qualified() with the row given as its columns (what the planner rewrites is_qualified(model, row) into)';
COMMENT ON FUNCTION lead_qual.is_qualified_columns(text, timestamptz, regtype, text[], "any") IS 'is_qualified() by model name with the row given as its columns (what the planner rewrites is_qualified(name, row) into)';
COMMENT ON FUNCTION lead_qual.explain(lead_qual.model, jsonb, timestamptz, text) IS 'One row per criterion: value, grade, weight, points, met/known, and the question to ask next';
COMMENT ON FUNCTION lead_qual.explain(lead_qual.model, text, timestamptz, text) IS 'One row per criterion (evidence as JSON text)';
COMMENT ON FUNCTION lead_qual.explain(lead_qual.model, record, timestamptz, text) IS 'One row per criterion (evidence read from a row)';
COMMENT ON FUNCTION lead_qual.explain(text, jsonb, timestamptz, text) IS 'One row per criterion, with a registered model';
COMMENT ON FUNCTION lead_qual.explain(text, text, timestamptz, text) IS 'One row per criterion, with a registered model (evidence as JSON text)';
COMMENT ON FUNCTION lead_qual.explain(text, record, timestamptz, text) IS 'One row per criterion, with a registered model (evidence read from a row)';
COMMENT ON FUNCTION lead_qual.unmatched_keys(lead_qual.model, jsonb) IS 'The keys of jsonb evidence that no criterion of the model reads, sorted';
COMMENT ON FUNCTION lead_qual.unmatched_keys(lead_qual.model, text) IS 'The keys of JSON text evidence that no criterion of the model reads, sorted';
COMMENT ON FUNCTION lead_qual.unmatched_keys(text, jsonb) IS 'The keys of jsonb evidence that no criterion of a registered model reads, sorted';
COMMENT ON FUNCTION lead_qual.unmatched_keys(text, text) IS 'The keys of JSON text evidence that no criterion of a registered model reads, sorted';
COMMENT ON FUNCTION lead_qual.check_evidence(lead_qual.model, jsonb) IS 'The jsonb evidence as it is, or an error when it has keys that no criterion of the model reads';
COMMENT ON FUNCTION lead_qual.check_evidence(lead_qual.model, text) IS 'The JSON text evidence as it is, or an error when it has keys that no criterion of the model reads';
COMMENT ON FUNCTION lead_qual.check_evidence(text, jsonb) IS 'The jsonb evidence as it is, or an error when it has keys that no criterion of a registered model reads';
COMMENT ON FUNCTION lead_qual.check_evidence(text, text) IS 'The JSON text evidence as it is, or an error when it has keys that no criterion of a registered model reads';

--------------------------------------------------------------------------
-- Built-in models
--------------------------------------------------------------------------

INSERT INTO lead_qual.models (name, model, builtin) VALUES
('bant', $model${
  "name": "bant",
  "label": "BANT (Budget, Authority, Need, Timeframe)",
  "description": {
    "en": "IBM's classic check of whether a lead is an opportunity: can they pay, can they decide, do they need it, and will they buy soon. A lead that meets three of the four is qualified. Use it for established offers with a known price, where buyers plan their purchases; apply it strictly for commodities and more loosely for new or innovative products, where budget and timing are rarely settled yet.",
    "nl": "De klassieke toets van IBM of een lead een kans is: kan de lead betalen, beslissen, heeft hij het nodig en koopt hij binnenkort. Voldoet een lead aan drie van de vier, dan is hij gekwalificeerd. Geschikt voor bestaande producten met een bekende prijs, waarbij kopers hun aankopen plannen; streng toepassen bij commodity's, soepeler bij nieuwe of innovatieve producten, waar budget en planning zelden al vastliggen.",
    "es": "La comprobación clásica de IBM para saber si un lead es una oportunidad: si puede pagar, si puede decidir, si lo necesita y si comprará pronto. Un lead que cumple tres de los cuatro criterios está calificado. Útil para ofertas consolidadas con precio conocido, cuando los compradores planifican sus compras; aplíquelo con rigor para productos básicos y con más flexibilidad para productos nuevos o innovadores, donde el presupuesto y el plazo rara vez están definidos."
  },
  "min_met": 3,
  "criteria": [
    {"key": "budget", "label": "Budget",
     "description": {
       "en": "Money is set aside, or can be found, for a purchase of this size.",
       "nl": "Er is geld gereserveerd, of te vinden, voor een aankoop van deze omvang.",
       "es": "Hay dinero reservado, o se puede conseguir, para una compra de este tamaño."},
     "questions": {
       "en": ["What does this problem cost you today?", "Is there a budget range for this purchase, and whose budget does it come from?", "What return would make the investment worth it for you?"],
       "nl": ["Wat kost dit probleem u op dit moment?", "Is er een bedrag voor deze aankoop gereserveerd, en uit wiens budget komt het?", "Wat moet de investering opleveren om de moeite waard te zijn?"],
       "es": ["¿Cuánto le cuesta hoy este problema?", "¿Hay un rango de presupuesto para esta compra y de qué área sale?", "¿Qué retorno haría que la inversión valiera la pena?"]}},
    {"key": "authority", "label": "Authority",
     "description": {
       "en": "The contact decides, or we know who does and how the decision is made.",
       "nl": "De contactpersoon beslist, of we weten wie dat doet en hoe het besluit valt.",
       "es": "El contacto decide, o sabemos quién decide y cómo se toma la decisión."},
     "questions": {
       "en": ["Who else is involved in choosing a solution?", "How was a similar purchase decided last time?", "Who signs the contract in the end?"],
       "nl": ["Wie beslist er verder mee over de keuze?", "Hoe is een vergelijkbare aankoop de vorige keer besloten?", "Wie tekent uiteindelijk het contract?"],
       "es": ["¿Quién más participa en la elección de una solución?", "¿Cómo se decidió la última vez una compra parecida?", "¿Quién firma el contrato al final?"]}},
    {"key": "need", "label": "Need",
     "description": {
       "en": "The lead has a problem our offer solves, and it hurts enough to act on.",
       "nl": "De lead heeft een probleem dat ons aanbod oplost, en het knelt genoeg om in actie te komen.",
       "es": "El lead tiene un problema que nuestra oferta resuelve, y le duele lo bastante como para actuar."},
     "questions": {
       "en": ["What problem are you trying to solve?", "What happens if nothing changes in the coming year?", "Where does this rank among your current priorities?"],
       "nl": ["Welk probleem wilt u oplossen?", "Wat gebeurt er als er het komende jaar niets verandert?", "Hoe hoog staat dit op uw lijst van prioriteiten?"],
       "es": ["¿Qué problema intenta resolver?", "¿Qué pasa si no cambia nada durante el próximo año?", "¿Qué lugar ocupa esto entre sus prioridades actuales?"]}},
    {"key": "timeframe", "label": "Timeframe",
     "description": {
       "en": "A purchase is planned within a period that matters to us, for example this quarter.",
       "nl": "Er is een aankoop gepland binnen een termijn die voor ons telt, bijvoorbeeld dit kwartaal.",
       "es": "Hay una compra prevista dentro de un plazo que nos importa, por ejemplo este trimestre."},
     "questions": {
       "en": ["By when does this need to be solved?", "Is there a deadline or event the solution has to be ready for?", "When does the contract with your current supplier end?"],
       "nl": ["Wanneer moet dit opgelost zijn?", "Is er een deadline of gebeurtenis waarvoor de oplossing klaar moet zijn?", "Wanneer loopt het contract met uw huidige leverancier af?"],
       "es": ["¿Para cuándo necesita tenerlo resuelto?", "¿Hay una fecha límite o un evento para el que la solución deba estar lista?", "¿Cuándo vence el contrato con su proveedor actual?"]}}
  ]
}$model$, true),

('anum', $model${
  "name": "anum",
  "label": "ANUM (Authority, Need, Urgency, Money)",
  "description": {
    "en": "BANT's questions in another order: first find the person who can decide, then the need, how urgent it is, and last the money. Use it when reaching the decision maker is the hard part, or when urgency says more than a planned date. Half of the criteria is enough to qualify.",
    "nl": "De vragen van BANT in een andere volgorde: eerst de persoon vinden die kan beslissen, dan de behoefte, de urgentie en als laatste het geld. Handig als de beslisser moeilijk te bereiken is, of als urgentie meer zegt dan een geplande datum. De helft van de criteria is genoeg om te kwalificeren.",
    "es": "Las preguntas de BANT en otro orden: primero encontrar a quien puede decidir, después la necesidad, su urgencia y por último el dinero. Útil cuando lo difícil es llegar a quien decide, o cuando la urgencia dice más que una fecha prevista. Cumplir la mitad de los criterios basta para calificar."
  },
  "min_met": 2,
  "criteria": [
    {"key": "authority", "label": "Authority",
     "description": {
       "en": "We are talking to the person who decides, or we know the way to them.",
       "nl": "We spreken de persoon die beslist, of we kennen de weg naar die persoon.",
       "es": "Hablamos con la persona que decide, o sabemos cómo llegar a ella."},
     "questions": {
       "en": ["Who makes the final call on a purchase like this?", "Could you bring that person into our next conversation?"],
       "nl": ["Wie neemt bij een aankoop als deze de uiteindelijke beslissing?", "Kunt u die persoon bij ons volgende gesprek betrekken?"],
       "es": ["¿Quién toma la decisión final en una compra así?", "¿Podría incluir a esa persona en nuestra próxima conversación?"]}},
    {"key": "need", "label": "Need",
     "description": {
       "en": "The lead has a real problem that our offer solves.",
       "nl": "De lead heeft een echt probleem dat ons aanbod oplost.",
       "es": "El lead tiene un problema real que nuestra oferta resuelve."},
     "questions": {
       "en": ["What made you look for a solution now?", "How do you handle this today?"],
       "nl": ["Waarom zoekt u juist nu naar een oplossing?", "Hoe pakt u dit op dit moment aan?"],
       "es": ["¿Qué le llevó a buscar una solución ahora?", "¿Cómo lo resuelve hoy en día?"]}},
    {"key": "urgency", "label": "Urgency",
     "description": {
       "en": "The lead feels pressure to solve the problem soon.",
       "nl": "De lead voelt druk om het probleem snel op te lossen.",
       "es": "El lead siente presión por resolver el problema pronto."},
     "questions": {
       "en": ["What makes this pressing right now?", "What does each month of waiting cost you?"],
       "nl": ["Waarom is dit juist nu dringend?", "Wat kost elke maand wachten u?"],
       "es": ["¿Por qué es urgente justo ahora?", "¿Cuánto le cuesta cada mes de espera?"]}},
    {"key": "money", "label": "Money",
     "description": {
       "en": "Funds are available, or can be made available, for the purchase.",
       "nl": "Er is geld beschikbaar, of het kan beschikbaar komen, voor de aankoop.",
       "es": "Hay fondos disponibles, o pueden conseguirse, para la compra."},
     "questions": {
       "en": ["Have you set money aside for this?", "If the business case is sound, can the money be found?"],
       "nl": ["Heeft u hier geld voor gereserveerd?", "Als de businesscase klopt, is het geld dan te vinden?"],
       "es": ["¿Ha reservado dinero para esto?", "Si el caso de negocio es sólido, ¿se puede conseguir el dinero?"]}}
  ]
}$model$, true),

('champ', $model${
  "name": "champ",
  "label": "CHAMP (Challenges, Authority, Money, Prioritization)",
  "description": {
    "en": "Starts from the organisation's business challenges rather than its budget. An organisation gives a solution priority only when the pain is large enough; if our offer cannot relieve the challenge, the lead is disqualified whatever else is true. Use it for problem-solving offers in complex sales with several stakeholders.",
    "nl": "Begint bij de zakelijke uitdagingen van de organisatie, niet bij haar budget. Een organisatie geeft een oplossing pas voorrang als de pijn groot genoeg is; kan ons aanbod de uitdaging niet verlichten, dan valt de lead af, wat er verder ook klopt. Geschikt voor probleemoplossende producten in complexe trajecten met meerdere betrokkenen.",
    "es": "Parte de los retos de negocio de la organización y no de su presupuesto. Una organización da prioridad a una solución solo cuando el dolor es lo bastante grande; si nuestra oferta no puede aliviar el reto, el lead queda descalificado, sea cual sea lo demás. Útil para ofertas que resuelven problemas en ventas complejas con varias personas implicadas."
  },
  "min_met": 2,
  "criteria": [
    {"key": "challenges", "label": "Challenges", "knockout": true,
     "description": {
       "en": "The organisation faces a challenge that our offer relieves. If it does not, the lead is disqualified.",
       "nl": "De organisatie staat voor een uitdaging die ons aanbod verlicht. Is dat niet zo, dan valt de lead af.",
       "es": "La organización afronta un reto que nuestra oferta alivia. Si no es así, el lead queda descalificado."},
     "questions": {
       "en": ["What stands in the way of your goals this year?", "What have you tried so far, and why did it fall short?"],
       "nl": ["Wat staat uw doelen dit jaar in de weg?", "Wat heeft u al geprobeerd, en waarom was dat niet genoeg?"],
       "es": ["¿Qué se interpone este año en sus objetivos?", "¿Qué ha probado hasta ahora y por qué no bastó?"]}},
    {"key": "authority", "label": "Authority",
     "description": {
       "en": "We know who takes part in the decision and we can reach them.",
       "nl": "We weten wie er meebeslist en we kunnen hen bereiken.",
       "es": "Sabemos quién participa en la decisión y podemos llegar a esas personas."},
     "questions": {
       "en": ["Who will have a say in this decision?", "Whose support do you need to move forward?"],
       "nl": ["Wie heeft er inspraak in dit besluit?", "Wiens steun heeft u nodig om verder te gaan?"],
       "es": ["¿Quién tendrá voz en esta decisión?", "¿Qué apoyos necesita para avanzar?"]}},
    {"key": "money", "label": "Money",
     "description": {
       "en": "There is money for a solution, or the value of solving the challenge justifies finding it.",
       "nl": "Er is geld voor een oplossing, of de waarde van het oplossen rechtvaardigt dat het gevonden wordt.",
       "es": "Hay dinero para una solución, o el valor de resolver el reto justifica conseguirlo."},
     "questions": {
       "en": ["What is this challenge costing you?", "How would you fund a solution that pays for itself?"],
       "nl": ["Wat kost deze uitdaging u?", "Hoe zou u een oplossing financieren die zichzelf terugverdient?"],
       "es": ["¿Cuánto le está costando este reto?", "¿Cómo financiaría una solución que se paga sola?"]}},
    {"key": "prioritization", "label": "Prioritization",
     "description": {
       "en": "Solving the challenge ranks high enough to get time and money now.",
       "nl": "Het oplossen van de uitdaging heeft genoeg prioriteit om nu tijd en geld te krijgen.",
       "es": "Resolver el reto tiene prioridad suficiente para recibir tiempo y dinero ahora."},
     "questions": {
       "en": ["Where does this rank against your other projects?", "What would move it to the top of the list?"],
       "nl": ["Hoe verhoudt dit zich tot uw andere projecten?", "Wat zou dit bovenaan de lijst zetten?"],
       "es": ["¿Qué lugar ocupa frente a sus otros proyectos?", "¿Qué haría que pasara al primer puesto de la lista?"]}}
  ]
}$model$, true),

('gpct', $model${
  "name": "gpct",
  "label": "GPCT (Goals, Plans, Challenges, Timeline)",
  "description": {
    "en": "Qualifies the organisation rather than the person: its measurable goals, its plans to reach them, what stands in the way and by when. The risk is talking to the wrong person at the right company, so check separately who you are speaking with. Use it for consultative sales, where the offer has to fit the customer's strategy.",
    "nl": "Kwalificeert de organisatie in plaats van de persoon: haar meetbare doelen, haar plannen om die te halen, wat daarbij in de weg staat en wanneer het af moet zijn. Het risico is dat u bij het juiste bedrijf met de verkeerde persoon praat; ga dus apart na met wie u spreekt. Geschikt voor adviserende verkoop, waar het aanbod moet passen bij de strategie van de klant.",
    "es": "Califica a la organización y no a la persona: sus objetivos medibles, sus planes para alcanzarlos, lo que se interpone y para cuándo. El riesgo es hablar con la persona equivocada en la empresa correcta, así que compruebe aparte con quién habla. Útil en la venta consultiva, donde la oferta debe encajar en la estrategia del cliente."
  },
  "min_met": 2,
  "criteria": [
    {"key": "goals", "label": "Goals",
     "description": {
       "en": "The organisation has measurable goals that our offer supports, such as revenue, market share or customer satisfaction.",
       "nl": "De organisatie heeft meetbare doelen die ons aanbod ondersteunt, zoals omzet, marktaandeel of klanttevredenheid.",
       "es": "La organización tiene objetivos medibles que nuestra oferta apoya, como ingresos, cuota de mercado o satisfacción del cliente."},
     "questions": {
       "en": ["What targets has your team set for this year?", "How will you know you reached them?"],
       "nl": ["Welke doelen heeft uw team voor dit jaar gesteld?", "Hoe weet u dat u ze gehaald heeft?"],
       "es": ["¿Qué metas se ha marcado su equipo este año?", "¿Cómo sabrá que las ha alcanzado?"]}},
    {"key": "plans", "label": "Plans",
     "description": {
       "en": "The organisation has a plan, people and means to reach its goals, and our offer fits in it.",
       "nl": "De organisatie heeft een plan, mensen en middelen om haar doelen te halen, en ons aanbod past daarin.",
       "es": "La organización tiene un plan, personas y medios para alcanzar sus objetivos, y nuestra oferta encaja en él."},
     "questions": {
       "en": ["How do you plan to reach those targets?", "What is already decided or budgeted in that plan?"],
       "nl": ["Hoe bent u van plan die doelen te halen?", "Wat ligt er in dat plan al vast of is al begroot?"],
       "es": ["¿Cómo piensa alcanzar esas metas?", "¿Qué está ya decidido o presupuestado en ese plan?"]}},
    {"key": "challenges", "label": "Challenges",
     "description": {
       "en": "We know the obstacles to the plan, and we can help to overcome them.",
       "nl": "We kennen de obstakels voor het plan, en we kunnen helpen ze te overwinnen.",
       "es": "Conocemos los obstáculos del plan y podemos ayudar a superarlos."},
     "questions": {
       "en": ["What could stop the plan from working?", "Which of those obstacles worries you most?"],
       "nl": ["Wat zou het plan kunnen laten mislukken?", "Welk obstakel baart u de meeste zorgen?"],
       "es": ["¿Qué podría impedir que el plan funcione?", "¿Cuál de esos obstáculos le preocupa más?"]}},
    {"key": "timeline", "label": "Timeline",
     "description": {
       "en": "The goals have a date: the organisation knows by when it has to get there.",
       "nl": "De doelen hebben een datum: de organisatie weet wanneer ze bereikt moeten zijn.",
       "es": "Los objetivos tienen fecha: la organización sabe para cuándo debe lograrlos."},
     "questions": {
       "en": ["By when do the goals have to be met?", "Which milestones come before that date?"],
       "nl": ["Wanneer moeten de doelen gehaald zijn?", "Welke mijlpalen komen er vóór die datum?"],
       "es": ["¿Para cuándo deben cumplirse los objetivos?", "¿Qué hitos hay antes de esa fecha?"]}}
  ]
}$model$, true),

('faint', $model${
  "name": "faint",
  "label": "FAINT (Funds, Authority, Interest, Need, Timing)",
  "description": {
    "en": "Asks whether the organisation can make money available, not whether a budget already exists: many purchases are not planned ahead. Adds the lead's interest in the opportunity, thinking in competitive advantage more than in existing pain. Suits innovative products and new markets; less suited to repeat purchases or replacing a supplier. Qualified at three of the five.",
    "nl": "Vraagt of de organisatie geld beschikbaar kan maken, niet of er al budget is: veel aankopen worden niet vooraf gepland. Voegt de interesse van de lead in de kans toe, en denkt meer in concurrentievoordeel dan in bestaande pijn. Geschikt voor innovatieve producten en nieuwe markten; minder voor herhaalaankopen of het vervangen van een leverancier. Gekwalificeerd bij drie van de vijf.",
    "es": "Pregunta si la organización puede conseguir el dinero, no si ya existe un presupuesto: muchas compras no se planifican con antelación. Añade el interés del lead por la oportunidad, pensando más en la ventaja competitiva que en un dolor existente. Adecuado para productos innovadores y mercados nuevos; menos para compras repetidas o para sustituir a un proveedor. Calificado con tres de cinco."
  },
  "min_met": 3,
  "criteria": [
    {"key": "funds", "label": "Funds",
     "description": {
       "en": "The organisation can free up money for this, even if no budget was planned.",
       "nl": "De organisatie kan hier geld voor vrijmaken, ook als er geen budget gepland was.",
       "es": "La organización puede liberar dinero para esto, aunque no hubiera un presupuesto previsto."},
     "questions": {
       "en": ["If this clearly pays off, how would the money be found?", "Who can move budget between projects?"],
       "nl": ["Als dit zich duidelijk terugverdient, hoe komt het geld dan vrij?", "Wie kan budget tussen projecten verschuiven?"],
       "es": ["Si esto claramente compensa, ¿cómo se conseguiría el dinero?", "¿Quién puede mover presupuesto entre proyectos?"]}},
    {"key": "authority", "label": "Authority",
     "description": {
       "en": "We know who decides, and they are involved or within reach.",
       "nl": "We weten wie beslist, en die persoon is betrokken of bereikbaar.",
       "es": "Sabemos quién decide, y esa persona participa o está a nuestro alcance."},
     "questions": {
       "en": ["Who would approve a new initiative like this?", "What does that person need to see to say yes?"],
       "nl": ["Wie keurt een nieuw initiatief als dit goed?", "Wat moet die persoon zien om ja te zeggen?"],
       "es": ["¿Quién aprobaría una iniciativa nueva como esta?", "¿Qué necesita ver esa persona para decir que sí?"]}},
    {"key": "interest", "label": "Interest",
     "description": {
       "en": "The lead is interested in what the offer makes possible: an edge over competitors or a new opportunity.",
       "nl": "De lead is geïnteresseerd in wat het aanbod mogelijk maakt: een voorsprong op concurrenten of een nieuwe kans.",
       "es": "Al lead le interesa lo que la oferta hace posible: una ventaja sobre la competencia o una oportunidad nueva."},
     "questions": {
       "en": ["What would you do with this that you cannot do now?", "Which competitor would you most like to get ahead of?"],
       "nl": ["Wat zou u hiermee kunnen dat nu niet kan?", "Op welke concurrent zou u het liefst een voorsprong nemen?"],
       "es": ["¿Qué podría hacer con esto que hoy no puede?", "¿A qué competidor le gustaría adelantar?"]}},
    {"key": "need", "label": "Need",
     "description": {
       "en": "The organisation has a need the offer fulfils.",
       "nl": "De organisatie heeft een behoefte die het aanbod vervult.",
       "es": "La organización tiene una necesidad que la oferta cubre."},
     "questions": {
       "en": ["What would change for your customers if you had this?", "What gap do you see in how you work today?"],
       "nl": ["Wat zou er voor uw klanten veranderen als u dit had?", "Welk gat ziet u in hoe u nu werkt?"],
       "es": ["¿Qué cambiaría para sus clientes si tuviera esto?", "¿Qué carencia ve en su forma de trabajar actual?"]}},
    {"key": "timing", "label": "Timing",
     "description": {
       "en": "The moment is right: there is a window in which the lead can act.",
       "nl": "Het moment is goed: er is een periode waarin de lead kan handelen.",
       "es": "El momento es el adecuado: hay una ventana en la que el lead puede actuar."},
     "questions": {
       "en": ["When could you start something new?", "Is there a moment after which the opportunity is gone?"],
       "nl": ["Wanneer zou u met iets nieuws kunnen beginnen?", "Is er een moment waarna de kans verkeken is?"],
       "es": ["¿Cuándo podría empezar algo nuevo?", "¿Hay un momento a partir del cual la oportunidad se pierde?"]}}
  ]
}$model$, true),

('madr', $model${
  "name": "madr",
  "label": "MAD-R (Money, Authority, Desire, Response)",
  "description": {
    "en": "For leads further along the buying process, who have mapped their problem and know what they need: money, authority, a clear desire for a solution like ours, and a positive response to our marketing. Leads with authority and budget who respond well are ready for immediate follow-up. Suits companies with a clear position in a competitive market.",
    "nl": "Voor leads die verder in het aankoopproces zitten, hun probleem in kaart hebben en weten wat ze nodig hebben: geld, mandaat, een duidelijk verlangen naar een oplossing als de onze, en een positieve reactie op onze marketing. Leads met mandaat en budget die goed reageren, zijn klaar voor directe opvolging. Geschikt voor bedrijven met een duidelijke positie in een concurrerende markt.",
    "es": "Para leads más avanzados en el proceso de compra, que ya han analizado su problema y saben lo que necesitan: dinero, autoridad, un deseo claro de una solución como la nuestra y una respuesta positiva a nuestro marketing. Los leads con autoridad y presupuesto que responden bien están listos para un seguimiento inmediato. Adecuado para empresas bien posicionadas en un mercado competitivo."
  },
  "min_met": 2,
  "criteria": [
    {"key": "money", "label": "Money",
     "description": {
       "en": "The lead has the money for the purchase.",
       "nl": "De lead heeft het geld voor de aankoop.",
       "es": "El lead tiene el dinero para la compra."},
     "questions": {
       "en": ["Is the budget for this approved?", "Which price range are you comparing offers in?"],
       "nl": ["Is het budget hiervoor goedgekeurd?", "In welke prijsklasse vergelijkt u aanbiedingen?"],
       "es": ["¿Está aprobado el presupuesto para esto?", "¿En qué rango de precios compara las ofertas?"]}},
    {"key": "authority", "label": "Authority",
     "description": {
       "en": "The lead can decide, or leads the decision.",
       "nl": "De lead kan beslissen, of leidt het besluit.",
       "es": "El lead puede decidir, o dirige la decisión."},
     "questions": {
       "en": ["Are you the one choosing between the offers?", "Who else has to agree before you sign?"],
       "nl": ["Bent u degene die tussen de aanbiedingen kiest?", "Wie moet er nog akkoord geven voordat u tekent?"],
       "es": ["¿Es usted quien elige entre las ofertas?", "¿Quién más debe estar de acuerdo antes de firmar?"]}},
    {"key": "desire", "label": "Desire",
     "description": {
       "en": "The lead clearly wants a solution like ours and knows what it should do.",
       "nl": "De lead wil duidelijk een oplossing als de onze en weet wat die moet doen.",
       "es": "El lead quiere claramente una solución como la nuestra y sabe qué debe hacer."},
     "questions": {
       "en": ["What must the solution do for you to choose it?", "What have you seen so far that you liked?"],
       "nl": ["Wat moet de oplossing doen om uw keuze te worden?", "Wat heeft u tot nu toe gezien dat u aansprak?"],
       "es": ["¿Qué debe hacer la solución para que la elija?", "¿Qué ha visto hasta ahora que le haya gustado?"]}},
    {"key": "response", "label": "Response",
     "description": {
       "en": "The lead responds to our marketing: opens, replies, downloads, attends.",
       "nl": "De lead reageert op onze marketing: opent, antwoordt, downloadt, komt langs.",
       "es": "El lead responde a nuestro marketing: abre, contesta, descarga, asiste."},
     "questions": {
       "en": ["Did the material we sent help you?", "Would you like to see a demonstration with your own data?"],
       "nl": ["Had u iets aan het materiaal dat we stuurden?", "Wilt u een demonstratie zien met uw eigen gegevens?"],
       "es": ["¿Le resultó útil el material que le enviamos?", "¿Le gustaría ver una demostración con sus propios datos?"]}}
  ]
}$model$, true),

('six_signals', $model${
  "name": "six_signals",
  "label": "Six signals of a promising prospect",
  "description": {
    "en": "Six signs that a lead deserves your time: it fits the target group, the contact can decide, it has done its research, its need is urgent, it has enough budget, and it gets to the point. Use it to tell promising prospects from time wasters when there are more leads than time. Do not discard low scorers: send them standard information and keep nurturing them.",
    "nl": "Zes tekenen dat een lead uw tijd verdient: hij past in de doelgroep, de contactpersoon kan beslissen, hij heeft zich verdiept, zijn behoefte is urgent, hij heeft genoeg budget, en hij komt doelgericht ter zake. Gebruik het om kansrijke prospects te onderscheiden van tijdverspillers als er meer leads zijn dan tijd. Gooi lage scores niet weg: stuur standaardinformatie en blijf ze opvolgen.",
    "es": "Seis señales de que un lead merece su tiempo: encaja en el público objetivo, el contacto puede decidir, se ha informado, su necesidad es urgente, tiene presupuesto suficiente y va al grano. Úselo para distinguir a los prospectos prometedores de los que hacen perder el tiempo cuando hay más leads que tiempo. No descarte las puntuaciones bajas: envíeles información estándar y siga cultivándolos."
  },
  "min_met": 3,
  "criteria": [
    {"key": "fit", "label": "Fits the target group",
     "description": {
       "en": "The company fits the target group: industry, region and size match, and it needs what we offer.",
       "nl": "Het bedrijf past in de doelgroep: branche, regio en omvang kloppen, en het heeft nodig wat wij bieden.",
       "es": "La empresa encaja en el público objetivo: sector, región y tamaño coinciden, y necesita lo que ofrecemos."},
     "questions": {
       "en": ["Which industry and region do you work in?", "How many people work at your company?"],
       "nl": ["In welke branche en regio bent u actief?", "Hoeveel mensen werken er bij uw bedrijf?"],
       "es": ["¿En qué sector y región trabaja?", "¿Cuántas personas trabajan en su empresa?"]}},
    {"key": "authority", "label": "Contact can decide",
     "description": {
       "en": "The contact is a decision maker or part of the decision-making unit; an intern asking on behalf of a manager counts as a way in.",
       "nl": "De contactpersoon is een beslisser of hoort bij de beslissingseenheid; een stagiair die namens een manager vraagt, is een ingang.",
       "es": "El contacto decide o forma parte del grupo que decide; un becario que pregunta en nombre de un directivo es una vía de entrada."},
     "questions": {
       "en": ["What is your role in this purchase?", "Who else should we involve, including the people who will use it?"],
       "nl": ["Wat is uw rol bij deze aankoop?", "Wie moeten we er nog bij betrekken, ook de mensen die het gaan gebruiken?"],
       "es": ["¿Qué papel tiene en esta compra?", "¿A quién más deberíamos incluir, también a quienes lo van a usar?"]}},
    {"key": "research", "label": "Has done research",
     "description": {
       "en": "The lead knows the market and the possible solutions; little knowledge means little interest for now.",
       "nl": "De lead kent de markt en de mogelijke oplossingen; weinig kennis betekent voorlopig weinig interesse.",
       "es": "El lead conoce el mercado y las posibles soluciones; poco conocimiento significa, por ahora, poco interés."},
     "questions": {
       "en": ["Which solutions have you looked at so far?", "What did you learn from comparing them?"],
       "nl": ["Welke oplossingen heeft u tot nu toe bekeken?", "Wat viel u op bij het vergelijken?"],
       "es": ["¿Qué soluciones ha revisado hasta ahora?", "¿Qué aprendió al compararlas?"]}},
    {"key": "urgency", "label": "Urgent need",
     "description": {
       "en": "The need is urgent; without urgency the lead is one to keep informed for later.",
       "nl": "De behoefte is urgent; zonder urgentie is het een lead om op de hoogte te houden voor later.",
       "es": "La necesidad es urgente; sin urgencia es un lead al que mantener informado para más adelante."},
     "questions": {
       "en": ["What happens if this waits another six months?", "When would you like to have it in place?"],
       "nl": ["Wat gebeurt er als dit nog een half jaar wacht?", "Wanneer wilt u het geregeld hebben?"],
       "es": ["¿Qué pasa si esto espera otros seis meses?", "¿Cuándo le gustaría tenerlo en marcha?"]}},
    {"key": "budget", "label": "Sufficient budget",
     "description": {
       "en": "There is enough budget for our offer as it is, without cutting it down or lowering the price.",
       "nl": "Er is genoeg budget voor ons aanbod zoals het is, zonder het af te slanken of in prijs te zakken.",
       "es": "Hay presupuesto suficiente para nuestra oferta tal como es, sin recortarla ni bajar el precio."},
     "questions": {
       "en": ["What budget do you have in mind?", "How did you arrive at that amount?"],
       "nl": ["Aan welk budget denkt u?", "Hoe bent u tot dat bedrag gekomen?"],
       "es": ["¿Qué presupuesto tiene en mente?", "¿Cómo llegó a esa cantidad?"]}},
    {"key": "purposeful", "label": "Gets to the point",
     "description": {
       "en": "The lead knows what they want and wants it now; the conversation is businesslike and moves forward.",
       "nl": "De lead weet wat hij wil en wil het nu; het gesprek is zakelijk en komt vooruit.",
       "es": "El lead sabe lo que quiere y lo quiere ya; la conversación es profesional y avanza."},
     "questions": {
       "en": ["What would you like to have decided after this conversation?", "Which other suppliers are you talking to?"],
       "nl": ["Wat wilt u na dit gesprek besloten hebben?", "Met welke andere leveranciers bent u in gesprek?"],
       "es": ["¿Qué le gustaría tener decidido después de esta conversación?", "¿Con qué otros proveedores está hablando?"]}}
  ]
}$model$, true);

-- The triggers come after the built-ins, which they would refuse.
CREATE TRIGGER protect_builtin_models
    BEFORE INSERT OR UPDATE OR DELETE ON lead_qual.models
    FOR EACH ROW EXECUTE FUNCTION lead_qual.protect_builtin_models();
CREATE TRIGGER protect_builtin_models_truncate
    BEFORE TRUNCATE ON lead_qual.models
    FOR EACH STATEMENT EXECUTE FUNCTION lead_qual.protect_builtin_models();
CREATE TRIGGER registry_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lead_qual.models
    FOR EACH STATEMENT EXECUTE FUNCTION lead_qual.registry_changed();

COMMENT ON TRIGGER protect_builtin_models ON lead_qual.models IS 'Built-in models change only with the extension';
COMMENT ON TRIGGER protect_builtin_models_truncate ON lead_qual.models IS 'The registry cannot be truncated';
COMMENT ON TRIGGER registry_changed ON lead_qual.models IS 'Invalidates cached models in every session';

--------------------------------------------------------------------------
-- Auto-scoring
--------------------------------------------------------------------------

CREATE FUNCTION lead_qual.autoscore() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lq_autoscore' LANGUAGE C;

CREATE FUNCTION lead_qual.autoscore_triggers(target regclass DEFAULT NULL)
    RETURNS TABLE (table_name regclass, trigger_name name, model text,
                   target_column text, evidence_column text, as_of_column text,
                   history boolean)
    AS 'MODULE_PATHNAME', 'lq_autoscore_triggers' LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_qual.autoscore() IS 'Trigger (BEFORE INSERT OR UPDATE FOR EACH ROW): writes the qualification of the row into a column; arguments: model, target column[, jsonb evidence column[, as_of column]]';
COMMENT ON FUNCTION lead_qual.autoscore_triggers(regclass) IS 'The autoscore triggers on a table (every table when NULL): model, target, evidence and as_of columns, and whether history is recorded';

--------------------------------------------------------------------------
-- Score history
--------------------------------------------------------------------------

CREATE TABLE lead_qual.history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name text NOT NULL,
    lead_key text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    model text NOT NULL,
    old_status text,
    new_status text,
    old_tier text,
    new_tier text,
    old_score double precision,
    new_score double precision,
    changed_criteria text[] NOT NULL DEFAULT '{}',
    changed_by name NOT NULL,
    table_dropped boolean NOT NULL DEFAULT false,
    reason text
);
CREATE INDEX history_lead ON lead_qual.history (table_name, lead_key, id);
SELECT pg_catalog.pg_extension_config_dump('lead_qual.history', '');
SELECT pg_catalog.pg_extension_config_dump('lead_qual.history_id_seq', '');

-- Only the extension's owner writes the history (the trigger switches to
-- it); everyone reads the history of the tables they may read.
REVOKE ALL ON lead_qual.history FROM PUBLIC;
GRANT SELECT ON lead_qual.history TO PUBLIC;
ALTER TABLE lead_qual.history ENABLE ROW LEVEL SECURITY;

-- pg_dump reads the sequence of a configuration table: let every role that
-- may dump the database read it (it tells how many changes were recorded,
-- no more).  The rows themselves stay behind the row security policy.
GRANT SELECT ON SEQUENCE lead_qual.history_id_seq TO PUBLIC;

-- The history of a dropped table stays, for the history's owner: whoever
-- later creates a table of the same name must not read it.  The table is
-- looked up in the catalog rather than with to_regclass(), which raises an
-- error for a table in a schema the reader may not use: one such row would
-- make the whole history unreadable for that reader.
CREATE POLICY history_of_readable_tables ON lead_qual.history FOR SELECT
    USING (NOT table_dropped
           AND EXISTS (SELECT FROM pg_catalog.pg_class c
                         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = (pg_catalog.parse_ident(table_name))[1]
                          AND c.relname = (pg_catalog.parse_ident(table_name))[2]
                          AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')
                          AND pg_catalog.has_table_privilege(c.oid, 'SELECT')));

CREATE FUNCTION lead_qual.record_history() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lq_record_history' LANGUAGE C;

CREATE FUNCTION lead_qual.enable_history(target regclass, key_column name DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    key name := key_column;
    qualified_name text;
    scorer record;
    n integer := 0;
BEGIN
    IF target IS NULL THEN
        RAISE EXCEPTION 'the table must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF (SELECT c.relpersistence FROM pg_class c WHERE c.oid = target) = 't' THEN
        RAISE EXCEPTION 'lead_qual does not record the history of temporary table %', target
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its name would be another session''s temporary table later, and so would its history.';
    END IF;
    SELECT format('%I.%I', n.nspname, c.relname) INTO qualified_name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = target;
    IF key IS NULL THEN
        SELECT a.attname INTO key
          FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid = target AND i.indisprimary AND i.indnatts = 1;
        IF key IS NULL THEN
            RAISE EXCEPTION 'table % has no single-column primary key to name its leads in the history', target
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Give the key column: lead_qual.enable_history(table, key_column => ...).';
        END IF;
    ELSIF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = target AND attname = key
                                                 AND attnum > 0 AND NOT attisdropped) THEN
        RAISE EXCEPTION 'table % has no column "%"', target, key
            USING ERRCODE = 'undefined_column';
    END IF;
    FOR scorer IN SELECT trigger_name FROM lead_qual.autoscore_triggers(target) LOOP
        IF EXISTS (SELECT FROM pg_trigger
                    WHERE tgrelid = target AND tgname = scorer.trigger_name || '_history') THEN
            EXECUTE format('DROP TRIGGER %I ON %s', scorer.trigger_name || '_history', target);
        END IF;
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE ON %s FOR EACH ROW '
                       'EXECUTE FUNCTION lead_qual.record_history(%L, %L, %L)',
                       scorer.trigger_name || '_history', target,
                       scorer.trigger_name, key, qualified_name);
        n := n + 1;
    END LOOP;
    IF n = 0 THEN
        RAISE EXCEPTION 'table % has no lead_qual.autoscore trigger', target
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'History records the changes an autoscore trigger makes; create that first.';
    END IF;
    RETURN n;
END
$$;

CREATE FUNCTION lead_qual.disable_history(target regclass)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record;
    n integer := 0;
BEGIN
    FOR t IN SELECT tgname FROM pg_trigger
              WHERE tgrelid = target AND tgfoid = 'lead_qual.record_history()'::regprocedure
                AND tgparentid = 0
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, target);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

-- Marks the history of dropped tables, which from then on only the owner
-- of the history reads.
CREATE FUNCTION lead_qual.history_of_dropped_tables() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dropped text[];
BEGIN
    SELECT array_agg(d.object_identity) INTO dropped
      FROM pg_event_trigger_dropped_objects() d
     WHERE d.object_type IN ('table', 'foreign table') AND NOT d.is_temporary;
    IF dropped IS NULL OR to_regclass('lead_qual.history') IS NULL THEN
        RETURN;
    END IF;
    UPDATE lead_qual.history h SET table_dropped = true
     WHERE h.table_name = ANY (dropped) AND NOT h.table_dropped;
END
$$;
REVOKE ALL ON FUNCTION lead_qual.history_of_dropped_tables() FROM PUBLIC;
CREATE EVENT TRIGGER lead_qual_history_of_dropped_tables ON sql_drop
    EXECUTE FUNCTION lead_qual.history_of_dropped_tables();

COMMENT ON TABLE lead_qual.history IS 'Changes of status, tier or score of auto-scored leads, for tables with enable_history()';
COMMENT ON COLUMN lead_qual.history.id IS 'Order of the changes';
COMMENT ON SEQUENCE lead_qual.history_id_seq IS 'Numbers the rows of lead_qual.history';
COMMENT ON COLUMN lead_qual.history.table_name IS 'The table of the lead, schema-qualified';
COMMENT ON COLUMN lead_qual.history.lead_key IS 'The lead''s key (the key column as text)';
COMMENT ON COLUMN lead_qual.history.changed_at IS 'When the change was written';
COMMENT ON COLUMN lead_qual.history.model IS 'The model of the qualification';
COMMENT ON COLUMN lead_qual.history.old_status IS 'Status before (NULL for a new lead)';
COMMENT ON COLUMN lead_qual.history.new_status IS 'Status after';
COMMENT ON COLUMN lead_qual.history.old_tier IS 'Tier before';
COMMENT ON COLUMN lead_qual.history.new_tier IS 'Tier after';
COMMENT ON COLUMN lead_qual.history.old_score IS 'Score before';
COMMENT ON COLUMN lead_qual.history.new_score IS 'Score after';
COMMENT ON COLUMN lead_qual.history.changed_criteria IS 'Criteria whose state (met, unmet, unknown) or evidence changed';
COMMENT ON COLUMN lead_qual.history.changed_by IS 'The user whose statement made the change';
COMMENT ON COLUMN lead_qual.history.table_dropped IS 'The table was dropped: its rows are kept, readable by the owner of the history only';
COMMENT ON COLUMN lead_qual.history.reason IS 'Why the qualification changed: new (a new lead), evidence (its evidence or as_of changed), model (nothing the trigger reads changed: the model was redefined, as rescore() brings in, or date rules judged against the clock moved on); NULL for rows recorded before 0.4.0';
COMMENT ON POLICY history_of_readable_tables ON lead_qual.history IS 'Users read the history of the tables they may read';
COMMENT ON FUNCTION lead_qual.record_history() IS 'Trigger (AFTER INSERT OR UPDATE FOR EACH ROW), made by enable_history(): adds a row to lead_qual.history when status, tier or score change';
COMMENT ON FUNCTION lead_qual.enable_history(regclass, name) IS 'Record the changes the autoscore triggers of a table make in lead_qual.history; returns how many autoscore triggers are recorded (one history trigger each)';
COMMENT ON FUNCTION lead_qual.disable_history(regclass) IS 'Stop recording history for a table (the rows recorded stay); returns how many history triggers were dropped';
COMMENT ON FUNCTION lead_qual.history_of_dropped_tables() IS 'Event trigger function: marks the history of dropped tables, which then only the owner of the history reads';
COMMENT ON EVENT TRIGGER lead_qual_history_of_dropped_tables IS 'Marks the history of dropped tables (lead_qual.history_of_dropped_tables)';

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

--------------------------------------------------------------------------
-- Rescoring after a model changes
--------------------------------------------------------------------------

CREATE TABLE lead_qual.rescore_progress (
    table_name text PRIMARY KEY,
    started_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    finished_at timestamptz,
    pages_done bigint NOT NULL,
    pages_total bigint NOT NULL,
    rows_rescored bigint NOT NULL
);
REVOKE ALL ON lead_qual.rescore_progress FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON lead_qual.rescore_progress TO PUBLIC;
ALTER TABLE lead_qual.rescore_progress ENABLE ROW LEVEL SECURITY;
CREATE POLICY progress_readable ON lead_qual.rescore_progress FOR SELECT USING (true);
CREATE POLICY progress_of_own_rescores ON lead_qual.rescore_progress FOR INSERT
    WITH CHECK (pg_catalog.to_regclass(table_name) IS NOT NULL
                AND pg_catalog.has_table_privilege(pg_catalog.to_regclass(table_name), 'UPDATE'));
CREATE POLICY progress_of_own_rescores_update ON lead_qual.rescore_progress FOR UPDATE
    USING (pg_catalog.to_regclass(table_name) IS NOT NULL
           AND pg_catalog.has_table_privilege(pg_catalog.to_regclass(table_name), 'UPDATE'));

-- A procedure, so that it can commit after each batch.  For that reason it
-- cannot pin its search_path with a SET clause: every name in it,
-- operators and types included, is schema-qualified, so that nothing on
-- the caller's search_path is used in its place.
CREATE PROCEDURE lead_qual.rescore(target regclass, batch_pages integer DEFAULT 1000,
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

COMMENT ON TABLE lead_qual.rescore_progress IS 'Progress of lead_qual.rescore() runs, one row per table';
COMMENT ON COLUMN lead_qual.rescore_progress.table_name IS 'The table being rescored';
COMMENT ON COLUMN lead_qual.rescore_progress.started_at IS 'When the run started';
COMMENT ON COLUMN lead_qual.rescore_progress.updated_at IS 'When the last batch was committed';
COMMENT ON COLUMN lead_qual.rescore_progress.finished_at IS 'When the run finished; NULL while running or interrupted';
COMMENT ON COLUMN lead_qual.rescore_progress.pages_done IS 'Pages of the table done';
COMMENT ON COLUMN lead_qual.rescore_progress.pages_total IS 'Pages of the table';
COMMENT ON COLUMN lead_qual.rescore_progress.rows_rescored IS 'Rows whose stored qualification was out of date and was rewritten';
COMMENT ON POLICY progress_readable ON lead_qual.rescore_progress IS 'Everyone sees the progress';
COMMENT ON POLICY progress_of_own_rescores ON lead_qual.rescore_progress IS 'Progress is written by those who may update the table';
COMMENT ON POLICY progress_of_own_rescores_update ON lead_qual.rescore_progress IS 'Progress is written by those who may update the table';
COMMENT ON PROCEDURE lead_qual.rescore(regclass, integer, boolean) IS 'Rewrite the stored qualifications of an auto-scored table that are out of date (after a model changed, or as date rules judged against the clock changed their verdict), in batches of pages, committing after each; resumes an interrupted run';

--------------------------------------------------------------------------
-- Views for BI tools: flat, plainly typed columns
--------------------------------------------------------------------------

-- The qualification columns a view adds: their names, and their
-- expressions over q, an expression of type lead_qual.qualification that
-- can take a field selection (q.score).
CREATE FUNCTION lead_qual.flat_columns(q text, column_prefix text)
    RETURNS TABLE (name text, expr text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT column_prefix || f.name, format(f.expr, q)
      FROM (VALUES (1, 'model', '%s.model'), (2, 'score', '%s.score'),
                   (3, 'qualified', '%s.qualified'), (4, 'status', '%s.status'),
                   (5, 'tier', '%s.tier'), (6, 'met', '%s.met'), (7, 'known', '%s.known'),
                   (8, 'total', '%s.total'),
                   (9, 'missing', 'pg_catalog.array_to_string(%s.missing, '', '')'),
                   (10, 'failed', 'pg_catalog.array_to_string(%s.failed, '', '')'))
           AS f(n, name, expr)
     ORDER BY f.n
$$;

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

CREATE FUNCTION lead_qual.create_view(source regclass, model text, view_name text,
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

CREATE FUNCTION lead_qual.create_stored_view(source regclass, qualification_column name,
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

-- The registry for BI tools.
CREATE VIEW lead_qual.model_overview AS
SELECT m.name AS model,
       j ->> 'label' AS label,
       j -> 'description' ->> 'en' AS description,
       m.builtin,
       (j ->> 'min_met')::integer AS min_met,
       (SELECT count(*) FROM lead_qual.criteria(m.model))::integer AS criteria,
       (j ->> 'pass_score')::double precision AS pass_score,
       (j -> 'tiers' ->> 'A')::double precision AS tier_a,
       (j -> 'tiers' ->> 'B')::double precision AS tier_b,
       (j -> 'tiers' ->> 'C')::double precision AS tier_c,
       m.updated_at
  FROM lead_qual.models m, LATERAL (SELECT m.model::jsonb AS j) AS d;

CREATE VIEW lead_qual.model_criteria AS
SELECT m.name AS model,
       c.ordinal,
       c.key AS criterion,
       c.label,
       c.description,
       c.weight,
       c.source,
       c.rule_type,
       c.rule,
       c.knockout,
       ((m.model::jsonb) ->> 'min_met')::integer AS min_met
  FROM lead_qual.models m, LATERAL lead_qual.criteria(m.model) AS c;

GRANT SELECT ON lead_qual.model_overview, lead_qual.model_criteria TO PUBLIC;

COMMENT ON FUNCTION lead_qual.flat_columns(text, text) IS 'The flat qualification columns of the views made by create_view and create_stored_view';
COMMENT ON FUNCTION lead_qual.make_view(regclass, text, text, name, name, name, text) IS 'Creates a view of a table with flat qualification columns, computed with a model or read from a stored column (used by create_view and create_stored_view)';
COMMENT ON FUNCTION lead_qual.create_view(regclass, text, text, name, name, text) IS 'Create a view of a table with flat qualification columns computed when read (for BI tools)';
COMMENT ON FUNCTION lead_qual.create_stored_view(regclass, name, text, text) IS 'Create a view of a table with its stored qualification column as flat columns (for BI tools)';
COMMENT ON VIEW lead_qual.model_overview IS 'The registered models, one row each, with plain columns (for BI tools)';
COMMENT ON VIEW lead_qual.model_criteria IS 'The criteria of the registered models, one row each, with plain columns (for BI tools)';

--------------------------------------------------------------------------
-- Multi-touch evidence
--------------------------------------------------------------------------

-- The state of fold_evidence() and qualify_touches(): a real type (not
-- internal), so that parallel query and Citus can run them as partial
-- aggregates; Citus moves partial states between nodes as this type's text.
CREATE TYPE lead_qual.touch_state;

CREATE FUNCTION lead_qual.touch_state_in(cstring) RETURNS lead_qual.touch_state
    AS 'MODULE_PATHNAME', 'lq_touch_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.touch_state_out(lead_qual.touch_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'lq_touch_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.touch_state_recv(internal) RETURNS lead_qual.touch_state
    AS 'MODULE_PATHNAME', 'lq_touch_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.touch_state_send(lead_qual.touch_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lq_touch_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE lead_qual.touch_state (
    INPUT = lead_qual.touch_state_in,
    OUTPUT = lead_qual.touch_state_out,
    RECEIVE = lead_qual.touch_state_recv,
    SEND = lead_qual.touch_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- Transition, combine and final functions.  Not strict: a NULL evidence,
-- time or model is a value of its own (see the reference), and the combine
-- function checks the first partial state of a group as well.
CREATE FUNCTION lead_qual.fold_evidence_step(lead_qual.touch_state, jsonb, timestamptz)
    RETURNS lead_qual.touch_state
    AS 'MODULE_PATHNAME', 'lq_fold_evidence_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.fold_evidence_final(lead_qual.touch_state) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lq_fold_evidence_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.touch_state_combine(lead_qual.touch_state, lead_qual.touch_state)
    RETURNS lead_qual.touch_state
    AS 'MODULE_PATHNAME', 'lq_touch_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.qualify_touches_step(lead_qual.touch_state, lead_qual.model, jsonb, timestamptz)
    RETURNS lead_qual.touch_state
    AS 'MODULE_PATHNAME', 'lq_qualify_touches_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.qualify_touches_step(lead_qual.touch_state, lead_qual.model, jsonb, timestamptz, timestamptz)
    RETURNS lead_qual.touch_state
    AS 'MODULE_PATHNAME', 'lq_qualify_touches_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.qualify_touches_step(lead_qual.touch_state, text, jsonb, timestamptz)
    RETURNS lead_qual.touch_state
    AS 'MODULE_PATHNAME', 'lq_qualify_touches_step' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.qualify_touches_step(lead_qual.touch_state, text, jsonb, timestamptz, timestamptz)
    RETURNS lead_qual.touch_state
    AS 'MODULE_PATHNAME', 'lq_qualify_touches_step' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.qualify_touches_final(lead_qual.touch_state) RETURNS lead_qual.qualification
    AS 'MODULE_PATHNAME', 'lq_qualify_touches_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE lead_qual.fold_evidence(evidence jsonb, observed_at timestamptz) (
    SFUNC = lead_qual.fold_evidence_step,
    STYPE = lead_qual.touch_state,
    FINALFUNC = lead_qual.fold_evidence_final,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = lead_qual.touch_state_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE lead_qual.qualify_touches(model lead_qual.model, evidence jsonb, touched_at timestamptz) (
    SFUNC = lead_qual.qualify_touches_step,
    STYPE = lead_qual.touch_state,
    FINALFUNC = lead_qual.qualify_touches_final,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = lead_qual.touch_state_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE lead_qual.qualify_touches(model lead_qual.model, evidence jsonb, touched_at timestamptz,
                                           as_of timestamptz) (
    SFUNC = lead_qual.qualify_touches_step,
    STYPE = lead_qual.touch_state,
    FINALFUNC = lead_qual.qualify_touches_final,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = lead_qual.touch_state_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE lead_qual.qualify_touches(model text, evidence jsonb, touched_at timestamptz) (
    SFUNC = lead_qual.qualify_touches_step,
    STYPE = lead_qual.touch_state,
    FINALFUNC = lead_qual.qualify_touches_final,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = lead_qual.touch_state_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE lead_qual.qualify_touches(model text, evidence jsonb, touched_at timestamptz,
                                           as_of timestamptz) (
    SFUNC = lead_qual.qualify_touches_step,
    STYPE = lead_qual.touch_state,
    FINALFUNC = lead_qual.qualify_touches_final,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = lead_qual.touch_state_combine,
    PARALLEL = SAFE
);

COMMENT ON TYPE lead_qual.touch_state IS 'State of fold_evidence() and qualify_touches(): the latest observation of each key (and for qualify_touches the model and as_of); its text form carries partial aggregates between nodes';
COMMENT ON FUNCTION lead_qual.touch_state_in(cstring) IS 'Text input of lead_qual.touch_state (the JSON its output writes, checked)';
COMMENT ON FUNCTION lead_qual.touch_state_out(lead_qual.touch_state) IS 'Text output of lead_qual.touch_state: JSON with the times in UTC to the microsecond and the values as jsonb';
COMMENT ON FUNCTION lead_qual.touch_state_recv(internal) IS 'Binary input of lead_qual.touch_state';
COMMENT ON FUNCTION lead_qual.touch_state_send(lead_qual.touch_state) IS 'Binary output of lead_qual.touch_state';
COMMENT ON FUNCTION lead_qual.fold_evidence_step(lead_qual.touch_state, jsonb, timestamptz) IS 'Transition function of fold_evidence(): keeps each key''s value if it is the latest seen';
COMMENT ON FUNCTION lead_qual.fold_evidence_final(lead_qual.touch_state) IS 'Final function of fold_evidence(): the latest value of every key as a jsonb object';
COMMENT ON FUNCTION lead_qual.touch_state_combine(lead_qual.touch_state, lead_qual.touch_state) IS 'Combine function of fold_evidence() and qualify_touches(): merges two partial states (parallel query, distributed engines)';
COMMENT ON FUNCTION lead_qual.qualify_touches_step(lead_qual.touch_state, lead_qual.model, jsonb, timestamptz) IS 'Transition function of qualify_touches(): keeps the latest value of each key the model reads, and the latest touch';
COMMENT ON FUNCTION lead_qual.qualify_touches_step(lead_qual.touch_state, lead_qual.model, jsonb, timestamptz, timestamptz) IS 'Transition function of qualify_touches() with as_of: touches after as_of do not count';
COMMENT ON FUNCTION lead_qual.qualify_touches_step(lead_qual.touch_state, text, jsonb, timestamptz) IS 'Transition function of qualify_touches() with a registered model by name (or model JSON as text)';
COMMENT ON FUNCTION lead_qual.qualify_touches_step(lead_qual.touch_state, text, jsonb, timestamptz, timestamptz) IS 'Transition function of qualify_touches() with a model by name and as_of';
COMMENT ON FUNCTION lead_qual.qualify_touches_final(lead_qual.touch_state) IS 'Final function of qualify_touches(): qualifies the folded evidence with the model';
COMMENT ON AGGREGATE lead_qual.fold_evidence(jsonb, timestamptz) IS 'Multi-touch evidence: the latest known value of every key over many touches; null values and absent keys never erase one';
COMMENT ON AGGREGATE lead_qual.qualify_touches(lead_qual.model, jsonb, timestamptz) IS 'Qualify the evidence of many touches, folded to the latest values, as of the latest touch';
COMMENT ON AGGREGATE lead_qual.qualify_touches(lead_qual.model, jsonb, timestamptz, timestamptz) IS 'Qualify the evidence of the touches up to as_of, folded to the latest values, as of as_of';
COMMENT ON AGGREGATE lead_qual.qualify_touches(text, jsonb, timestamptz) IS 'qualify_touches() with a registered model by name (or model JSON as text), as of the latest touch';
COMMENT ON AGGREGATE lead_qual.qualify_touches(text, jsonb, timestamptz, timestamptz) IS 'qualify_touches() with a registered model by name (or model JSON as text), as of as_of';

--------------------------------------------------------------------------
-- Behavioural engagement
--------------------------------------------------------------------------

-- The rules: points per kind of event, decay, caps.
CREATE TYPE lead_qual.engagement_rules;

CREATE FUNCTION lead_qual.engagement_rules_in(cstring) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_in' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_rules_out(lead_qual.engagement_rules) RETURNS cstring
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_rules_recv(internal) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_rules_send(lead_qual.engagement_rules) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE lead_qual.engagement_rules (
    INPUT = lead_qual.engagement_rules_in,
    OUTPUT = lead_qual.engagement_rules_out,
    RECEIVE = lead_qual.engagement_rules_recv,
    SEND = lead_qual.engagement_rules_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);

CREATE FUNCTION lead_qual.engagement_rules_eq(lead_qual.engagement_rules, lead_qual.engagement_rules)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR lead_qual.= (
    LEFTARG = lead_qual.engagement_rules, RIGHTARG = lead_qual.engagement_rules,
    FUNCTION = lead_qual.engagement_rules_eq,
    COMMUTATOR = OPERATOR(lead_qual.=),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel
);

CREATE FUNCTION lead_qual.engagement_rules(definition jsonb) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_rules_to_jsonb(lead_qual.engagement_rules) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (jsonb AS lead_qual.engagement_rules)
    WITH FUNCTION lead_qual.engagement_rules(jsonb);
CREATE CAST (lead_qual.engagement_rules AS jsonb)
    WITH FUNCTION lead_qual.engagement_rules_to_jsonb(lead_qual.engagement_rules);

CREATE FUNCTION lead_qual.engagement_rules_name(lead_qual.engagement_rules) RETURNS text
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_name' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION lead_qual.engagement_kinds(rules lead_qual.engagement_rules)
    RETURNS TABLE (kind text, points double precision, cap double precision,
                   half_life_days double precision)
    AS 'MODULE_PATHNAME', 'lq_engagement_kinds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
-- The kind of the rules an event's kind counts as (NULL: none).
CREATE FUNCTION lead_qual.engagement_kind(rules lead_qual.engagement_rules, kind text)
    RETURNS text AS 'MODULE_PATHNAME', 'lq_engagement_kind' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_kind(rules text, kind text)
    RETURNS text AS 'MODULE_PATHNAME', 'lq_engagement_kind' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT lead_qual.row_support;

-- The registry of named rules.
CREATE TABLE lead_qual.engagement_rule_sets (
    name text PRIMARY KEY,
    rules lead_qual.engagement_rules NOT NULL,
    builtin boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT engagement_rule_sets_name_matches
        CHECK (lead_qual.engagement_rules_name(rules) OPERATOR(pg_catalog.=) name)
);
SELECT pg_catalog.pg_extension_config_dump('lead_qual.engagement_rule_sets', 'WHERE NOT builtin');
REVOKE ALL ON lead_qual.engagement_rule_sets FROM PUBLIC;
GRANT SELECT ON lead_qual.engagement_rule_sets TO PUBLIC;

CREATE FUNCTION lead_qual.engagement_rules(name text) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_engagement_rules_text' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION lead_qual.define_engagement_rules(name text, definition jsonb)
    RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_define_engagement_rules' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION lead_qual.drop_engagement_rules(name text, if_exists boolean DEFAULT false)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'lq_drop_engagement_rules' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;

-- Built-in rules change only with the extension; lead_qual.maintenance
-- lets only the owner of the registry through, as for the models.
CREATE FUNCTION lead_qual.protect_builtin_engagement_rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF current_setting('lead_qual.maintenance', true) IS NOT DISTINCT FROM 'on'
       AND pg_has_role(current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'lead_qual.engagement_rule_sets cannot be truncated: it holds the built-in rules'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Drop user rules with lead_qual.drop_engagement_rules().';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.builtin THEN
        RAISE EXCEPTION 'engagement rules "%" are built in and cannot be changed or dropped', OLD.name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Make your own version under another name: SELECT lead_qual.define_engagement_rules(%L, lead_qual.engagement_rules(%L)::jsonb - %L);',
                                'my_' || OLD.name, OLD.name, 'name');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.builtin THEN
        RAISE EXCEPTION 'only the extension adds built-in engagement rules'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

-- Digital body language: what a lead does online, as the articles this
-- project started from describe it.  Positive points decay with a
-- half-life of 30 days; each kind is capped so that one noisy signal
-- cannot make a lead look engaged, and the total is capped at 100.  Signs
-- that a contact will not buy (a job seeker, a competitor) do not decay.
INSERT INTO lead_qual.engagement_rule_sets (name, rules, builtin) VALUES
('digital', $${
  "name": "digital",
  "description": "Digital body language: visits, e-mail, downloads, forms, webinars and demos count, decaying by half every 30 days; unsubscribes and bounces count against; job seekers and competitors count against for good.",
  "half_life_days": 30,
  "cap": 100,
  "unknown_kinds": "ignore",
  "kinds": {
    "web_visit": {"points": 1, "cap": 10},
    "product_page_visit": {"points": 3, "cap": 15},
    "pricing_page_visit": {"points": 5, "cap": 15},
    "email_open": {"points": 0.5, "cap": 5},
    "email_click": {"points": 2, "cap": 10},
    "email_reply": {"points": 8, "cap": 24},
    "content_download": {"points": 5, "cap": 20},
    "form_submitted": {"points": 10, "cap": 20},
    "webinar_attended": {"points": 10, "cap": 20},
    "demo_watched": {"points": 12, "cap": 24},
    "demo_request": {"points": 25, "cap": 25},
    "contact_request": {"points": 25, "cap": 25},
    "email_bounce": {"points": -10, "cap": 10},
    "unsubscribe": {"points": -20, "cap": 20},
    "job_seeker": {"points": -50, "cap": 50, "half_life_days": null},
    "competitor": {"points": -50, "cap": 50, "half_life_days": null}
  }
}$$::lead_qual.engagement_rules, true);

CREATE TRIGGER protect_builtin_engagement_rules
    BEFORE INSERT OR UPDATE OR DELETE ON lead_qual.engagement_rule_sets
    FOR EACH ROW EXECUTE FUNCTION lead_qual.protect_builtin_engagement_rules();
CREATE TRIGGER protect_builtin_engagement_rules_truncate
    BEFORE TRUNCATE ON lead_qual.engagement_rule_sets
    FOR EACH STATEMENT EXECUTE FUNCTION lead_qual.protect_builtin_engagement_rules();
CREATE TRIGGER registry_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lead_qual.engagement_rule_sets
    FOR EACH STATEMENT EXECUTE FUNCTION lead_qual.registry_changed();

-- The state of the aggregate: a real type (see src/engagement/engagement_state.h),
-- so that a distributed engine can ship partial states between nodes as text.
CREATE TYPE lead_qual.engagement_state;

CREATE FUNCTION lead_qual.engagement_state_in(cstring) RETURNS lead_qual.engagement_state
    AS 'MODULE_PATHNAME', 'lq_engagement_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_state_out(lead_qual.engagement_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'lq_engagement_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_state_recv(internal) RETURNS lead_qual.engagement_state
    AS 'MODULE_PATHNAME', 'lq_engagement_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_state_send(lead_qual.engagement_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lq_engagement_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE lead_qual.engagement_state (
    INPUT = lead_qual.engagement_state_in,
    OUTPUT = lead_qual.engagement_state_out,
    RECEIVE = lead_qual.engagement_state_recv,
    SEND = lead_qual.engagement_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = plain
);

-- Transition and inverse transition functions, with the rules given as a
-- value or by name (one C function serves both forms), and the combine and
-- final functions.
CREATE FUNCTION lead_qual.engagement_step(lead_qual.engagement_state, lead_qual.engagement_rules,
                                          text, timestamptz, timestamptz)
    RETURNS lead_qual.engagement_state
    AS 'MODULE_PATHNAME', 'lq_engagement_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_unstep(lead_qual.engagement_state, lead_qual.engagement_rules,
                                            text, timestamptz, timestamptz)
    RETURNS lead_qual.engagement_state
    AS 'MODULE_PATHNAME', 'lq_engagement_unstep' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_step(lead_qual.engagement_state, text,
                                          text, timestamptz, timestamptz)
    RETURNS lead_qual.engagement_state
    AS 'MODULE_PATHNAME', 'lq_engagement_step' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_unstep(lead_qual.engagement_state, text,
                                            text, timestamptz, timestamptz)
    RETURNS lead_qual.engagement_state
    AS 'MODULE_PATHNAME', 'lq_engagement_unstep' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_combine(lead_qual.engagement_state, lead_qual.engagement_state)
    RETURNS lead_qual.engagement_state
    AS 'MODULE_PATHNAME', 'lq_engagement_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_final(lead_qual.engagement_state) RETURNS double precision
    AS 'MODULE_PATHNAME', 'lq_engagement_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE lead_qual.engagement(rules lead_qual.engagement_rules, kind text,
                                      occurred_at timestamptz, as_of timestamptz) (
    SFUNC = lead_qual.engagement_step,
    STYPE = lead_qual.engagement_state,
    FINALFUNC = lead_qual.engagement_final,
    COMBINEFUNC = lead_qual.engagement_combine,
    MSFUNC = lead_qual.engagement_step,
    MINVFUNC = lead_qual.engagement_unstep,
    MSTYPE = lead_qual.engagement_state,
    MFINALFUNC = lead_qual.engagement_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE lead_qual.engagement(rules text, kind text,
                                      occurred_at timestamptz, as_of timestamptz) (
    SFUNC = lead_qual.engagement_step,
    STYPE = lead_qual.engagement_state,
    FINALFUNC = lead_qual.engagement_final,
    COMBINEFUNC = lead_qual.engagement_combine,
    MSFUNC = lead_qual.engagement_step,
    MINVFUNC = lead_qual.engagement_unstep,
    MSTYPE = lead_qual.engagement_state,
    MFINALFUNC = lead_qual.engagement_final,
    PARALLEL = SAFE
);

COMMENT ON TYPE lead_qual.engagement_rules IS 'Engagement rules: points per kind of event (negative allowed), a half-life for their decay, caps per kind and overall, and what to do with unknown kinds. Written as JSON or as the name of registered rules';
COMMENT ON FUNCTION lead_qual.engagement_rules_in(cstring) IS 'Text input of lead_qual.engagement_rules: rules JSON, or the name of registered rules';
COMMENT ON FUNCTION lead_qual.engagement_rules_out(lead_qual.engagement_rules) IS 'Text output of lead_qual.engagement_rules: canonical JSON';
COMMENT ON FUNCTION lead_qual.engagement_rules_recv(internal) IS 'Binary input of lead_qual.engagement_rules: version byte and JSON text';
COMMENT ON FUNCTION lead_qual.engagement_rules_send(lead_qual.engagement_rules) IS 'Binary output of lead_qual.engagement_rules: version byte and canonical JSON text';
COMMENT ON FUNCTION lead_qual.engagement_rules_eq(lead_qual.engagement_rules, lead_qual.engagement_rules) IS 'True when two sets of engagement rules are the same';
COMMENT ON OPERATOR lead_qual.= (lead_qual.engagement_rules, lead_qual.engagement_rules) IS 'Engagement rules are equal';
COMMENT ON FUNCTION lead_qual.engagement_rules(jsonb) IS 'Validate and compile engagement rules given as jsonb';
COMMENT ON FUNCTION lead_qual.engagement_rules_to_jsonb(lead_qual.engagement_rules) IS 'Engagement rules as jsonb';
COMMENT ON CAST (jsonb AS lead_qual.engagement_rules) IS 'Validate and compile engagement rules';
COMMENT ON CAST (lead_qual.engagement_rules AS jsonb) IS 'Engagement rules as jsonb';
COMMENT ON FUNCTION lead_qual.engagement_rules_name(lead_qual.engagement_rules) IS 'The name of a set of engagement rules (NULL when unnamed)';
COMMENT ON FUNCTION lead_qual.engagement_kinds(lead_qual.engagement_rules) IS 'The kinds of events of engagement rules as rows: kind, points, cap, half-life in days (NULL: no decay)';
COMMENT ON FUNCTION lead_qual.engagement_kind(lead_qual.engagement_rules, text) IS 'The kind of the rules that an event of this kind counts as (case, blanks and separators ignored); NULL when the rules do not list it';
COMMENT ON FUNCTION lead_qual.engagement_kind(text, text) IS 'The kind of registered rules that an event of this kind counts as (case, blanks and separators ignored); NULL when the rules do not list it';
COMMENT ON TABLE lead_qual.engagement_rule_sets IS 'Registry of named engagement rules: the built-in digital rules and user-defined ones';
COMMENT ON COLUMN lead_qual.engagement_rule_sets.name IS 'Name of the rules, as used in engagement(name, ...)';
COMMENT ON COLUMN lead_qual.engagement_rule_sets.rules IS 'The compiled rules';
COMMENT ON COLUMN lead_qual.engagement_rule_sets.builtin IS 'True for rules that come with the extension; those cannot be changed';
COMMENT ON COLUMN lead_qual.engagement_rule_sets.updated_at IS 'When the rules were last defined';
COMMENT ON FUNCTION lead_qual.engagement_rules(text) IS 'Registered engagement rules by name, or rules given as JSON text';
COMMENT ON FUNCTION lead_qual.define_engagement_rules(text, jsonb) IS 'Validate engagement rules and store them in the registry under the name, replacing earlier ones';
COMMENT ON FUNCTION lead_qual.drop_engagement_rules(text, boolean) IS 'Remove user-defined engagement rules from the registry';
COMMENT ON FUNCTION lead_qual.protect_builtin_engagement_rules() IS 'Trigger: keeps the built-in engagement rules from being changed, dropped or added by hand';
COMMENT ON TRIGGER protect_builtin_engagement_rules ON lead_qual.engagement_rule_sets IS 'Built-in rules change only with the extension';
COMMENT ON TRIGGER protect_builtin_engagement_rules_truncate ON lead_qual.engagement_rule_sets IS 'The registry of engagement rules cannot be truncated';
COMMENT ON TRIGGER registry_changed ON lead_qual.engagement_rule_sets IS 'Invalidates cached engagement rules in every session';
COMMENT ON TYPE lead_qual.engagement_state IS 'State of the engagement aggregate: exact fixed-point sums of decayed points per capped kind; its text form carries partial aggregates between nodes';
COMMENT ON FUNCTION lead_qual.engagement_state_in(cstring) IS 'Text input of lead_qual.engagement_state (the text its output writes, checked)';
COMMENT ON FUNCTION lead_qual.engagement_state_out(lead_qual.engagement_state) IS 'Text output of lead_qual.engagement_state: JSON with exact decimal sums';
COMMENT ON FUNCTION lead_qual.engagement_state_recv(internal) IS 'Binary input of lead_qual.engagement_state';
COMMENT ON FUNCTION lead_qual.engagement_state_send(lead_qual.engagement_state) IS 'Binary output of lead_qual.engagement_state';
COMMENT ON FUNCTION lead_qual.engagement_step(lead_qual.engagement_state, lead_qual.engagement_rules, text, timestamptz, timestamptz) IS 'Transition function of engagement(): adds one event''s decayed points';
COMMENT ON FUNCTION lead_qual.engagement_unstep(lead_qual.engagement_state, lead_qual.engagement_rules, text, timestamptz, timestamptz) IS 'Inverse transition function of engagement() as a window function: takes one event''s points away, exactly';
COMMENT ON FUNCTION lead_qual.engagement_step(lead_qual.engagement_state, text, text, timestamptz, timestamptz) IS 'Transition function of engagement() with rules by name';
COMMENT ON FUNCTION lead_qual.engagement_unstep(lead_qual.engagement_state, text, text, timestamptz, timestamptz) IS 'Inverse transition function of engagement() with rules by name';
COMMENT ON FUNCTION lead_qual.engagement_combine(lead_qual.engagement_state, lead_qual.engagement_state) IS 'Combine function of engagement(): adds two partial states (parallel query, distributed engines)';
COMMENT ON FUNCTION lead_qual.engagement_final(lead_qual.engagement_state) IS 'Final function of engagement(): applies the caps and returns the score';
COMMENT ON AGGREGATE lead_qual.engagement(lead_qual.engagement_rules, text, timestamptz, timestamptz) IS 'Behavioural engagement: the points of the events of each kind, halved every half-life before as_of, capped per kind and overall; events after as_of do not count';
COMMENT ON AGGREGATE lead_qual.engagement(text, text, timestamptz, timestamptz) IS 'Behavioural engagement with registered rules by name (or rules as JSON text)';

--------------------------------------------------------------------------
-- Sales readiness and the next action
--------------------------------------------------------------------------

-- readiness(): fit x engagement x qualification -> stage and grade.
CREATE TYPE lead_qual.readiness AS (
    stage text,
    grade text,
    fit_tier text,
    engagement_band integer,
    reason text
);
COMMENT ON TYPE lead_qual.readiness IS 'Result of readiness(): stage (lead, mql, sql, disqualified), grade such as B2 (fit tier A-D, engagement band 1-4), fit tier, engagement band and the rule that decided the stage';

CREATE FUNCTION lead_qual.readiness(fit lead_qual.qualification, engagement double precision,
                                    qualification lead_qual.qualification, thresholds jsonb DEFAULT NULL)
    RETURNS lead_qual.readiness AS 'MODULE_PATHNAME', 'lq_readiness' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION lead_qual.readiness(lead_qual.qualification, double precision, lead_qual.qualification, jsonb) IS 'Sales readiness of a lead from its fit qualification, its engagement points and its framework qualification: stage, grade (fit tier and engagement band) and reason';

-- next_action(): what to do with a lead, and when to come back.
CREATE TYPE lead_qual.next_step AS (
    action text,
    questions text[],
    ask text[],
    follow_up date,
    reason text
);
COMMENT ON TYPE lead_qual.next_step IS 'Result of next_action(): action (hand_to_sales, ask, nurture, drop), the questions to ask and their criteria, the follow-up date and why';

-- A model given as a value: IMMUTABLE.  By name: STABLE (reads the registry).
CREATE FUNCTION lead_qual.next_action(model lead_qual.model, evidence jsonb, as_of timestamptz DEFAULT now(),
                                      lang text DEFAULT 'en', config jsonb DEFAULT NULL)
    RETURNS lead_qual.next_step AS 'MODULE_PATHNAME', 'lq_next_action' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.next_action(model lead_qual.model, evidence text, as_of timestamptz DEFAULT now(),
                                      lang text DEFAULT 'en', config jsonb DEFAULT NULL)
    RETURNS lead_qual.next_step AS 'MODULE_PATHNAME', 'lq_next_action' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.next_action(model lead_qual.model, evidence record, as_of timestamptz DEFAULT now(),
                                      lang text DEFAULT 'en', config jsonb DEFAULT NULL)
    RETURNS lead_qual.next_step AS 'MODULE_PATHNAME', 'lq_next_action' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.next_action(model text, evidence jsonb, as_of timestamptz DEFAULT now(),
                                      lang text DEFAULT 'en', config jsonb DEFAULT NULL)
    RETURNS lead_qual.next_step AS 'MODULE_PATHNAME', 'lq_next_action' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.next_action(model text, evidence text, as_of timestamptz DEFAULT now(),
                                      lang text DEFAULT 'en', config jsonb DEFAULT NULL)
    RETURNS lead_qual.next_step AS 'MODULE_PATHNAME', 'lq_next_action' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
CREATE FUNCTION lead_qual.next_action(model text, evidence record, as_of timestamptz DEFAULT now(),
                                      lang text DEFAULT 'en', config jsonb DEFAULT NULL)
    RETURNS lead_qual.next_step AS 'MODULE_PATHNAME', 'lq_next_action' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT lead_qual.row_support;
COMMENT ON FUNCTION lead_qual.next_action(lead_qual.model, jsonb, timestamptz, text, jsonb) IS 'What to do with a lead (hand_to_sales, ask, nurture, drop), what to ask, and when to follow up';
COMMENT ON FUNCTION lead_qual.next_action(lead_qual.model, text, timestamptz, text, jsonb) IS 'What to do with a lead, and when to follow up (evidence as JSON text)';
COMMENT ON FUNCTION lead_qual.next_action(lead_qual.model, record, timestamptz, text, jsonb) IS 'What to do with a lead, and when to follow up (evidence read from a row)';
COMMENT ON FUNCTION lead_qual.next_action(text, jsonb, timestamptz, text, jsonb) IS 'What to do with a lead, and when to follow up, with a registered model';
COMMENT ON FUNCTION lead_qual.next_action(text, text, timestamptz, text, jsonb) IS 'What to do with a lead, and when to follow up, with a registered model (evidence as JSON text)';
COMMENT ON FUNCTION lead_qual.next_action(text, record, timestamptz, text, jsonb) IS 'What to do with a lead, and when to follow up, with a registered model (evidence read from a row)';

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
