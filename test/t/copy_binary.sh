#!/usr/bin/env bash
# COPY round trips of every lead_qual type: the six base types
# (lead_qual.model, engagement_rules, touch_state, engagement_state,
# auc_state, fit_state), models learned by learn(), the
# composites (qualification, explanation, readiness, next_step), arrays of
# each and NULLs (whole values, array elements, composite fields).
#
#  * binary: COPY (SELECT ...) TO a file (FORMAT binary), by psql and by the
#    server, COPY into a fresh table FROM that file; every value equals its
#    original (with = where the type has it, else by text and by binary send
#    output), and the file copied out again is byte-identical;
#  * text: the same with the text format;
#  * across databases: the binary file read into a second database (UTF8)
#    and into a LATIN1 database (with the client encoding UTF8, so texts are
#    converted on the way in and back out) gives the same values, the same
#    results of lead_qual's functions over them, and byte-identical binary
#    output.
#
# With LQ_OTHER_HOST set, the second database is made on that server:
# test/cross-version uses this to read values written by one PostgreSQL
# version into another, both ways.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/out/copy_binary
rm -rf "$out"
mkdir -p "$out"
dbs=(lq_copy_a lq_copy_b lq_copy_latin1)
# the server of a database: lq_copy_b's may be another one
host_of() { if [ "$1" = lq_copy_b ]; then echo "${LQ_OTHER_HOST:-$PGHOST}"; else echo "$PGHOST"; fi; }
psql_q() {
    local db=$1
    shift
    PGHOST=$(host_of "$db") PGCLIENTENCODING=UTF8 psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}
