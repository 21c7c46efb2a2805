#!/usr/bin/env bash
# Several clients insert and update the same leads at once, with the
# autoscore trigger and the history on: no errors, every lead scored as
# qualify() says, and the history of every lead complete (each row takes
# over where the previous one ended, and the last one is what is stored).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/out/concurrency
rm -rf "$out"
mkdir -p "$out"
db=lq_concurrency
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }

dropdb --if-exists "$db"
createdb "$db"
psql_q <<'SQL'
CREATE EXTENSION lead_qual;
CREATE TABLE leads (id int PRIMARY KEY, budget int, authority int, need int, timeframe int,
                    note text, q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT lead_qual.enable_history('leads');
INSERT INTO leads (id, budget) SELECT i, i % 11 FROM generate_series(1, 100) i;
SQL

# Three kinds of writers, on 200 leads (half of them new): insert or update
# the evidence, update the timeframe, update a note the model does not read.
cat >"$out/upsert.sql" <<'SQL'
\set id random(1, 200)
\set b random(0, 10)
\set a random(0, 10)
\set n random(0, 10)
INSERT INTO leads (id, budget, authority, need) VALUES (:id, :b, :a, :n)
    ON CONFLICT (id) DO UPDATE SET budget = EXCLUDED.budget, authority = EXCLUDED.authority,
                                   need = EXCLUDED.need;
SQL
cat >"$out/timeframe.sql" <<'SQL'
\set id random(1, 200)
\set t random(0, 10)
UPDATE leads SET timeframe = :t WHERE id = :id;
SQL
cat >"$out/note.sql" <<'SQL'
\set id random(1, 200)
UPDATE leads SET note = 'touched ' || :id WHERE id = :id;
SQL

"$(pg_config --bindir)/pgbench" -n -c 8 -j 2 -T 8 \
    -f "$out/upsert.sql@4" -f "$out/timeframe.sql@2" -f "$out/note.sql@1" \
    "$db" >"$out/pgbench.log" 2>&1 || { cat "$out/pgbench.log"; exit 1; }
cat "$out/pgbench.log"
grep -q "number of failed transactions: 0 " "$out/pgbench.log"
processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out/pgbench.log")
[ "${processed:-0}" -gt 1000 ]

psql_q -A -t >"$out/checks.out" <<'SQL'
-- every lead scored as qualify() says
SELECT 'leads', count(*), count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('bant', l)) FROM leads l;
-- each history row takes over where the previous one of its lead ended
SELECT 'broken links', count(*), count(*) FILTER (WHERE NOT linked) FROM (
    SELECT (old_status IS NOT DISTINCT FROM lag(new_status) OVER w
            AND old_tier IS NOT DISTINCT FROM lag(new_tier) OVER w
            AND old_score IS NOT DISTINCT FROM lag(new_score) OVER w) AS linked
      FROM lead_qual.history WINDOW w AS (PARTITION BY lead_key ORDER BY id)) h;
-- the last history row of every lead is what is stored
SELECT 'stored', count(*), count(*) FILTER (WHERE h.new_status IS DISTINCT FROM (l.q).status
                                            OR h.new_score IS DISTINCT FROM (l.q).score)
  FROM leads l
  JOIN LATERAL (SELECT new_status, new_score FROM lead_qual.history
                 WHERE lead_key = l.id::text ORDER BY id DESC LIMIT 1) h ON true;
-- every lead has a history
SELECT 'without history', count(*), count(*) FILTER (WHERE NOT EXISTS
    (SELECT FROM lead_qual.history h WHERE h.lead_key = l.id::text)) FROM leads l;
SQL
cat "$out/checks.out"
history=$(psql_q -A -t -c "SELECT count(*) FROM lead_qual.history")
echo "history rows: $history"
# every check: the second number (violations) is 0
awk -F'|' '$3 != 0 { bad = 1; print "violated: " $0 } END { exit bad }' "$out/checks.out"
dropdb "$db"
