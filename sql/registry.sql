-- The registry of named models: defining, replacing and dropping models,
-- protection of the built-ins, privileges, and sessions seeing changes.
SET search_path = public, lead_qual;

-- Define, use, replace, drop.
SELECT define_model('acme', '{"criteria": [{"key": "budget"}, {"key": "need"}]}');
SELECT name, builtin, model_name(model) FROM models WHERE name = 'acme';
SELECT qualify('acme', '{"budget": 8}');
SELECT define_model('acme', '{"name": "acme", "min_met": 1, "criteria": [{"key": "budget", "weight": 3}, {"key": "need"}]}') IS NOT NULL AS replaced;
SELECT qualify('acme', '{"budget": 8}');
SELECT count(*) AS acme_rows FROM models WHERE name = 'acme';

-- A session sees a redefinition at once, even where a cached evaluation
-- lives on across statements (a PL/pgSQL loop reuses its expression state).
DO $$
DECLARE
    i int;
    s double precision;
BEGIN
    FOR i IN 1..3 LOOP
        PERFORM lead_qual.define_model('acme', format('{"criteria": [{"key": "budget", "weight": %s}, {"key": "need"}]}', i)::jsonb);
        s := lead_qual.score('acme', '{"budget": 10}'::jsonb);
        RAISE NOTICE 'weight %: score %', i, s;
    END LOOP;
END
$$;
-- Calls set up anew for every row (as Citus's worker_partial_agg does, and
-- as EXECUTE here does): the backend keeps the values it decoded, by their
-- bytes, and names with the registry's generation, so a redefinition is
-- seen at once there too, and a model given by value is read right.
DO $$
DECLARE
    s double precision;
    by_value double precision;
    seen text := '';
BEGIN
    FOR i IN 1..3 LOOP
        PERFORM lead_qual.define_model('acme', format('{"criteria": [{"key": "budget", "weight": %s}, {"key": "need"}]}', i)::jsonb);
        FOR j IN 1..4 LOOP
            EXECUTE 'SELECT lead_qual.score($1, $2::jsonb)' INTO s USING 'acme', '{"budget": 10}';
            EXECUTE 'SELECT lead_qual.score($1, $2::jsonb)' INTO by_value
                USING format('{"name": "v", "criteria": [{"key": "need", "weight": %s}, {"key": "budget"}]}', i)::lead_qual.model,
                      '{"budget": 10}';
            seen := seen || format(' %s/%s', round(s::numeric, 1), round(by_value::numeric, 1));
        END LOOP;
        RAISE NOTICE 'weight %:%', i, seen;
        seen := '';
    END LOOP;
END
$$;
-- Copy a built-in to make your own version.
SELECT define_model('my_bant', model('bant')::jsonb - 'name') IS NOT NULL AS copied;
SELECT model('my_bant')::jsonb - 'name' = model('bant')::jsonb - 'name' AS same_content;

-- Drop.
SELECT drop_model('my_bant');
SELECT drop_model('my_bant', if_exists => true);
SELECT * FROM regress.err($$SELECT lead_qual.drop_model('my_bant')$$);
SELECT * FROM regress.err($$SELECT lead_qual.drop_model(NULL)$$);
SELECT * FROM regress.err($$SELECT lead_qual.qualify('my_bant', '{}')$$);

