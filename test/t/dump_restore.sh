#!/usr/bin/env bash
# pg_dump and restore (custom format with pg_restore, and plain SQL) of a
# database that uses lead_qual: user models in the registry, a column of
# models, stored qualifications, a view, an auto-scored table with its
# history and views for BI tools.  The restored databases must answer the
# same queries with the same results, with the built-in models present once,
# and go on (trigger, history) as the source does.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/out/dump_restore
rm -rf "$out"
mkdir -p "$out"
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

for db in lq_src lq_custom lq_plain; do dropdb --if-exists "$db"; done
createdb lq_src
psql_q -d lq_src <<'SQL'
CREATE EXTENSION lead_qual;
SELECT lead_qual.define_model('acme', $${
  "label": "Acme BANT", "min_met": 3, "pass_score": 50,
  "criteria": [
    {"key": "budget", "weight": 2, "rule": {"type": "at_least", "value": 10000}},
    {"key": "authority", "rule": {"type": "one_of", "values": ["owner", "cfo"]}},
    {"key": "need", "rule": {"type": "scale", "grades": {"low": 2, "high": 9}}},
    {"key": "timeframe", "rule": {"type": "within_days", "days": 90},
     "questions": {"en": "When do you buy?", "nl": "Wanneer koopt u?"}}]}$$);
SELECT lead_qual.define_model('fit', '{"criteria": [{"key": "need", "rule": {"type": "one_of", "values": ["high"]}}]}');

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
SQL

queries() {
    psql_q -d "$1" <<'SQL'
SELECT name, builtin, model::text FROM lead_qual.models ORDER BY name;
SELECT id, chosen::text, stored::text FROM leads ORDER BY id;
SELECT * FROM lead_status ORDER BY id;
SELECT id, lead_qual.qualify(chosen, to_jsonb(l), '2026-01-01 00:00+00') FROM leads l ORDER BY id;
SELECT lead_qual.model('acme') OPERATOR(lead_qual.=) (SELECT chosen FROM leads WHERE id = 1) AS same_model;
SELECT count(*) FILTER (WHERE builtin) AS builtins, count(*) AS models FROM lead_qual.models;
SELECT id, q FROM scored ORDER BY id;
SELECT id, lead_key, model, old_status, new_status, old_tier, new_tier, old_score, new_score,
       changed_criteria, changed_by, changed_at FROM lead_qual.history ORDER BY id;
SELECT * FROM scored_live ORDER BY id;
SELECT * FROM scored_bi ORDER BY id;
SELECT table_name, trigger_name, model, target_column, history FROM lead_qual.autoscore_triggers();
SQL
}
# After a restore the trigger and the history go on where they were.
more_writes() {
    psql_q -d "$1" -A -t <<'SQL'
UPDATE scored SET need = 10 WHERE id <= 5;
INSERT INTO scored (id, budget, authority, need, timeframe) VALUES (51, 9, 9, 9, 9);
SELECT id, lead_key, old_status, new_status, old_score, new_score FROM lead_qual.history
 WHERE id > (SELECT max(id) - 6 FROM lead_qual.history) ORDER BY id;
SELECT count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('bant', s)) FROM scored s;
SQL
}
queries lq_src >"$out/source.out"

# custom format, restored with pg_restore
pg_dump -Fc -f "$out/dump.custom" lq_src
createdb lq_custom
pg_restore --exit-on-error -d lq_custom "$out/dump.custom"
queries lq_custom >"$out/custom.out"
diff -u "$out/source.out" "$out/custom.out"

# plain SQL, replayed with psql
pg_dump -f "$out/dump.sql" lq_src
createdb lq_plain
psql_q -d lq_plain -f "$out/dump.sql" >/dev/null
queries lq_plain >"$out/plain.out"
diff -u "$out/source.out" "$out/plain.out"

# the restored databases go on as the source does
more_writes lq_src >"$out/source-more.out"
more_writes lq_custom >"$out/custom-more.out"
more_writes lq_plain >"$out/plain-more.out"
diff -u "$out/source-more.out" "$out/custom-more.out"
diff -u "$out/source-more.out" "$out/plain-more.out"
grep -qx 0 "$out/source-more.out"

# the results are not empty, and the built-ins came once
grep -q '(acme,' "$out/source.out"
grep -qE '^ +7 \| +9$' "$out/source.out"
echo "dump and restore: same results in $(wc -l <"$out/source.out") lines of output"
for db in lq_src lq_custom lq_plain; do dropdb "$db"; done
