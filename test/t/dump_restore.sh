#!/usr/bin/env bash
# pg_dump and restore of a database that uses every lead_qual type and
# registry: user models and user engagement rules next to the built-in
# ones; columns of models, qualifications, explanations, engagement rules,
# touch, engagement and auc states, readiness and next steps (and arrays of
# them, and a composite type and a domain of the user's over them); views
# and a materialized view over the aggregates; auto-scored tables (the row
# as evidence, and a jsonb evidence column with an as_of column, also on a
# partitioned table) with their history; a generated column, an expression
# index and a hash index that use lead_qual; user aggregates over
# lead_qual's state functions; views for BI tools; models learned by learn()
# from won and lost leads (in a table, in the registry, in a view's scores),
# with the fit and histogram states of its passes.
#
# Restored four ways: the custom format with pg_restore into an empty
# database, the same with two parallel jobs, the same into a database that
# has lead_qual installed already, and the plain format replayed with psql.
# Every restored database must answer the same queries with byte-identical
# output (the built-in models and rules exactly once), and go on (triggers,
# history, registries, refreshing the materialized view) exactly as the
# source does.
#
# With LQ_SOURCE_HOST set, the source database is made on that server and
# restored into the one in PGHOST: test/cross-version uses this to restore
# a dump of an older PostgreSQL into a newer one, as a user who upgrades
# the server does (pg_dump of the newer version reads the older server).
# LQ_DUMP_FILTER, a sed script, edits the dump's SQL on the way (for what
# one server version writes and another does not read): every restore then
# replays SQL with psql, pg_restore writing it for the custom format (with
# one job: the parallel restore is then a serial one).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/out/dump_restore
rm -rf "$out"
mkdir -p "$out"
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
# the server of a database: lq_src's may be another one
host_of() { if [ "$1" = lq_src ]; then echo "${LQ_SOURCE_HOST:-$PGHOST}"; else echo "$PGHOST"; fi; }
restored=(lq_custom lq_parallel lq_preinstalled lq_plain)
dbs=(lq_src "${restored[@]}" lq_owned lq_owned_restored)
owner=lq_dump_owner
cleanup() {
    for db in "${dbs[@]}"; do PGHOST=$(host_of "$db") dropdb --if-exists "$db" >/dev/null 2>&1 || true; done
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

cleanup
PGHOST=$(host_of lq_src) createdb lq_src
PGHOST=$(host_of lq_src) psql_q -d lq_src <<'SQL'
CREATE EXTENSION lead_qual;
SET TimeZone = 'UTC';
SELECT lead_qual.define_model('acme', $${
  "label": "Acme BANT", "min_met": 3, "pass_score": 50,
  "description": {"en": "Our own BANT for hardware, priced in €", "nl": "Onze eigen BANT, prijzen in €"},
  "criteria": [
    {"key": "budget", "weight": 2, "rule": {"type": "at_least", "value": 10000}},
    {"key": "authority", "rule": {"type": "one_of", "values": ["owner", "cfo"]}},
    {"key": "need", "rule": {"type": "scale", "grades": {"low": 2, "high": 9}}},
    {"key": "timeframe", "rule": {"type": "within_days", "days": 90},
     "questions": {"en": "When do you buy?", "nl": "Wanneer koopt u?", "es": "¿Cuándo compra?"}}]}$$);
SELECT lead_qual.define_model('fit', '{"criteria": [{"key": "need", "rule": {"type": "one_of", "values": ["high"]}}]}');

-- User engagement rules next to the built-in "digital".
SELECT lead_qual.define_engagement_rules('web', $${
  "description": "Visits and demos on our site",
  "half_life_days": 14, "cap": 60, "floor": -40,
  "kinds": {"visit": {"points": 2, "cap": 12}, "demo": {"points": 30, "cap": 30},
            "reply": 9, "unsubscribe": {"points": -25, "half_life_days": null}}}$$);
SELECT lead_qual.define_engagement_rules('strict', '{"unknown_kinds": "error", "kinds": {"call": 5}}');

CREATE TABLE leads (
    id int PRIMARY KEY,
    budget numeric, authority text, need text, timeframe date,
    chosen lead_qual.model,
    stored lead_qual.qualification
);
INSERT INTO leads (id, budget, authority, need, timeframe, chosen) VALUES
    (1, 25000, 'cfo', 'high', '2026-02-01', 'acme'),
    (2, 500, 'intern', 'low', NULL, 'fit'),
    (3, NULL, NULL, NULL, NULL, 'bant');
UPDATE leads l SET stored = lead_qual.qualify('acme', l, '2026-01-01 00:00+00');
CREATE VIEW lead_status AS
    SELECT id, (lead_qual.qualify('acme', l, '2026-01-01 00:00+00')).*
      FROM leads l;

-- An auto-scored table with its history, and views for BI tools.
CREATE TABLE scored (id int PRIMARY KEY, budget int, authority int, need int, timeframe int,
                     q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON scored
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT lead_qual.enable_history('scored');
INSERT INTO scored (id, budget, need) SELECT i, i % 11, (i * 7) % 11 FROM generate_series(1, 50) i;
UPDATE scored SET authority = 8, timeframe = id % 11 WHERE id % 3 = 0;
SELECT lead_qual.create_view('scored', 'bant', 'scored_live');
SELECT lead_qual.create_stored_view('scored', 'q', 'scored_bi', column_prefix => 'lq_');

-- A jsonb evidence column and an as_of column, in a schema of its own; a
-- generated column and an expression index that use a model value, a hash
-- index on a model column.
CREATE SCHEMA crm;
CREATE TABLE crm.leads (
    id int PRIMARY KEY,
    evidence jsonb,
    seen_at timestamptz,
    picked lead_qual.model DEFAULT lead_qual.model('fit'),
    q lead_qual.qualification,
    acme_score double precision
        GENERATED ALWAYS AS (lead_qual.score('acme'::lead_qual.model, evidence, seen_at)) STORED,
    CHECK (lead_qual.model_name(picked) <> 'forbidden')
);
CREATE INDEX leads_fit_score ON crm.leads (lead_qual.score('fit'::lead_qual.model, evidence, seen_at));
CREATE INDEX leads_picked ON crm.leads USING hash (picked);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON crm.leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('acme', 'q', 'evidence', 'seen_at');
SELECT lead_qual.enable_history('crm.leads');
INSERT INTO crm.leads (id, evidence, seen_at) VALUES
    (1, '{"budget": 25000, "authority": "cfo", "need": "high", "timeframe": "2026-02-01"}', '2026-01-05'),
    (2, '{"budget": 900, "authority": "intern", "need": "low"}', '2026-01-05'),
    (3, '{"budget": 12000, "need": "high", "timeframe": "2026-09-30"}', '2026-01-05'),
    (4, '{}', NULL),
    (5, NULL, '2026-01-05'),
    (6, '{"budget": 15000, "authority": "owner", "note": "Zürich, 東京"}', '2026-01-05');
UPDATE crm.leads SET seen_at = '2026-07-15' WHERE id = 3;
UPDATE crm.leads SET evidence = evidence || '{"authority": "owner"}', picked = 'bant' WHERE id = 2;
SELECT lead_qual.create_view('crm.leads', 'acme', 'leads_live', evidence_column => 'evidence',
                             as_of_column => 'seen_at', column_prefix => 'live_');
SELECT lead_qual.create_stored_view('crm.leads', 'q', 'leads_bi', column_prefix => 'bi_');

-- A partitioned table with the trigger and history; one partition has its
-- columns in another order.
CREATE TABLE crm.deals (id int, region text, budget int, authority int, need int, timeframe int,
                        q lead_qual.qualification, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE crm.deals_eu PARTITION OF crm.deals FOR VALUES IN ('eu');
CREATE TABLE crm.deals_us (q lead_qual.qualification, timeframe int, need int, authority int,
                           budget int, region text NOT NULL, id int NOT NULL);
ALTER TABLE crm.deals ATTACH PARTITION crm.deals_us FOR VALUES IN ('us');
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON crm.deals
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT lead_qual.enable_history('crm.deals', 'id');
INSERT INTO crm.deals (id, region, budget, authority, need)
    SELECT i, CASE WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END, i % 11, (i * 3) % 11, (i * 5) % 11
      FROM generate_series(1, 12) i;
UPDATE crm.deals SET timeframe = 9 WHERE id % 4 = 0;

-- Touches and events, the aggregates over them in views and a
-- materialized view.
-- User aggregates over lead_qual's state functions, returning the states.
CREATE AGGREGATE fold_state(jsonb, timestamptz) (
    SFUNC = lead_qual.fold_evidence_step, STYPE = lead_qual.touch_state,
    COMBINEFUNC = lead_qual.touch_state_combine, PARALLEL = SAFE);
CREATE AGGREGATE qualify_state(text, jsonb, timestamptz, timestamptz) (
    SFUNC = lead_qual.qualify_touches_step, STYPE = lead_qual.touch_state);
CREATE AGGREGATE qualify_state_latest(lead_qual.model, jsonb, timestamptz) (
    SFUNC = lead_qual.qualify_touches_step, STYPE = lead_qual.touch_state);
CREATE AGGREGATE engagement_state_of(text, text, timestamptz, timestamptz) (
    SFUNC = lead_qual.engagement_step, STYPE = lead_qual.engagement_state,
    COMBINEFUNC = lead_qual.engagement_combine);
CREATE AGGREGATE auc_state_of(double precision, boolean) (
    SFUNC = lead_qual.auc_step, STYPE = lead_qual.auc_state,
    INITCOND = '{"version": 1, "shift": 0, "bins": []}',
    COMBINEFUNC = lead_qual.auc_combine, PARALLEL = SAFE);

CREATE TABLE touches (id int PRIMARY KEY, lead_id int, touched_at timestamptz, evidence jsonb);
INSERT INTO touches VALUES
    (1, 1, '2025-11-03 10:00', '{"need": "low"}'),
    (2, 1, '2025-11-20 15:30', '{"budget": 5000, "authority": "cfo"}'),
    (3, 1, '2025-12-08 09:15', '{"timeframe": "2026-02-15", "need": "high"}'),
    (4, 1, '2025-12-19 11:00', '{"budget": 18000, "authority": null}'),
    (5, 2, '2025-12-01 14:00', '{"budget": 8, "source": "fair"}'),
    (6, 2, NULL, '{"budget": 1, "need": null}'),
    (7, 3, '2025-12-15 16:45', '{"need": "low", "tags": ["a", {"b": [1.50, null]}]}'),
    (8, 3, '2026-01-10 08:00', NULL),
    (9, 6, '2025-10-01 12:00', '{"budget": 1e3, "authority": "owner", "city": "Zürich"}');
CREATE TABLE events (id int PRIMARY KEY, lead_id int, kind text, occurred_at timestamptz);
INSERT INTO events VALUES
    (1, 1, 'demo', '2025-12-29'), (2, 1, 'visit', '2025-12-28'), (3, 1, 'reply', '2026-01-02'),
    (4, 1, 'visit', '2026-01-03'), (5, 2, 'visit', '2025-12-10'), (6, 2, 'unsubscribe', '2025-12-11'),
    (7, 3, 'visit', '2025-09-01'), (8, 3, 'demo_request', '2025-10-01'), (9, 3, 'visit', '2026-02-01'),
    (10, 6, 'demo', '2026-01-04'), (11, 6, 'reply', '2026-01-04'), (12, 6, 'web_visit', '2026-01-04');

CREATE VIEW touch_summary AS
    SELECT lead_id, count(*) AS touches,
           lead_qual.fold_evidence(evidence, touched_at) AS latest,
           lead_qual.qualify_touches('acme', evidence, touched_at, '2026-01-05') AS acme,
           lead_qual.qualify_touches('acme'::lead_qual.model, evidence, touched_at) AS acme_by_value
      FROM touches GROUP BY lead_id;
CREATE VIEW engagement_by_lead AS
    SELECT lead_id,
           lead_qual.engagement('web', kind, occurred_at, '2026-01-05') AS web,
           lead_qual.engagement('digital', kind, occurred_at, '2026-01-05') AS digital,
           lead_qual.engagement('web'::lead_qual.engagement_rules, kind, occurred_at, '2026-01-05') AS web_by_value
      FROM events GROUP BY lead_id;
CREATE VIEW engagement_running AS
    SELECT id, lead_id, kind,
           lead_qual.engagement('web', kind, occurred_at, '2026-01-05')
               OVER (PARTITION BY lead_id ORDER BY occurred_at, id) AS so_far,
           lead_qual.engagement('web', kind, occurred_at, '2026-01-05')
               OVER (PARTITION BY lead_id ORDER BY occurred_at, id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS last_two,
           lead_qual.fold_evidence(jsonb_build_object(kind, id), occurred_at)
               OVER (PARTITION BY lead_id ORDER BY occurred_at, id) AS kinds_so_far
      FROM events;
-- How well BANT's scores told the leads that were won (here: every third)
-- from the others, overall, per need, and as they came in.
CREATE VIEW bant_auc AS
    SELECT lead_qual.auc((q).score, id % 3 = 0) AS auc,
           lead_qual.auc((q).score, id % 3 = 0) FILTER (WHERE budget > 5) AS high_budget,
           auc_state_of((q).score, id % 3 = 0) AS state
      FROM scored;
CREATE VIEW bant_auc_running AS
    SELECT id, need, lead_qual.auc((q).score, id % 3 = 0) OVER (ORDER BY id) AS so_far,
           lead_qual.auc((q).score, id % 3 = 0) OVER (PARTITION BY need % 2 ORDER BY id
                                                     ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS last_ten
      FROM scored;
CREATE MATERIALIZED VIEW lead_readiness AS
    SELECT c.id, e.web AS engagement, t.acme,
           lead_qual.readiness(lead_qual.qualify('fit', c.evidence, '2026-01-05'), e.web, t.acme,
                               '{"mql": {"engagement": 20}}') AS readiness,
           lead_qual.next_action('acme', c.evidence, '2026-01-05', 'es') AS next,
           lead_qual.qualify_touches(c.picked, t2.evidence, t2.touched_at, '2026-01-05') AS picked_touches
      FROM crm.leads c
      LEFT JOIN engagement_by_lead e ON e.lead_id = c.id
      LEFT JOIN touch_summary t ON t.lead_id = c.id
      LEFT JOIN touches t2 ON t2.lead_id = c.id
     GROUP BY c.id, e.web, t.acme, c.evidence
    WITH DATA;
CREATE UNIQUE INDEX lead_readiness_id ON lead_readiness (id);

-- A composite type and a domain of the user's over lead_qual's types.
CREATE TYPE lead_pack AS (m lead_qual.model, rules lead_qual.engagement_rules, fold lead_qual.touch_state,
                          q lead_qual.qualification[]);
CREATE DOMAIN named_model AS lead_qual.model CHECK (lead_qual.model_name(VALUE) <> 'forbidden');
CREATE TABLE packs (id int PRIMARY KEY, pack lead_pack, packs lead_pack[], chosen named_model);
INSERT INTO packs
SELECT lead_id, ROW(lead_qual.model('acme'), 'web', fold_state(evidence, touched_at),
                    ARRAY[lead_qual.qualify_touches('acme', evidence, touched_at, '2026-01-05')])::lead_pack,
       ARRAY[NULL, ROW('fit', NULL, NULL, '{}')::lead_pack],
       'fit'
  FROM touches GROUP BY lead_id;

-- One column of every lead_qual type, with values computed from the data
-- above, and a row of NULLs.
CREATE TABLE every_type (
    id int PRIMARY KEY,
    m lead_qual.model,
    q lead_qual.qualification,
    ex lead_qual.explanation,
    rules lead_qual.engagement_rules,
    fold lead_qual.touch_state,
    quals lead_qual.touch_state,
    latest lead_qual.touch_state,
    es lead_qual.engagement_state,
    auc lead_qual.auc_state,
    r lead_qual.readiness,
    ns lead_qual.next_step,
    ms lead_qual.model[],
    qs lead_qual.qualification[],
    ruless lead_qual.engagement_rules[],
    aucs lead_qual.auc_state[]
);
INSERT INTO every_type
SELECT c.id,
       CASE c.id % 3 WHEN 0 THEN 'acme' WHEN 1 THEN 'bant' ELSE 'fit' END::lead_qual.model,
       lead_qual.qualify('acme', c.evidence, '2026-01-05'),
       (SELECT x FROM lead_qual.explain('acme', c.evidence, '2026-01-05', 'nl') x
         ORDER BY x.known, x.ordinal LIMIT 1),
       CASE WHEN c.id % 2 = 0 THEN lead_qual.engagement_rules('web') ELSE 'digital'::lead_qual.engagement_rules END,
       (SELECT fold_state(evidence, touched_at) FROM touches t WHERE t.lead_id = c.id),
       (SELECT qualify_state('acme', evidence, touched_at, '2026-01-05') FROM touches t WHERE t.lead_id = c.id),
       (SELECT qualify_state_latest('acme', evidence, touched_at) FROM touches t WHERE t.lead_id = c.id),
       (SELECT engagement_state_of('web', kind, occurred_at, '2026-01-05') FROM events e WHERE e.lead_id = c.id),
       (SELECT auc_state_of((x.q).score, x.id % 3 = 0) FROM scored x WHERE x.id % 6 = c.id % 6),
       r.readiness, r.next,
       ARRAY['bant', NULL, 'acme']::lead_qual.model[],
       ARRAY[c.q, NULL, r.acme],
       ARRAY[lead_qual.engagement_rules('strict'), NULL, lead_qual.engagement_rules('digital')],
       ARRAY[(SELECT auc_state_of(x.budget, x.authority > 5) FROM scored x), NULL,
             '{"version": 1, "shift": 0, "bins": [["-Infinity", 1, 0], [0.5, 2, 3], ["Infinity", 0, 1]]}']
  FROM crm.leads c JOIN lead_readiness r USING (id);
INSERT INTO every_type (id) VALUES (100);

-- Models learned from won and lost leads: from columns, from a jsonb
-- column, from a template; stored in a table (with a fit state and a
-- score_histogram state of the same rows), one registered, their scores
-- and probabilities in a view.
CREATE TABLE won_lost AS
SELECT i AS id, CASE WHEN i % 13 = 0 THEN NULL ELSE (abs(hashint4(i)) % 100) < 20 + (i % 3) * 25 END AS won,
       (ARRAY['Referral', 'web', 'Évent', NULL])[1 + i % 4] AS channel,
       CASE WHEN i % 11 = 0 THEN NULL ELSE (abs(hashint4(i + 7)) % 1000) / 10.0 + (i % 3) * 40 END AS budget,
       CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 2 END AS newsletter,
       jsonb_strip_nulls(jsonb_build_object('budget', (abs(hashint4(i + 7)) % 1000) / 10.0 + (i % 3) * 40,
                                            'newsletter', CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 2 END)) AS ev
  FROM generate_series(1, 400) i;
CREATE TABLE learned_models (name text PRIMARY KEY, m lead_qual.model, fit lead_qual.fit_state, hist lead_qual.auc_state);
INSERT INTO learned_models VALUES
 ('columns', lead_qual.learn('won_lost', 'won', ARRAY['channel', 'budget', 'newsletter'], '{"as_of": "2026-01-01"}'),
  (SELECT lead_qual.learn_fit('{"version": 1, "criteria": [{"source": "budget", "kind": "bands", "cuts": [40, 80, 120]}]}',
                              '{0.5, 0, -1, -0.5, 0.5, 1}', w, w.won, 1) FROM won_lost w),
  (SELECT lead_qual.score_histogram(budget, won) FROM won_lost)),
 ('evidence', lead_qual.learn('won_lost', 'won', ARRAY['budget', 'newsletter'], '{"evidence": "ev", "name": "from_ev", "as_of": "2026-01-01"}'),
  NULL, NULL),
 ('template', lead_qual.learn('won_lost', 'won', '{"name": "ours", "label": "Ours, learned",
    "criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 80}, "questions": {"en": "What is your budget?", "nl": "Wat is uw budget?"}},
                 {"key": "newsletter", "knockout": true, "rule": "boolean"},
                 {"key": "channel", "rule": {"type": "scale", "grades": {"referral": 8, "web": 4}}}]}'::lead_qual.model,
    '{"goal": {"precision": 0.6}, "as_of": "2026-01-01"}'), NULL, NULL);
SELECT lead_qual.define_model('learned', lead_qual.model_to_jsonb(m) - 'name') FROM learned_models WHERE name = 'columns';
CREATE VIEW learned_scores AS
    SELECT w.id, l.name, lead_qual.score(l.m, CASE WHEN l.name = 'evidence' THEN to_jsonb(w.ev) ELSE to_jsonb(w) END, '2026-01-05') AS score,
           lead_qual.win_probability(l.m, CASE WHEN l.name = 'evidence' THEN to_jsonb(w.ev) ELSE to_jsonb(w) END, '2026-01-05') AS p_won,
           (lead_qual.qualify('learned', w, '2026-01-05')).status AS registered_status
      FROM won_lost w, learned_models l;
SQL

queries() {
    PGHOST=$(host_of "$1") psql_q -d "$1" <<'SQL'
SET TimeZone = 'UTC';
SELECT name, builtin, model::text FROM lead_qual.models ORDER BY name;
SELECT name, builtin, rules::text FROM lead_qual.engagement_rule_sets ORDER BY name;
SELECT 'models' AS registry, count(*) FILTER (WHERE builtin) AS builtins, count(*) AS total FROM lead_qual.models
UNION ALL
SELECT 'rules', count(*) FILTER (WHERE builtin), count(*) FROM lead_qual.engagement_rule_sets;
SELECT id, chosen::text, stored::text FROM leads ORDER BY id;
SELECT * FROM lead_status ORDER BY id;
SELECT id, lead_qual.qualify(chosen, to_jsonb(l), '2026-01-01 00:00+00') FROM leads l ORDER BY id;
SELECT lead_qual.model('acme') OPERATOR(lead_qual.=) (SELECT chosen FROM leads WHERE id = 1) AS same_model;
SELECT id, q FROM scored ORDER BY id;
SELECT id, table_name, lead_key, model, old_status, new_status, old_tier, new_tier, old_score, new_score,
       changed_criteria, changed_by, changed_at FROM lead_qual.history ORDER BY id;
SELECT * FROM scored_live ORDER BY id;
SELECT * FROM scored_bi ORDER BY id;
SELECT table_name, trigger_name, model, target_column, evidence_column, as_of_column, history
  FROM lead_qual.autoscore_triggers() ORDER BY table_name::text, trigger_name;
-- the jsonb evidence with as_of, its generated column and indexes
SELECT id, evidence, seen_at, picked::text, q, acme_score FROM crm.leads ORDER BY id;
SELECT 'stale', count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('acme', evidence, seen_at)
                                 OR acme_score IS DISTINCT FROM lead_qual.score('acme', evidence, seen_at))
  FROM crm.leads;
SET enable_seqscan = off;
SELECT id FROM crm.leads WHERE lead_qual.score('fit'::lead_qual.model, evidence, seen_at) >= 0 ORDER BY id;
SELECT id FROM crm.leads WHERE picked OPERATOR(lead_qual.=) 'bant'::lead_qual.model ORDER BY id;
RESET enable_seqscan;
SELECT * FROM crm.leads_live ORDER BY id;
SELECT * FROM crm.leads_bi ORDER BY id;
SELECT tableoid::regclass, id, region, q FROM crm.deals ORDER BY id;
-- views and the materialized view over the aggregates
SELECT * FROM touch_summary ORDER BY lead_id;
SELECT * FROM engagement_by_lead ORDER BY lead_id;
SELECT * FROM engagement_running ORDER BY lead_id, id;
SELECT * FROM lead_readiness ORDER BY id;
SELECT auc, high_budget, state::text, lead_qual.auc_final(state) = auc AS state_final FROM bant_auc;
SELECT * FROM bant_auc_running ORDER BY id;
SELECT id, pack, packs, chosen::text, lead_qual.fold_evidence_final((pack).fold),
       lead_qual.model_name((packs[2]).m) FROM packs ORDER BY id;
-- every type, as text and through its functions
SELECT id, m::text, q, ex, rules::text, fold::text, quals::text, latest::text, es::text, auc::text, r, ns,
       ms::text, qs, ruless::text, aucs::text
  FROM every_type ORDER BY id;
SELECT id, lead_qual.fold_evidence_final(fold), lead_qual.qualify_touches_final(quals),
       lead_qual.qualify_touches_final(latest), lead_qual.engagement_final(es), lead_qual.auc_final(auc),
       (SELECT array_agg(lead_qual.auc_final(a)) FROM unnest(aucs) a),
       lead_qual.model_name(m), lead_qual.engagement_rules_name(rules),
       (SELECT string_agg(k.kind || ':' || k.points, ',') FROM lead_qual.engagement_kinds(rules) k)
  FROM every_type ORDER BY id;
-- the learned models, their states and their scores
SELECT name, lead_qual.model_to_jsonb(m)::text, m::text, fit::text, hist::text, lead_qual.auc_final(hist)
  FROM learned_models ORDER BY name;
SELECT name, count(*), sum(score), sum(p_won), count(*) FILTER (WHERE registered_status = 'qualified')
  FROM learned_scores GROUP BY name ORDER BY name;
SELECT * FROM learned_scores WHERE id % 37 = 0 ORDER BY id, name;
SELECT 'same learned', count(*) FILTER (WHERE lead_qual.model('learned') OPERATOR(lead_qual.=)
                                              lead_qual.model(lead_qual.model_to_jsonb(m) - 'name' || '{"name": "learned"}'))
  FROM learned_models WHERE name = 'columns';
-- the stored values equal the values computed again now
SELECT count(*) AS rows, count(fold) AS with_touches, count(es) AS with_events,
       count(*) FILTER (WHERE fold::text IS NOT DISTINCT FROM
                              (SELECT fold_state(evidence, touched_at) FROM touches t WHERE t.lead_id = e.id)::text) AS same_fold,
       count(*) FILTER (WHERE lead_qual.qualify_touches_final(quals) IS NOT DISTINCT FROM
                              (SELECT lead_qual.qualify_touches('acme', evidence, touched_at, '2026-01-05')
                                 FROM touches t WHERE t.lead_id = e.id)) AS same_qualify,
       count(*) FILTER (WHERE lead_qual.engagement_final(es) IS NOT DISTINCT FROM
                              (SELECT lead_qual.engagement('web', kind, occurred_at, '2026-01-05')
                                 FROM events v WHERE v.lead_id = e.id)) AS same_engagement,
       count(*) FILTER (WHERE auc::text = (SELECT auc_state_of((x.q).score, x.id % 3 = 0)
                                             FROM scored x WHERE x.id % 6 = e.id % 6)::text) AS same_auc,
       count(*) FILTER (WHERE m OPERATOR(lead_qual.=) lead_qual.model(lead_qual.model_name(m))) AS same_model,
       count(*) FILTER (WHERE rules OPERATOR(lead_qual.=) lead_qual.engagement_rules(lead_qual.engagement_rules_name(rules))) AS same_rules,
       count(*) FILTER (WHERE (r, ns) = (SELECT x.readiness, x.next FROM lead_readiness x WHERE x.id = e.id)) AS same_readiness
  FROM every_type e WHERE id < 100;
SQL
}

# After a restore, the triggers, the history, the registries and the
# materialized view go on where they were.
more_writes() {
    PGHOST=$(host_of "$1") psql_q -d "$1" -A -t <<'SQL'
SET TimeZone = 'UTC';
UPDATE scored SET need = 10 WHERE id <= 5;
INSERT INTO scored (id, budget, authority, need, timeframe) VALUES (51, 9, 9, 9, 9);
INSERT INTO crm.leads (id, evidence, seen_at) VALUES
    (7, '{"budget": 50000, "authority": "owner", "need": "high", "timeframe": "2026-03-01"}', '2026-01-06');
UPDATE crm.leads SET seen_at = '2026-04-01' WHERE id = 1;
UPDATE crm.leads SET evidence = evidence || '{"need": "high"}' WHERE id = 2;
INSERT INTO crm.deals (id, region, budget, authority, need, timeframe) VALUES (13, 'us', 9, 9, 9, 9), (14, 'eu', 1, 1, 1, 1);
UPDATE crm.deals SET need = 10 WHERE id IN (1, 2);
INSERT INTO touches VALUES (10, 7, '2026-01-02', '{"budget": 60000, "authority": "cfo"}');
INSERT INTO events VALUES (13, 7, 'demo', '2026-01-03'), (14, 2, 'reply', '2026-01-04');
SELECT lead_qual.define_engagement_rules('web', '{"half_life_days": 7, "kinds": {"visit": 3, "demo": 40, "reply": 5}}') IS NOT NULL;
SELECT lead_qual.define_model('late', '{"criteria": [{"key": "budget"}]}') IS NOT NULL;
REFRESH MATERIALIZED VIEW CONCURRENTLY lead_readiness;
-- learning again from the restored rows gives the same model
SELECT lead_qual.learn('won_lost', 'won', ARRAY['channel', 'budget', 'newsletter'], '{"as_of": "2026-01-01"}')::text
       = (SELECT m::text FROM learned_models WHERE name = 'columns') AS learned_again;
SELECT lead_qual.learn('won_lost', 'won', ARRAY['budget', 'channel'], '{"as_of": "2026-01-01", "bands": 4}')::text;
SELECT id, table_name, lead_key, old_status, new_status, old_score, new_score, changed_criteria
  FROM lead_qual.history WHERE id > (SELECT max(id) - 12 FROM lead_qual.history) ORDER BY id;
SELECT * FROM lead_readiness ORDER BY id;
SELECT * FROM engagement_by_lead ORDER BY lead_id;
SELECT name, builtin FROM lead_qual.models UNION ALL SELECT name, builtin FROM lead_qual.engagement_rule_sets ORDER BY 1;
SELECT 'stale', (SELECT count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('bant', s)) FROM scored s)
              + (SELECT count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('acme', evidence, seen_at)) FROM crm.leads)
              + (SELECT count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('bant', d)) FROM crm.deals d);
