#!/usr/bin/env bash
# Time bulk writes to a table of leads with the lead_qual.autoscore() trigger
# against the same writes without a trigger and with PL/pgSQL triggers that
# store the same qualification, on a throwaway PostgreSQL 15 cluster.
#
# Usage: [PG_CONFIG=...] bench/trigger.sh [rows] [runs]   (defaults: 1000000 rows, 5 runs;
#        PostgreSQL 15, or the server whose pg_config PG_CONFIG names)
#
# Writes the generated SQL, the raw psql output and the server's log to
# bench/out/ and prints the report (see bench/README.md).
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
script=$bench/out/trigger-$rows.sql
log=$bench/out/trigger-$rows.log
server_log=$bench/out/trigger-$rows.server.log

# Server settings.  shared_buffers holds the table being written; with
# max_wal_size=4GB and checkpoint_timeout=30min no checkpoint starts during
# a statement (each timed statement follows a CHECKPOINT).  autovacuum is
# off, so that no vacuum of the last table written runs during the next
# statement.  synchronous_commit=off and jit=off as a bulk load would
# have them; test/with-pg runs the server with fsync=off.
settings=(shared_buffers=512MB max_wal_size=4GB checkpoint_timeout=30min
          synchronous_commit=off autovacuum=off jit=off)
# The settings the report shows (with-pg's fsync included).
shown_settings="shared_buffers max_wal_size checkpoint_timeout synchronous_commit autovacuum jit
                wal_level full_page_writes fsync"

# ---------------------------------------------------------------------------
# The statements compared.
# ---------------------------------------------------------------------------
cols="id, budget_eur, decision_role, need, purchase_date"
# The leads, without a qualification (a trigger adds it) ...
generated="SELECT * FROM generated_leads"
# ... with the qualification of model $1, computed in the SELECT ...
generated_q() {
    echo "SELECT g.*, lead_qual.qualify('$1', g, now()) FROM generated_leads g"
}
# ... or with one qualification for all.
constant_q='(bench_bant,25,f,nurture,C,1,4,4,{},"{budget,need,timeframe}")'
# The plain leads (common.sql), with the qualification of the built-in
# model bant computed in the SELECT, as a composite or as flat columns.
plain_cols="id, budget, authority, need, timeframe"
plain_generated="SELECT * FROM generated_plain_leads"
plain_q="SELECT g.*, lead_qual.qualify('bant', g, now()) FROM generated_plain_leads g"
flat_cols="score, status, tier, qualified, missing"
plain_flat="SELECT $plain_cols, (q).score, (q).status, (q).tier, (q).qualified,
           array_to_string((q).missing, ', ')
      FROM (SELECT g.*, lead_qual.qualify('bant', g, now()) AS q FROM generated_plain_leads g OFFSET 0) AS s"

# ---------------------------------------------------------------------------
# The variants, in this order: section, name, the variant it is compared
# with (same section), table, the model whose qualification the table holds
# afterwards (- for none: q stays NULL), the untimed statements that prepare
# the table after it is emptied, and the timed statement.
# ---------------------------------------------------------------------------
keys=()
declare -A section name baseline table model prepare statement
variant() {
    local key="$1|$2"
    keys+=("$key")
    section[$key]=$1 name[$key]=$2 baseline[$key]="$1|$3" table[$key]=$4 model[$key]=$5
    prepare[$key]=$6 statement[$key]=$7
}

# INSERT ... SELECT of the generated leads into a logged table.
variant insert "no trigger" "no trigger" leads_plain - "" \
    "INSERT INTO leads_plain ($cols) $generated"
variant insert "no trigger, qualify() in SELECT" "no trigger" leads_plain bench_bant "" \
    "INSERT INTO leads_plain ($cols, q) $(generated_q bench_bant)"
# The cost of storing a qualification without computing one: the same,
# typical qualification (142 bytes, the average size of those of bench_bant)
# for every lead.
variant insert "no trigger, constant q in SELECT" "no trigger" leads_plain constant "" \
    "INSERT INTO leads_plain ($cols, q) SELECT g.*, '$constant_q'::lead_qual.qualification FROM generated_leads g"
variant insert "autoscore trigger" "no trigger" leads_autoscore bench_bant "" \
    "INSERT INTO leads_autoscore ($cols) $generated"
variant insert "PL/pgSQL trigger, qualify()" "no trigger" leads_plpgsql bench_bant "" \
    "INSERT INTO leads_plpgsql ($cols) $generated"
variant insert "PL/pgSQL trigger, by hand" "no trigger" leads_byhand bench_bant "" \
    "INSERT INTO leads_byhand ($cols) $generated"

