#!/usr/bin/env bash
# Installing an earlier version and updating it gives the same extension as
# installing the current version, and keeps the user's data and results.
#
# For every earlier version (every version an update script starts from):
#  1. install it, and write what a user of that version would have: under
#     0.1.0 models in the registry, columns of models, qualifications and
#     explanations, a hash index on models, views and a function using
#     lead_qual, privileges granted on the registry; under 0.2.0 auto-scored
#     tables (the row, and a jsonb evidence column with an as_of column)
#     with their history, views for BI tools and a finished rescore;
#     and a plain table of won and lost deals;
#  2. pg_dump it and restore the dump where CREATE EXTENSION installs the
#     current version: every query over that data answers as before;
#     ALTER EXTENSION lead_qual UPDATE: the version is the current one, and
#     every query over that data answers exactly as before the update;
#  3. go on with the features of the later versions and further writes
#     (the triggers, the history, the registries, a granted role), and
#     compare with a fresh install given the same data and writes: the same
#     extension (catalog entries with their definitions, privileges and
#     comments), the same results, the same pg_dump --schema-only; and
#     learn(), choose_thresholds() and the reports over the deals written
#     under the old version give the same models and answers right after
#     the update and after the restore as on a fresh install (under 0.4.0 a
#     learned model is stored in a table too).
# The fresh install runs the install script of the current version
# (lead_qual--<current>.sql), which must exist and be what CREATE EXTENSION
# runs: the updates are compared with a different path, not with
# themselves.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/out/upgrade
rm -rf "$out"
mkdir -p "$out"
psql_q() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
editor=lq_upgrade_editor
dbs=(lq_fresh lq_updated lq_restored)
cleanup() {
    for db in "${dbs[@]}"; do dropdb --if-exists "$db" >/dev/null 2>&1 || true; done
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS $editor" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
# a <= b for versions
version_le() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$1" ]; }

# Everything the extension consists of, in a form that compares as text:
# members with their definitions (types, operators, aggregates, casts,
# functions with their bodies and settings), privileges and comments, and
# the columns, constraints, indexes, triggers, policies and configuration
# of its tables.
describe() {
    psql_q "$1" -A -t <<'SQL'
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'lead_qual'),
members AS (SELECT classid, objid, objsubid FROM pg_depend
             WHERE refobjid = (SELECT oid FROM ext) AND refclassid = 'pg_extension'::regclass AND deptype = 'e'),
rels AS (SELECT objid AS oid FROM members WHERE classid = 'pg_class'::regclass)
SELECT pg_describe_object(m.classid, m.objid, m.objsubid)
       || coalesce(' | ' || obj_description(m.objid, m.classid::regclass::name), '')
       || coalesce(' | ' || (SELECT format('%s %s %s %s %s %s args(%s) returns(%s) config%s acl%s body %s',
                                            p.prokind, p.provolatile, p.proparallel, p.proisstrict, p.prosecdef,
                                            (SELECT lanname FROM pg_language WHERE oid = p.prolang), pg_get_function_arguments(p.oid),
                                            pg_get_function_result(p.oid), p.proconfig, p.proacl,
                                            md5(p.prosrc || coalesce(p.probin, '')))
                                FROM pg_proc p WHERE m.classid = 'pg_proc'::regclass AND p.oid = m.objid), '')
       || coalesce(' | ' || (SELECT format('len %s align %s storage %s in %s out %s recv %s send %s typmod %s/%s analyze %s subscript %s category %s preferred %s',
                                            t.typlen, t.typalign, t.typstorage, t.typinput, t.typoutput, t.typreceive,
                                            t.typsend, t.typmodin, t.typmodout, t.typanalyze, t.typsubscript,
                                            t.typcategory, t.typispreferred)
                                FROM pg_type t WHERE m.classid = 'pg_type'::regclass AND t.oid = m.objid), '')
       || coalesce(' | ' || (SELECT format('code %s com %s neg %s rest %s join %s hashes %s merges %s',
                                            o.oprcode, o.oprcom::regoperator, o.oprnegate::regoperator,
                                            o.oprrest, o.oprjoin, o.oprcanhash, o.oprcanmerge)
                                FROM pg_operator o WHERE m.classid = 'pg_operator'::regclass AND o.oid = m.objid), '')
       || coalesce(' | ' || (SELECT format('kind %s trans %s final %s combine %s serial %s/%s mtrans %s minv %s mfinal %s modify %s/%s stype %s mstype %s init %s',
                                            a.aggkind, a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
                                            a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn,
                                            a.aggfinalmodify, a.aggmfinalmodify, a.aggtranstype::regtype,
                                            a.aggmtranstype::regtype, a.agginitval)
                                FROM pg_aggregate a WHERE m.classid = 'pg_proc'::regclass AND a.aggfnoid = m.objid), '')
       || coalesce(' | ' || (SELECT format('func %s context %s method %s', c.castfunc::regprocedure, c.castcontext, c.castmethod)
                                FROM pg_cast c WHERE m.classid = 'pg_cast'::regclass AND c.oid = m.objid), '')
       || coalesce(' | ' || (SELECT format('default %s', c.opcdefault)
                                FROM pg_opclass c WHERE m.classid = 'pg_opclass'::regclass AND c.oid = m.objid), '')
       || coalesce(' | ' || (SELECT format('kind %s acl %s rls %s/%s persistence %s options %s',
                                            c.relkind, c.relacl, c.relrowsecurity, c.relforcerowsecurity,
                                            c.relpersistence, c.reloptions)
                                FROM pg_class c WHERE m.classid = 'pg_class'::regclass AND c.oid = m.objid), '')
       || coalesce(' | ' || (SELECT pg_get_viewdef(c.oid) FROM pg_class c
                              WHERE m.classid = 'pg_class'::regclass AND c.oid = m.objid AND c.relkind = 'v'), '')
       || coalesce(' | ' || (SELECT format('acl %s', n.nspacl) FROM pg_namespace n
                              WHERE m.classid = 'pg_namespace'::regclass AND n.oid = m.objid), '')
  FROM members m
UNION ALL
SELECT 'column ' || a.attrelid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
       || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
       || coalesce(' acl ' || a.attacl::text, '')
       || coalesce(' | ' || col_description(a.attrelid, a.attnum), '')
  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attrelid IN (SELECT oid FROM rels) AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint ' || conrelid::regclass || '.' || conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE conrelid IN (SELECT oid FROM rels)
UNION ALL
SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid IN (SELECT oid FROM rels)
UNION ALL
SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname || ' ' || tgenabled::text || ' ' || pg_get_triggerdef(oid)
       || coalesce(' | ' || obj_description(oid, 'pg_trigger'), '')
  FROM pg_trigger WHERE tgrelid IN (SELECT oid FROM rels)
UNION ALL
SELECT 'policy ' || polname || ' on ' || polrelid::regclass || ' ' || polcmd::text || ' ' || polpermissive::text
       || ' to ' || polroles::text || coalesce(' using ' || pg_get_expr(polqual, polrelid), '')
       || coalesce(' check ' || pg_get_expr(polwithcheck, polrelid), '')
  FROM pg_policy WHERE polrelid IN (SELECT oid FROM rels)
UNION ALL
SELECT 'sequence ' || seqrelid::regclass || format(' %s %s %s %s %s %s', seqtypid::regtype, seqstart, seqincrement, seqmax, seqmin, seqcycle)
  FROM pg_sequence WHERE seqrelid IN (SELECT oid FROM rels)
UNION ALL
SELECT 'config ' || c::regclass || ' ' || coalesce(w, '')
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(c, w) WHERE e.extname = 'lead_qual'
UNION ALL
SELECT format('extension %s schema %s relocatable %s', extname, extnamespace::regnamespace, extrelocatable)
  FROM pg_extension WHERE extname = 'lead_qual'
ORDER BY 1;
SQL
}

