-- Security: who may change the registries and the history, what roles that
-- do not own lead_qual or a table can do with them, and every function with
-- a search_path that does not hold lead_qual.  (Installing the extension
-- with hostile objects in public is tested by test/t/install_safety.sh.)
SET search_path = public;

-- The roles: alice owns a table of leads; the writer may only INSERT and
-- UPDATE it; bob has no privileges on it; the modeler is granted the right
-- to write the registries.
CREATE ROLE regress_lq_alice;
CREATE ROLE regress_lq_writer;
CREATE ROLE regress_lq_bob;
CREATE ROLE regress_lq_modeler;
CREATE SCHEMA regress_alice AUTHORIZATION regress_lq_alice;
CREATE SCHEMA regress_bob AUTHORIZATION regress_lq_bob;
CREATE SCHEMA regress_modeler AUTHORIZATION regress_lq_modeler;
GRANT USAGE ON SCHEMA regress_alice TO regress_lq_writer, regress_lq_bob;
SELECT lead_qual.define_model('sec_acme', '{"criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 100}}, {"key": "need"}]}') IS NOT NULL AS defined;
SELECT lead_qual.define_engagement_rules('sec_web', '{"kinds": {"visit": {"points": 2}}}') IS NOT NULL AS defined;

--------------------------------------------------------------------------
-- The registries: everyone reads them; no one writes them without a grant
--------------------------------------------------------------------------

SET ROLE regress_lq_bob;
SELECT count(*) FILTER (WHERE builtin) AS builtin_models, count(*) FILTER (WHERE name = 'sec_acme') AS sec_acme
  FROM lead_qual.models;
SELECT (lead_qual.qualify('sec_acme', '{"budget": 150, "need": 8}', '2026-01-01')).status,
       lead_qual.engagement_rules_name(lead_qual.engagement_rules('sec_web')) AS rules;
