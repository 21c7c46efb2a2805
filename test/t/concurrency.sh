#!/usr/bin/env bash
# Load: writers, scorers and a registry client at once, for a bounded time
# (LQ_LOAD_SECONDS, default 10), with three pgbench runs side by side.
#
#  * Writers (6 clients) insert and update leads under the autoscore trigger
#    and the history (insert-or-update, the timeframe, a note the model does
#    not read), insert new leads, insert touches and events, and upsert
#    accounts scored with a user model; every insert of a new row takes its
#    id from a sequence.
#  * Scorers (3 other clients) run qualify(), score(), is_qualified() and
#    explain() over the leads, and fold_evidence(), qualify_touches() and
#    engagement() over the touches and events being inserted; each of their
#    transactions also checks, in its snapshot, that the stored
#    qualifications equal qualify() and that qualify_touches() equals
#    qualify() of fold_evidence(), and fails (division by zero) otherwise;
#    and that the engagement and touches aggregates over the whole tables
#    give the same results in a parallel plan as in a serial one.
#  * The registry client (1 client) redefines the accounts' model with
#    another weight and runs rescore() on them, again and again.
#
# Afterwards: no pgbench run failed a transaction, aborted a client or hung
# (each is bounded by a timeout), and no server process crashed; no row was lost (every table holds exactly as
# many inserted rows as pgbench counted committed transactions of the script
# that inserts them, with ids 1..n without gaps, and one history row per new
# lead); after one more rescore every lead and account is scored as
# qualify() says (and a rescore after that rewrites nothing); the history
# is complete (each row takes over where the previous one of its lead
# ended, and the last one is what is stored).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/out/concurrency
rm -rf "$out"
mkdir -p "$out"
db=lq_concurrency
seconds=${LQ_LOAD_SECONDS:-10}
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1 || true; }
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
pgbench="$(pg_config --bindir)/pgbench"

