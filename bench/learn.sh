#!/usr/bin/env bash
# lead_qual.learn() on leads drawn from a known (planted) logistic model:
# does it find the planted criteria in their order and rank held-out leads
# as well as the planted model; how long it takes against exporting the
# rows and fitting scikit-learn's LogisticRegression, against a scan of the
# table, and with 2 parallel workers; where its time goes; the backend's
# peak memory as the rows grow; and lead_qual.auc() against avg() over the
# same column.  On a throwaway cluster (test/with-pg).
#
# Usage: bench/learn.sh [rows] [runs] [auc_rows]
#        (defaults: 1000000 training rows, 5 runs, 10000000 rows for auc)
#
# The server is the one PG_CONFIG names (default: the pg_config on the PATH).
# Writes the generated SQL, the raw psql output, the server's log, the
# memory readings and the scikit-learn output to bench/out/ and prints the
# report (see bench/README.md).
set -euo pipefail

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$bench")
. "$bench/common.sh"
# Debian's python3, with python3-sklearn (another python3 may come first on the PATH)
python=/usr/bin/python3
# the criteria of bench/learn.sql, and the columns of the export
criteria=(source industry region job_level budget employees visits last_touch_days demo_requested newsletter)
criteria_list=$(printf "'%s', " "${criteria[@]}")
criteria_sql="ARRAY[${criteria_list%, }]"
export_columns="source, industry, region, job_level, demo_requested, newsletter,
                budget, employees, visits, last_touch_days, won::int AS won"

# Internal: bench/learn.sh --sklearn PREFIX, run against the cluster (PGHOST
# ...): exports the training and held-out rows to PREFIX.train.csv and
# PREFIX.holdout.csv, times the export of the training rows, fits
# scikit-learn (bench/learn_sklearn.py) and removes the files.
if [[ ${1:-} == --sklearn ]]; then
    prefix=$2
    started=$EPOCHREALTIME
    psql -X -q -v ON_ERROR_STOP=1 \
        -c "COPY (SELECT $export_columns FROM learn_leads) TO STDOUT (FORMAT csv, HEADER)" >"$prefix.train.csv"
    ended=$EPOCHREALTIME
    awk -v s="$started" -v e="$ended" 'BEGIN { printf "@sk|export|%.1f\n", (e - s) * 1000 }'
    echo "@sk|export bytes|$(stat -c %s "$prefix.train.csv")"
    psql -X -q -v ON_ERROR_STOP=1 \
        -c "COPY (SELECT $export_columns FROM learn_holdout) TO STDOUT (FORMAT csv, HEADER)" >"$prefix.holdout.csv"
    status=0
    "$python" "$bench/learn_sklearn.py" "$prefix.train.csv" "$prefix.holdout.csv" || status=$?
    rm -f "$prefix.train.csv" "$prefix.holdout.csv"
    exit "$status"
fi

rows=${1:-1000000}
runs=${2:-5}
auc_rows=${3:-10000000}
if ! [[ $rows =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ && $auc_rows =~ ^[1-9][0-9]*$ ]] ||
    ((rows < 50000)); then
    echo "usage: $0 [rows] [runs] [auc_rows]     (rows >= 50000)" >&2
    exit 2
fi
holdout=$((rows / 5))
# the memory series: a tenth, three tenths and all of the training rows
mem_sizes=($((rows / 10)) $((rows * 3 / 10)) "$rows")

if ! pg_config=$(command -v "${PG_CONFIG:-pg_config}"); then
    echo "$0: no pg_config (set PG_CONFIG)" >&2
    exit 2
fi
PG_CONFIG=$pg_config "$repo/test/deps.sh" python3-sklearn python3-pandas python3-numpy python3-scipy
for lib in auto_explain pg_prewarm; do
    if [[ ! -f $("$pg_config" --pkglibdir)/$lib.so ]]; then
        echo "$0: $lib, from PostgreSQL's contrib, is not installed for $pg_config" >&2
        exit 1
    fi