# What users write, by the version that brought the feature.
data_0.1.0() {
    psql_q "$1" -o /dev/null <<SQL
SET TimeZone = 'UTC';
SELECT lead_qual.define_model('acme', \$\${
  "label": "Acme", "min_met": 2, "pass_score": 40,
  "description": {"en": "Our own model", "nl": "Ons eigen model, één"},
  "criteria": [
    {"key": "budget", "source": "budget_eur", "weight": 2, "rule": {"type": "at_least", "value": 10000}},
    {"key": "authority", "source": "role", "rule": {"type": "one_of", "values": ["owner", "cfo"]}},
    {"key": "need", "rule": {"type": "grade", "pass": 7}, "questions": {"en": "What do you need?"}},
    {"key": "timeframe", "source": "purchase", "rule": {"type": "within_days", "days": 90}}]}\$\$);
SELECT lead_qual.define_model('fit', '{"criteria": [{"key": "need", "rule": {"type": "scale", "grades": {"low": 2, "high": 9}}}]}');
CREATE TABLE leads (id int PRIMARY KEY, budget_eur numeric, role text, need int, purchase date,
                    model lead_qual.model, models lead_qual.model[],
                    stored lead_qual.qualification, why lead_qual.explanation[]);
INSERT INTO leads (id, budget_eur, role, need, purchase, model, models) VALUES
    (1, 25000, 'cfo', 8, '2026-02-01', 'acme', ARRAY['acme', 'bant']::lead_qual.model[]),
    (2, 500, 'intern', 3, NULL, 'acme', ARRAY[NULL, 'acme']::lead_qual.model[]),
    (3, NULL, NULL, NULL, NULL, '{"name": "inline", "criteria": [{"key": "need"}]}', '{}'),
    (4, 12000, 'owner', NULL, '2026-12-01', 'acme', NULL);
UPDATE leads l SET stored = lead_qual.qualify(l.model, l, '2026-01-05'),
                   why = ARRAY(SELECT e FROM lead_qual.explain(l.model, l, '2026-01-05', 'nl') e);
CREATE INDEX leads_model ON leads USING hash (model);
CREATE VIEW lead_scores AS
    SELECT id, lead_qual.score('acme', l, '2026-01-05') AS acme_score,
           lead_qual.is_qualified('acme', l, '2026-01-05') AS acme_qualified,
           (lead_qual.qualify(l.model, to_jsonb(l), '2026-01-05')).status AS own_status,
           lead_qual.model_name(l.model) AS model_name
      FROM leads l;
CREATE FUNCTION lead_status(l leads) RETURNS text LANGUAGE sql STABLE
    AS \$\$ SELECT (lead_qual.qualify('acme', l, '2026-01-05')).status \$\$;
GRANT SELECT, INSERT, UPDATE ON lead_qual.models TO $editor;
-- won and lost deals, long before learn() could read them
CREATE TABLE deals AS
SELECT i AS id, CASE WHEN i % 13 = 0 THEN NULL ELSE (abs(hashint4(i)) % 100) < 15 + (i % 3) * 25 + (i % 4) * 5 END AS won,
       (ARRAY['Referral', 'web', 'Évent', NULL])[1 + i % 4] AS channel,
       CASE WHEN i % 11 = 0 THEN NULL ELSE (abs(hashint4(i + 7)) % 1000) / 10.0 + (i % 3) * 40 END AS budget_eur,
       CASE WHEN i % 5 = 0 THEN NULL ELSE i % 2 = 0 END AS consent,
       (abs(hashint4(i + 9)) % 11)::int AS need,
       (ARRAY['owner', 'cfo', 'intern', NULL, 'CFO '])[1 + (i + i / 3) % 5] AS role,
       CASE WHEN i % 7 = 0 THEN NULL ELSE date '2025-10-01' + (abs(hashint4(i + 3)) % 200) + (i % 3) * 30 END AS purchase
  FROM generate_series(1, 300) i;
SQL
}
data_0.2.0() {
    psql_q "$1" -o /dev/null <<'SQL'
SET TimeZone = 'UTC';
CREATE TABLE scored (id int PRIMARY KEY, budget int, authority int, need int, timeframe int,
                     q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON scored
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT lead_qual.enable_history('scored');
INSERT INTO scored (id, budget, need) SELECT i, i % 11, (i * 7) % 11 FROM generate_series(1, 30) i;
UPDATE scored SET authority = 8, timeframe = id % 11 WHERE id % 3 = 0;
CREATE TABLE crm_leads (id int PRIMARY KEY, evidence jsonb, seen_at timestamptz, q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON crm_leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('acme', 'q', 'evidence', 'seen_at');
SELECT lead_qual.enable_history('crm_leads');
INSERT INTO crm_leads VALUES
    (1, '{"budget_eur": 30000, "role": "owner", "need": 9, "purchase": "2026-02-01"}', '2026-01-05'),
    (2, '{"budget_eur": 100, "need": 2}', '2026-01-05'),
    (3, '{}', NULL);
UPDATE crm_leads SET seen_at = '2026-06-01' WHERE id = 1;
SELECT lead_qual.create_view('scored', 'bant', 'scored_live');
SELECT lead_qual.create_stored_view('crm_leads', 'q', 'crm_bi', column_prefix => 'bi_');
-- a model redefined, and the stored qualifications brought up to date
SELECT lead_qual.define_model('acme', lead_qual.model('acme')::jsonb || '{"pass_score": 80}');
SET client_min_messages = warning;
CALL lead_qual.rescore('crm_leads');
SQL
}
data_0.3.0() {
    psql_q "$1" -o /dev/null <<'SQL'
SET TimeZone = 'UTC';
SELECT lead_qual.define_engagement_rules('web', '{"half_life_days": 14, "cap": 60,
    "kinds": {"visit": {"points": 2, "cap": 12}, "demo": 30, "unsubscribe": -25}}');
CREATE TABLE touches (id int PRIMARY KEY, lead_id int, touched_at timestamptz, evidence jsonb);
INSERT INTO touches VALUES
    (1, 1, '2025-11-03', '{"need": 4}'), (2, 1, '2025-12-01', '{"budget_eur": 20000, "role": "cfo"}'),
    (3, 1, '2025-12-20', '{"need": 8, "purchase": "2026-02-15"}'), (4, 2, NULL, '{"need": 9}'),
    (5, 2, '2025-12-24', '{"role": "owner"}');
CREATE TABLE events (id int PRIMARY KEY, lead_id int, kind text, occurred_at timestamptz);
INSERT INTO events VALUES
    (1, 1, 'demo', '2025-12-29'), (2, 1, 'visit', '2026-01-02'), (3, 2, 'unsubscribe', '2025-12-01'),
    (4, 2, 'web_visit', '2026-01-03');
CREATE TABLE readiness_log (id int PRIMARY KEY, rules lead_qual.engagement_rules, r lead_qual.readiness,
                            ns lead_qual.next_step);
INSERT INTO readiness_log
SELECT t.lead_id, lead_qual.engagement_rules('web'),
       lead_qual.readiness(lead_qual.qualify('fit', '{"need": "high"}'::jsonb, '2026-01-05'),
                           (SELECT lead_qual.engagement('web', kind, occurred_at, '2026-01-05') FROM events e WHERE e.lead_id = t.lead_id),
                           t.q),
       lead_qual.next_action('acme', t.f, '2026-01-05')
  FROM (SELECT lead_id, lead_qual.fold_evidence(evidence, touched_at) AS f,
               lead_qual.qualify_touches('acme', evidence, touched_at, '2026-01-05') AS q
          FROM touches GROUP BY lead_id) t;
CREATE VIEW touch_view AS
    SELECT lead_id, lead_qual.fold_evidence(evidence, touched_at) AS latest,
           lead_qual.qualify_touches('acme', evidence, touched_at, '2026-01-05') AS acme
      FROM touches GROUP BY lead_id;
SQL
}
data_0.4.0() {
    psql_q "$1" -o /dev/null <<'SQL'
SET TimeZone = 'UTC';
CREATE TABLE learned_models AS
SELECT 'deals' AS name, lead_qual.learn('deals', 'won', ARRAY['channel', 'budget_eur', 'consent', 'need'], '{"as_of": "2026-01-01"}') AS m
UNION ALL
SELECT 'acme', lead_qual.learn('deals', 'won', 'acme'::lead_qual.model, '{"as_of": "2026-01-01", "goal": {"top": 0.3}}');
SELECT lead_qual.define_model('learned', '{"min_met": 2, "pass_score": 40,
  "calibration": {"intercept": -4.5, "slope": 0.09},
  "criteria": [
    {"key": "size", "source": "employees", "weight": 2, "rule": {"type": "bands", "cuts": [10, 50, 250], "grades": [2, 5, 8, 10]}},
    {"key": "budget", "rule": {"type": "bands", "cuts": [1000.5], "grades": [0, 10], "pass": 10}, "unknown_grade": 3},
    {"key": "need", "unknown_grade": 4}]}');
CREATE TABLE won_lost (id int PRIMARY KEY, employees int, budget numeric, need int,
                       model lead_qual.model, q lead_qual.qualification);
INSERT INTO won_lost (id, employees, budget, need, model) VALUES
    (1, 9, 5000, 8, 'learned'), (2, 50, NULL, NULL, 'learned'), (3, 400, 1000.5, 2, 'fit'), (4, NULL, NULL, NULL, NULL);
UPDATE won_lost l SET q = lead_qual.qualify('learned', l, '2026-01-05');
CREATE VIEW won_view AS
    SELECT id, lead_qual.win_probability('learned', l, '2026-01-05') AS p_won,
           lead_qual.win_probability(l.model, to_jsonb(l), '2026-01-05') AS p_own
      FROM won_lost l;
-- history that says why: new leads, new evidence, a model redefined
SELECT lead_qual.define_model('rescored', '{"criteria": [{"key": "budget"}, {"key": "need"}]}');
CREATE TABLE rescored (id int PRIMARY KEY, budget int, need int, q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON rescored
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('rescored', 'q');
SELECT lead_qual.enable_history('rescored');
INSERT INTO rescored VALUES (1, 8, 4), (2, 3, 9);
UPDATE rescored SET need = 7 WHERE id = 1;
SELECT lead_qual.define_model('rescored', '{"criteria": [{"key": "budget", "weight": 3},
    {"key": "need", "rule": {"type": "grade", "pass": 8}}]}');
SET client_min_messages = warning;
CALL lead_qual.rescore('rescored');
SQL
}
steps=(0.1.0 0.2.0 0.3.0 0.4.0)   # 0.3.1 and 0.3.2 brought nothing new to write

# Further writes after the update: the triggers, the history, the registry
# (also by the role it was granted to) go on.
more_writes() {
    psql_q "$1" -o /dev/null <<SQL
SET TimeZone = 'UTC';
UPDATE leads SET need = 9 WHERE id = 2;
UPDATE leads l SET stored = lead_qual.qualify(l.model, l, '2026-01-05') WHERE id = 2;
INSERT INTO leads (id, model) VALUES (5, 'fit');
UPDATE scored SET need = 10 WHERE id <= 4;
INSERT INTO scored (id, budget, authority, need, timeframe) VALUES (31, 9, 9, 9, 9);
UPDATE crm_leads SET evidence = evidence || '{"role": "cfo"}', seen_at = '2026-01-10' WHERE id = 2;
INSERT INTO crm_leads VALUES (4, '{"budget_eur": 50000, "role": "owner", "need": 10, "purchase": "2026-01-20"}', '2026-01-06');
INSERT INTO touches VALUES (6, 3, '2026-01-01', '{"need": 7}');
INSERT INTO events VALUES (5, 3, 'demo', '2026-01-04');
SET ROLE $editor;
SELECT lead_qual.define_model('by_editor', '{"criteria": [{"key": "budget"}]}');
RESET ROLE;
SQL
}

# What the data of each step says.  results_until V prints the results of
# the data of every step up to V.
results_0.1.0() {
    cat <<'SQL'
SELECT name, builtin, model::text FROM lead_qual.models ORDER BY name;
SELECT id, model::text, models::text, stored, why FROM leads ORDER BY id;
SELECT * FROM lead_scores ORDER BY id;
SELECT id, lead_status(l) FROM leads l ORDER BY id;
SET enable_seqscan = off;
SELECT id FROM leads WHERE model OPERATOR(lead_qual.=) (SELECT model FROM leads WHERE id = 1) ORDER BY id;
RESET enable_seqscan;
SELECT lead_qual.model_name(model), count(*) FROM leads GROUP BY model ORDER BY 1;
SELECT grantee, privilege_type FROM information_schema.role_table_grants
 WHERE table_schema = 'lead_qual' AND table_name = 'models' ORDER BY 1, 2;
SQL
}
results_0.2.0() {
    cat <<'SQL'
SELECT id, q FROM scored ORDER BY id;
SELECT id, evidence, seen_at, q FROM crm_leads ORDER BY id;
SELECT id, table_name, lead_key, model, old_status, new_status, old_tier, new_tier, old_score, new_score,
       changed_criteria, changed_by FROM lead_qual.history ORDER BY id;
SELECT 'broken links', count(*) FILTER (WHERE NOT linked) FROM (
    SELECT (old_status IS NOT DISTINCT FROM lag(new_status) OVER w
            AND old_score IS NOT DISTINCT FROM lag(new_score) OVER w) AS linked
      FROM lead_qual.history WINDOW w AS (PARTITION BY table_name, lead_key ORDER BY id)) h;
SELECT * FROM scored_live ORDER BY id;
SELECT * FROM crm_bi ORDER BY id;
SELECT table_name, pages_done, pages_total, rows_rescored, finished_at IS NOT NULL AS finished
  FROM lead_qual.rescore_progress ORDER BY 1;
SELECT table_name, trigger_name, model, target_column, evidence_column, as_of_column, history
  FROM lead_qual.autoscore_triggers() ORDER BY table_name::text;
SELECT 'stale', (SELECT count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('bant', s)) FROM scored s)
              + (SELECT count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('acme', evidence, seen_at)) FROM crm_leads);
SQL
}
results_0.3.0() {
    cat <<'SQL'
SELECT name, builtin, rules::text FROM lead_qual.engagement_rule_sets ORDER BY name;
SELECT * FROM readiness_log ORDER BY id;
SELECT * FROM touch_view ORDER BY lead_id;
SELECT lead_id, lead_qual.engagement('web', kind, occurred_at, '2026-01-05'),
       lead_qual.engagement('digital', kind, occurred_at, '2026-01-05') FROM events GROUP BY lead_id ORDER BY 1;
SQL
}
results_0.4.0() {
    cat <<'SQL'
SELECT name, builtin, model::text FROM lead_qual.models WHERE name = 'learned';
SELECT id, model::text, q FROM won_lost ORDER BY id;
SELECT id, round(p_won::numeric, 9) AS p_won, round(p_own::numeric, 9) AS p_own FROM won_view ORDER BY id;
SELECT id FROM won_lost WHERE model OPERATOR(lead_qual.=) lead_qual.model('learned') ORDER BY id;
SELECT * FROM lead_qual.explain('learned', '{"employees": 50}'::jsonb, '2026-01-05');
SELECT name, m::text, lead_qual.model_to_jsonb(m)::text FROM learned_models ORDER BY name;
SELECT l.name, d.id, lead_qual.score(l.m, d, '2026-01-05'), lead_qual.win_probability(l.m, d, '2026-01-05')
  FROM learned_models l, deals d WHERE d.id % 29 = 0 ORDER BY 1, 2;
SELECT lead_key, old_score, new_score, changed_criteria, reason FROM lead_qual.history
 WHERE table_name = 'public.rescored' ORDER BY id;
-- every history trigger depends on the autoscore trigger it follows (the
-- update records it for those made before)
SELECT h.tgrelid::regclass AS table_name, h.tgname, s.tgname AS follows
  FROM pg_depend d JOIN pg_trigger h ON h.oid = d.objid JOIN pg_trigger s ON s.oid = d.refobjid
 WHERE d.classid = 'pg_trigger'::regclass AND d.refclassid = 'pg_trigger'::regclass
 ORDER BY 1, 2;
SQL
}
# learn() and the rest of 0.4.0 over the deals, whatever version wrote them.
learned() {
    psql_q "$1" -A <<'SQL'
SET TimeZone = 'UTC';
\set tmpl '{"name": "deal_fit", "min_met": 1, "criteria": [{"key": "budget", "source": "budget_eur", "rule": {"type": "at_least", "value": 50}}, {"key": "authority", "source": "role", "rule": {"type": "one_of", "values": ["owner", "cfo"]}}, {"key": "need", "rule": {"type": "grade", "pass": 7}, "questions": {"en": "What do you need?"}}, {"key": "timeframe", "source": "purchase", "knockout": true, "rule": {"type": "within_days", "days": 120, "direction": "either"}}]}'
SELECT lead_qual.learn('deals', 'won', ARRAY['channel', 'budget_eur', 'consent', 'need'], '{"as_of": "2026-01-01"}')::text;
SELECT lead_qual.learn('deals', 'won', ARRAY['budget_eur', 'channel'], '{"as_of": "2026-01-01", "bands": 4, "weight": "need", "name": "weighted"}')::text;
SELECT lead_qual.learn('deals', 'won', :'tmpl'::lead_qual.model, '{"as_of": "2026-01-01", "goal": {"top": 0.3}}')::text;
SELECT min_met, pass_score, qualified_share, "precision", recall, f1, auc, model::text
  FROM lead_qual.choose_thresholds('deals', 'won', :'tmpl'::lead_qual.model, '{"as_of": "2026-01-01", "goal": {"precision": 0.6}}');
SELECT * FROM lead_qual.model_report('deals', 'won', :'tmpl'::lead_qual.model, '{"as_of": "2026-01-01"}');
SELECT * FROM lead_qual.decile_report('deals', 'won', :'tmpl'::lead_qual.model, '{"as_of": "2026-01-01"}');
SELECT * FROM lead_qual.criterion_report('deals', 'won', :'tmpl'::lead_qual.model, '{"as_of": "2026-01-01"}');
SELECT lead_qual.score_histogram(budget_eur, won)::text, lead_qual.auc(budget_eur, won) FROM deals;
SQL
}
results_until() {
    {
        echo "SET TimeZone = 'UTC';"
        for s in "${steps[@]}"; do
            if version_le "$s" "$2"; then "results_$s"; fi
        done
    } | psql_q "$1" -A
}
check_results() {  # file: the results are not empty and nothing is stale
    grep -q '^acme|f|' "$1" || fail "$1: no user model"
    grep -q '^1|{"name": "acme"' "$1" || fail "$1: no stored model"
    if grep -q '^stale|' "$1"; then grep -qx 'stale|0' "$1" || fail "$1: stale qualifications"; fi
    if grep -q '^broken links|' "$1"; then grep -qx 'broken links|0' "$1" || fail "$1: broken history"; fi
}