srvdir=
cleanup() {
    for db in "${dbs[@]}"; do PGHOST=$(host_of "$db") dropdb --if-exists "$db" >/dev/null 2>&1 || true; done
    if [ -n "$srvdir" ]; then rm -rf "$srvdir"; fi
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

cleanup
srvdir=$(mktemp -d)
chmod 777 "$srvdir"   # where the server itself writes and reads a file
createdb lq_copy_a
PGHOST=$(host_of lq_copy_b) createdb lq_copy_b
createdb -T template0 -E LATIN1 --locale=C lq_copy_latin1

# The table every round trip uses; created the same in every database.
table_ddl() {
    cat <<SQL
CREATE TABLE $1 (
    id int PRIMARY KEY,
    latin1 boolean NOT NULL,         -- every text in the row has a LATIN1 form
    m lead_qual.model,
    rules lead_qual.engagement_rules,
    fold lead_qual.touch_state,
    es lead_qual.engagement_state,
    auc lead_qual.auc_state,
    fit lead_qual.fit_state,
    q lead_qual.qualification,
    ex lead_qual.explanation,
    r lead_qual.readiness,
    ns lead_qual.next_step,
    ms lead_qual.model[],
    ruless lead_qual.engagement_rules[],
    folds lead_qual.touch_state[],
    ess lead_qual.engagement_state[],
    aucs lead_qual.auc_state[],
    fits lead_qual.fit_state[],
    qs lead_qual.qualification[],
    exs lead_qual.explanation[],
    rs lead_qual.readiness[],
    nss lead_qual.next_step[]
);
SQL
}
for db in "${dbs[@]}"; do
    psql_q "$db" -c "CREATE EXTENSION lead_qual"
    table_ddl dst_binary | psql_q "$db"
done
table_ddl src | psql_q lq_copy_a
table_ddl dst_text | psql_q lq_copy_a

# The values: every registered model (the built-ins, a model using every
# field and rule type, a large one of 64 criteria with long texts), the
# built-in and user engagement rules, states of both aggregates of every
# kind (dated, undated, infinite and BC times, nested values, as_of and
# latest, no entries), engagement states (positive, negative, nothing
# counted), auc states (empty, infinities, extreme counts, and one of more
# than 65,536 distinct scores, coarsened), score_histogram states, models
# learned from won and lost leads (bands, unknown grades, calibration, a
# template's texts), fit states of learn_fit (one bin, 43 bins, no rows),
# and the composites computed from them.
psql_q lq_copy_a >/dev/null <<'SQL'
SET TimeZone = 'UTC';
SELECT lead_qual.define_model('everything', $${
  "label": "Every field", "description": {"nl": "Alles, één keer", "en": "All of it"},
  "min_met": 4, "pass_score": 55.5, "tiers": {"A": 90, "B": 60, "C": 30},
  "criteria": [
    {"key": "consent", "rule": "boolean", "knockout": true, "weight": 0.5},
    {"key": "need", "rule": {"type": "grade", "pass": 7}, "questions": "What do you need?"},
    {"key": "budget", "source": "budget_eur", "weight": 3, "rule": {"type": "at_least", "value": 10000}},
    {"key": "risk", "rule": {"type": "at_most", "value": 3.25}},
    {"key": "size", "source": "Employees", "rule": {"type": "between", "min": 10, "max": 500}},
    {"key": "role", "rule": {"type": "one_of", "values": ["owner", "CFO", "purchasing", "gérant"]}},
    {"key": "interest", "rule": {"type": "scale", "grades": {"low": 2, "medium": 6, "high": 9.5}, "pass": 5, "default": null}},
    {"key": "timeframe", "rule": {"type": "within_days", "days": 90}},
    {"key": "contact", "rule": {"type": "within_days", "days": 30, "direction": "behind"}},
    {"key": "event", "label": "Event \"nearby\", ¿sí?", "description": "An event within a week", "weight": 0,
     "rule": {"type": "within_days", "days": 7, "direction": "either"},
     "questions": {"es": ["¿Viene al evento?"], "en": ["Are you coming to the event?", "Shall we meet there?"]}}]}$$);
SELECT lead_qual.define_model('large', jsonb_build_object('label', 'Large', 'criteria',
    (SELECT jsonb_agg(jsonb_build_object(
                'key', 'c' || i, 'weight', i * 1000.5,
                'source', 'Source ' || i || ' ' || repeat('x', 40),
                'description', jsonb_build_object('en', repeat('Description ' || i || '. ', 150),
                                                  'nl', repeat('Omschrijving ' || i || '. ', 150)),
                'questions', jsonb_build_object('en', jsonb_build_array('Question ' || i || '?', repeat('q', 3999) || '?')),
                'rule', CASE WHEN i % 2 = 0
                             THEN jsonb_build_object('type', 'one_of', 'values',
                                      (SELECT jsonb_agg('value ' || v) FROM generate_series(1, 256) v))
                             ELSE '"grade"'::jsonb END) ORDER BY i)
       FROM generate_series(1, 64) i)));
SELECT lead_qual.define_model('tokyo', '{"label": "東京 office €", "criteria": [{"key": "need", "questions": "何が必要ですか?"}]}');
SELECT lead_qual.define_engagement_rules('web', $${
  "description": "Visits and demos on our site, with a «floor»",
  "half_life_days": 14.5, "cap": 60, "floor": -40,
  "kinds": {"visit": {"points": 2, "cap": 12}, "demo": {"points": 30, "cap": 30}, "réponse": 9,
            "unsubscribe": {"points": -25, "half_life_days": null}, "nothing": 0}}$$);
SELECT lead_qual.define_engagement_rules('tokyo', '{"unknown_kinds": "error", "kinds": {"訪問": 1.25}}');

-- States made by the aggregates' own step functions.
CREATE AGGREGATE fold_state(jsonb, timestamptz) (
    SFUNC = lead_qual.fold_evidence_step, STYPE = lead_qual.touch_state);
CREATE AGGREGATE qualify_state(lead_qual.model, jsonb, timestamptz) (
    SFUNC = lead_qual.qualify_touches_step, STYPE = lead_qual.touch_state);
CREATE AGGREGATE qualify_state(lead_qual.model, jsonb, timestamptz, timestamptz) (
    SFUNC = lead_qual.qualify_touches_step, STYPE = lead_qual.touch_state);
CREATE AGGREGATE engagement_state_of(lead_qual.engagement_rules, text, timestamptz, timestamptz) (
    SFUNC = lead_qual.engagement_step, STYPE = lead_qual.engagement_state);
CREATE AGGREGATE auc_state_of(double precision, boolean) (
    SFUNC = lead_qual.auc_step, STYPE = lead_qual.auc_state,
    INITCOND = '{"version": 1, "shift": 0, "bins": []}');

CREATE TABLE touches (lead int, at timestamptz, e jsonb);
INSERT INTO touches VALUES
 (1, '2026-01-05 09:00:00.123456', '{"need": 7, "note": "first \"call\"\n", "consent": true}'),
 (1, '2026-01-09 14:30', '{"budget_eur": 12000.50, "tags": ["a", {"b": [1.50, null, 1e-7]}]}'),
 (1, NULL, '{"budget_eur": 1, "role": "owner", "risk": 2}'),
 (2, '-infinity', '{"need": 3}'),
 (2, 'infinity', '{"need": 9, "Employees": 120}'),
 (2, '0044-03-15 12:00 BC', '{"interest": "high", "big": 123456789012345678901234567890.123456789}'),
 (3, '2026-02-01', '{"role": "gérant", "contact": "2026-01-20", "timeframe": "2026-03-01", "event": "2026-02-03"}'),
 (3, '2026-02-02', NULL),
 (4, '2026-01-01', '{"need": 8, "city": "東京", "price": "€ 10"}');
CREATE TABLE events (lead int, kind text, at timestamptz);
INSERT INTO events VALUES
 (1, 'visit', '2026-01-01'), (1, 'visit', '2026-01-02 10:00:00.5'), (1, 'demo', '2026-01-03'),
 (1, 'réponse', '2025-12-01'), (2, 'unsubscribe', '2025-06-01'), (2, 'visit', '-infinity'),
 (3, 'other', '2026-01-01'), (3, 'visit', '2026-12-31'), (3, NULL, '2026-01-01'),
 (4, 'visit', '2026-01-04');

-- Every registered model with a qualification and its explanation; the
-- model arrays hold NULL elements and, in one row, two dimensions.
INSERT INTO src (id, latin1, m, rules, q, ex, ms, qs, exs)
SELECT row_number() OVER (ORDER BY name), name <> 'tokyo', model,
       CASE WHEN name < 'f' THEN 'digital'::lead_qual.engagement_rules
            WHEN name <> 'tokyo' THEN lead_qual.engagement_rules('web') END,
       lead_qual.qualify(model, ev, '2026-01-05'),
       (SELECT x FROM lead_qual.explain(model, ev, '2026-01-05', 'nl') x ORDER BY x.ordinal DESC LIMIT 1),
       CASE WHEN name = 'bant' THEN ARRAY[[model, NULL], [lead_qual.model('anum'), model]]
            ELSE ARRAY[model, NULL, lead_qual.model('gpct')] END,
       ARRAY[lead_qual.qualify(model, ev, '2026-01-05'), NULL, lead_qual.qualify(model, '{}'::jsonb, '2026-01-05')],
       ARRAY(SELECT x FROM lead_qual.explain(model, ev, '2026-01-05', 'es') x ORDER BY x.ordinal)
  FROM lead_qual.models,
       LATERAL (SELECT coalesce(jsonb_object_agg(c.source,
                    CASE c.rule_type WHEN 'grade' THEN to_jsonb(c.ordinal % 11)
                                     WHEN 'boolean' THEN 'true'::jsonb
                                     WHEN 'one_of' THEN '"value 3"'::jsonb
                                     WHEN 'scale' THEN '"medium"'::jsonb
                                     WHEN 'within_days' THEN '"2026-02-01"'::jsonb
                                     ELSE to_jsonb(c.ordinal * 700) END), '{}') AS ev
                  FROM lead_qual.criteria(model) c WHERE c.ordinal % 3 <> 0) e;

-- Touch and engagement states, readiness and next steps, per lead.
INSERT INTO src (id, latin1, fold, es, r, ns, folds, ess, rs, nss, rules, ruless)
SELECT 100 + t.lead, t.lead <> 4,
       (SELECT fold_state(e, at) FROM touches x WHERE x.lead = t.lead),
       (SELECT engagement_state_of('web', kind, at, '2026-01-05') FROM events v WHERE v.lead = t.lead),
       lead_qual.readiness(lead_qual.qualify('everything', f, '2026-01-05'),
                           (SELECT lead_qual.engagement('web', kind, at, '2026-01-05') FROM events v WHERE v.lead = t.lead),
                           lead_qual.qualify('bant', '{"budget": 9, "authority": 9, "need": 9}'::jsonb, '2026-01-05'),
                           '{"bands": [40, 20, -5.5]}'),
       lead_qual.next_action('everything', f, '2026-01-05', 'es', '{"drop_days": 30}'),
       ARRAY[(SELECT fold_state(e, at) FROM touches x WHERE x.lead = t.lead),
             (SELECT qualify_state('everything', e, at) FROM touches x WHERE x.lead = t.lead),
             (SELECT qualify_state('everything', e, at, '2026-01-05') FROM touches x WHERE x.lead = t.lead),
             (SELECT qualify_state('everything', e, at, NULL) FROM touches x WHERE x.lead = t.lead),
             NULL,
             (SELECT fold_state(e, at) FROM touches x WHERE false)],
       ARRAY[(SELECT engagement_state_of('digital', kind, at, '2026-01-05') FROM events v WHERE v.lead = t.lead),
             NULL,
             (SELECT engagement_state_of('web', kind, at, '2025-01-01') FROM events v WHERE v.lead = t.lead)],
       ARRAY[lead_qual.readiness(NULL, NULL, NULL), NULL,
             lead_qual.readiness(lead_qual.qualify('bant', '{"budget": 9, "authority": 9, "need": 9, "timeframe": 9}'::jsonb, '2026-01-05'),
                                 'infinity', NULL)],
       ARRAY[lead_qual.next_action('bant', '{"budget": 1, "authority": 1, "need": 1}'::jsonb, '2026-01-05'),
             NULL,
             lead_qual.next_action('bant', '{}'::jsonb, 'infinity')],
       CASE WHEN t.lead = 4 THEN lead_qual.engagement_rules('tokyo') END,
       ARRAY[lead_qual.engagement_rules('digital'), NULL,
             CASE WHEN t.lead = 4 THEN lead_qual.engagement_rules('tokyo') ELSE lead_qual.engagement_rules('web') END]
  FROM (SELECT DISTINCT lead FROM touches) t,
       LATERAL (SELECT lead_qual.fold_evidence(e, at) AS f FROM touches x WHERE x.lead = t.lead) f;

-- auc states: of each lead's touches (scored with a model), of extremes,
-- and of 100,000 distinct scores (coarsened), with arrays of them.
UPDATE src SET auc = (SELECT auc_state_of(lead_qual.score('everything', e, '2026-01-05'), at IS NOT NULL)
                        FROM touches x WHERE x.lead = src.id - 100),
               aucs = ARRAY[(SELECT auc_state_of(lead_qual.score('everything', e, '2026-01-01'), x.lead % 2 = 0) FROM touches x),
                            NULL, '{"version": 1, "shift": 0, "bins": []}']
 WHERE id BETWEEN 101 AND 104;
INSERT INTO src (id, latin1, auc, aucs) VALUES
 (150, true, '{"version": 1, "shift": 0, "bins": [["-Infinity", 1, 0], [-1.7976931348623157e+308, 0, 2], [-5e-324, 3, 0], [0, 1, 1], [5e-324, 0, 9223372036854775804], [1e+300, 9223372036854775801, 0], ["Infinity", 1, 0]]}',
  ARRAY['{"version": 1, "shift": 0, "bins": [[0.5, 1, 1]]}'::lead_qual.auc_state, '{"version": 1, "shift": 0, "bins": []}']),
 (151, true, (SELECT auc_state_of(i * 0.6180339887498949::float8 - floor(i * 0.6180339887498949::float8), i % 3 = 0)
                FROM generate_series(1, 100000) i), NULL);

-- Models learned from won and lost leads, and the states of learn()'s
-- passes: score_histogram of a number, learn_fit of specs of every kind.
CREATE TABLE won_lost AS
SELECT i AS id, CASE WHEN i % 13 = 0 THEN NULL ELSE (abs(hashint4(i)) % 100) < 20 + (i % 3) * 25 END AS won,
       (ARRAY['Référence', 'web', 'Event', NULL])[1 + i % 4] AS channel,
       CASE WHEN i % 11 = 0 THEN NULL ELSE (abs(hashint4(i + 7)) % 1000) / 10.0 + (i % 3) * 40 END AS budget,
       CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 2 END AS newsletter
  FROM generate_series(1, 400) i;
INSERT INTO src (id, latin1, m, ms, auc, aucs)
SELECT 300, true, lead_qual.learn('won_lost', 'won', ARRAY['channel', 'budget', 'newsletter'], '{"name": "learned", "as_of": "2026-01-01"}'),
       ARRAY[lead_qual.learn('won_lost', 'won', '{"name": "tmpl", "description": {"en": "Ours", "nl": "Het onze"},
               "criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 80}},
                            {"key": "fit", "source": "channel", "rule": {"type": "one_of", "values": ["web"]}, "questions": {"nl": "Waar kent u ons van?"}},
                            {"key": "newsletter", "knockout": true, "rule": "boolean"}]}'::lead_qual.model, '{"as_of": "2026-01-01", "goal": {"top": 0.25}}'),
             NULL, lead_qual.learn('won_lost', 'won', ARRAY['budget', 'channel'], '{"bands": 3, "regularization": 0.5, "as_of": "2026-01-01"}')],
       (SELECT lead_qual.score_histogram(budget, won) FROM won_lost),
       ARRAY[(SELECT lead_qual.score_histogram(id * 1e300, won) FROM won_lost), NULL,
             (SELECT lead_qual.score_histogram(budget, won) FROM won_lost WHERE false)];