cleanup
createdb "$db"
psql_q >/dev/null <<'SQL'
CREATE EXTENSION lead_qual;
CREATE TABLE leads (id int PRIMARY KEY, budget int, authority int, need int, timeframe int,
                    note text, q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT lead_qual.enable_history('leads');
INSERT INTO leads (id, budget) SELECT i, i % 11 FROM generate_series(1, 100) i;
CREATE SEQUENCE new_lead_ids START 1001;
CREATE SEQUENCE touch_ids;
CREATE SEQUENCE event_ids;
CREATE TABLE touches (id bigint PRIMARY KEY DEFAULT nextval('touch_ids'), lead_id int NOT NULL,
                      touched_at timestamptz NOT NULL, evidence jsonb);
CREATE INDEX ON touches (lead_id);
CREATE TABLE events (id bigint PRIMARY KEY DEFAULT nextval('event_ids'), lead_id int NOT NULL,
                     kind text, occurred_at timestamptz NOT NULL);
CREATE INDEX ON events (lead_id);
-- accounts: scored with a user model that is redefined during the load
SELECT lead_qual.define_model('lq_load', '{"criteria": [{"key": "budget", "weight": 1}, {"key": "need"}]}');
CREATE TABLE accounts (id int PRIMARY KEY, budget int, need int, q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('lq_load', 'q');
SELECT lead_qual.enable_history('accounts');
SQL

# Writers.  Three kinds of writes on 200 leads (half of them new):
# insert or update the evidence, update the timeframe, update a note the
# model does not read; and three kinds of inserts, one row each.
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
cat >"$out/new_lead.sql" <<'SQL'
\set b random(0, 10)
\set a random(0, 10)
INSERT INTO leads (id, budget, authority) VALUES (nextval('new_lead_ids'), :b, :a);
SQL
cat >"$out/touch.sql" <<'SQL'
\set lead random(1, 200)
\set v random(0, 10)
\set k random(0, 4)
\set d random(0, 2592000)
INSERT INTO touches (lead_id, touched_at, evidence)
VALUES (:lead, '2026-01-01'::timestamptz + :d * interval '1 second',
        jsonb_build_object((ARRAY['budget', 'authority', 'need', 'timeframe', 'note'])[:k + 1], :v));
SQL
cat >"$out/event.sql" <<'SQL'
\set lead random(1, 200)
\set k random(1, 6)
\set d random(0, 2592000)
INSERT INTO events (lead_id, kind, occurred_at)
VALUES (:lead, (ARRAY['web_visit', 'demo_request', 'email_reply', 'unsubscribe', 'pricing_page_visit', 'other'])[:k],
        '2026-01-01'::timestamptz + :d * interval '1 second');
SQL

cat >"$out/account.sql" <<'SQL'
\set id random(1, 100)
\set b random(0, 10)
\set n random(0, 10)
INSERT INTO accounts (id, budget, need) VALUES (:id, :b, :n)
    ON CONFLICT (id) DO UPDATE SET budget = EXCLUDED.budget, need = EXCLUDED.need;
SQL
# The registry: the accounts' model redefined with another weight, and the
# stored qualifications brought up to date while the writers go on.
cat >"$out/registry.sql" <<'SQL'
\set w random(1, 9)
SET client_min_messages = warning;
SELECT lead_qual.define_model('lq_load', '{"criteria": [{"key": "budget", "weight": :w}, {"key": "need"}]}');
CALL lead_qual.rescore('accounts');
\sleep 100 ms
SQL

# Scorers: read while the writers write, and check what they read.
cat >"$out/score_leads.sql" <<'SQL'
\set id random(1, 200)
SELECT lead_qual.qualify('bant', l), lead_qual.score('bant', l), lead_qual.is_qualified('bant', l)
  FROM leads l WHERE id = :id;
SELECT count(*) FROM leads l, lead_qual.explain('bant', l) e WHERE l.id = :id;
SELECT l.id, q.score, q.status FROM leads l, lead_qual.qualify('bant', l) q ORDER BY q.score DESC, l.id LIMIT 10;
-- every stored qualification in this snapshot is what qualify() says
SELECT 1 / (count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('bant', l)) = 0)::int FROM leads l;
SQL
cat >"$out/score_touches.sql" <<'SQL'
\set lead random(1, 200)
SELECT lead_qual.fold_evidence(evidence, touched_at), lead_qual.qualify_touches('bant', evidence, touched_at),
       lead_qual.qualify_touches('bant', evidence, touched_at, '2026-01-20')
  FROM touches WHERE lead_id = :lead;
SELECT lead_qual.engagement('digital', kind, occurred_at, '2026-02-01') FROM events WHERE lead_id = :lead;
SELECT lead_id, lead_qual.engagement('digital', kind, occurred_at, '2026-02-01') AS e
  FROM events GROUP BY lead_id ORDER BY e DESC, lead_id LIMIT 5;
-- the touches aggregate equals qualify() of the folded evidence
SELECT 1 / (count(*) FILTER (WHERE NOT same) = 0)::int FROM (
    SELECT lead_qual.qualify_touches('bant', evidence, touched_at) IS NOT DISTINCT FROM
           lead_qual.qualify('bant', lead_qual.fold_evidence(evidence, touched_at), max(touched_at)) AS same
      FROM touches WHERE lead_id BETWEEN :lead AND :lead + 20 GROUP BY lead_id) s;
SQL

# In one snapshot, the aggregates over the whole growing tables give the
# same results in a parallel plan (partial aggregates, combined) as in a
# serial one.  The rows are ordered by the join's own lead_id (USING): a
# lead with touches but no events yet has no e.lead_id, and rows ordered
# by a NULL come in any order.
cat >"$out/score_parallel.sql" <<'SQL'
BEGIN ISOLATION LEVEL REPEATABLE READ;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT md5(string_agg(format('%s %s %s', lead_id, e, q), ',' ORDER BY lead_id)) AS par FROM (
    SELECT lead_id, e.e, t.q FROM
      (SELECT lead_id, lead_qual.engagement('digital', kind, occurred_at, '2026-02-01') AS e FROM events GROUP BY lead_id) e
      FULL JOIN (SELECT lead_id, lead_qual.qualify_touches('bant', evidence, touched_at) AS q FROM touches GROUP BY lead_id) t
      USING (lead_id)) s \gset
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT 1 / (md5(string_agg(format('%s %s %s', lead_id, e, q), ',' ORDER BY lead_id)) = ':par')::int FROM (
    SELECT lead_id, e.e, t.q FROM
      (SELECT lead_id, lead_qual.engagement('digital', kind, occurred_at, '2026-02-01') AS e FROM events GROUP BY lead_id) e
      FULL JOIN (SELECT lead_id, lead_qual.qualify_touches('bant', evidence, touched_at) AS q FROM touches GROUP BY lead_id) t
      USING (lead_id)) s;
COMMIT;
SQL

log_start=$(stat -c %s "${PG_SERVER_LOG:-/dev/null}" 2>/dev/null || echo 0)
# (each run is bounded: a statement that hangs makes it time out and fail).
# One pgbench thread for the writers: its per-script counts, which the
# check below compares with the rows, are not updated under a lock, and two
# threads now and then lose an increment.
limit=$((seconds + 60))
timeout "$limit" "$pgbench" -n -c 6 -j 1 -T "$seconds" \
    -f "$out/upsert.sql@4" -f "$out/timeframe.sql@2" -f "$out/note.sql@1" \
    -f "$out/new_lead.sql@1" -f "$out/touch.sql@2" -f "$out/event.sql@2" -f "$out/account.sql@2" \
    "$db" >"$out/writers.log" 2>&1 &
writers=$!
timeout "$limit" "$pgbench" -n -c 1 -T "$seconds" -f "$out/registry.sql" "$db" >"$out/registry.log" 2>&1 &
registry=$!
timeout "$limit" "$pgbench" -n -c 3 -j 1 -T "$seconds" \
    -f "$out/score_leads.sql@2" -f "$out/score_touches.sql@2" -f "$out/score_parallel.sql@1" \
    "$db" >"$out/scorers.log" 2>&1 &
scorers=$!
writers_rc=0; wait "$writers" || writers_rc=$?
scorers_rc=0; wait "$scorers" || scorers_rc=$?
registry_rc=0; wait "$registry" || registry_rc=$?
cat "$out/writers.log" "$out/scorers.log" "$out/registry.log"
for rc in "$writers_rc" "$scorers_rc" "$registry_rc"; do
    [ "$rc" -ne 124 ] || fail "a pgbench run did not end within $limit s: something hangs"
done
[ "$writers_rc" -eq 0 ] || fail "the writers' pgbench exited with $writers_rc"
[ "$scorers_rc" -eq 0 ] || fail "the scorers' pgbench exited with $scorers_rc"
[ "$registry_rc" -eq 0 ] || fail "the registry's pgbench exited with $registry_rc"
redefinitions=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out/registry.log")
[ "${redefinitions:-0}" -ge 5 ] || fail "the model was redefined ${redefinitions:-0} times"
for log in writers scorers registry; do
    grep -q "^number of failed transactions: 0 " "$out/$log.log" || fail "$log: failed transactions"
    ! grep -q "aborted" "$out/$log.log" || fail "$log: a client aborted"
done

# Committed transactions per script, as pgbench counts them: "name count".
per_script() {
    awk '/^SQL script [0-9]+: / { name = $4; sub(/.*\//, "", name); sub(/\.sql$/, "", name) }
         /^ - [0-9]+ transactions / && name != "" { print name, $2; name = "" }' "$1"
}
per_script "$out/writers.log" >"$out/writers.counts"
per_script "$out/scorers.log" >"$out/scorers.counts"
cat "$out/writers.counts" "$out/scorers.counts"
count_of() { awk -v n="$1" '$1 == n { print $2 }' "$out/writers.counts" "$out/scorers.counts"; }
for s in upsert timeframe note new_lead touch event account score_leads score_touches score_parallel; do
    c=$(count_of "$s")
    [ -n "$c" ] && [ "$c" -ge 20 ] || fail "script $s ran ${c:-no} transactions"
done
new_leads=$(count_of new_lead)
touches=$(count_of touch)
events=$(count_of event)

# The accounts' model was redefined while they were written: one more
# rescore brings them up to date, and one after it finds nothing to do.
psql_q -c "SET client_min_messages = warning" -c "CALL lead_qual.rescore('accounts')" \
       -c "CALL lead_qual.rescore('accounts', restart => true)"
psql_q -A -t -v new_leads="$new_leads" -v touches="$touches" -v events="$events" >"$out/checks.out" <<'SQL'
-- every committed insert is in its table, with ids from 1 (1001) up without gaps
SELECT 'new leads', count(*), (count(*) <> :new_leads OR min(id) <> 1001 OR max(id) <> 1000 + :new_leads)::int
  FROM leads WHERE id > 1000;
SELECT 'touches', count(*), (count(*) <> :touches OR min(id) <> 1 OR max(id) <> :touches)::int FROM touches;
SELECT 'events', count(*), (count(*) <> :events OR min(id) <> 1 OR max(id) <> :events)::int FROM events;
-- no id was drawn for a transaction that did not commit
SELECT 'sequences', 3, (SELECT count(*) FROM (VALUES ((SELECT last_value FROM new_lead_ids) - 1000, :new_leads::bigint),
                                                     ((SELECT last_value FROM touch_ids), :touches),
                                                     ((SELECT last_value FROM event_ids), :events)) v(drawn, committed)
                         WHERE drawn <> committed);
-- one history row for each new lead (they are inserted once and never updated)
SELECT 'new lead history', count(*), (count(*) <> :new_leads)::int
  FROM lead_qual.history WHERE table_name = 'public.leads' AND lead_key::int > 1000;
-- every lead and account scored as qualify() says
SELECT 'leads', count(*), count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('bant', l)) FROM leads l;
SELECT 'accounts', count(*), count(*) FILTER (WHERE q IS DISTINCT FROM lead_qual.qualify('lq_load', a)) FROM accounts a;
SELECT 'last rescore', 1, rows_rescored FROM lead_qual.rescore_progress WHERE table_name = 'public.accounts';
-- each history row takes over where the previous one of its lead ended
SELECT 'broken links', count(*), count(*) FILTER (WHERE NOT linked) FROM (
    SELECT (old_status IS NOT DISTINCT FROM lag(new_status) OVER w
            AND old_tier IS NOT DISTINCT FROM lag(new_tier) OVER w
            AND old_score IS NOT DISTINCT FROM lag(new_score) OVER w) AS linked
      FROM lead_qual.history WINDOW w AS (PARTITION BY table_name, lead_key ORDER BY id)) h;
