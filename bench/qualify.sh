#!/usr/bin/env bash
# Time lead_qual.score(), qualify() and is_qualified() over a table of leads,
# against the same scoring written by hand as a SQL CASE expression and as
# PL/pgSQL functions, on a throwaway PostgreSQL 15 cluster.
#
# Usage: [PG_CONFIG=...] bench/qualify.sh [rows] [runs]   (defaults: 1000000 rows, 5 runs;
#        PostgreSQL 15, or the server whose pg_config PG_CONFIG names)
#
# Writes the generated SQL and the raw psql output to bench/out/ and prints
# the report (see bench/README.md).
set -euo pipefail

rows=${1:-1000000}
runs=${2:-5}
if ! [[ $rows =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [rows] [runs]" >&2
    exit 2
fi

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$bench")
. "$bench/common.sh"
pg_config=/usr/lib/postgresql/15/bin/pg_config

# PG_CONFIG names another server to run on (test/with-pg reads it too).
pg_config=${PG_CONFIG:-$pg_config}
export PG_CONFIG=$pg_config
if [[ ! -f $("$pg_config" --sharedir)/extension/lead_qual.control ]]; then
    echo "lead_qual is not installed; installing it" >&2
    make -s -C "$repo" PG_CONFIG="$pg_config" install
fi

mkdir -p "$bench/out"
script=$bench/out/qualify-$rows.sql
log=$bench/out/qualify-$rows.log

# Server settings.  jit is off so that every variant runs interpreted: with
# the default jit_above_cost, only the plans calling PL/pgSQL (function cost
# 100 per row) would be compiled.
settings=(shared_buffers=512MB work_mem=64MB jit=off max_parallel_workers_per_gather=0)

# ---------------------------------------------------------------------------
# The expressions compared.  Each one scores one lead l of the table leads.
# ---------------------------------------------------------------------------
as_of="'2026-01-01 00:00+00'"

score_row="lead_qual.score('bench_bant', l, $as_of)"
score_jsonb="lead_qual.score('bench_bant', l.evidence, $as_of)"
qualify_row="lead_qual.qualify('bench_bant', l, $as_of)"
is_qualified_row="lead_qual.is_qualified('bench_bant', l, $as_of)"
plpgsql_cols="bench_score(budget_eur, decision_role, need, purchase_date, $as_of)"
plpgsql_jsonb="bench_score_jsonb(evidence, $as_of)"
plpgsql_qualify="bench_qualify(budget_eur, decision_role, need, purchase_date, $as_of)"

# bench_bant written by hand: one point per criterion met, need/10 for the
# need mark, as a percentage of the four points.
case_cols="(CASE WHEN budget_eur >= 10000 THEN 1 ELSE 0 END
        + CASE WHEN decision_role IN ('owner', 'cfo', 'purchasing') THEN 1 ELSE 0 END
        + COALESCE(need, 0) / 10.0
        + CASE WHEN purchase_date BETWEEN DATE '2026-01-01' AND DATE '2026-01-01' + 90 THEN 1 ELSE 0 END
       ) * 100 / 4"
case_jsonb="(CASE WHEN (evidence ->> 'budget_eur')::numeric >= 10000 THEN 1 ELSE 0 END
        + CASE WHEN evidence ->> 'decision_role' IN ('owner', 'cfo', 'purchasing') THEN 1 ELSE 0 END
        + COALESCE((evidence ->> 'need')::int, 0) / 10.0
        + CASE WHEN (evidence ->> 'purchase_date')::date BETWEEN DATE '2026-01-01' AND DATE '2026-01-01' + 90 THEN 1 ELSE 0 END
       ) * 100 / 4"

# The simplest case: the built-in model bant over plain booleans and 0-10
# marks (plain_leads), against the simplest CASE a user would write.
score_plain="lead_qual.score('bant', p)"
qualify_plain="lead_qual.qualify('bant', p)"
is_qualified_plain="lead_qual.is_qualified('bant', p)"
plpgsql_plain="bench_plain_score(budget, authority, need, timeframe)"
case_plain="100 * ((CASE WHEN budget THEN 10 ELSE 0 END) + (CASE WHEN authority THEN 10 ELSE 0 END)
        + COALESCE(need, 0) + COALESCE(timeframe, 0))::float8 / 40"

# ---------------------------------------------------------------------------
# The variants timed, in this order: name, what the query returns (score: a
# sum of scores; count: a count of leads; floor: anything), the SQL CASE it
# is compared with, and the query.
# ---------------------------------------------------------------------------
names=()
declare -A kind ref query
variant() {
    names+=("$1")
    kind[$1]=$2 ref[$1]=$3 query[$1]=$4
}
variant "SQL CASE (columns)" score "SQL CASE (columns)" "SELECT sum($case_cols) FROM leads l"
variant "score (row)" score "SQL CASE (columns)" "SELECT sum($score_row) FROM leads l"
# OFFSET 0 keeps the subquery, so qualify() runs once per row, not once per field.
variant "qualify (row)" score "SQL CASE (columns)" \
    "SELECT sum((q).score) FROM (SELECT $qualify_row AS q FROM leads l OFFSET 0) AS s"