# The schema as pg_dump writes it, without the random key of \restrict lines.
schema_dump() { pg_dump --schema-only "$1" | grep -v '^\\\(un\)\?restrict '; }

cleanup
psql_q postgres -c "CREATE ROLE $editor NOLOGIN"
# The versions as installed on the server: the current (default) one, and
# every one an update path leads from to it.
current=$(psql_q postgres -A -t -c "SELECT default_version FROM pg_available_extensions WHERE name = 'lead_qual'")
[ -n "$current" ] || fail "lead_qual is not installed"
in_tree=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" lead_qual.control)
[ "$in_tree" = "$current" ] || echo "note: installed lead_qual is $current, the working tree says $in_tree; testing $current"

# The install script of the current version: a fresh install runs it
# alone, not the oldest script and the update scripts, so that the
# comparisons below set two different paths against each other.
full_script="$(pg_config --sharedir)/extension/lead_qual--$current.sql"
[ -f "lead_qual--$current.sql" ] || fail "the repository has no lead_qual--$current.sql"
[ -f "$full_script" ] || fail "lead_qual--$current.sql is not installed: a fresh install would take the update path"
cmp -s "lead_qual--$current.sql" "$full_script" ||
    echo "note: the installed lead_qual--$current.sql differs from the working tree's; testing the installed one"