SQL
}
# custom format, restored with pg_restore: into an empty database, with
# two parallel jobs, and into a database that has lead_qual installed
# already (as when it is installed in template1)
PGHOST=$(host_of lq_src) pg_dump -Fc -f "$out/dump.custom" lq_src
restore() {  # database, pg_restore options
    local db=$1; shift
    if [ -n "${LQ_DUMP_FILTER:-}" ]; then
        pg_restore -f - "$out/dump.custom" | sed -e "$LQ_DUMP_FILTER" |
            psql_q -d "$db" >/dev/null 2>"$out/$db.err" || { cat "$out/$db.err"; fail "restoring into $db"; }
    else
        pg_restore --exit-on-error "$@" -d "$db" "$out/dump.custom" 2>"$out/$db.err" ||
            { cat "$out/$db.err"; fail "pg_restore into $db"; }
    fi
}
createdb lq_custom
restore lq_custom
createdb lq_parallel
restore lq_parallel -j 2
# lead_qual installed already: CREATE EXTENSION makes the schema lead_qual,
# which is not part of the extension, so the dump creates it too and
# pg_restore reports that it exists; that must be the only error.
createdb lq_preinstalled
psql_q -d lq_preinstalled -c "CREATE EXTENSION lead_qual"
if [ -n "${LQ_DUMP_FILTER:-}" ]; then
    # replayed by psql, which goes on after the error and says nothing more
    pg_restore -f - "$out/dump.custom" | sed -e "$LQ_DUMP_FILTER" |
        psql -X -q -d lq_preinstalled >/dev/null 2>"$out/lq_preinstalled.log" || true
    [ "$(grep -c 'ERROR:' "$out/lq_preinstalled.log")" -eq 1 ] &&
        grep -q 'ERROR:  schema "lead_qual" already exists' "$out/lq_preinstalled.log" ||
        { cat "$out/lq_preinstalled.log"; fail "restoring into lq_preinstalled"; }