done
# lead_qual with learn() (0.4.0) installed?
if ! grep -qs 'FUNCTION lead_qual.learn(' "$("$pg_config" --sharedir)"/extension/lead_qual--*.sql; then
    echo "lead_qual with learn() is not installed; installing it" >&2
    make -s -C "$repo" PG_CONFIG="$pg_config" install
fi

mkdir -p "$bench/out"
out=$bench/out/learn-$rows
script=$out.sql
log=$out.log
server_log=$out.server.log
mem=$out.mem
sklearn=$out.sklearn

# Server settings.  shared_buffers holds every table (bench/learn.sql loads
# them with pg_prewarm); jit off as in the other benchmarks; no parallel
# workers unless a query below asks for them; autovacuum off so that
# nothing else reads the tables during the timings.
settings=(shared_buffers=1GB work_mem=64MB jit=off max_parallel_workers_per_gather=0 autovacuum=off)
shown_settings="shared_buffers work_mem jit max_parallel_workers_per_gather autovacuum"
# With these the planner gives every pass of learn() and the scans 2 workers.
parallel_settings="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
serial_settings="RESET max_parallel_workers_per_gather; RESET parallel_setup_cost;
RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;"

learn() { echo "lead_qual.learn('$1', 'won', $criteria_sql)"; }

# ---------------------------------------------------------------------------
# The timed variants, each run once per round: key, label, query, and what
# is set before it (serial settings otherwise).  A learn() returns the md5
# of its model, which must be the same in every run.
# ---------------------------------------------------------------------------
keys=()
declare -A label query setup
variant() {
    keys+=("$1")
    label[$1]=$2 query[$1]=$3 setup[$1]=${4:-}
}
variant learn_serial "learn(), serial" "SELECT '@model|' || md5($(learn learn_leads)::text)"
variant learn_parallel "learn(), 2 workers" "SELECT '@model|' || md5($(learn learn_leads)::text)" \
    "$parallel_settings"
no_warmup=([learn_serial]=1 [learn_parallel]=1)     # the profiles below are their warm-up
# A scan of the table: the rows alone, and every column learn() reads.
variant scan_count "scan: count(*)" "SELECT count(*) FROM learn_leads"
variant scan_columns "scan: the criteria and won" \
    "SELECT $(printf 'count(%s), ' "${criteria[@]}")count(won) FROM learn_leads"
# learn()'s scoring query (LearnScorePass in src/learn/learn_data.c) by
# hand, the learned model a literal: its time alone, and in the warm-up its
# hash table (the groups: score hundredth, criteria met and qualified, as
# one number from learn_group()).
variant score_pass "scoring query, by hand" \
    "SELECT count(*), sum(won), sum(lost) FROM (
SELECT lead_qual.learn_group(:'model'::lead_qual.model, t, '-infinity'),
       (count(*) FILTER (WHERE t.won))::float8 AS won,
       (count(*) FILTER (WHERE NOT t.won))::float8 AS lost
  FROM public.learn_leads t
 WHERE t.won IS NOT NULL GROUP BY 1) AS s"
# auc() against avg() over the same column, serial and with 2 workers.
variant avg_serial "avg(score), serial" "SELECT avg(score) FROM auc_scores"
variant auc_serial "auc(score, won), serial" "SELECT lead_qual.auc(score, won) FROM auc_scores"
variant avg_parallel "avg(score), 2 workers" "SELECT avg(score) FROM auc_scores" "$parallel_settings"
variant auc_parallel "auc(score, won), 2 workers" "SELECT lead_qual.auc(score, won) FROM auc_scores" \
    "$parallel_settings"

# ---------------------------------------------------------------------------
# The psql script, run after bench/learn.sql.  Lines starting with @ mark
# what the following output is, for bench/learn-report.awk.
# ---------------------------------------------------------------------------
planted_spreads=$(printf 'max(planted_%s(%s)) - min(planted_%s(%s)) AS %s, ' \
    $(for c in "${criteria[@]}"; do echo "$c $c $c $c $c"; done))