# A fresh install of the current version with every step's data.  An event
# trigger records the functions and procedures CREATE EXTENSION creates:
# from the install script, each once and as many as it has CREATE
# statements for them (the update chain creates some twice).
createdb lq_fresh
psql_q lq_fresh <<'SQL'
CREATE TABLE public.created_routines (identity text);
CREATE FUNCTION public.record_created_routines() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.created_routines SELECT d.object_identity FROM pg_catalog.pg_event_trigger_ddl_commands() d;
END
$$;
CREATE EVENT TRIGGER record_created_routines ON ddl_command_end WHEN TAG IN ('CREATE FUNCTION', 'CREATE PROCEDURE')
    EXECUTE FUNCTION public.record_created_routines();
CREATE EXTENSION lead_qual;
DROP EVENT TRIGGER record_created_routines;
DROP FUNCTION public.record_created_routines();
SQL
created=$(psql_q lq_fresh -A -t -c "SELECT count(*) || ' ' || count(DISTINCT identity) FROM public.created_routines")
psql_q lq_fresh -c "DROP TABLE public.created_routines"
in_script=$(grep -Ec '^CREATE (OR REPLACE )?(FUNCTION|PROCEDURE) ' "$full_script")
[ "$created" = "$in_script $in_script" ] ||
    fail "CREATE EXTENSION lead_qual did not run lead_qual--$current.sql alone: it created" \
         "$created (all, distinct) functions and procedures, the script has $in_script"