UPDATE src SET fit = (SELECT lead_qual.learn_fit('{"version": 1, "criteria": [{"source": "budget", "kind": "bands", "cuts": [25, 50, 75]},
                                                   {"source": "channel", "kind": "values", "values": ["référence", "web"]}]}',
                                                 '{-0.2, 0, -1, -0.5, 0.5, 1, 0, -0.5, 0.3, 1}', w, w.won, 1) FROM won_lost w),
               fits = ARRAY[(SELECT lead_qual.learn_fit('{"version": 1, "criteria": [{"source": "newsletter", "kind": "boolean"}]}',
                                                        '{0.1, 0, 0.2, -0.3}', w, w.won, w.id / 400.0) FROM won_lost w),
                            NULL,
                            (SELECT lead_qual.learn_fit('{"version": 1, "criteria": [{"source": "budget", "kind": "bands", "cuts": [25]}]}',
                                                        '{0, 0, 0, 0}', to_jsonb(w), w.won, 0) FROM won_lost w),
                            -- 43 bins: 989 sums
                            (SELECT lead_qual.learn_fit(jsonb_build_object('version', 1, 'criteria', jsonb_build_array(jsonb_build_object(
                                        'source', 'budget', 'kind', 'bands', 'cuts', (SELECT jsonb_agg(c * 4) FROM generate_series(1, 40) c)))),
                                    (SELECT array_agg((c % 7 - 3) / 4.0) FROM generate_series(1, 43) c), w, w.won, 1) FROM won_lost w)]
 WHERE id = 300;