planted_values=$(printf "('%s', p.%s), " $(for c in "${criteria[@]}"; do echo "$c $c"; done))
planted_logodds="planted_logodds($(printf '%s, ' "${criteria[@]}" | sed 's/, $//'))"
{
    echo "SELECT '@info|server|' || version();"
    echo "SELECT '@info|rows|' || count(*) || '|' || count(*) FILTER (WHERE won) FROM learn_leads;"
    echo "SELECT '@info|holdout|' || count(*) || '|' || count(*) FILTER (WHERE won) FROM learn_holdout;"
    echo "SELECT '@info|auc_rows|' || count(*) FROM auc_scores;"
    echo "SELECT '@info|size|' || pg_size_pretty(pg_table_size('learn_leads')) || '|'"
    echo "       || pg_size_pretty(pg_table_size('auc_scores'));"
    echo "SELECT '@info|settings|' || string_agg(name || '=' || current_setting(name), ' ' ORDER BY ord)"
    echo "  FROM unnest(string_to_array('$shown_settings', ' ')) WITH ORDINALITY AS s(name, ord);"
    # The planted effect size of each criterion: the spread of its
    # contributions to the log-odds over the training rows.
    echo "SELECT '@planted|' || v.k || '|' || v.spread"
    echo "  FROM (SELECT ${planted_spreads%, } FROM learn_leads) AS p,"
    echo "       LATERAL (VALUES ${planted_values%, }) AS v(k, spread);"

    # The memory series: the first rows of the training table (the last
    # size is the table itself), and a small table to warm a backend up.
    for n in $(printf '%s\n' "${mem_sizes[@]:0:2}" 20000 | sort -un); do
        echo "CREATE TABLE learn_leads_$n AS SELECT * FROM learn_leads WHERE id <= $n;"
        echo "VACUUM ANALYZE learn_leads_$n;"
        echo "SELECT pg_prewarm('learn_leads_$n') \\g /dev/null"
    done

    # Profiles (also the warm-up): one learn() serial and one with 2
    # workers, each query learn() runs logged by auto_explain with its
    # duration and plan, analyzed for the workers launched (rows counted,
    # no timing of the nodes).
    cat <<EOF
CREATE TABLE learned (run text PRIMARY KEY, m lead_qual.model);
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_timing = off;
EOF
    for mode in serial parallel; do
        if [[ $mode == serial ]]; then echo "$serial_settings"; else echo "$parallel_settings"; fi
        cat <<EOF
\\warn 'profile: learn(), $mode'
DO \$\$ BEGIN RAISE LOG 'bench/learn.sh profile $mode'; END \$\$;
\\echo '@profile|$mode'
\\timing on
SELECT $(learn learn_leads)::text AS model \\gset
\\timing off
INSERT INTO learned VALUES ('profile $mode', :'model');
EOF
    done
    cat <<EOF
$serial_settings
DO \$\$ BEGIN RAISE LOG 'bench/learn.sh profile end'; END \$\$;
RESET auto_explain.log_min_duration;
SELECT '@model|' || md5(m::text) FROM learned ORDER BY run;

-- The learned weights, the held-out AUC of the learned and the planted
-- model, and the learned model's calibration on the held-out rows.
SELECT '@learned|' || c.key || '|' || c.weight || '|' || c.rule
  FROM learned l, lead_qual.criteria(l.m) AS c WHERE l.run = 'profile serial' ORDER BY c.ordinal;
SELECT '@auc|learned|' || lead_qual.auc(lead_qual.score(l.m, h), h.won)
       || '|' || sum(lead_qual.win_probability(l.m, h)) || '|' || count(*) FILTER (WHERE h.won)
  FROM learned l, learn_holdout h WHERE l.run = 'profile serial';
SELECT '@auc|planted|' || lead_qual.auc($planted_logodds, won)
       || '|' || sum(1 / (1 + exp(-$planted_logodds))) || '|' || count(*) FILTER (WHERE won)
  FROM learn_holdout;
SELECT '@auc|learned_train|' || lead_qual.auc(lead_qual.score(l.m, t), t.won)
  FROM learned l, learn_leads t WHERE l.run = 'profile serial';
SELECT '@auc|planted_train|' || lead_qual.auc($planted_logodds, won) FROM learn_leads;
EOF

    # Round 0 warms up with EXPLAIN ANALYZE (the workers launched, the
    # scoring query's hash table), rounds 1 to runs are timed
    # (bench/common.sh).
    timed_rounds "$runs" "$serial_settings" "ANALYZE, COSTS OFF, TIMING OFF"
    echo "$serial_settings"

    # Memory: learn() in a new backend for each size, serial.  The backend
    # first learns from 20000 rows (the library, catalogs and caches), then
    # reads the table once (its pages in shared buffers then count in its
    # resident set), then its peak resident set is reset (clear_refs) and
    # read before and after learn(): VmHWM after, less VmRSS before, is
    # what learn() added at its peak.
    for n in "${mem_sizes[@]}"; do
        t=learn_leads_$n
        ((n != rows)) || t=learn_leads
        status="sed -n 's/^\\(VmHWM\\|VmRSS\\|RssAnon\\|RssShmem\\):[[:space:]]*\\([0-9]*\\) kB\$/@mem|$n|WHEN|\\1|\\2/p' \"/proc/\$BENCH_PID/status\" >>\"\$BENCH_MEM\""
        cat <<EOF
\\warn 'memory: learn() over $n rows'
\\connect
SELECT md5($(learn learn_leads_20000)::text) \\g /dev/null
SELECT count(*) FROM $t \\g /dev/null
SELECT pg_backend_pid() AS pid \\gset
\\setenv BENCH_PID :pid
\\! echo 5 >"/proc/\$BENCH_PID/clear_refs"
\\! ${status/WHEN/before}
\\echo '@run|memory $n|1'
\\timing on
SELECT '@model|' || md5($(learn "$t")::text);
\\timing off
\\! ${status/WHEN/after}
EOF
    done
    echo "\\echo '@end'"
} >"$script"