# The simplest case: the plain leads and bant, stored as a qualification
# or, by autoscore's flat targets, as plain columns (score, status, tier,
# qualified, missing); each compared with the same table without a trigger.
variant plain "no trigger" "no trigger" plain_q - "" \
    "INSERT INTO plain_q ($plain_cols) $plain_generated"
variant plain "no trigger, qualify() in SELECT" "no trigger" plain_q bant "" \
    "INSERT INTO plain_q ($plain_cols, q) $plain_q"
variant plain "autoscore trigger" "no trigger" plain_q_autoscore bant "" \
    "INSERT INTO plain_q_autoscore ($plain_cols) $plain_generated"
variant plain "PL/pgSQL trigger, qualify()" "no trigger" plain_q_plpgsql bant "" \
    "INSERT INTO plain_q_plpgsql ($plain_cols) $plain_generated"
variant plain "no trigger, flat columns" "no trigger, flat columns" plain_flat - "" \
    "INSERT INTO plain_flat ($plain_cols) $plain_generated"
variant plain "flat columns from qualify() in SELECT" "no trigger, flat columns" plain_flat bant "" \
    "INSERT INTO plain_flat ($plain_cols, $flat_cols) $plain_flat"
variant plain "autoscore trigger, flat columns" "no trigger, flat columns" plain_flat_autoscore bant "" \
    "INSERT INTO plain_flat_autoscore ($plain_cols) $plain_generated"

# The same into an unlogged table: no WAL, so the trigger's share is larger.
variant unlogged "no trigger" "no trigger" leads_plain_unlogged - "" \
    "INSERT INTO leads_plain_unlogged ($cols) $generated"
variant unlogged "autoscore trigger" "no trigger" leads_autoscore_unlogged bench_bant "" \
    "INSERT INTO leads_autoscore_unlogged ($cols) $generated"

# UPDATE of the note, which no model reads, on every lead of a table loaded
# with the qualifications (by the trigger, or computed in the SELECT for the
# table without one) and vacuumed.  Each trigger is compared with the table
# without a trigger holding the same model's qualifications, as wide.
update="SET note = 'called'"
variant update "no trigger, q of bench_bant" "no trigger, q of bench_bant" leads_plain bench_bant \
    "INSERT INTO leads_plain ($cols, q) $(generated_q bench_bant); VACUUM leads_plain;" \
    "UPDATE leads_plain $update"
variant update "autoscore, bench_bant" "no trigger, q of bench_bant" leads_autoscore bench_bant \
    "INSERT INTO leads_autoscore ($cols) $generated; VACUUM leads_autoscore;" \
    "UPDATE leads_autoscore $update"
variant update "no trigger, q of bench_ban" "no trigger, q of bench_ban" leads_plain bench_ban \
    "INSERT INTO leads_plain ($cols, q) $(generated_q bench_ban); VACUUM leads_plain;" \
    "UPDATE leads_plain $update"
variant update "autoscore, bench_ban" "no trigger, q of bench_ban" leads_autoscore_ban bench_ban \
    "INSERT INTO leads_autoscore_ban ($cols) $generated; VACUUM leads_autoscore_ban;" \
    "UPDATE leads_autoscore_ban $update"
# What any BEFORE UPDATE row trigger costs: PostgreSQL's own
# suppress_redundant_updates_trigger(), in C, which compares the old and the
# new row and, as the note changed, lets the update through.
variant update "C trigger, no scoring" "no trigger, q of bench_ban" leads_noop bench_ban \
    "INSERT INTO leads_noop ($cols, q) $(generated_q bench_ban); VACUUM leads_noop;" \
    "UPDATE leads_noop $update"

# The targets: variant | compared with | at most.  The INSERT with autoscore
# against the same without a trigger, and against the same qualification
# computed in the SELECT and stored (the work without a trigger); the flat
# targets against the same table without a trigger.
targets=(
    "insert|autoscore trigger|insert|no trigger|1.3"
    "insert|autoscore trigger|insert|no trigger, qualify() in SELECT|1.1"
    "plain|autoscore trigger|plain|no trigger, qualify() in SELECT|1.1"
    "plain|autoscore trigger, flat columns|plain|no trigger, flat columns|1.3"
)