psql_q lq_fresh -A -t -c "SELECT source || ' -> ' || target || ': ' || coalesce(path, 'none')
                            FROM pg_extension_update_paths('lead_qual') ORDER BY 1" >"$out/update-paths.txt"
for s in "${steps[@]}"; do "data_$s" lq_fresh; done
more_writes lq_fresh
describe lq_fresh >"$out/fresh.txt"
results_until lq_fresh "$current" >"$out/fresh-results.txt"
check_results "$out/fresh-results.txt"
learned lq_fresh >"$out/fresh-learned.txt"
grep -q '"calibration"' "$out/fresh-learned.txt" || fail "learn() on a fresh install learned no model"
schema_dump lq_fresh >"$out/fresh-schema.sql"

froms=$(sed -n "s/^\(.*\) -> $current: .*--.*/\1/p" "$out/update-paths.txt" | sort -uV)
[ -n "$froms" ] || fail "no update path to $current"
tested=0
for from in $froms; do
    dropdb --if-exists lq_updated 2>/dev/null; createdb lq_updated
    psql_q lq_updated -c "CREATE EXTENSION lead_qual VERSION '$from'"
    for s in "${steps[@]}"; do if version_le "$s" "$from"; then "data_$s" lq_updated; fi; done
    results_until lq_updated "$from" >"$out/before-$from.txt"
    check_results "$out/before-$from.txt"

    # a dump taken under the old version, restored where CREATE EXTENSION
    # installs the current one, reads the same
    pg_dump -Fc -f "$out/dump-$from.custom" lq_updated
    dropdb --if-exists lq_restored 2>/dev/null; createdb lq_restored
    pg_restore --exit-on-error -d lq_restored "$out/dump-$from.custom"
    # (lead_qual.rescore_progress is not dumped, rightly: its page numbers
    # mean nothing in another copy of the table)
    without_progress() { awk '/^table_name\|pages_done\|/ { skip = 1 } !skip { print } /^\([0-9]+ rows?\)$/ { skip = 0 }' "$1"; }
    results_until lq_restored "$from" >"$out/restored-$from.txt"
    diff -u <(without_progress "$out/before-$from.txt") <(without_progress "$out/restored-$from.txt") ||
        fail "a dump taken under $from restores differently"
    restored_version=$(psql_q lq_restored -A -t -c "SELECT extversion FROM pg_extension WHERE extname = 'lead_qual'")
    [ "$restored_version" = "$current" ] || fail "the dump of $from restored as $restored_version"
    learned lq_restored >"$out/restored-learned-$from.txt"
    diff -u "$out/fresh-learned.txt" "$out/restored-learned-$from.txt" ||
        fail "learn() over the deals of a dump taken under $from differs from a fresh install"

    psql_q lq_updated -c "ALTER EXTENSION lead_qual UPDATE"
    version=$(psql_q lq_updated -A -t -c "SELECT extversion FROM pg_extension WHERE extname = 'lead_qual'")
    [ "$version" = "$current" ] || fail "updated from $from to $version, not $current"

    # learn() right after the update: as on a fresh install
    learned lq_updated >"$out/updated-learned-$from.txt"
    diff -u "$out/fresh-learned.txt" "$out/updated-learned-$from.txt" ||
        fail "learn() after the update from $from differs from a fresh install"

    # what was written under the old version reads the same
    results_until lq_updated "$from" >"$out/after-$from.txt"
    diff -u "$out/before-$from.txt" "$out/after-$from.txt" || fail "the update from $from changed results"

    # the later versions' features and further writes: as on a fresh install
    for s in "${steps[@]}"; do if ! version_le "$s" "$from"; then "data_$s" lq_updated; fi; done
    more_writes lq_updated
    describe lq_updated >"$out/updated-from-$from.txt"
    diff -u "$out/fresh.txt" "$out/updated-from-$from.txt" || fail "updated from $from, the extension differs"
    results_until lq_updated "$current" >"$out/updated-results-$from.txt"
    diff -u "$out/fresh-results.txt" "$out/updated-results-$from.txt" || fail "updated from $from, the results differ"
    schema_dump lq_updated >"$out/updated-schema-$from.sql"
    diff -u "$out/fresh-schema.sql" "$out/updated-schema-$from.sql" || fail "updated from $from, pg_dump differs"
    echo "from $from to $current: $(wc -l <"$out/before-$from.txt") lines of results the same after the update" \
         "and after restoring a dump of $from;" \
         "the same $(wc -l <"$out/fresh.txt") catalog entries, $(wc -l <"$out/fresh-results.txt") lines of results" \
         "and schema dump as a fresh install; the same $(wc -l <"$out/fresh-learned.txt") lines of learn()," \
         "choose_thresholds() and the reports right after the update and after the restore"
    tested=$((tested + 1))
done
echo "update paths:"; cat "$out/update-paths.txt"
# every version the repository has scripts for, before the current one, was tested
for v in $(ls lead_qual--*.sql | sed -n 's/.*lead_qual--\([0-9.]*\)\(--[0-9.]*\)\?\.sql$/\1/p' | sort -uV); do
    [ "$v" = "$current" ] || echo "$froms" | grep -qx "$v" || fail "version $v has no update path to $current"
done
[ "$tested" -ge 2 ] || fail "only $tested earlier versions tested"