elif pg_restore -d lq_preinstalled "$out/dump.custom" 2>"$out/lq_preinstalled.log"; then
    : # no error at all
elif [ "$(grep -c 'ERROR:' "$out/lq_preinstalled.log")" -ne 1 ] ||
     ! grep -q 'ERROR:  schema "lead_qual" already exists' "$out/lq_preinstalled.log" ||
     ! grep -q 'errors ignored on restore: 1$' "$out/lq_preinstalled.log"; then
    cat "$out/lq_preinstalled.log"; fail "pg_restore into lq_preinstalled"
fi

# plain SQL, replayed with psql in a session with another time zone and
# date style (lead_qual's values and the restored results must not depend
# on them)
PGHOST=$(host_of lq_src) pg_dump -f "$out/dump.sql" lq_src
createdb lq_plain
sed -e "${LQ_DUMP_FILTER:-}" "$out/dump.sql" | PGOPTIONS="-c TimeZone=Pacific/Chatham -c DateStyle=SQL,DMY" \
    psql_q -d lq_plain >/dev/null 2>"$out/lq_plain.err" ||
    { cat "$out/lq_plain.err"; fail "plain restore"; }

queries lq_src >"$out/source.out"
for db in "${restored[@]}"; do
    [ ! -s "$out/$db.err" ] || { cat "$out/$db.err"; fail "restoring $db wrote messages"; }
    queries "$db" >"$out/$db.out"
    diff -u "$out/source.out" "$out/$db.out" || fail "$db answers differently"