# ---------------------------------------------------------------------------
# Run on a throwaway cluster (test/with-pg: in a temporary directory, so that
# no cluster of the machine is touched), then report.
# ---------------------------------------------------------------------------
with_pg_options "${settings[@]}"

echo "bench/learn.sh: $rows rows ($holdout held out), $runs runs, auc over $auc_rows rows;" \
    "progress below, raw output in $log" >&2
: >"$mem"
export BENCH_MEM=$mem
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$SECONDS
if ! PG_CONFIG=$pg_config "$repo/test/with-pg" "${pg_options[@]}" bash -c '
        status=0
        psql -X -q -A -t -v ON_ERROR_STOP=1 -v rows="$1" -v holdout="$2" -v auc_rows="$3" \
            -f "$4" -f "$5" >"$6" || status=$?
        if ((status == 0)); then
            echo "scikit-learn: export and fit" >&2
            "$7" --sklearn "$8" >"$9" || status=$?
        fi
        cp "$PG_SERVER_LOG" "${10}"
        exit "$status"' \
    learn.sh "$rows" "$holdout" "$auc_rows" "$bench/learn.sql" "$script" "$log" \
    "$bench/learn.sh" "$out" "$sklearn" "$server_log"; then
    echo "bench/learn.sh: FAILED; the end of $log, $sklearn and $server_log:" >&2
    tail -n 20 "$log" "$sklearn" >&2 || true
    grep -E 'ERROR|FATAL' "$server_log" | tail -n 5 >&2 || true
    exit 1
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

variants_list=$(for key in "${keys[@]}"; do printf '%s|%s\n' "$key" "${label[$key]}"; done)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
sk_info=$("$python" -c 'import sklearn, numpy, pandas, scipy
print("scikit-learn %s, numpy %s, pandas %s, scipy %s" % (sklearn.__version__, numpy.__version__, pandas.__version__, scipy.__version__))')

awk -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" \
    -v machine="$(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -srm)" \
    -v runs="$runs" -v variants="$variants_list" -v mem_sizes="${mem_sizes[*]}" \
    -v load="$load_before before, $load_after after" -v elapsed="$((SECONDS - started))" \
    -v sk_info="$sk_info" -v auc_limit=0.005 -v auc_ratio_limit=2 \
    -f "$bench/stats.awk" -f "$bench/learn-report.awk" "$log" "$sklearn" "$mem" "$server_log"