# ---------------------------------------------------------------------------
# The psql script, run after bench/trigger.sql.  Lines starting with @ mark
# what the following output is, for the report below.
# ---------------------------------------------------------------------------
{
    echo "SELECT '@info|server|' || version();"
    echo "SELECT '@info|settings|' || string_agg(name || '=' || current_setting(name), ' ' ORDER BY ord)"
    echo "  FROM unnest(string_to_array('$(echo $shown_settings)', ' ')) WITH ORDINALITY AS s(name, ord);"

    # Every way of storing a qualification must store the same one for each
    # lead.  In one transaction, so that now(), the as_of of every variant,
    # is the same for all; rolled back.
    cat <<EOF
\\warn 'checking that every variant stores the same qualification for each lead'
BEGIN;
SET LOCAL work_mem = '256MB';
INSERT INTO leads_plain ($cols, q) $(generated_q bench_bant);
INSERT INTO leads_autoscore ($cols) $generated;
INSERT INTO leads_plpgsql ($cols) $generated;
INSERT INTO leads_byhand ($cols) $generated;
INSERT INTO leads_autoscore_unlogged ($cols) $generated;
INSERT INTO leads_autoscore_ban ($cols) $generated;
INSERT INTO plain_q ($plain_cols, q) $plain_q;
INSERT INTO plain_q_autoscore ($plain_cols) $plain_generated;
INSERT INTO plain_q_plpgsql ($plain_cols) $plain_generated;
INSERT INTO plain_flat ($plain_cols, $flat_cols) $plain_flat;
INSERT INTO plain_flat_autoscore ($plain_cols) $plain_generated;
UPDATE leads_autoscore $update;
UPDATE leads_autoscore_ban $update;
DO \$check\$
DECLARE
    r record;
BEGIN
    SELECT count(*) FILTER (WHERE a.id IS NULL OR s.id IS NULL OR p.id IS NULL OR h.id IS NULL
                                  OR u.id IS NULL OR b.id IS NULL) AS "leads missing from a table",
           count(*) - $rows AS "leads more than generated",
           count(*) FILTER (WHERE a.q IS NULL) AS "autoscore: not scored",
           count(*) FILTER (WHERE a.q IS DISTINCT FROM lead_qual.qualify('bench_bant', a, now())) AS "autoscore vs qualify()",
           count(*) FILTER (WHERE s.q IS DISTINCT FROM a.q) AS "qualify() in SELECT",
           count(*) FILTER (WHERE p.q IS DISTINCT FROM a.q) AS "PL/pgSQL trigger, qualify()",
           count(*) FILTER (WHERE h.q IS DISTINCT FROM a.q) AS "PL/pgSQL trigger, by hand",
           count(*) FILTER (WHERE u.q IS DISTINCT FROM a.q) AS "unlogged autoscore",
           count(*) FILTER (WHERE b.q IS NULL
                               OR b.q IS DISTINCT FROM lead_qual.qualify('bench_ban', b, now())) AS "autoscore bench_ban vs qualify()",
           count(*) FILTER (WHERE a.note IS DISTINCT FROM 'called'
                               OR b.note IS DISTINCT FROM 'called') AS "notes not updated"
      INTO r
      FROM leads_autoscore a
      FULL JOIN leads_plain s USING (id)
      FULL JOIN leads_plpgsql p USING (id)
      FULL JOIN leads_byhand h USING (id)
      FULL JOIN leads_autoscore_unlogged u USING (id)
      FULL JOIN leads_autoscore_ban b USING (id);
    IF EXISTS (SELECT FROM json_each_text(row_to_json(r)) WHERE value::bigint <> 0) THEN
        RAISE EXCEPTION 'variants disagree; leads counted, per check: %', row_to_json(r);
    END IF;
    SELECT count(*) FILTER (WHERE a.id IS NULL OR s.id IS NULL OR p.id IS NULL
                                  OR f.id IS NULL OR t.id IS NULL) AS "plain leads missing from a table",
           count(*) - $rows AS "plain leads more than generated",
           count(*) FILTER (WHERE a.q IS NULL) AS "plain autoscore: not scored",
           count(*) FILTER (WHERE a.q IS DISTINCT FROM lead_qual.qualify('bant', a, now())) AS "plain autoscore vs qualify()",
           count(*) FILTER (WHERE s.q IS DISTINCT FROM a.q) AS "plain qualify() in SELECT",
           count(*) FILTER (WHERE p.q IS DISTINCT FROM a.q) AS "plain PL/pgSQL trigger",
           count(*) FILTER (WHERE (f.score, f.status, f.tier, f.qualified, f.missing)
                                  IS DISTINCT FROM ((a.q).score, (a.q).status, (a.q).tier, (a.q).qualified,
                                                    array_to_string((a.q).missing, ', ')))
               AS "flat columns from qualify() in SELECT",
           count(*) FILTER (WHERE (t.score, t.status, t.tier, t.qualified, t.missing)
                                  IS DISTINCT FROM (f.score, f.status, f.tier, f.qualified, f.missing))
               AS "autoscore, flat columns"
      INTO r
      FROM plain_q_autoscore a
      FULL JOIN plain_q s USING (id)
      FULL JOIN plain_q_plpgsql p USING (id)
      FULL JOIN plain_flat f USING (id)
      FULL JOIN plain_flat_autoscore t USING (id);
    IF EXISTS (SELECT FROM json_each_text(row_to_json(r)) WHERE value::bigint <> 0) THEN
        RAISE EXCEPTION 'variants disagree on the plain leads; leads counted, per check: %', row_to_json(r);
    END IF;
END
\$check\$;
ROLLBACK;
EOF
    # Start the timing with empty tables and a checkpoint behind.
    echo "TRUNCATE $(printf '%s\n' "${table[@]}" | sort -u | paste -s -d, -);"
    echo "CHECKPOINT;"

    # Round 0 warms up, rounds 1 to runs are timed.  Each round runs every
    # variant once, so that a stretch of load from elsewhere on the machine
    # falls on all variants alike rather than on one.  Before each timed
    # statement: its table emptied, prepared, and a checkpoint; after it,
    # what the table holds.
    for ((r = 0; r <= runs; r++)); do
        if ((r == 0)); then
            echo "\\warn 'warm-up round'"
        else
            echo "\\warn 'round $r of $runs'"
        fi
        for key in "${keys[@]}"; do
            t=${table[$key]}
            echo "TRUNCATE $t;"
            [[ -z ${prepare[$key]} ]] || echo "${prepare[$key]}"
            echo "CHECKPOINT;"
            echo "\\echo '@run|$key|$r'"
            echo '\timing on'
            echo "${statement[$key]};"
            echo '\timing off'
            # the score and whether qualified: in q, or in flat columns
            if [[ $t == plain_flat* ]]; then sc=score ql=qualified; else sc='(q).score' ql='(q).qualified'; fi
            echo "SELECT '@result|' || count(*) || '|' || count($sc) || '|' || count(*) FILTER (WHERE note = 'called')"
            echo "       || '|' || COALESCE(sum($sc), 0) || '|' || count(*) FILTER (WHERE $ql)"
            echo "       || '|' || pg_table_size('$t') FROM $t;"
        done
    done
    echo "\\echo '@end'"
} >"$script"