variant "is_qualified (row)" count "SQL CASE (columns)" \
    "SELECT count(*) FILTER (WHERE $is_qualified_row) FROM leads l"
variant "PL/pgSQL (columns)" score "SQL CASE (columns)" "SELECT sum($plpgsql_cols) FROM leads l"
variant "PL/pgSQL qualify" score "SQL CASE (columns)" \
    "SELECT sum((q).score) FROM (SELECT $plpgsql_qualify AS q FROM leads l OFFSET 0) AS s"
variant "SQL CASE (jsonb)" score "SQL CASE (jsonb)" "SELECT sum($case_jsonb) FROM leads l"
variant "score (jsonb)" score "SQL CASE (jsonb)" "SELECT sum($score_jsonb) FROM leads l"
variant "PL/pgSQL (jsonb)" score "SQL CASE (jsonb)" "SELECT sum($plpgsql_jsonb) FROM leads l"
# The simplest case (kind plain: its own sum of scores).
variant "SQL CASE (plain)" plain "SQL CASE (plain)" "SELECT sum($case_plain) FROM plain_leads p"
variant "score (plain)" plain "SQL CASE (plain)" "SELECT sum($score_plain) FROM plain_leads p"
variant "qualify (plain)" plain "SQL CASE (plain)" \
    "SELECT sum((q).score) FROM (SELECT $qualify_plain AS q FROM plain_leads p OFFSET 0) AS s"
variant "is_qualified (plain)" count "SQL CASE (plain)" \
    "SELECT count(*) FILTER (WHERE $is_qualified_plain) FROM plain_leads p"
variant "PL/pgSQL (plain)" plain "SQL CASE (plain)" "SELECT sum($plpgsql_plain) FROM plain_leads p"
# What every variant pays before scoring: reading the table, and for the row
# forms also building the row value l (all columns, evidence included).
variant "scan only" floor "SQL CASE (columns)" "SELECT sum(need) FROM leads l"
variant "scan + row value" floor "SQL CASE (columns)" "SELECT count(l) FROM leads l"
variant "scan only (plain)" floor "SQL CASE (plain)" "SELECT count(*) FROM plain_leads p"

# Run again in parallel, compared with their serial times; the plan of the
# first one is printed.
parallel=("score (row)" "SQL CASE (columns)")

# Targets: label | variant | compared with | kind of comparison | limit.
targets=(
    "score (row form) vs SQL CASE|score (row)|SQL CASE (columns)|ratio <=|1.0"
    "qualify vs SQL CASE|qualify (row)|SQL CASE (columns)|ratio <=|2.0"
    "PL/pgSQL vs score|PL/pgSQL (columns)|score (row)|speed-up >=|10"
    "score vs simplest CASE|score (plain)|SQL CASE (plain)|ratio <=|0.8"
    "is_qualified vs simplest CASE|is_qualified (plain)|SQL CASE (plain)|ratio <=|0.8"
    "qualify vs simplest CASE|qualify (plain)|SQL CASE (plain)|ratio <=|1.5"
    "PL/pgSQL vs score, plain|PL/pgSQL (plain)|score (plain)|speed-up >=|10"
)
# Not a target, shown for the full logic: qualify() against the same
# qualification written in PL/pgSQL.  The fourth field, when there is one,
# is the scan the net figure leaves out (else "scan only").
extra_ratios=(
    "PL/pgSQL vs score|PL/pgSQL (columns)|score (row)"
    "PL/pgSQL qualify vs qualify|PL/pgSQL qualify|qualify (row)"
    "PL/pgSQL jsonb vs score jsonb|PL/pgSQL (jsonb)|score (jsonb)"
    "PL/pgSQL vs score, plain|PL/pgSQL (plain)|score (plain)|scan only (plain)"
    "SQL CASE vs score, plain|SQL CASE (plain)|score (plain)|scan only (plain)"
)

# ---------------------------------------------------------------------------
# The psql script, run after bench/qualify.sql.  Lines starting with @ mark
# what the following output is, for bench/report.awk.
# ---------------------------------------------------------------------------
# timed SECTION KIND NAME REF QUERY: a warm-up run, then $runs timed runs.
timed() {
    printf '%s\n' "\\warn '$1: $3'" "\\echo '@variant|$1|$2|$3|$4'"
    for ((r = 0; r <= runs; r++)); do
        echo "$5;"
    done
}

