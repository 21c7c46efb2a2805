# What the benchmark scripts share (sourced), as bench/common.sql is what
# their SQL shares.

# with_pg_options SETTING...: the options of test/with-pg that set these
# server settings (name=value), in the array pg_options.
with_pg_options() {
    local s
    pg_options=()
    for s in "$@"; do
        pg_options+=(-o "$s")
    done
}

# timed_rounds RUNS RESET EXPLAIN [WRAP]: the rounds of a generated psql
# script, on stdout.  Round 0 warms up, each variant under EXPLAIN EXPLAIN
# (its options, e.g. "ANALYZE, COSTS OFF"); rounds 1 to RUNS are timed with
# psql's \timing; each round runs every variant once, in the order of the
# array keys, so that load from elsewhere on the machine spreads over all of
# them.  Before each variant: RESET, then setup[key] (associative arrays of
# the caller, like query).  The statement is query[key], given to the
# function WRAP when one is named.  A key in the associative array
# no_warmup (empty unless the caller fills it) is left out of round 0.
# Markers for the report: "@plan|KEY" before a warm-up's plan,
# "@run|KEY|ROUND" before a timed run.
declare -A no_warmup=()
timed_rounds() {
    local runs=$1 reset=$2 explain=$3 wrap=${4:-} r key q
    for ((r = 0; r <= runs; r++)); do
        if ((r == 0)); then
            echo "\\warn 'warm-up round (EXPLAIN ANALYZE)'"
        else
            echo "\\warn 'round $r of $runs'"
        fi
        for key in "${keys[@]}"; do
            q=${query[$key]}
            [[ -z $wrap ]] || q=$("$wrap" "$q")
            echo "$reset"
            [[ -z ${setup[$key]} ]] || echo "${setup[$key]}"
            if ((r == 0)); then
                [[ -z ${no_warmup[$key]:-} ]] || continue
                echo "\\echo '@plan|$key'"
                echo "EXPLAIN ($explain) $q;"
            else
                echo "\\echo '@run|$key|$r'"
                echo '\timing on'
                echo "$q;"
                echo '\timing off'
            fi
        done
    done
}