done

# the restored databases go on as the source does
for db in lq_src "${restored[@]}"; do more_writes "$db" >"$out/$db-more.out"; done
for db in "${restored[@]}"; do
    diff -u "$out/lq_src-more.out" "$out/$db-more.out" || fail "$db goes on differently"
done

# The results are what they should be (not empty, not all NULL): the
# built-ins came back once, the user rows once, every stored value equals
# the value computed again, and nothing is stale after the writes.
expect() { grep -qE "$2" "$1" || fail "$1 lacks: $2"; }
expect "$out/source.out" '^ models +\| +7 \| +10$'
expect "$out/source.out" '^ rules +\| +1 \| +3$'
expect "$out/source.out" '^ +6 \| +4 \| +4 \| +6 \| +6 \| +6 \| +6 \| +6 \| +6 \| +6$'
expect "$out/source.out" '^ stale +\| +0$'
expect "$out/source.out" '\(acme,'
expect "$out/source.out" '"version": 1, "kind": "fold"'
expect "$out/source.out" '"version": 1, "kind": "qualify"'
expect "$out/source.out" '"sums": \[\{"capped_kind"'
expect "$out/source.out" '\\"bins\\": \[\[\\"-Infinity\\", 1, 0\]'
expect "$out/source.out" '^ 0\.[0-9]+ +\| +[0-9.]+ +\| \{"version": 1, "shift": 0, "bins": \[\[.*\| t$'
expect "$out/source.out" '\(sql,A'
expect "$out/source.out" 'hand_to_sales'
expect "$out/lq_src-more.out" '^stale\|0$'
expect "$out/lq_src-more.out" '^t$'
expect "$out/source.out" '^ same learned +\| +1$'
expect "$out/source.out" '^ columns +\| \{"name": "learned", .*"calibration": \{"intercept": '
expect "$out/source.out" '^ template +\| \{"name": "ours_learned", .*"questions": '
expect "$out/source.out" '^ columns +\| +400 +\| +[0-9.]+ +\| +[0-9.]+ +\| +[1-9]'
expect "$out/lq_src-more.out" '^late\|f$'
expect "$out/lq_src-more.out" '^[0-9]+\|crm\.leads\|7\|'
expect "$out/lq_src-more.out" '^[0-9]+\|crm\.deals\|13\|'