{
    echo "SELECT '@info|server|' || version();"
    echo "SELECT '@info|rows|' || count(*) FROM leads;"
    echo "SELECT '@info|size|' || pg_size_pretty(pg_table_size('leads'));"
    echo "SELECT '@info|settings|' || string_agg(name || '=' || current_setting(name), ' ' ORDER BY ord)"
    echo "  FROM unnest(ARRAY['shared_buffers', 'work_mem', 'jit', 'max_parallel_workers_per_gather'])"
    echo "       WITH ORDINALITY AS s(name, ord);"

    # Every variant must give the same score as the SQL CASE, lead by lead.
    cat <<EOF
\\warn 'checking that all variants agree on each lead'
DO \$check\$
DECLARE
    r record;
BEGIN
    -- one row of counts per table, leads and plain_leads
    SELECT *
      INTO r
      FROM (SELECT count(*) FILTER (WHERE (abs(score_row - case_cols) <= 1e-6) IS NOT TRUE) AS "score (row)",
                   count(*) FILTER (WHERE (abs((q).score - case_cols) <= 1e-6) IS NOT TRUE) AS "qualify (row)",
                   count(*) FILTER (WHERE is_qualified IS DISTINCT FROM (q).qualified) AS "is_qualified (row)",
                   count(*) FILTER (WHERE (abs(plpgsql_cols - case_cols) <= 1e-6) IS NOT TRUE) AS "PL/pgSQL (columns)",
                   count(*) FILTER (WHERE plpgsql_qualify IS DISTINCT FROM q) AS "PL/pgSQL qualify",
                   count(*) FILTER (WHERE (abs(score_jsonb - case_jsonb) <= 1e-6) IS NOT TRUE) AS "score (jsonb)",
                   count(*) FILTER (WHERE (abs(plpgsql_jsonb - case_jsonb) <= 1e-6) IS NOT TRUE) AS "PL/pgSQL (jsonb)",
                   count(*) FILTER (WHERE (case_cols = case_jsonb) IS NOT TRUE) AS "SQL CASE (jsonb)"
              FROM (SELECT $score_row AS score_row,
                           $qualify_row AS q,
                           $is_qualified_row AS is_qualified,
                           $plpgsql_cols AS plpgsql_cols,
                           $plpgsql_qualify AS plpgsql_qualify,
                           $score_jsonb AS score_jsonb,
                           $plpgsql_jsonb AS plpgsql_jsonb,
                           $case_cols AS case_cols,
                           $case_jsonb AS case_jsonb
                      FROM leads l OFFSET 0) AS s) AS on_leads,
           (SELECT count(*) FILTER (WHERE (abs(score_plain - case_plain) <= 1e-6) IS NOT TRUE) AS "score (plain)",
                   count(*) FILTER (WHERE (abs((q).score - case_plain) <= 1e-6) IS NOT TRUE) AS "qualify (plain)",
                   count(*) FILTER (WHERE is_qualified IS DISTINCT FROM (q).qualified) AS "is_qualified (plain)",
                   count(*) FILTER (WHERE q IS DISTINCT FROM q_jsonb) AS "qualify (plain) vs jsonb",
                   count(*) FILTER (WHERE (abs(plpgsql_plain - case_plain) <= 1e-6) IS NOT TRUE) AS "PL/pgSQL (plain)"
              FROM (SELECT $score_plain AS score_plain,
                           $qualify_plain AS q,
                           lead_qual.qualify('bant', to_jsonb(p)) AS q_jsonb,
                           $is_qualified_plain AS is_qualified,
                           $plpgsql_plain AS plpgsql_plain,
                           $case_plain AS case_plain
                      FROM plain_leads p OFFSET 0) AS s) AS on_plain_leads;
    IF EXISTS (SELECT FROM json_each_text(row_to_json(r)) WHERE value::bigint > 0) THEN
        RAISE EXCEPTION 'variants disagree; leads scored differently, per variant: %', row_to_json(r);
    END IF;
END
\$check\$;
EOF

    printf '%s\n' '\timing on'
    for name in "${names[@]}"; do
        timed serial "${kind[$name]}" "$name" "${ref[$name]}" "${query[$name]}"
    done

    printf '%s\n' '\timing off'
    echo 'SET max_parallel_workers_per_gather = 2;'
    echo 'SET parallel_setup_cost = 0;'
    echo 'SET parallel_tuple_cost = 0;'
    echo 'SET min_parallel_table_scan_size = 0;'
    for name in "${parallel[@]}"; do
        printf '%s\n' "\\echo '@plan|$name'"
        echo "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF) ${query[$name]};"
    done
    printf '%s\n' '\timing on'
    for name in "${parallel[@]}"; do
        timed parallel score "$name" "$name" "${query[$name]}"
    done
    printf '%s\n' "\\echo '@end'"
} >"$script"

# ---------------------------------------------------------------------------
# Run on a throwaway cluster (test/with-pg: in a temporary directory, so that
# no cluster of the machine is touched), then report.
# ---------------------------------------------------------------------------
with_pg_options "${settings[@]}"

echo "bench/qualify.sh: $rows rows, $runs runs; progress below, raw output in $log" >&2
if ! "$repo/test/with-pg" "${pg_options[@]}" \
    psql -X -q -A -t -v ON_ERROR_STOP=1 -v rows="$rows" \
    -f "$bench/qualify.sql" -f "$script" >"$log"; then
    echo "bench/qualify.sh: FAILED; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
awk -f "$bench/stats.awk" -f "$bench/report.awk" \
    -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" \
    -v machine="$(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -srm)" \
    -v runs="$runs" \
    -v targets="$(printf '%s\n' "${targets[@]}")" \
    -v extras="$(printf '%s\n' "${extra_ratios[@]}")" \
    "$log"