-- the last history row of every lead and account is what is stored
SELECT 'stored', count(*), count(*) FILTER (WHERE h.new_status IS DISTINCT FROM (l.q).status
                                            OR h.new_score IS DISTINCT FROM (l.q).score)
  FROM (SELECT 'public.leads' AS t, id, q FROM leads UNION ALL SELECT 'public.accounts', id, q FROM accounts) l
  JOIN LATERAL (SELECT new_status, new_score FROM lead_qual.history
                 WHERE table_name = l.t AND lead_key = l.id::text ORDER BY id DESC LIMIT 1) h ON true;
-- every lead and account has a history
SELECT 'without history', count(*), count(*) FILTER (WHERE NOT EXISTS
    (SELECT FROM lead_qual.history h WHERE h.table_name = l.t AND h.lead_key = l.id::text))
  FROM (SELECT 'public.leads' AS t, id FROM leads UNION ALL SELECT 'public.accounts', id FROM accounts) l;
-- the aggregates over everything inserted: qualify_touches() is qualify()
-- of the folded evidence, and the engagement is the same by name and by value
SELECT 'touch groups', count(*), count(*) FILTER (WHERE NOT same) FROM (
    SELECT lead_qual.qualify_touches('bant', evidence, touched_at) IS NOT DISTINCT FROM
           lead_qual.qualify('bant', lead_qual.fold_evidence(evidence, touched_at), max(touched_at)) AS same
      FROM touches GROUP BY lead_id) s;
