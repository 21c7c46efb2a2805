/* lead_qual 0.2.0 -> 0.3.0: aggregates over touches and events (multi-touch
 * evidence, behavioural engagement with decay) and sales readiness. */

\echo Use "ALTER EXTENSION lead_qual UPDATE TO '0.3.0'" to load this file. \quit

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

-- @end of multi-touch evidence

--------------------------------------------------------------------------
-- Behavioural engagement
--------------------------------------------------------------------------

-- The rules: points per kind of event, decay, caps.
CREATE TYPE lead_qual.engagement_rules;

CREATE FUNCTION lead_qual.engagement_rules_in(cstring) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_rules_in' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_rules_out(lead_qual.engagement_rules) RETURNS cstring
    AS 'MODULE_PATHNAME', 'lq_rules_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_rules_recv(internal) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_rules_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_rules_send(lead_qual.engagement_rules) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lq_rules_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

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
    AS 'MODULE_PATHNAME', 'lq_rules_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR lead_qual.= (
    LEFTARG = lead_qual.engagement_rules, RIGHTARG = lead_qual.engagement_rules,
    FUNCTION = lead_qual.engagement_rules_eq,
    COMMUTATOR = OPERATOR(lead_qual.=),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel
);

CREATE FUNCTION lead_qual.engagement_rules(definition jsonb) RETURNS lead_qual.engagement_rules
    AS 'MODULE_PATHNAME', 'lq_rules_from_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_rules_to_jsonb(lead_qual.engagement_rules) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lq_rules_as_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (jsonb AS lead_qual.engagement_rules)
    WITH FUNCTION lead_qual.engagement_rules(jsonb);
CREATE CAST (lead_qual.engagement_rules AS jsonb)
    WITH FUNCTION lead_qual.engagement_rules_to_jsonb(lead_qual.engagement_rules);

CREATE FUNCTION lead_qual.engagement_rules_name(lead_qual.engagement_rules) RETURNS text
    AS 'MODULE_PATHNAME', 'lq_rules_name' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION lead_qual.engagement_kinds(rules lead_qual.engagement_rules)
    RETURNS TABLE (kind text, points double precision, cap double precision,
                   half_life_days double precision)
    AS 'MODULE_PATHNAME', 'lq_rules_kinds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;

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
    AS 'MODULE_PATHNAME', 'lq_rules_by_name' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION lead_qual.define_engagement_rules(name text, definition jsonb)
    RETURNS lead_qual.engagement_rules
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    compiled lead_qual.engagement_rules;
BEGIN
    IF define_engagement_rules.name IS NULL OR definition IS NULL THEN
        RAISE EXCEPTION 'lead_qual.define_engagement_rules: name and definition must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF jsonb_typeof(definition) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'engagement rules must be a JSON object, not %',
                CASE jsonb_typeof(definition) WHEN 'array' THEN 'an array' WHEN 'null' THEN 'null'
                                              ELSE 'a ' || jsonb_typeof(definition) END
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF definition ? 'name'
       AND definition -> 'name' IS DISTINCT FROM to_jsonb(define_engagement_rules.name) THEN
        RAISE EXCEPTION 'engagement rules definition is named %, not "%"',
                definition -> 'name', define_engagement_rules.name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Leave "name" out of the definition, or make it match.';
    END IF;
    compiled := lead_qual.engagement_rules(
        definition || jsonb_build_object('name', define_engagement_rules.name));
    INSERT INTO lead_qual.engagement_rule_sets AS r (name, rules)
        VALUES (define_engagement_rules.name, compiled)
        ON CONFLICT ON CONSTRAINT engagement_rule_sets_pkey
        DO UPDATE SET rules = EXCLUDED.rules, updated_at = now();
    RETURN compiled;
END
$$;

CREATE FUNCTION lead_qual.drop_engagement_rules(name text, if_exists boolean DEFAULT false)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF drop_engagement_rules.name IS NULL THEN
        RAISE EXCEPTION 'lead_qual.drop_engagement_rules: name must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    DELETE FROM lead_qual.engagement_rule_sets r WHERE r.name = drop_engagement_rules.name;
    IF FOUND THEN
        RETURN true;
    END IF;
    IF if_exists THEN
        RETURN false;
    END IF;
    RAISE EXCEPTION 'engagement rules "%" do not exist', drop_engagement_rules.name
        USING ERRCODE = 'undefined_object';
END
$$;

-- Built-in rules change only with the extension.
CREATE FUNCTION lead_qual.protect_builtin_engagement_rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF current_setting('lead_qual.maintenance', true) IS NOT DISTINCT FROM 'on' THEN
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

-- The state of the aggregate: a real type (see engagement.c), so that a
-- distributed engine can ship partial states between nodes as text.
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
    AS 'MODULE_PATHNAME', 'lq_engagement_step_by_name' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.engagement_unstep(lead_qual.engagement_state, text,
                                            text, timestamptz, timestamptz)
    RETURNS lead_qual.engagement_state
    AS 'MODULE_PATHNAME', 'lq_engagement_unstep_by_name' LANGUAGE C STABLE PARALLEL SAFE;
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

-- @end of behavioural engagement

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
    RETURNS lead_qual.next_step AS 'MODULE_PATHNAME', 'lq_next_action' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.next_action(model text, evidence text, as_of timestamptz DEFAULT now(),
                                      lang text DEFAULT 'en', config jsonb DEFAULT NULL)
    RETURNS lead_qual.next_step AS 'MODULE_PATHNAME', 'lq_next_action' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION lead_qual.next_action(model text, evidence record, as_of timestamptz DEFAULT now(),
                                      lang text DEFAULT 'en', config jsonb DEFAULT NULL)
    RETURNS lead_qual.next_step AS 'MODULE_PATHNAME', 'lq_next_action' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION lead_qual.next_action(lead_qual.model, jsonb, timestamptz, text, jsonb) IS 'What to do with a lead (hand_to_sales, ask, nurture, drop), what to ask, and when to follow up';
COMMENT ON FUNCTION lead_qual.next_action(lead_qual.model, text, timestamptz, text, jsonb) IS 'What to do with a lead, and when to follow up (evidence as JSON text)';
COMMENT ON FUNCTION lead_qual.next_action(lead_qual.model, record, timestamptz, text, jsonb) IS 'What to do with a lead, and when to follow up (evidence read from a row)';
COMMENT ON FUNCTION lead_qual.next_action(text, jsonb, timestamptz, text, jsonb) IS 'What to do with a lead, and when to follow up, with a registered model';
COMMENT ON FUNCTION lead_qual.next_action(text, text, timestamptz, text, jsonb) IS 'What to do with a lead, and when to follow up, with a registered model (evidence as JSON text)';
COMMENT ON FUNCTION lead_qual.next_action(text, record, timestamptz, text, jsonb) IS 'What to do with a lead, and when to follow up, with a registered model (evidence read from a row)';

-- @end of sales readiness
