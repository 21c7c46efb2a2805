#!/usr/bin/env bash
# Time the lead_qual.engagement() aggregate over a table of events, GROUP BY
# lead, against a plain sum(points), the same computation written by hand in
# SQL and as a PL/pgSQL aggregate, serially and with 2 parallel workers; and
# measure the backend's peak memory as the rows grow, on a throwaway
# PostgreSQL 15 cluster.
#
# Usage: bench/engagement.sh [rows] [leads] [runs]
#        (defaults: 10000000 events, 1000000 leads, 3 runs)
#
# Writes the generated SQL, the raw psql output, the memory samples and the
# server's log to bench/out/ and prints the report (see bench/README.md).
set -euo pipefail

# Internal: bench/engagement.sh --poll PID LABEL samples the anonymous
# memory (RssAnon, kB) of backend PID every 20 ms until it exits (at most
# 30 minutes), one "@sample|LABEL|epoch seconds|kB" line per sample.
if [[ ${1:-} == --poll ]]; then
    pid=$2 label=$3
    for ((n = 0; n < 90000; n++)); do
        rss=$(sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$pid/status" 2>/dev/null) || break
        [[ -n $rss ]] || break
        echo "@sample|$label|$EPOCHREALTIME|$rss"
        sleep 0.02
    done
    exit 0
fi

rows=${1:-10000000}
leads=${2:-1000000}
runs=${3:-3}
if ! [[ $rows =~ ^[1-9][0-9]*$ && $leads =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]] ||
    ((leads < 10)); then
    echo "usage: $0 [rows] [leads] [runs]     (leads >= 10)" >&2
    exit 2
fi

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$bench")
pg_config=/usr/lib/postgresql/15/bin/pg_config
. "$bench/common.sh"

# lead_qual with the engagement aggregate (0.3.0) installed?
if ! grep -qs 'AGGREGATE lead_qual.engagement' "$("$pg_config" --sharedir)"/extension/lead_qual--*.sql; then
    echo "lead_qual with engagement() is not installed; installing it" >&2
    make -s -C "$repo" PG_CONFIG="$pg_config" install
fi

mkdir -p "$bench/out"
script=$bench/out/engagement-$rows.sql
log=$bench/out/engagement-$rows.log
samples=$bench/out/engagement-$rows.rss
server_log=$bench/out/engagement-$rows.server.log

# Server settings.  shared_buffers holds the events (engagement.sql loads
# them with pg_prewarm); work_mem is large enough that no hash aggregate
# spills (hash_mem_multiplier is 2 by default: 2 GB per hash table);
# jit off as in the other benchmarks; no parallel workers unless a section
# asks for them; autovacuum off so that no vacuum or analyze of the tables
# the checks write runs during the timings; synchronize_seqscans off so
# that a scan with LIMIT always takes the first rows of the table.
settings=(shared_buffers=2GB work_mem=1GB jit=off max_parallel_workers_per_gather=0
          autovacuum=off synchronize_seqscans=off)
shown_settings="shared_buffers work_mem hash_mem_multiplier jit max_parallel_workers_per_gather
                autovacuum synchronize_seqscans"
# With these, the planner plans 2 workers for the GROUP BY queries.
parallel_settings="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
serial_settings="RESET max_parallel_workers_per_gather; RESET parallel_setup_cost;
RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;"

# ---------------------------------------------------------------------------
# The queries compared: each one scores every lead of the table events.
# ---------------------------------------------------------------------------
as_of='2026-01-01 00:00+00'
asof="'$as_of'::timestamptz"

q_sum="SELECT lead_id, sum(points) AS score FROM events GROUP BY lead_id"
q_name="SELECT lead_id, lead_qual.engagement('digital', kind, occurred_at, $asof) AS score
  FROM events GROUP BY lead_id"
# lead_qual.engagement_rules('digital') with a literal is read by PostgreSQL
# as a cast of the literal to the type lead_qual.engagement_rules (a type
# name applied to an unknown literal), so the rules are read once, when the
# query is parsed, and the plan holds them as a constant.  With 'digital'::text
# it is a call of the STABLE function engagement_rules(text), which is not
# folded and runs for every row.
q_value="SELECT lead_id, lead_qual.engagement(lead_qual.engagement_rules('digital'), kind, occurred_at, $asof) AS score
  FROM events GROUP BY lead_id"
# That call costs so much (it reads the registry with a query each time)
# that it is timed over the first tenth of the events only, against
# engagement by name over the same rows.
tenth=$((rows / 10))
q_name_10="SELECT lead_id, lead_qual.engagement('digital', kind, occurred_at, $asof) AS score
  FROM (SELECT * FROM events LIMIT $tenth) AS events GROUP BY lead_id"
q_value_fn_10="SELECT lead_id, lead_qual.engagement(lead_qual.engagement_rules('digital'::text), kind, occurred_at, $asof) AS score
  FROM (SELECT * FROM events LIMIT $tenth) AS events GROUP BY lead_id"
# By hand, as a user without lead_qual would write it: per lead and kind the
# decayed points (no decay without a half-life), capped either way at the
# kind's cap (none if NULL: least and greatest ignore NULLs); per lead the
# sum, kept within the overall cap and floor, rounded to 6 decimals as
# engagement() rounds.  date_part gives the age as double precision
# (extract() would give numeric, several times slower).
q_hand="SELECT lead_id,
       round(greatest(least(sum(kind_score), (SELECT cap FROM bench_limits)),
                      (SELECT floor FROM bench_limits)) * 1e6) / 1e6 AS score
  FROM (SELECT e.lead_id,
               greatest(-k.cap, least(k.cap, sum(k.points * CASE WHEN k.half_life_days IS NULL THEN 1
                   ELSE power(2, -date_part('epoch', $asof - e.occurred_at) / 86400 / k.half_life_days) END)))
                   AS kind_score
          FROM events e JOIN bench_kinds k USING (kind)
         WHERE e.occurred_at <= $asof
         GROUP BY e.lead_id, k.kind, k.cap) AS per_kind
 GROUP BY lead_id"
# The same over a few groups (lead_id modulo 1000): each group gathers 10,000
# events, so a parallel worker's partial aggregate condenses its rows into
# 1000 states and the parallel speed-up is the aggregate's own; with a
# group per lead, every worker's hash table holds nearly every lead and
# the leader combines them all again.
few=$((leads >= 10000 ? 1000 : leads / 10))
q_sum_few="SELECT lead_id % $few AS lead_id, sum(points) AS score FROM events GROUP BY 1"
q_name_few="SELECT lead_id % $few AS lead_id, lead_qual.engagement('digital', kind, occurred_at, $asof) AS score
  FROM events GROUP BY 1"
q_plpgsql="SELECT e.lead_id, bench_engagement(k.kind_no, k.points, k.half_life_days, e.occurred_at, $asof) AS score
  FROM events e JOIN bench_kinds k USING (kind) GROUP BY e.lead_id"

# ---------------------------------------------------------------------------
# The variants timed, in the order of each round: key, section, label, the
# variant it is compared with in the report (its "vs" column), query, and
# what is set before it (serial settings otherwise).  Each timed query is
# SELECT count(*), sum(score) FROM (query): one row to the client.
# ---------------------------------------------------------------------------
keys=()
declare -A section label ref query setup
variant() {
    keys+=("$1")
    section[$1]=$2 label[$1]=$3 ref[$1]=$4 query[$1]=$5 setup[$1]=${6:-}
}
variant sum serial "sum(points)" sum "$q_sum"
variant name serial "engagement, rules by name" sum "$q_name"
variant value serial "engagement, rules as a value" sum "$q_value"
variant hand serial "hand-written SQL" sum "$q_hand"
variant plpgsql serial "PL/pgSQL aggregate" sum "$q_plpgsql"
variant sum_par parallel "sum(points)" sum "$q_sum" "$parallel_settings"
variant name_par parallel "engagement, rules by name" name "$q_name" "$parallel_settings"
variant hand_par parallel "hand-written SQL" hand "$q_hand" "$parallel_settings"
variant sum_few few "sum(points)" sum_few "$q_sum_few"
variant name_few few "engagement, rules by name" sum_few "$q_name_few"
variant sum_few_par few "sum(points), 2 workers" sum_few "$q_sum_few" "$parallel_settings"
variant name_few_par few "engagement, 2 workers" name_few "$q_name_few" "$parallel_settings"
variant sum_4mb work_mem "sum(points)" sum "$q_sum" "SET work_mem = '4MB';"
variant name_4mb work_mem "engagement, rules by name" name "$q_name" "SET work_mem = '4MB';"
variant name_10 tenth "engagement, rules by name" name_10 "$q_name_10"
variant value_fn_10 tenth "engagement_rules(text) per row" name_10 "$q_value_fn_10"

# ---------------------------------------------------------------------------
# Memory: one fresh backend per query, serial, its RssAnon sampled from
# outside.  Series of prefixes of the events (10%, 25%, 50%, all): hashed
# into a fixed number of groups (lead_id modulo leads/10, and for
# engagement also modulo leads/100), so that only the events per group
# grow; and from events_by_lead, sorted by lead, through a GroupAggregate,
# the groups growing with the events.
# ---------------------------------------------------------------------------
mem_cases=()
declare -A mem_label mem_rows mem_groups mem_query mem_setup
mem_case() {
    mem_cases+=("$1")
    mem_label[$1]=$2 mem_rows[$1]=$3 mem_groups[$1]=$4 mem_setup[$1]=$5 mem_query[$1]=$6
}
declare -A agg_expr=([sum]="sum(points)" [engagement]="lead_qual.engagement('digital', kind, occurred_at, $asof)")
for series in sum:10 engagement:10 engagement:100 sum:sorted engagement:sorted; do
    agg=${series%:*} by=${series#*:}
    for pct in 10 25 50 100; do
        n=$((rows * pct / 100))
        if [[ $by == sorted ]]; then
            mem_case "sorted-$agg-$pct" "$agg, sorted by lead" "$n" "" \
                "SET enable_hashagg = off; SET enable_sort = off;" \
                "SELECT lead_id, ${agg_expr[$agg]} AS score
  FROM (SELECT * FROM events_by_lead ORDER BY lead_id LIMIT $n) AS e GROUP BY lead_id"
        else
            g=$((leads / by > 0 ? leads / by : 1))
            mem_case "hash$by-$agg-$pct" "$agg, lead_id % $g" "$n" "$g" "SET enable_sort = off;" \
                "SELECT (lead_id - 1) % $g AS lead_id, ${agg_expr[$agg]} AS score
  FROM (SELECT * FROM events LIMIT $n) AS e GROUP BY 1"
        fi
    done
done

# ---------------------------------------------------------------------------
# The psql script, run after bench/engagement.sql.  Lines starting with @
# mark what the following output is, for bench/engagement-report.awk.
# ---------------------------------------------------------------------------
timed_query() { echo "SELECT count(*), sum(score) FROM ($1) AS s"; }

{
    echo "SELECT '@info|server|' || version();"
    echo "SELECT '@info|events|' || count(*) || '|' || count(DISTINCT lead_id) FROM events;"
    echo "SELECT '@info|size|' || pg_size_pretty(pg_table_size('events'));"
    echo "SELECT '@info|settings|' || string_agg(name || '=' || current_setting(name), ' ' ORDER BY ord)"
    echo "  FROM unnest(string_to_array('$(echo $shown_settings)', ' ')) WITH ORDINALITY AS s(name, ord);"
    echo "SELECT '@info|kinds|' || string_agg(kind || ' ' || round(share, 1) || '%', ', ' ORDER BY share DESC)"
    echo "  FROM (SELECT kind, 100.0 * count(*) / sum(count(*)) OVER () AS share FROM events GROUP BY kind) AS k;"

    # Before any timing: every variant scores every lead, lead by lead.
    # engagement by name, by value and with 2 workers exactly alike; the
    # hand-written SQL and the PL/pgSQL aggregate within 1e-6 (engagement
    # rounds each event's points to 2^-28, the others add doubles; all
    # round the result to 6 decimals).
    cat <<EOF
\\warn 'checking that the variants agree lead by lead'
CREATE UNLOGGED TABLE check_name AS $q_name;
CREATE UNLOGGED TABLE check_value AS $q_value;
CREATE UNLOGGED TABLE check_name_10 AS $q_name_10;
CREATE UNLOGGED TABLE check_value_fn_10 AS $q_value_fn_10;
CREATE UNLOGGED TABLE check_hand AS $q_hand;
CREATE UNLOGGED TABLE check_plpgsql AS $q_plpgsql;
$parallel_settings
\\echo '@plan|check_name_par'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) CREATE UNLOGGED TABLE check_name_par AS $q_name;
$serial_settings
CREATE UNLOGGED TABLE check_result AS
SELECT count(*) AS leads,
       count(*) FILTER (WHERE n.lead_id IS NULL OR v.lead_id IS NULL OR p.lead_id IS NULL
                              OR h.lead_id IS NULL OR g.lead_id IS NULL) AS missing,
       count(*) FILTER (WHERE v.score IS DISTINCT FROM n.score) AS value_differs,
       (SELECT count(*) FROM check_name_10 a FULL JOIN check_value_fn_10 b USING (lead_id)
         WHERE a.score IS DISTINCT FROM b.score) AS value_fn_differs,
       (SELECT count(*) FROM check_name_10) AS leads_10,
       count(*) FILTER (WHERE p.score IS DISTINCT FROM n.score) AS parallel_differs,
       count(*) FILTER (WHERE (abs(h.score - n.score) <= 1.000001e-6) IS NOT TRUE) AS hand_differs,
       count(*) FILTER (WHERE (abs(g.score - n.score) <= 1.000001e-6) IS NOT TRUE) AS plpgsql_differs,
       max(abs(h.score - n.score)) AS hand_max_diff,
       count(*) FILTER (WHERE h.score <> n.score) AS hand_not_equal,
       max(abs(g.score - n.score)) AS plpgsql_max_diff,
       count(*) FILTER (WHERE g.score <> n.score) AS plpgsql_not_equal,
       sum(n.score) AS sum_of_scores, min(n.score) AS min_score, max(n.score) AS max_score,
       count(*) FILTER (WHERE n.score = (SELECT cap FROM bench_limits)) AS at_cap,
       (SELECT sum(points) FROM events) AS sum_of_points
  FROM check_name n
  FULL JOIN check_value v USING (lead_id)
  FULL JOIN check_name_par p USING (lead_id)
  FULL JOIN check_hand h USING (lead_id)
  FULL JOIN check_plpgsql g USING (lead_id);
SELECT '@check|' || k || '|' || v FROM check_result r, json_each_text(row_to_json(r)) AS j(k, v);
DO \$check\$
DECLARE
    r record;
BEGIN
    SELECT * INTO r FROM check_result;
    IF r.leads <> (SELECT count(DISTINCT lead_id) FROM events) OR r.missing > 0
       OR r.value_differs > 0 OR r.value_fn_differs > 0 OR r.parallel_differs > 0 OR r.hand_differs > 0 OR r.plpgsql_differs > 0 THEN
        RAISE EXCEPTION 'variants disagree: %', row_to_json(r);
    END IF;
END
\$check\$;
DROP TABLE check_name, check_value, check_name_10, check_value_fn_10, check_hand, check_plpgsql, check_name_par;
CHECKPOINT;
EOF

    # Round 0 warms up with EXPLAIN ANALYZE (the plans, the hash tables'
    # memory and the workers launched), rounds 1 to runs are timed
    # (bench/common.sh).
    timed_rounds "$runs" "$serial_settings RESET work_mem;" "ANALYZE, VERBOSE, COSTS OFF, TIMING OFF" timed_query
    echo "$serial_settings RESET work_mem;"

    # Memory: each case in a new backend (\connect), with a warm-up over
    # 1000 rows (catalogs, the rules), then the query under EXPLAIN ANALYZE
    # while a poller started with \! samples the backend's RssAnon.
    for c in "${mem_cases[@]}"; do
        q=${mem_query[$c]}
        cat <<EOF
\\warn 'memory: ${mem_label[$c]}, ${mem_rows[$c]} rows'
\\connect
${mem_setup[$c]}
SELECT count(*) FROM (${q/LIMIT ${mem_rows[$c]}/LIMIT 1000}) AS s \\g /dev/null
SELECT pg_backend_pid() AS pid \\gset
\\setenv BENCH_PID :pid
\\! "\$BENCH_SELF" --poll "\$BENCH_PID" '$c' >>"\$BENCH_SAMPLES" &
SELECT pg_sleep(0.3) \\g /dev/null
SELECT '@mem|$c|${mem_label[$c]}|${mem_rows[$c]}|start|' || extract(epoch FROM clock_timestamp());
\\echo '@memplan|$c'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $(timed_query "$q");
SELECT '@mem|$c|${mem_label[$c]}|${mem_rows[$c]}|end|' || extract(epoch FROM clock_timestamp());
SELECT pg_sleep(0.1) \\g /dev/null
EOF
        # For the hashed series: how many kinds the groups have events of
        # (a state has room for 8 sums at first, 16 when a group has more).
        [[ $c != hash*-engagement-* ]] || cat <<EOF
SELECT '@kinds|$c|' || avg(n) || '|' || count(*) FILTER (WHERE n > 8) || '|' || count(*)
  FROM (SELECT lead_id, count(*) AS n
          FROM (SELECT DISTINCT (lead_id - 1) % ${mem_groups[$c]} AS lead_id, kind
                  FROM (SELECT * FROM events LIMIT ${mem_rows[$c]}) AS e) AS d
         GROUP BY lead_id) AS s;
EOF
    done
    echo "\\echo '@end'"
} >"$script"

# ---------------------------------------------------------------------------
# Run on a throwaway cluster (test/with-pg: in a temporary directory, so that
# no cluster of the machine is touched), then report.
# ---------------------------------------------------------------------------
with_pg_options "${settings[@]}"

echo "bench/engagement.sh: $rows events over $leads leads, $runs runs; progress below, raw output in $log" >&2
: >"$samples"
export BENCH_SELF=$bench/engagement.sh BENCH_SAMPLES=$samples
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$SECONDS
if ! "$repo/test/with-pg" "${pg_options[@]}" bash -c '
        status=0
        psql -X -q -A -t -v ON_ERROR_STOP=1 -v rows="$1" -v leads="$2" -v as_of="$3" \
            -f "$4" -f "$5" >"$6" || status=$?
        cp "$PG_SERVER_LOG" "$7"
        exit "$status"' \
    engagement.sh "$rows" "$leads" "$as_of" "$bench/engagement.sql" "$script" "$log" "$server_log"; then
    echo "bench/engagement.sh: FAILED; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
sleep 0.1   # the last poller's last sample

variants_list=$(for key in "${keys[@]}"; do
    printf '%s|%s|%s|%s\n' "$key" "${section[$key]}" "${label[$key]}" "${ref[$key]}"
done)
mem_list=$(for c in "${mem_cases[@]}"; do
    printf '%s|%s|%s|%s\n' "$c" "${mem_label[$c]}" "${mem_rows[$c]}" "${mem_groups[$c]}"
done)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)

awk -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" \
    -v machine="$(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -srm)" \
    -v rows="$rows" -v leads="$leads" -v few="$few" -v runs="$runs" -v as_of="$as_of" \
    -v variants="$variants_list" -v mem_cases="$mem_list" \
    -v load="$load_before before, $load_after after" \
    -v elapsed="$((SECONDS - started))" \
    -v target=1.5 \
    -f "$bench/stats.awk" -f "$bench/engagement-report.awk" "$log" "$samples"