# ---------------------------------------------------------------------------
# Run on a throwaway cluster (test/with-pg: in a temporary directory, so that
# no cluster of the machine is touched).
# ---------------------------------------------------------------------------
with_pg_options "${settings[@]}"

echo "bench/trigger.sh: $rows rows, $runs runs; progress below, raw output in $log" >&2
# The load of the machine before and after (1, 5 and 15 minute averages):
# other work on it shows here.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# The server's log is kept too: it tells which checkpoints ran.
if ! "$repo/test/with-pg" "${pg_options[@]}" bash -c '
        status=0
        psql -X -q -A -t -v ON_ERROR_STOP=1 -v rows="$1" -f "$2" -f "$3" >"$4" || status=$?
        cp "$PG_SERVER_LOG" "$5"
        exit "$status"' \
    trigger.sh "$rows" "$bench/trigger.sql" "$script" "$log" "$server_log"; then
    echo "bench/trigger.sh: FAILED; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Every checkpoint should be one of ours, before a statement: none started
# by checkpoint_timeout or max_wal_size, which could land in a statement.
requested=$(grep -c 'checkpoint starting: immediate force wait' "$server_log" || true)
automatic=$(grep -cE 'checkpoint starting:.*\b(time|wal)\b' "$server_log" || true)

# ---------------------------------------------------------------------------
# The report, from the raw output.  For each variant: the times of rounds
# 1..runs (median, minimum), and what the table held after each round,
# which must be the same in every round and agree with the other variants.
# ---------------------------------------------------------------------------
variants_list=$(for key in "${keys[@]}"; do
    printf '%s|%s|%s|%s\n' "$key" "${baseline[$key]}" "${model[$key]}" "${table[$key]}"
done)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)

awk -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" \
    -v machine="$(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -srm)" \
    -v rows="$rows" -v runs="$runs" -v variants="$variants_list" \
    -v load="$load_before before, $load_after after" \
    -v checkpoints="$requested requested (CHECKPOINT before each statement), $automatic by time or WAL volume" \
    -v targets="$(printf '%s\n' "${targets[@]}")" \
    -f "$bench/stats.awk" -f "$bench/trigger-report.awk" "$log"