# A database whose owner is not a superuser (as on managed services), with
# lead_qual installed for it by a superuser, an auto-scored table and its
# history: the owner can dump it with --enable-row-security (the history's
# rows are behind row security, which pg_dump otherwise refuses to apply),
# and the restored database holds the same rows.
psql_q -d postgres -c "CREATE ROLE $owner LOGIN"
createdb -O "$owner" lq_owned
psql_q -d lq_owned -c "CREATE EXTENSION lead_qual"
psql_q -d lq_owned -U "$owner" >/dev/null <<'SQL'
CREATE TABLE leads (id int PRIMARY KEY, budget int, authority int, need int, timeframe int,
                    q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT lead_qual.enable_history('leads');
INSERT INTO leads (id, budget, need) SELECT i, i % 11, 7 FROM generate_series(1, 5) i;
UPDATE leads SET authority = 9 WHERE id < 3;
SQL
owned_queries() {
    psql_q -d "$1" -A -t -c "SELECT id, q FROM leads ORDER BY id" \
        -c "SELECT id, lead_key, old_status, new_status, old_score, new_score, changed_by, changed_at
              FROM lead_qual.history ORDER BY id"
}
if pg_dump -U "$owner" -Fc -f /dev/null lq_owned 2>"$out/owned-dump-rls.err" ||
   ! grep -q 'row-level security' "$out/owned-dump-rls.err"; then
    cat "$out/owned-dump-rls.err"
    fail "pg_dump by $owner without --enable-row-security did not stop at the history's row security"
fi
pg_dump -U "$owner" --enable-row-security -Fc -f "$out/owned.custom" lq_owned 2>"$out/owned-dump.err" ||
    { cat "$out/owned-dump.err"; fail "pg_dump by the database's owner $owner (not a superuser) failed"; }
createdb lq_owned_restored
pg_restore --exit-on-error -d lq_owned_restored "$out/owned.custom"
owned_queries lq_owned >"$out/owned.out"
owned_queries lq_owned_restored >"$out/owned-restored.out"
diff -u "$out/owned.out" "$out/owned-restored.out" || fail "the dump of $owner lost rows"
[ "$(wc -l <"$out/owned.out")" -eq 12 ] || fail "the owner's database has not the rows planned"

echo "dump and restore (${restored[*]}): same results in $(wc -l <"$out/source.out") lines of output," \
     "and the same $(wc -l <"$out/lq_src-more.out") lines after further writes"