-- A model that autoscore triggers use is not dropped: every row written
-- to their tables would fail.  The error names the triggers (whatever case
-- and blanks the trigger wrote the name in); cascade drops them with the
-- model, and the history triggers that follow them.
SELECT define_model('tmp_m', '{"criteria": [{"key": "budget"}]}') IS NOT NULL AS defined;
CREATE TABLE tmp_leads (id int PRIMARY KEY, budget int, q qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON tmp_leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('tmp_m', 'q');
CREATE TRIGGER "Second score" BEFORE INSERT OR UPDATE ON tmp_leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(' TMP_M ', 'q');
SELECT enable_history('tmp_leads');
-- (a model written as JSON is not the registered model of its name)
CREATE TABLE tmp_inline (id int PRIMARY KEY, budget int, q qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON tmp_inline
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('{"name": "tmp_m", "criteria": [{"key": "budget"}]}', 'q');
SELECT * FROM regress.err_detail($$SELECT lead_qual.drop_model('tmp_m')$$);
SELECT * FROM regress.err_detail($$SELECT lead_qual.drop_model('tmp_m', if_exists => true)$$);
SELECT model_name(model('tmp_m')) AS still_there;
SELECT drop_model('tmp_m', cascade => true);
SELECT tgrelid::regclass AS table_name, tgname FROM pg_trigger
 WHERE tgrelid IN ('tmp_leads'::regclass, 'tmp_inline'::regclass) ORDER BY 1, 2;
INSERT INTO tmp_leads (id, budget) VALUES (1, 7);
INSERT INTO tmp_inline (id, budget) VALUES (1, 7);
SELECT (q).score FROM tmp_inline;
SELECT drop_model('tmp_m', if_exists => true, cascade => true);
-- A built-in stays protected, cascade or not.
SELECT * FROM regress.err($$SELECT lead_qual.drop_model('bant', cascade => true)$$);
DROP TABLE tmp_leads, tmp_inline;

-- The built-ins cannot be changed, dropped, truncated or faked by accident.
SELECT * FROM regress.err_detail($$SELECT lead_qual.define_model('bant', '{"criteria": [{"key": "budget"}]}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.drop_model('bant')$$);
SELECT * FROM regress.err($$UPDATE lead_qual.models SET model = 'anum' WHERE name = 'bant'$$);
SELECT * FROM regress.err($$DELETE FROM lead_qual.models WHERE builtin$$);
SELECT * FROM regress.err($$TRUNCATE lead_qual.models$$);
SELECT * FROM regress.err($$INSERT INTO lead_qual.models (name, model, builtin) VALUES ('fake', '{"name": "fake", "criteria": [{"key": "a"}]}', true)$$);
SELECT * FROM regress.err($$UPDATE lead_qual.models SET builtin = true WHERE name = 'acme'$$);
-- A stored model must carry its own name.
SELECT * FROM regress.err($$INSERT INTO lead_qual.models (name, model) VALUES ('other', 'acme')$$);
SELECT count(*) AS builtins FROM models WHERE builtin;

-- pg_dump keeps the user's models and leaves the built-ins to the extension.
SELECT c.relname, cfg.condition
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS cfg(oid, condition)
  JOIN pg_class c ON c.oid = cfg.oid
 WHERE e.extname = 'lead_qual'
 ORDER BY 1;

-- Privileges: everyone may read and use models; changing the registry takes
-- the privileges the table owner grants.
CREATE ROLE regress_lq_user;
SET ROLE regress_lq_user;
SELECT (qualify('bant', '{"budget": true}')).score, model_name(model('acme')), count(*) AS visible
  FROM models;
SELECT * FROM regress.err($$SELECT lead_qual.define_model('mine', '{"criteria": [{"key": "a"}]}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.drop_model('acme')$$);
SELECT * FROM regress.err($$DELETE FROM lead_qual.models$$);
RESET ROLE;
GRANT INSERT, UPDATE, DELETE ON lead_qual.models TO regress_lq_user;
SET ROLE regress_lq_user;
SELECT define_model('mine', '{"criteria": [{"key": "a"}]}') IS NOT NULL AS defined;
SELECT * FROM regress.err($$SELECT lead_qual.define_model('bant', '{"criteria": [{"key": "a"}]}')$$);
SELECT drop_model('mine');
RESET ROLE;
REVOKE INSERT, UPDATE, DELETE ON lead_qual.models FROM regress_lq_user;
DROP ROLE regress_lq_user;

-- Functions work without lead_qual in the search_path, and do not depend
-- on what it holds.
SET search_path = public;
CREATE FUNCTION public.to_jsonb(anyelement) RETURNS jsonb LANGUAGE sql AS $$ SELECT '"hijacked"'::jsonb $$;
SELECT lead_qual.define_model('acme', '{"criteria": [{"key": "budget"}]}') IS NOT NULL AS defined;
SELECT (lead_qual.qualify('acme', '{"budget": 7}')).score;
DROP FUNCTION public.to_jsonb(anyelement);
SET search_path = public, lead_qual;

SELECT drop_model('acme');
SELECT count(*) AS models_left, count(*) FILTER (WHERE builtin) AS builtins FROM models;

-- Errors as psql shows them: what is wrong, and nothing of the statements
-- inside the functions (no CONTEXT line).
SELECT define_model('bant', '{"criteria": [{"key": "budget"}]}');
SELECT drop_model('bant');
SELECT define_engagement_rules('digital', '{"kinds": {"visit": 1}}');
SELECT drop_engagement_rules('digital');
-- A name given as an argument is blamed as the argument.
SELECT define_model('My Model', '{"criteria": [{"key": "a"}]}');
SELECT define_engagement_rules('Web-Rules', '{"kinds": {"visit": 1}}');
SELECT define_model('acme', '{"name": "other", "criteria": [{"key": "a"}]}');
-- A key that is not a name: what a name is, and how to keep the column's.
SELECT define_model('acme', '{"criteria": [{"key": "Budget EUR"}]}');
SELECT define_model('acme', '{"criteria": [{"key": "2026 budget"}]}');
SELECT drop_model('Acme');
SELECT drop_engagement_rules('no_such_rules');
-- Called from a function of the user's, the context is the user's.
DO $$
BEGIN
    PERFORM lead_qual.define_model('acme', '{"criteria": [{"key": "a", "weight": -1}]}');
END
$$;
-- Privileges: PostgreSQL's own error, without the statement inside.
CREATE ROLE regress_lq_user;
SET ROLE regress_lq_user;
SELECT lead_qual.define_model('mine', '{"criteria": [{"key": "a"}]}');
SELECT lead_qual.drop_model('bant');
RESET ROLE;
DROP ROLE regress_lq_user;

-- Text given for a model is JSON when it starts with "{" (or "[" or '"'),
-- else a name.  A name that cannot be one is reported as not existing,
-- with what a name is; the hint names the registered models and the one
-- meant, when it is one of them.
SELECT qualify('BANT-2', '{"budget": 8}');
SELECT score('Six-Signals', '{}');
SELECT score('no_such_model', '{}');
SELECT '[1]'::model;
SELECT * FROM regress.err_detail($$SELECT lead_qual.model('criteria: []'::text)$$);
SELECT * FROM regress.err_detail($$SELECT 'Digital Rules'::lead_qual.engagement_rules$$);