SELECT * FROM regress.err($$INSERT INTO lead_qual.models (name, model) VALUES ('sec_mine', '{"name": "sec_mine", "criteria": [{"key": "a"}]}')$$);
SELECT * FROM regress.err($$UPDATE lead_qual.models SET updated_at = now() WHERE name = 'sec_acme'$$);
SELECT * FROM regress.err($$DELETE FROM lead_qual.models WHERE name = 'sec_acme'$$);
SELECT * FROM regress.err($$TRUNCATE lead_qual.models$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_model('sec_mine', '{"criteria": [{"key": "a"}]}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_model('sec_acme', '{"criteria": [{"key": "a"}]}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.drop_model('sec_acme')$$);
SELECT * FROM regress.err($$INSERT INTO lead_qual.engagement_rule_sets (name, rules) VALUES ('sec_mine', '{"name": "sec_mine", "kinds": {"a": {"points": 1}}}')$$);
SELECT * FROM regress.err($$UPDATE lead_qual.engagement_rule_sets SET updated_at = now()$$);
SELECT * FROM regress.err($$DELETE FROM lead_qual.engagement_rule_sets$$);
SELECT * FROM regress.err($$TRUNCATE lead_qual.engagement_rule_sets$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_engagement_rules('sec_web', '{"kinds": {"a": {"points": 1}}}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.drop_engagement_rules('sec_web')$$);
-- lead_qual.maintenance gives nothing to a role without privileges.
SET lead_qual.maintenance = on;
SELECT * FROM regress.err($$UPDATE lead_qual.models SET updated_at = now() WHERE name = 'bant'$$);
SELECT * FROM regress.err($$SELECT lead_qual.drop_model('sec_acme')$$);
RESET lead_qual.maintenance;
-- Nor can the extension's objects be changed, replaced or added to.
SELECT * FROM regress.err($$ALTER TABLE lead_qual.models DISABLE TRIGGER protect_builtin_models$$);
SELECT * FROM regress.err($$DROP TRIGGER protect_builtin_models ON lead_qual.models$$);
SELECT * FROM regress.err($$CREATE TRIGGER sneaky BEFORE INSERT ON lead_qual.models FOR EACH ROW EXECUTE FUNCTION lead_qual.protect_builtin_models()$$);
SELECT * FROM regress.err($$CREATE POLICY sneaky ON lead_qual.models USING (true)$$);
SELECT * FROM regress.err($$ALTER TABLE lead_qual.history DISABLE ROW LEVEL SECURITY$$);
SELECT * FROM regress.err($$CREATE FUNCTION lead_qual.sneaky() RETURNS int LANGUAGE sql AS 'SELECT 1'$$);
SELECT * FROM regress.err($$CREATE OR REPLACE FUNCTION lead_qual.define_model(name text, definition jsonb) RETURNS lead_qual.model LANGUAGE sql AS 'SELECT NULL::lead_qual.model'$$);
SELECT * FROM regress.err($$ALTER FUNCTION lead_qual.define_model(text, jsonb) SECURITY DEFINER$$);
SELECT * FROM regress.err($$ALTER FUNCTION lead_qual.define_model(text, jsonb) RESET search_path$$);
SELECT * FROM regress.err($$ALTER SCHEMA lead_qual RENAME TO sneaky$$);
SELECT * FROM regress.err($$CREATE OPERATOR lead_qual.= (LEFTARG = text, RIGHTARG = text, FUNCTION = texteq)$$);
SELECT * FROM regress.err($$GRANT INSERT ON lead_qual.models TO regress_lq_bob$$);
SELECT has_table_privilege('lead_qual.models', 'INSERT') AS may_insert_after_grant;
RESET ROLE;

--------------------------------------------------------------------------
-- The grant that lets a role write the registry (reference, section 7):
-- INSERT and UPDATE for define_model(), DELETE for drop_model()
--------------------------------------------------------------------------

GRANT INSERT ON lead_qual.models TO regress_lq_modeler;
SET ROLE regress_lq_modeler;
-- define_model() inserts or replaces: INSERT alone is not enough.
SELECT * FROM regress.err($$SELECT lead_qual.define_model('sec_mine', '{"criteria": [{"key": "a"}]}')$$);
RESET ROLE;
GRANT UPDATE ON lead_qual.models TO regress_lq_modeler;
SET ROLE regress_lq_modeler;
SELECT lead_qual.model_name(lead_qual.define_model('sec_mine', '{"criteria": [{"key": "a"}]}')) AS defined;
SELECT * FROM regress.err($$SELECT lead_qual.drop_model('sec_mine')$$);
RESET ROLE;
GRANT DELETE ON lead_qual.models TO regress_lq_modeler;
GRANT INSERT, UPDATE, DELETE ON lead_qual.engagement_rule_sets TO regress_lq_modeler;
SET ROLE regress_lq_modeler;
SELECT lead_qual.drop_model('sec_mine') AS dropped;
-- A registry row has no owner: a granted role may replace or drop any user model.
SELECT lead_qual.model_name(lead_qual.define_model('sec_acme', '{"criteria": [{"key": "budget"}, {"key": "need"}, {"key": "authority"}]}')) AS replaced;
SELECT count(*) AS criteria FROM lead_qual.criteria(lead_qual.model('sec_acme'));
SELECT lead_qual.engagement_rules_name(lead_qual.define_engagement_rules('sec_mine', '{"kinds": {"a": {"points": 1}}}')) AS defined,
       lead_qual.drop_engagement_rules('sec_mine') AS dropped;
-- Built-in models and rules stay protected from a granted role.
SELECT * FROM regress.err($$SELECT lead_qual.define_model('bant', '{"criteria": [{"key": "a"}]}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.drop_model('anum')$$);
SELECT * FROM regress.err($$UPDATE lead_qual.models SET updated_at = now() WHERE builtin$$);
SELECT * FROM regress.err($$DELETE FROM lead_qual.models WHERE builtin$$);
SELECT * FROM regress.err($$UPDATE lead_qual.models SET builtin = true WHERE name = 'sec_acme'$$);
SELECT * FROM regress.err($$INSERT INTO lead_qual.models (name, model, builtin) VALUES ('sec_fake', '{"name": "sec_fake", "criteria": [{"key": "a"}]}', true)$$);
SELECT * FROM regress.err($$TRUNCATE lead_qual.models$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_engagement_rules('digital', '{"kinds": {"a": {"points": 1}}}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.drop_engagement_rules('digital')$$);
SELECT * FROM regress.err($$INSERT INTO lead_qual.engagement_rule_sets (name, rules, builtin) VALUES ('sec_fake', '{"name": "sec_fake", "kinds": {"a": {"points": 1}}}', true)$$);
-- lead_qual.maintenance is the extension owner's way to change built-ins
-- (reference, section 7); a role that is granted the right to write user
-- models cannot use it to change them.
BEGIN;
SET LOCAL lead_qual.maintenance = on;
SELECT * FROM regress.err($$SELECT lead_qual.define_model('bant', '{"criteria": [{"key": "a"}]}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.drop_model('anum')$$);
SELECT * FROM regress.err($$UPDATE lead_qual.models SET builtin = true WHERE name = 'sec_acme'$$);
SELECT * FROM regress.err($$DELETE FROM lead_qual.engagement_rule_sets WHERE name = 'digital'$$);
ROLLBACK;
RESET ROLE;
SELECT count(*) AS builtin_models, count(*) FILTER (WHERE lead_qual.model_name(model) = name) AS intact
  FROM lead_qual.models WHERE builtin;

-- The owner changes built-ins only with lead_qual.maintenance set.
SELECT * FROM regress.err($$UPDATE lead_qual.models SET updated_at = updated_at WHERE name = 'bant'$$);
SELECT * FROM regress.err($$DELETE FROM lead_qual.engagement_rule_sets WHERE name = 'digital'$$);
SELECT * FROM regress.err($$TRUNCATE lead_qual.models$$);
BEGIN;
SET LOCAL lead_qual.maintenance = on;
UPDATE lead_qual.models SET model = '{"name": "bant", "criteria": [{"key": "budget"}]}' WHERE name = 'bant';
SELECT count(*) AS bant_criteria_in_maintenance FROM lead_qual.criteria(lead_qual.model('bant'));
ROLLBACK;
SELECT count(*) AS bant_criteria_after_rollback FROM lead_qual.criteria(lead_qual.model('bant'));

--------------------------------------------------------------------------
-- Auto-scoring and history on a table that is not the extension owner's
--------------------------------------------------------------------------

SET ROLE regress_lq_alice;
CREATE TABLE regress_alice.leads (id int PRIMARY KEY, budget int, authority int, need int,
                                  timeframe int, q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON regress_alice.leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT lead_qual.enable_history('regress_alice.leads');
GRANT INSERT, UPDATE ON regress_alice.leads TO regress_lq_writer;
RESET ROLE;

-- The writer has INSERT and UPDATE only: the trigger scores its rows and
-- the history records them, but it cannot read the table or its history.
SET ROLE regress_lq_writer;
INSERT INTO regress_alice.leads (id, budget, authority, need) VALUES (1, 8, 7, 9), (2, 1, 1, 1);
UPDATE regress_alice.leads SET timeframe = 9;
SELECT * FROM regress.err($$SELECT * FROM regress_alice.leads$$);
SELECT count(*) AS history_visible_to_writer FROM lead_qual.history WHERE table_name = 'regress_alice.leads';
SELECT * FROM regress.err($$INSERT INTO lead_qual.history (table_name, lead_key, model, changed_by) VALUES ('regress_alice.leads', '1', 'bant', 'x')$$);
SELECT * FROM regress.err($$UPDATE lead_qual.history SET new_status = 'qualified'$$);
SELECT * FROM regress.err($$DELETE FROM lead_qual.history$$);
SELECT * FROM regress.err($$TRUNCATE lead_qual.history$$);
RESET ROLE;

SET ROLE regress_lq_alice;
SELECT id, (q).status, (q).tier, (q).score FROM regress_alice.leads ORDER BY id;
SELECT lead_key, old_status, new_status, old_tier, new_tier, changed_criteria, changed_by
  FROM lead_qual.history WHERE table_name = 'regress_alice.leads' ORDER BY id;
CALL lead_qual.rescore('regress_alice.leads');
RESET ROLE;

-- Bob cannot read alice's history, nor change her triggers, history,
-- stored qualifications or the progress of her rescores.
SET ROLE regress_lq_bob;
SELECT count(*) AS history_visible_to_bob FROM lead_qual.history WHERE table_name = 'regress_alice.leads';
SELECT * FROM regress.err($$SELECT lead_qual.enable_history('regress_alice.leads')$$);
SELECT * FROM regress.err($$SELECT lead_qual.disable_history('regress_alice.leads')$$);
SELECT * FROM regress.err($$CALL lead_qual.rescore('regress_alice.leads')$$);
SELECT * FROM regress.err($$CALL lead_qual.rescore('regress_alice.leads', 1, true)$$);
SELECT * FROM regress.err($$DROP TRIGGER score ON regress_alice.leads$$);
SELECT * FROM regress.err($$ALTER TABLE regress_alice.leads DISABLE TRIGGER ALL$$);
SELECT * FROM regress.err($$CREATE TRIGGER score2 BEFORE INSERT ON regress_alice.leads FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q')$$);
SELECT * FROM regress.err($$SELECT lead_qual.create_view('regress_alice.leads', 'bant', 'leads_bi')$$);
SELECT * FROM regress.err($$SELECT lead_qual.create_stored_view('regress_alice.leads', 'q', 'leads_bi')$$);
-- A view in bob's own schema does not let him read alice's rows.
SELECT lead_qual.create_view('regress_alice.leads', 'bant', 'regress_bob.leads_bi');
SELECT * FROM regress.err($$SELECT * FROM regress_bob.leads_bi$$);
SELECT * FROM regress.err($$INSERT INTO lead_qual.rescore_progress VALUES ('regress_alice.leads', now(), now(), NULL, 0, 0, 0)$$);
UPDATE lead_qual.rescore_progress SET pages_done = 0, finished_at = NULL WHERE table_name = 'regress_alice.leads';
SELECT * FROM regress.err($$DELETE FROM lead_qual.rescore_progress$$);
RESET ROLE;
SELECT pages_done = pages_total AS progress_intact, finished_at IS NOT NULL AS finished
  FROM lead_qual.rescore_progress WHERE table_name = 'regress_alice.leads';

-- Bob's own table with a history trigger that names alice's table: the
-- history is written as the extension's owner, so it must record the
-- table the trigger is on, not the name in its arguments.  Nor may a name
-- there stop others from reading the history.
SET ROLE regress_lq_alice;
SELECT count(*) AS alice_history_before FROM lead_qual.history WHERE table_name = 'regress_alice.leads';
RESET ROLE;
SET ROLE regress_lq_bob;
CREATE TABLE regress_bob.t (id int PRIMARY KEY, budget int, authority int, need int, timeframe int,
                            q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON regress_bob.t
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
CREATE TRIGGER forged AFTER INSERT OR UPDATE ON regress_bob.t
    FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history('score', 'id', 'regress_alice.leads');
CREATE TRIGGER unreadable AFTER INSERT OR UPDATE ON regress_bob.t
    FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history('score', 'id', 'no such "table');
INSERT INTO regress_bob.t VALUES (101, 9, 9, 9, 9), (102, 1, 1, 1, 1);
RESET ROLE;
SELECT table_name, lead_key, new_status, changed_by
  FROM lead_qual.history WHERE changed_by = 'regress_lq_bob' ORDER BY id;
-- (Reading the whole history evaluates the row security policy on every
-- row, also on those of bob's triggers.)
SET ROLE regress_lq_alice;
SELECT count(*) FILTER (WHERE table_name = 'regress_alice.leads') AS alice_history_after
  FROM lead_qual.history;
RESET ROLE;

-- The history of a dropped table is not shown to whoever creates a table
-- of the same name later.
CREATE SCHEMA regress_shared;
GRANT USAGE, CREATE ON SCHEMA regress_shared TO regress_lq_alice, regress_lq_bob;
SET ROLE regress_lq_alice;
CREATE TABLE regress_shared.deals (id int PRIMARY KEY, budget int, authority int, need int, timeframe int,
                                   q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON regress_shared.deals
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT lead_qual.enable_history('regress_shared.deals');
INSERT INTO regress_shared.deals VALUES (1, 9, 9, 9, 9);
SELECT count(*) AS history_of_deals_for_alice FROM lead_qual.history WHERE table_name = 'regress_shared.deals';
DROP TABLE regress_shared.deals;
RESET ROLE;
SET ROLE regress_lq_bob;
CREATE TABLE regress_shared.deals (id int);
SELECT count(*) AS dropped_deals_history_for_bob FROM lead_qual.history WHERE table_name = 'regress_shared.deals';
RESET ROLE;

--------------------------------------------------------------------------
-- Every function with search_path = pg_catalog, called with its schema,
-- by a role that is neither a superuser nor the extension's owner
--------------------------------------------------------------------------

SET ROLE regress_lq_modeler;
SET search_path = pg_catalog;

-- The registries.
SELECT lead_qual.model_name(lead_qual.define_model('sec_path', '{"min_met": 2,
    "calibration": {"intercept": -4, "slope": 0.08}, "criteria": [
    {"key": "budget", "weight": 2, "rule": {"type": "at_least", "value": 100}},
    {"key": "role", "rule": {"type": "one_of", "values": ["cfo", "owner"]}},
    {"key": "need"},
    {"key": "start", "rule": {"type": "within_days", "days": 90}}]}')) AS defined;
SELECT lead_qual.engagement_rules_name(lead_qual.define_engagement_rules('sec_path',
    '{"half_life_days": 10, "kinds": {"visit": {"points": 2, "cap": 5}, "demo": {"points": 10}}}')) AS defined;
SELECT lead_qual.model_name(lead_qual.model('sec_path')) AS by_name,
       lead_qual.model_name('sec_path'::lead_qual.model) AS by_literal,
       lead_qual.engagement_rules_name('sec_path'::text::lead_qual.engagement_rules) AS rules_by_literal;
SELECT model, criteria, min_met FROM lead_qual.model_overview WHERE model = 'sec_path';
SELECT model, criterion, rule_type FROM lead_qual.model_criteria WHERE model = 'sec_path' ORDER BY ordinal;
SELECT key, weight, rule FROM lead_qual.criteria(lead_qual.model('sec_path'), 'en');
SELECT kind, points, cap, half_life_days FROM lead_qual.engagement_kinds(lead_qual.engagement_rules('sec_path')) ORDER BY kind;
SELECT lead_qual.engagement_kind('sec_path', ' Visit ') AS by_name,
       lead_qual.engagement_kind(lead_qual.engagement_rules('sec_path'), 'DEMO') AS by_value;
SELECT lead_qual.unmatched_keys('sec_path', '{"budget": 1, "budjet": 2}'::jsonb) AS by_name,
       lead_qual.unmatched_keys(lead_qual.model('sec_path'), '{"rol": "cfo"}'::text) AS by_value,
       lead_qual.check_evidence('sec_path', '{"budget": 1}'::jsonb) AS checked,
       lead_qual.check_evidence(lead_qual.model('sec_path'), '{"need": 1}'::text) AS checked_text;

-- The types, their casts, operators and hash support.
SELECT lead_qual.model_to_jsonb(lead_qual.model('sec_path')) = lead_qual.model('sec_path')::jsonb AS to_jsonb,
       lead_qual.model_to_json(lead_qual.model('sec_path'))::text = (lead_qual.model('sec_path')::json)::text AS to_json,
       (lead_qual.model('sec_path')::jsonb)::lead_qual.model OPERATOR(lead_qual.=) lead_qual.model('sec_path') AS from_jsonb,
       (lead_qual.model('sec_path')::json)::lead_qual.model OPERATOR(lead_qual.=) lead_qual.model('sec_path') AS from_json,
       lead_qual.model(lead_qual.model('sec_path')::jsonb) OPERATOR(lead_qual.<>) lead_qual.model('bant') AS differs,
       lead_qual.model_eq(lead_qual.model('bant'), lead_qual.model('bant')) AS eq,
       lead_qual.model_ne(lead_qual.model('bant'), lead_qual.model('anum')) AS ne,
       lead_qual.model_hash(lead_qual.model('bant')) = lead_qual.model_hash('bant'::lead_qual.model) AS hash,
       lead_qual.model_hash_extended(lead_qual.model('bant'), 7) = lead_qual.model_hash_extended('bant'::lead_qual.model, 7) AS hash_extended,
       length(lead_qual.model_send(lead_qual.model('bant'))) > 100 AS send,
       lead_qual.model_out(lead_qual.model('bant'))::text = lead_qual.model('bant')::text AS out,
       lead_qual.model_name(lead_qual.model_in(lead_qual.model_out(lead_qual.model('bant')))) AS "in";
SELECT lead_qual.model_name(m) AS model, count(*)
  FROM (VALUES (lead_qual.model('bant')), (lead_qual.model('sec_path')), ('bant'::lead_qual.model)) v(m)
 GROUP BY m ORDER BY 1;
SELECT lead_qual.engagement_rules_to_jsonb(lead_qual.engagement_rules('sec_path')) = lead_qual.engagement_rules('sec_path')::jsonb AS to_jsonb,
       lead_qual.engagement_rules(lead_qual.engagement_rules('sec_path')::jsonb) OPERATOR(lead_qual.=) lead_qual.engagement_rules('sec_path') AS round_trip,
       (lead_qual.engagement_rules('sec_path')::jsonb)::lead_qual.engagement_rules OPERATOR(lead_qual.=) lead_qual.engagement_rules('sec_path') AS cast_back,
       lead_qual.engagement_rules_eq(lead_qual.engagement_rules('digital'), 'digital'::text::lead_qual.engagement_rules) AS eq,
       length(lead_qual.engagement_rules_send(lead_qual.engagement_rules('digital'))) > 100 AS send,
       lead_qual.engagement_rules_name(lead_qual.engagement_rules_in(lead_qual.engagement_rules_out(lead_qual.engagement_rules('digital')))) AS "in";

-- Scoring: each form of qualify, score, is_qualified and explain.
SELECT f, (q).score, (q).status, (q).missing
  FROM (VALUES ('model jsonb', lead_qual.qualify(lead_qual.model('sec_path'), '{"budget": 150, "role": "cfo"}'::jsonb, '2026-01-01')),
               ('model text', lead_qual.qualify(lead_qual.model('sec_path'), '{"budget": 150, "role": "cfo"}'::text, '2026-01-01')),
               ('name jsonb', lead_qual.qualify('sec_path', '{"budget": 150, "role": "cfo"}'::jsonb, '2026-01-01')),
               ('name text', lead_qual.qualify('sec_path', '{"budget": 150, "role": "cfo"}'::text, '2026-01-01'))) v(f, q);
SELECT lead_qual.score(lead_qual.model('sec_path'), '{"budget": 150}'::jsonb, '2026-01-01') AS s1,
       lead_qual.score(lead_qual.model('sec_path'), '{"budget": 150}'::text, '2026-01-01') AS s2,
       lead_qual.score('sec_path', '{"budget": 150}'::jsonb, '2026-01-01') AS s3,
       lead_qual.score('sec_path', '{"budget": 150}'::text, '2026-01-01') AS s4,
       lead_qual.is_qualified(lead_qual.model('sec_path'), '{"budget": 150, "need": 9}'::jsonb, '2026-01-01') AS q1,
       lead_qual.is_qualified(lead_qual.model('sec_path'), '{"budget": 150, "need": 9}'::text, '2026-01-01') AS q2,
       lead_qual.is_qualified('sec_path', '{"budget": 150, "need": 9}'::jsonb, '2026-01-01') AS q3,
       lead_qual.is_qualified('sec_path', '{"budget": 150, "need": 9}'::text, '2026-01-01') AS q4;
-- score 40: 1 / (1 + exp(-(-4 + 0.08 * 40))) = 0.310026
SELECT round(lead_qual.win_probability(lead_qual.model('sec_path'), '{"budget": 150}'::jsonb, '2026-01-01')::numeric, 6) AS p1,
       round(lead_qual.win_probability(lead_qual.model('sec_path'), '{"budget": 150}'::text, '2026-01-01')::numeric, 6) AS p2,
       round(lead_qual.win_probability('sec_path', '{"budget": 150}'::jsonb, '2026-01-01')::numeric, 6) AS p3,
       round(lead_qual.win_probability('sec_path', '{"budget": 150}'::text, '2026-01-01')::numeric, 6) AS p4;
SELECT criterion, value, points, met, known, question
  FROM lead_qual.explain('sec_path', '{"budget": 150, "start": "2026-02-01"}'::jsonb, '2026-01-01');
SELECT count(*) AS explained
  FROM (SELECT * FROM lead_qual.explain(lead_qual.model('sec_path'), '{"budget": 150}'::jsonb, '2026-01-01', 'nl')
        UNION ALL SELECT * FROM lead_qual.explain(lead_qual.model('sec_path'), '{"budget": 150}'::text, '2026-01-01')
        UNION ALL SELECT * FROM lead_qual.explain('sec_path', '{"budget": 150}'::text, '2026-01-01', 'es')) e;

-- A table with two autoscore triggers (the row as evidence with an as_of
-- column; a jsonb evidence column), history, rescore and the BI views.
CREATE TABLE regress_modeler.leads (id int PRIMARY KEY, budget numeric, role text, need int, start date,
                                    ev jsonb, seen date, q lead_qual.qualification, q2 lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON regress_modeler.leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('sec_path', 'q', '', 'seen');
CREATE TRIGGER score_ev BEFORE INSERT OR UPDATE ON regress_modeler.leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q2', 'ev', 'seen');
SELECT lead_qual.enable_history('regress_modeler.leads');
INSERT INTO regress_modeler.leads (id, budget, role, need, start, ev, seen) VALUES
    (1, 150, 'cfo', 8, '2026-02-01', '{"budget": 9, "need": 8, "authority": 7}', '2026-01-01'),
    (2, 50, 'intern', NULL, NULL, '{}', '2026-01-01');
UPDATE regress_modeler.leads SET need = 9, ev = '{"budget": 2}' WHERE id = 2;
SELECT id, (q).status AS status, (q).score AS score, (q2).status AS bant, (q2).score AS bant_score
  FROM regress_modeler.leads ORDER BY id;
SELECT lead_key, old_status, new_status, changed_criteria, model
  FROM lead_qual.history WHERE table_name = 'regress_modeler.leads' ORDER BY id;
SELECT trigger_name, model, target_column, evidence_column, as_of_column, history
  FROM lead_qual.autoscore_triggers('regress_modeler.leads') ORDER BY 1;
-- The row forms over the table are rewritten to their *_columns twins.
SELECT l.id, lead_qual.score('sec_path', l, '2026-01-01') AS score,
       lead_qual.is_qualified(lead_qual.model('sec_path'), l, '2026-01-01') AS qualified,
       (lead_qual.qualify('sec_path', l, '2026-01-01')).status,
       (lead_qual.qualify(lead_qual.model('sec_path'), l, '2026-01-01')).tier,
       lead_qual.score(lead_qual.model('sec_path'), l, '2026-01-01') AS score2,
       lead_qual.is_qualified('sec_path', l, '2026-01-01') AS qualified2,
       round(lead_qual.win_probability('sec_path', l, '2026-01-01')::numeric, 6) AS won,
       round(lead_qual.win_probability(lead_qual.model('sec_path'), l, '2026-01-01')::numeric, 6) AS won2
  FROM regress_modeler.leads l ORDER BY l.id;
SELECT * FROM regress.plan($$
SELECT lead_qual.score('sec_path', l, '2026-01-01'), lead_qual.qualify('sec_path', l, '2026-01-01'),
       lead_qual.is_qualified('sec_path', l, '2026-01-01'), lead_qual.win_probability('sec_path', l, '2026-01-01')
  FROM regress_modeler.leads l$$);
SELECT count(*) AS explained FROM regress_modeler.leads l,
       LATERAL (SELECT * FROM lead_qual.explain('sec_path', l, '2026-01-01')
                UNION ALL SELECT * FROM lead_qual.explain(lead_qual.model('sec_path'), l, '2026-01-01')) e;
-- A stricter model; rescore brings the stored qualifications up to date.
SELECT lead_qual.model_name(lead_qual.define_model('sec_path', '{"min_met": 3, "criteria": [
    {"key": "budget", "weight": 2, "rule": {"type": "at_least", "value": 200}},
    {"key": "role", "rule": {"type": "one_of", "values": ["cfo", "owner"]}},
    {"key": "need"},
    {"key": "start", "rule": {"type": "within_days", "days": 90}}]}')) AS redefined;
CALL lead_qual.rescore('regress_modeler.leads');
CALL lead_qual.rescore('regress_modeler.leads', 1, true);
SELECT id, (q).status, (q).score FROM regress_modeler.leads ORDER BY id;
SELECT lead_qual.disable_history('regress_modeler.leads') AS disabled,
       lead_qual.enable_history('regress_modeler.leads', 'id') AS enabled;
SELECT lead_qual.create_view('regress_modeler.leads', 'sec_path', 'leads_live', as_of_column => 'seen', column_prefix => 'lq_');
SELECT lead_qual.create_view('regress_modeler.leads', 'bant', 'regress_modeler.leads_ev', 'ev', 'seen', 'lq_');
SELECT lead_qual.create_stored_view('regress_modeler.leads', 'q', 'leads_stored', 'lq_');
SELECT id, lq_score, lq_status, lq_missing FROM regress_modeler.leads_live ORDER BY id;
SELECT id, lq_score, lq_status, lq_missing FROM regress_modeler.leads_ev ORDER BY id;
SELECT id, lq_score, lq_status, lq_missing FROM regress_modeler.leads_stored ORDER BY id;

-- The aggregates, their steps and states.
CREATE TABLE regress_modeler.touches (lead int, evidence jsonb, at timestamptz, kind text);
INSERT INTO regress_modeler.touches VALUES
    (1, '{"budget": 150}', '2026-01-01 10:00+00', 'visit'),
    (1, '{"role": "cfo", "budget": null}', '2026-01-02 10:00+00', 'demo'),
    (1, '{"need": 9}', '2026-01-03 10:00+00', 'visit'),
    (2, '{"budget": 10}', '2026-01-01 10:00+00', 'visit');
SELECT lead, lead_qual.fold_evidence(evidence, at) AS latest,
       (lead_qual.qualify_touches('sec_path', evidence, at, '2026-01-05')).status AS by_name,
       (lead_qual.qualify_touches(lead_qual.model('sec_path'), evidence, at, '2026-01-05')).status AS by_value,
       (lead_qual.qualify_touches('anum', evidence, at)).missing AS anum_missing,
       (lead_qual.qualify_touches(lead_qual.model('anum'), evidence, at)).met AS anum_met,
       round(lead_qual.engagement('sec_path', kind, at, '2026-01-05')::numeric, 6) AS engagement,
       round(lead_qual.engagement(lead_qual.engagement_rules('sec_path'), kind, at, '2026-01-05')::numeric, 6) AS by_value
  FROM regress_modeler.touches GROUP BY lead ORDER BY lead;
SELECT lead, kind, round(lead_qual.engagement('sec_path', kind, at, '2026-01-05')
                         OVER (PARTITION BY lead ORDER BY at ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)::numeric, 6) AS moving
  FROM regress_modeler.touches ORDER BY lead, at;
SELECT lead_qual.fold_evidence_final(s) = lead_qual.fold_evidence_final(s::text::lead_qual.touch_state) AS touch_state_text,
       lead_qual.fold_evidence_final(lead_qual.touch_state_combine(s, s)) AS combined,
       lead_qual.touch_state_out(s)::text = s::text AS touch_state_out,
       lead_qual.fold_evidence_final(lead_qual.touch_state_in(lead_qual.touch_state_out(s))) AS touch_state_in,
       length(lead_qual.touch_state_send(s)) > 0 AS touch_state_send
  FROM (SELECT lead_qual.fold_evidence_step(NULL, '{"a": 1}', '2026-01-01') AS s) x;
SELECT (lead_qual.qualify_touches_final(lead_qual.qualify_touches_step(NULL, 'bant'::text, '{"budget": 9}', '2026-01-01'))).met AS by_name,
       (lead_qual.qualify_touches_final(lead_qual.qualify_touches_step(NULL, lead_qual.model('bant'), '{"budget": 9}', '2026-01-01'))).met AS by_value,
       (lead_qual.qualify_touches_final(lead_qual.qualify_touches_step(NULL, 'bant'::text, '{"budget": 9}', '2026-01-01', '2026-01-05'))).met AS by_name_as_of,
       (lead_qual.qualify_touches_final(lead_qual.qualify_touches_step(NULL, lead_qual.model('bant'), '{"budget": 9}', '2026-01-01', '2026-01-05'))).met AS by_value_as_of;
SELECT round(lead_qual.engagement_final(s)::numeric, 6) AS step,
       round(lead_qual.engagement_final(s::text::lead_qual.engagement_state)::numeric, 6) AS state_text,
       round(lead_qual.engagement_final(lead_qual.engagement_state_in(lead_qual.engagement_state_out(s)))::numeric, 6) AS state_in_out,
       length(lead_qual.engagement_state_send(s)) > 0 AS state_send,
       round(lead_qual.engagement_final(lead_qual.engagement_combine(s, s))::numeric, 6) AS combined,
       round(lead_qual.engagement_final(lead_qual.engagement_unstep(s, 'sec_path'::text, 'visit', '2026-01-03', '2026-01-05'))::numeric, 6) AS unstep,
       round(lead_qual.engagement_final(lead_qual.engagement_unstep(lead_qual.engagement_step(s, lead_qual.engagement_rules('sec_path'), 'demo', '2026-01-04', '2026-01-05'),
                                        lead_qual.engagement_rules('sec_path'), 'demo', '2026-01-04', '2026-01-05'))::numeric, 6) AS step_unstep
  FROM (SELECT lead_qual.engagement_step(NULL, 'sec_path'::text, 'visit', '2026-01-03', '2026-01-05') AS s) x;
SELECT lead_qual.auc(lead_qual.score('sec_path', evidence, at), kind = 'visit') AS auc,
       lead_qual.auc(lead_qual.score(lead_qual.model('sec_path'), evidence, at), lead = 1) AS by_lead
  FROM regress_modeler.touches;
SELECT lead, at, lead_qual.auc(lead_qual.score('sec_path', evidence, at), kind = 'visit') OVER (ORDER BY lead, at) AS so_far
  FROM regress_modeler.touches ORDER BY lead, at;
SELECT lead_qual.auc_final(lead_qual.auc_combine(
           lead_qual.auc_step(lead_qual.auc_step('{"version": 1, "shift": 0, "bins": []}', 0.9, true), 0.1, false),
           lead_qual.auc_state_in(lead_qual.auc_state_out('{"version": 1, "shift": 0, "bins": [[0.5, 1, 1]]}')))) AS by_steps,
       length(lead_qual.auc_state_send('{"version": 1, "shift": 0, "bins": [[0.5, 1, 1]]}')) AS sent_bytes;

-- Learning from won and lost leads: every function, with the search_path
-- above (the queries learn() runs name the schema of all they use).
CREATE TABLE regress_modeler.closed (id int, budget numeric, role text, ev jsonb, won boolean);
INSERT INTO regress_modeler.closed
SELECT i, i % 100, CASE WHEN i % 3 = 0 THEN 'cfo' ELSE 'intern' END, jsonb_build_object('budget', i % 11),
       ('x' || substr(md5(i::text), 1, 4))::bit(16)::int % 100 < i % 100 + CASE WHEN i % 3 = 0 THEN 30 ELSE 0 END
  FROM generate_series(1, 400) i;
SELECT c.key, c.weight > 0 AS weighs
  FROM lead_qual.criteria(lead_qual.learn('regress_modeler.closed', 'won', ARRAY['budget', 'role'], '{"bands": 4}')) c
 ORDER BY c.key;
SELECT lead_qual.model_name(lead_qual.learn('regress_modeler.closed', 'won', '{"name": "sec_tmpl", "criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 50}}, {"key": "role", "rule": {"type": "one_of", "values": ["cfo"]}}]}'::lead_qual.model, '{"keep": ["role"]}')) AS template,
       lead_qual.model_name(lead_qual.learn('regress_modeler.closed', 'won', ARRAY['budget'], '{"evidence": "ev", "name": "by_key", "keep": ["budget"]}')) AS by_key;
SELECT t.min_met, t.pass_score, round(r.auc::numeric, 2) AS auc, d.deciles, k.criteria
  FROM lead_qual.choose_thresholds('regress_modeler.closed', 'won', lead_qual.model('bant'), '{"evidence": "ev"}') t,
       lead_qual.model_report('regress_modeler.closed', 'won', lead_qual.model('bant'), '{"evidence": "ev"}') r,
       (SELECT count(*) AS deciles FROM lead_qual.decile_report('regress_modeler.closed', 'won', lead_qual.model('bant'), '{"evidence": "ev"}')) d,
       (SELECT count(*) AS criteria FROM lead_qual.criterion_report('regress_modeler.closed', 'won', lead_qual.model('bant'), '{"evidence": "ev"}')) k;
SELECT lead_qual.report_rows('regress_modeler.closed', 'won', '{}') IS NOT NULL AS report_rows;
-- (learn_group: the score's hundredth times 256, twice the criteria met, and 1 when qualified)
SELECT lead_qual.learn_group('{"name": "g", "min_met": 0, "criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 5}}, {"key": "role", "rule": {"type": "one_of", "values": ["cfo"]}}]}', c, '2026-01-01') AS by_row,
       lead_qual.learn_group(lead_qual.model('bant'), c.ev, '2026-01-01') AS by_jsonb
  FROM regress_modeler.closed c WHERE c.id = 7;
SELECT * FROM regress.err($$SELECT lead_qual.sync_registry()$$);
SELECT s::text = lead_qual.fit_state_out(lead_qual.fit_state_in(lead_qual.fit_state_out(s)))::text AS fit_state_text,
       length(lead_qual.fit_state_send(s)) > 0 AS fit_state_send,
       lead_qual.learn_fit_combine(s, s)::text <> s::text AS combined,
       (SELECT lead_qual.learn_fit('{"version": 1, "criteria": [{"source": "budget", "kind": "bands", "cuts": [5]}]}', '{0, 0, 0, 0}', c.ev, c.won, 1) IS NOT NULL
          FROM regress_modeler.closed c) AS fit_of_jsonb,
       (SELECT lead_qual.learn_fit('{"version": 1, "criteria": [{"source": "budget", "kind": "bands", "cuts": [50]}]}', '{0, 0, 0, 0}', c, c.won, 1) IS NOT NULL
          FROM regress_modeler.closed c) AS fit_of_rows,
       (SELECT lead_qual.score_histogram(c.budget::float8, c.won) IS NOT NULL FROM regress_modeler.closed c) AS histogram
  FROM (SELECT lead_qual.learn_fit_step(lead_qual.learn_fit_step(NULL, '{"version": 1, "criteria": [{"source": "budget", "kind": "bands", "cuts": [50]}]}', '{0, 0, 0, 0}', '{"budget": 70}'::jsonb, true, 1),
                                       '{"version": 1, "criteria": [{"source": "budget", "kind": "bands", "cuts": [50]}]}', '{0, 0, 0, 0}', c, c.won, 1) AS s
          FROM regress_modeler.closed c WHERE c.id = 7) x;

-- Readiness and the next action, every form.
SELECT (lead_qual.readiness(lead_qual.qualify('six_signals', '{"fit": 9, "authority": 9, "budget": 9}'::jsonb, '2026-01-01'), 40,
                            lead_qual.qualify('bant', '{"budget": 9, "need": 9, "authority": 9}'::jsonb, '2026-01-01'))).*;
SELECT (lead_qual.readiness(lead_qual.qualify('six_signals', '{}'::jsonb, '2026-01-01'), 0, NULL,
                            '{"mql": {"engagement": 10}}')).stage;
SELECT f, (n).action, (n).follow_up, (n).ask
  FROM (VALUES ('model jsonb', lead_qual.next_action(lead_qual.model('sec_path'), '{"budget": 250}'::jsonb, '2026-01-01')),
               ('model text', lead_qual.next_action(lead_qual.model('sec_path'), '{"budget": 250}'::text, '2026-01-01', 'nl')),
               ('name jsonb', lead_qual.next_action('sec_path', '{"budget": 250}'::jsonb, '2026-01-01')),
               ('name text', lead_qual.next_action('sec_path', '{"budget": 250}'::text, '2026-01-01', 'es', '{}'))) v(f, n);
SELECT l.id, (lead_qual.next_action('sec_path', l, '2026-01-01')).action AS by_name,
       (lead_qual.next_action(lead_qual.model('sec_path'), l, '2026-01-01')).action AS by_value
  FROM regress_modeler.leads l ORDER BY l.id;

-- With an empty search_path as well.
SET search_path = '';
INSERT INTO regress_modeler.leads (id, budget, role, need, start, ev, seen) VALUES (3, 300, 'owner', 9, '2026-01-20', '{"budget": 9}', '2026-01-01');
UPDATE regress_modeler.leads SET ev = '{"budget": 9, "need": 9}' WHERE id = 3;
CALL lead_qual.rescore('regress_modeler.leads');
SELECT id, lq_status FROM regress_modeler.leads_live ORDER BY id;
SELECT lead_key, model, new_status FROM lead_qual.history WHERE table_name = 'regress_modeler.leads' AND lead_key = '3' ORDER BY id;
SELECT (lead_qual.qualify('sec_path', '{"budget": 300}', '2026-01-01')).status,
       round(lead_qual.engagement('sec_path', k, t, '2026-01-05')::numeric, 6) AS engagement,
       lead_qual.auc(0.5, k = 'visit') AS auc
  FROM (VALUES ('visit', '2026-01-04'::timestamptz)) v(k, t) GROUP BY 1;
-- (the model is in use by the trigger on regress_modeler.leads: cascade
-- drops that trigger too)
SELECT lead_qual.drop_model('sec_path', cascade => true) AS dropped, lead_qual.drop_engagement_rules('sec_path') AS dropped_rules;
RESET ROLE;
-- learn() reads the rows as its caller: bob may not read the modeler's leads.
GRANT USAGE ON SCHEMA regress_modeler TO regress_lq_bob;
SET ROLE regress_lq_bob;
SELECT * FROM regress.err($$SELECT lead_qual.learn('regress_modeler.closed', 'won', ARRAY['budget'])$$);
SELECT * FROM regress.err($$SELECT * FROM lead_qual.model_report('regress_modeler.closed', 'won', 'bant')$$);
RESET ROLE;
REVOKE USAGE ON SCHEMA regress_modeler FROM regress_lq_bob;
SET search_path = public;

-- Every function of the extension is called above (by name; the binary
-- input functions are reached only through binary I/O, which the
-- dump/restore test covers).
SELECT p.oid::regprocedure AS not_called_above
  FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual') AND d.deptype = 'e'
   AND p.proname <> ALL (ARRAY[
       'model_in', 'model_out', 'model_send', 'model_eq', 'model_ne', 'model_hash', 'model_hash_extended',
       'model', 'model_to_jsonb', 'model_to_json', 'model_name', 'criteria', 'define_model', 'drop_model',
       'protect_builtin_models', 'registry_changed', 'row_support', 'qualify', 'score', 'is_qualified',
       'qualify_columns', 'score_columns', 'is_qualified_columns', 'explain',
       'unmatched_keys', 'check_evidence', 'engagement_kind',
       'win_probability', 'win_probability_columns',
       'autoscore', 'autoscore_triggers', 'record_history', 'enable_history', 'disable_history', 'rescore',
       'check_triggers',
       'flat_columns', 'make_view', 'create_view', 'create_stored_view',
       'touch_state_in', 'touch_state_out', 'touch_state_send', 'fold_evidence_step', 'fold_evidence_final',
       'touch_state_combine', 'qualify_touches_step', 'qualify_touches_final', 'fold_evidence', 'qualify_touches',
       'engagement_rules_in', 'engagement_rules_out', 'engagement_rules_send', 'engagement_rules_eq',
       'engagement_rules', 'engagement_rules_to_jsonb', 'engagement_rules_name', 'engagement_kinds',
       'define_engagement_rules', 'drop_engagement_rules', 'protect_builtin_engagement_rules',
       'engagement_state_in', 'engagement_state_out', 'engagement_state_send', 'engagement_step',
       'engagement_unstep', 'engagement_combine', 'engagement_final', 'engagement',
       'auc_state_in', 'auc_state_out', 'auc_state_send', 'auc_step', 'auc_combine', 'auc_final', 'auc',
       'score_histogram', 'fit_state_in', 'fit_state_out', 'fit_state_send', 'learn_fit_step',
       'learn_fit_combine', 'learn_fit', 'learn', 'learn_group', 'sync_registry', 'choose_thresholds',
       'report_rows', 'model_report',
       'decile_report', 'criterion_report',
       'readiness', 'next_action', 'history_of_dropped_tables',
       'model_recv', 'touch_state_recv', 'engagement_rules_recv', 'engagement_state_recv',
       'auc_state_recv', 'fit_state_recv'])
 ORDER BY p.oid::regprocedure::text;

--------------------------------------------------------------------------
-- The catalog: no SECURITY DEFINER function; every SQL and PL/pgSQL
-- function runs with a fixed search_path (rescore, a procedure that
-- commits, cannot have one: every name in it has its schema)
--------------------------------------------------------------------------

SELECT p.oid::regprocedure AS function, l.lanname AS language, p.prosecdef AS security_definer, p.proconfig
  FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
  JOIN pg_language l ON l.oid = p.prolang
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual') AND d.deptype = 'e'
   AND (l.lanname IN ('sql', 'plpgsql') OR p.prosecdef)
 ORDER BY p.oid::regprocedure::text;

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA regress_alice, regress_bob, regress_modeler, regress_shared CASCADE;
DELETE FROM lead_qual.history WHERE table_name LIKE 'regress\_%' OR changed_by LIKE 'regress\_lq\_%';
DELETE FROM lead_qual.rescore_progress WHERE table_name LIKE 'regress\_%';
SELECT lead_qual.drop_model('sec_acme') AS dropped, lead_qual.drop_engagement_rules('sec_web') AS dropped_rules;
DROP OWNED BY regress_lq_alice, regress_lq_writer, regress_lq_bob, regress_lq_modeler;
DROP ROLE regress_lq_alice, regress_lq_writer, regress_lq_bob, regress_lq_modeler;
RESET client_min_messages;