-- NULLs: a row of NULLs; composites with NULL fields; empty arrays.
INSERT INTO src (id, latin1) VALUES (200, true);
INSERT INTO src (id, latin1, q, ex, r, ns, ms, ruless, folds, ess, aucs, fits, qs, exs, rs, nss) VALUES
 (201, true,
  ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::lead_qual.qualification,
  ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::lead_qual.explanation,
  ROW(NULL, NULL, NULL, NULL, NULL)::lead_qual.readiness,
  ROW('ask', ARRAY[NULL, 'Was ist "das", bitte?\'], '{}', NULL, '')::lead_qual.next_step,
  '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}'),
 (202, true, NULL, NULL, NULL, NULL,
  ARRAY[NULL]::lead_qual.model[], ARRAY[NULL]::lead_qual.engagement_rules[],
  ARRAY[NULL, NULL]::lead_qual.touch_state[], ARRAY[NULL]::lead_qual.engagement_state[],
  ARRAY[NULL]::lead_qual.auc_state[], ARRAY[NULL]::lead_qual.fit_state[],
  ARRAY[NULL]::lead_qual.qualification[], ARRAY[NULL]::lead_qual.explanation[],
  ARRAY[NULL]::lead_qual.readiness[], ARRAY[NULL]::lead_qual.next_step[]);
SQL

# Every column of dst equals the same column of src, row by row: with = where
# the type has it (composites and model arrays compare with record and array
# equality), and always by the text form; the base types also by the bytes
# of their binary send function.  Prints "rows mismatches".
compare() {
    psql_q lq_copy_a -A -t -F ' ' <<SQL
SET search_path = public, lead_qual;
WITH pairs AS (
    SELECT s, d FROM src s FULL JOIN $1 d USING (id)
), checks AS (
    SELECT (s).id, (d).id IS NOT NULL AND (s).latin1 = (d).latin1
       AND (s).m IS NOT DISTINCT FROM (d).m
       AND (s).rules IS NOT DISTINCT FROM (d).rules
       AND lead_qual.model_send((s).m) IS NOT DISTINCT FROM lead_qual.model_send((d).m)
       AND lead_qual.engagement_rules_send((s).rules) IS NOT DISTINCT FROM lead_qual.engagement_rules_send((d).rules)
       AND lead_qual.touch_state_send((s).fold) IS NOT DISTINCT FROM lead_qual.touch_state_send((d).fold)
       AND lead_qual.engagement_state_send((s).es) IS NOT DISTINCT FROM lead_qual.engagement_state_send((d).es)
       AND lead_qual.auc_state_send((s).auc) IS NOT DISTINCT FROM lead_qual.auc_state_send((d).auc)
       AND lead_qual.fit_state_send((s).fit) IS NOT DISTINCT FROM lead_qual.fit_state_send((d).fit)
       AND lead_qual.model_to_jsonb((s).m)::text IS NOT DISTINCT FROM lead_qual.model_to_jsonb((d).m)::text
       AND (s).q IS NOT DISTINCT FROM (d).q
       AND (s).ex IS NOT DISTINCT FROM (d).ex
       AND (s).r IS NOT DISTINCT FROM (d).r
       AND (s).ns IS NOT DISTINCT FROM (d).ns
       AND (s).ms IS NOT DISTINCT FROM (d).ms
       AND (s).qs IS NOT DISTINCT FROM (d).qs
       AND (s).exs IS NOT DISTINCT FROM (d).exs
       AND (s).rs IS NOT DISTINCT FROM (d).rs
       AND (s).nss IS NOT DISTINCT FROM (d).nss
       AND array_dims((s).ruless) IS NOT DISTINCT FROM array_dims((d).ruless)
       AND NOT EXISTS (SELECT FROM unnest((s).ruless, (d).ruless) u(a, b) WHERE a IS DISTINCT FROM b)
       AND array_dims((s).folds) IS NOT DISTINCT FROM array_dims((d).folds)
       AND NOT EXISTS (SELECT FROM unnest((s).folds, (d).folds) u(a, b)
                        WHERE lead_qual.touch_state_send(a) IS DISTINCT FROM lead_qual.touch_state_send(b))
       AND array_dims((s).ess) IS NOT DISTINCT FROM array_dims((d).ess)
       AND NOT EXISTS (SELECT FROM unnest((s).ess, (d).ess) u(a, b)
                        WHERE lead_qual.engagement_state_send(a) IS DISTINCT FROM lead_qual.engagement_state_send(b))
       AND array_dims((s).aucs) IS NOT DISTINCT FROM array_dims((d).aucs)
       AND NOT EXISTS (SELECT FROM unnest((s).aucs, (d).aucs) u(a, b)
                        WHERE lead_qual.auc_state_send(a) IS DISTINCT FROM lead_qual.auc_state_send(b))
       AND array_dims((s).fits) IS NOT DISTINCT FROM array_dims((d).fits)
       AND NOT EXISTS (SELECT FROM unnest((s).fits, (d).fits) u(a, b)
                        WHERE lead_qual.fit_state_send(a) IS DISTINCT FROM lead_qual.fit_state_send(b))
       AND s::text = d::text AS same
      FROM pairs)
SELECT count(*), count(*) FILTER (WHERE same IS NOT TRUE) FROM checks;
SQL
}
# lead_qual's functions over the values: the same answers in every database.
results() {
    psql_q "$1" -A <<SQL
SET TimeZone = 'UTC';
SELECT id, lead_qual.model_name(m), lead_qual.qualify(m, '{"need": 8}'::jsonb, '2026-01-05'),
       lead_qual.engagement_rules_name(rules),
       (SELECT string_agg(format('%s=%s/%s/%s', k.kind, k.points, k.cap, k.half_life_days), ',')
          FROM lead_qual.engagement_kinds(rules) k),
       lead_qual.fold_evidence_final(fold), lead_qual.engagement_final(es), lead_qual.auc_final(auc),
       (SELECT array_agg(CASE WHEN s::text LIKE '%"kind": "fold"%' THEN lead_qual.fold_evidence_final(s)::text
                              ELSE lead_qual.qualify_touches_final(s)::text END)
          FROM unnest(folds) s),
       (SELECT array_agg(lead_qual.engagement_final(s)) FROM unnest(ess) s),
       (SELECT array_agg(lead_qual.auc_final(s)) FROM unnest(aucs) s),
       (SELECT array_agg(lead_qual.model_name(x)) FROM unnest(ms) x),
       CASE WHEN id = 300 THEN lead_qual.win_probability(m, '{"channel": "web", "budget": 70, "newsletter": true}'::jsonb, '2026-01-05') END,
       CASE WHEN id = 300 THEN (SELECT array_agg(lead_qual.score(x, '{"channel": " WEB ", "budget": 120}'::jsonb, '2026-01-05')) FROM unnest(ms) x) END,
       lead_qual.learn_fit_combine(fit, fit), (SELECT array_agg(lead_qual.learn_fit_combine(f, f)) FROM unnest(fits) f),
       (q).score, (ex).question, (r).grade, (ns).follow_up, qs[1], exs[1], rs[3], nss[1]
  FROM ($2) t ORDER BY id;
SQL
}
copy_out() {  # database, table or query, file, format
    psql_q "$1" -c "\\copy ($2) TO '$3' (FORMAT $4)"
}

# binary, in one database
copy_out lq_copy_a "SELECT * FROM src ORDER BY id" "$out/src.bin" binary
psql_q lq_copy_a -c "\\copy dst_binary FROM '$out/src.bin' (FORMAT binary)"
read -r rows bad < <(compare dst_binary)
echo "binary round trip: $rows rows, $bad differ"
[ "$bad" -eq 0 ] || fail "binary COPY changed $bad rows"
copy_out lq_copy_a "SELECT * FROM dst_binary ORDER BY id" "$out/dst.bin" binary
cmp "$out/src.bin" "$out/dst.bin" || fail "binary COPY out again is not byte-identical"

# the same by the server: COPY TO a file gives the same bytes, and COPY FROM
# that file the same values
psql_q lq_copy_a -c "COPY (SELECT * FROM src ORDER BY id) TO '$srvdir/src.bin' (FORMAT binary)"
cmp "$srvdir/src.bin" "$out/src.bin" || fail "the server's COPY TO wrote other bytes than psql's"
table_ddl dst_server | psql_q lq_copy_a
psql_q lq_copy_a -c "COPY dst_server FROM '$srvdir/src.bin' (FORMAT binary)"
read -r _ bad < <(compare dst_server)
[ "$bad" -eq 0 ] || fail "binary COPY by the server changed $bad rows"

# text, in one database
copy_out lq_copy_a "SELECT * FROM src ORDER BY id" "$out/src.txt" text
psql_q lq_copy_a -c "\\copy dst_text FROM '$out/src.txt'"
read -r rows_text bad < <(compare dst_text)
echo "text round trip: $rows_text rows, $bad differ"
[ "$bad" -eq 0 ] || fail "text COPY changed $bad rows"
copy_out lq_copy_a "SELECT * FROM dst_text ORDER BY id" "$out/dst.txt" text
cmp "$out/src.txt" "$out/dst.txt" || fail "text COPY out again is not identical"

# The comparison sees a changed value: in a copy of the copied table, change
# values of several kinds and drop a row; it must count those 9 rows.
psql_q lq_copy_a -c "CREATE TABLE dst_broken AS SELECT * FROM dst_binary"
psql_q lq_copy_a >/dev/null <<'SQL'
UPDATE dst_broken SET fold = lead_qual.fold_evidence_step(fold, '{"x": 1}', '2026-01-01') WHERE id = 101;
UPDATE dst_broken SET m = 'anum' WHERE id = 2;
UPDATE dst_broken SET ess[3] = NULL WHERE id = 102;
UPDATE dst_broken SET ruless[1] = 'web' WHERE id = 103;
UPDATE dst_broken SET q.score = 99 WHERE id = 4;
DELETE FROM dst_broken WHERE id = 200;
UPDATE dst_broken SET auc = lead_qual.auc_step(auc, 0.5, true) WHERE id = 151;
UPDATE dst_broken SET aucs[3] = lead_qual.auc_step(aucs[3], 1, false) WHERE id = 104;
UPDATE dst_broken SET fits[4] = lead_qual.learn_fit_combine(fits[4], fits[4]::text::lead_qual.fit_state) WHERE id = 300;
SQL
read -r _ bad < <(compare dst_broken)
[ "$bad" -eq 9 ] || fail "the comparison found $bad of 9 changed rows"

# Across databases.  The binary form of an array (and of a composite) holds
# the type OID of its elements (fields), which differs between databases
# (PostgreSQL accepts it anyway), so the files are compared byte for byte
# without the array columns, and all columns through the text format and
# the results of lead_qual's functions over the values.
scalars="id, latin1, m, rules, fold, es, auc, fit, q, ex, r, ns"
cross() {  # database, binary file to read, rows of src it holds [, text file to read]
    psql_q "$1" -c "\\copy dst_binary FROM '$2' (FORMAT binary)"
    copy_out lq_copy_a "SELECT $scalars FROM src WHERE $3 ORDER BY id" "$out/a-$1-scalars.bin" binary
    copy_out "$1" "SELECT $scalars FROM dst_binary ORDER BY id" "$out/$1-scalars.bin" binary
    cmp "$out/a-$1-scalars.bin" "$out/$1-scalars.bin" || fail "binary COPY through $1 is not byte-identical"
    copy_out lq_copy_a "SELECT * FROM src WHERE $3 ORDER BY id" "$out/a-$1.txt" text
    copy_out "$1" "SELECT * FROM dst_binary ORDER BY id" "$out/$1.txt" text
    cmp "$out/a-$1.txt" "$out/$1.txt" || fail "the values read into $1 differ as text"
    results lq_copy_a "SELECT * FROM src WHERE $3" >"$out/results-a-$1.out"
    results "$1" "SELECT * FROM dst_binary" >"$out/results-$1.out"
    diff -u "$out/results-a-$1.out" "$out/results-$1.out" || fail "$1 answers differently"
    [ -n "${4:-}" ] || return 0
    # the text form read there: the same text out again, the same answers
    table_ddl dst_text | psql_q "$1"
    psql_q "$1" -c "\\copy dst_text FROM '$4'"
    copy_out "$1" "SELECT * FROM dst_text ORDER BY id" "$out/$1-text.txt" text
    cmp "$4" "$out/$1-text.txt" || fail "text COPY through $1 is not identical"
    results "$1" "SELECT * FROM dst_text" >"$out/results-$1-text.out"
    diff -u "$out/results-a-$1.out" "$out/results-$1-text.out" || fail "$1 answers differently after text COPY"
}
cross lq_copy_b "$out/src.bin" true "$out/src.txt"
copy_out lq_copy_a "SELECT * FROM src WHERE latin1 ORDER BY id" "$out/src-latin1.bin" binary
cross lq_copy_latin1 "$out/src-latin1.bin" latin1
latin1_rows=$(psql_q lq_copy_latin1 -A -t -c "SELECT count(*) FROM dst_binary")
# a text without a LATIN1 form is refused with a class-22 error, not garbled
table_ddl refused | psql_q lq_copy_latin1
if psql_q lq_copy_latin1 -v VERBOSITY=verbose -c "\\copy refused FROM '$out/src.bin' (FORMAT binary)" \
        2>"$out/latin1-refused.err"; then
    fail "a text without a LATIN1 form was accepted by the LATIN1 database"
fi
grep -q 'ERROR:  22P05: .* has no equivalent in encoding "LATIN1"' "$out/latin1-refused.err" ||
    { cat "$out/latin1-refused.err"; fail "unexpected error for a text without a LATIN1 form"; }

# what was covered: every kind of value, not NULL and NULL
psql_q lq_copy_a -A -t -F ' ' >"$out/coverage.out" <<'SQL'
SELECT count(m), count(rules), count(fold), count(es), count(auc), count(q), count(ex), count(r), count(ns),
       sum(cardinality(ms)), sum(cardinality(folds)), sum(cardinality(ess)), sum(cardinality(aucs)),
       count(*) FILTER (WHERE auc::text NOT LIKE '{"version": 1, "shift": 0,%'),
       count(*) FILTER (WHERE fold::text LIKE '%BC%'),
       (SELECT count(*) FROM src, unnest(folds) s WHERE s::text LIKE '%"kind": "qualify"%'),
       max(pg_column_size(m)),
       count(fit), sum(cardinality(fits)),
       (SELECT count(*) FROM src, LATERAL (SELECT e FROM unnest(ms) e UNION ALL SELECT m) y(x)
         WHERE lead_qual.model_to_jsonb(x) ? 'calibration'
                                                  AND lead_qual.model_to_jsonb(x)->'description'->>'en' LIKE '%Learned from%')
  FROM src;
SQL
read -r n_m n_rules n_fold n_es n_auc n_q n_ex n_r n_ns n_ms n_folds n_ess n_aucs n_coarse n_bc n_qualify max_model n_fit n_fits n_learned <"$out/coverage.out"
echo "values: $n_m models (largest $max_model bytes stored), $n_rules engagement rules, $n_fold+$n_folds touch states" \
     "($n_qualify of qualify_touches), $n_es+$n_ess engagement states, $n_auc+$n_aucs auc states ($n_coarse coarsened)," \
     "$n_q qualifications, $n_ex explanations," \
     "$n_r readiness, $n_ns next steps, $n_ms model array elements ($n_learned learned), $n_fit+$n_fits fit states"
[ "$n_m" -ge 10 ] && [ "$n_rules" -ge 8 ] && [ "$n_fold" -ge 4 ] && [ "$n_es" -ge 4 ] && [ "$n_bc" -ge 1 ] &&
    [ "$n_auc" -ge 6 ] && [ "$n_aucs" -ge 10 ] && [ "$n_coarse" -ge 1 ] &&
    [ "$n_qualify" -ge 12 ] && [ "$n_q" -ge 10 ] && [ "$n_r" -ge 4 ] && [ "$n_ns" -ge 5 ] &&
    [ "$n_fit" -ge 1 ] && [ "$n_fits" -ge 5 ] && [ "$n_learned" -ge 3 ] ||
    fail "fewer values than planned: $(cat "$out/coverage.out")"
echo "binary and text COPY: $rows rows equal after the round trip and byte-identical out again;" \
     "the same through a second database, and $latin1_rows rows through a LATIN1 database"