SELECT 'event groups', count(*), count(*) FILTER (WHERE by_name IS DISTINCT FROM by_value) FROM (
    SELECT lead_qual.engagement('digital', kind, occurred_at, '2026-02-01') AS by_name,
           lead_qual.engagement('digital'::lead_qual.engagement_rules, kind, occurred_at, '2026-02-01') AS by_value
      FROM events GROUP BY lead_id) s;
SQL
cat "$out/checks.out"
history=$(psql_q -A -t -c "SELECT count(*) FROM lead_qual.history")
echo "history rows: $history"
# every check: the third field (violations) is 0, and it covered rows
awk -F'|' '$3 != 0 { bad = 1; print "violated: " $0 } $2 == 0 { bad = 1; print "nothing checked: " $0 }
           END { exit bad }' "$out/checks.out" || fail "lost or wrong rows"
[ "$(wc -l <"$out/checks.out")" -eq 13 ] || fail "not every check ran"
# no server process crashed during the load (the part of the log written since)
if [ -n "${PG_SERVER_LOG:-}" ] && tail -c +"$((log_start + 1))" "$PG_SERVER_LOG" | grep -q 'terminated by signal'; then
    fail "a server process crashed"
fi
echo "load for ${seconds}s: writers $(awk '{ s += $2 } END { print s }' "$out/writers.counts") transactions" \
     "(new leads $new_leads, touches $touches, events $events), scorers" \
     "$(awk '{ s += $2 } END { print s }' "$out/scorers.counts") transactions, $redefinitions redefinitions" \
     "of the accounts' model with a rescore each; $history history rows; nothing lost"
