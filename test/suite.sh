#!/usr/bin/env bash
# Runs inside a throwaway cluster (see test/run): the pg_regress suites,
# then the test/t/*.sh scripts named in $LQ_CHECKS ("all", the default: every
# one) but those named in $LQ_SKIP ($LQ_SKIP_WHY says why, on their lines).
# Prints one line per step as it goes (test/steps.sh), with its time, the
# tail of the log of what failed, and a summary; the logs are in test/out/.
# A script that exits with 77 has skipped itself: its last line says why.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
mkdir -p test/out
. test/steps.sh

passed=0
failed=0
failures=()
skipped=()

# pg_regress: count the suites it reports as ok or failed.
suites=$(make -s --no-print-directory -f Makefile -f - lq-suites <<<'lq-suites: ; @echo $(REGRESS)' | wc -w)
step_begin "pg_regress ($suites suites)"
make -s installcheck >test/out/regress.log 2>&1
ok=$(grep -cE '\.\.\. ok|^ok [0-9]+ ' test/out/regress.log)
bad=$(grep -cE '\.\.\. FAILED|\.\.\. failed|^not ok [0-9]+ ' test/out/regress.log)
passed=$((passed + ok))
failed=$((failed + bad))
if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
    step_end FAILED "ran no test (log: test/out/regress.log)"
    tail -20 test/out/regress.log
    failed=$((failed + 1))
    failures+=("pg_regress")
elif [ "$bad" -gt 0 ]; then
    step_end FAILED "$bad of $((ok + bad)) suites (log: test/out/regress.log)"
    grep -E '\.\.\. FAILED|\.\.\. failed|^not ok [0-9]+ ' test/out/regress.log
    failures+=("pg_regress ($bad suites; see regression.diffs)")
    [ -f regression.diffs ] && head -200 regression.diffs
else
    step_end ok
fi

# Tests that need more than one database or a client: one script each.
checks=${LQ_CHECKS:-all}
for name in $([ "$checks" = all ] || echo "$checks") ${LQ_SKIP:-}; do
    [ -f "test/t/$name.sh" ] || { echo "LQ_CHECKS or LQ_SKIP names $name: there is no test/t/$name.sh"; exit 2; }
done
not_run=()
for t in test/t/*.sh; do
    name=$(basename "$t" .sh)
    if [ "$checks" != all ] && ! grep -qw -- "$name" <<<"$checks"; then
        not_run+=("$name")
        continue
    fi
    if grep -qw -- "$name" <<<"${LQ_SKIP:-}"; then
        step_begin "$t"
        step_end skipped "${LQ_SKIP_WHY:-LQ_SKIP}"
        skipped+=("$name")
        continue
    fi
    log="test/out/$name.log"
    step_begin "$t"
    rc=0
    "$t" >"$log" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
        step_end ok
        passed=$((passed + 1))
    elif [ "$rc" -eq 77 ]; then
        step_end skipped "$(tail -n 1 "$log")"
        skipped+=("$name")
    else
        step_end FAILED "(log: $log)"
        tail -40 "$log"
        failed=$((failed + 1))
        failures+=("$name")
    fi
done
[ ${#not_run[@]} -eq 0 ] || echo "not run on this server: ${not_run[*]}"

if [ "$failed" -gt 0 ]; then
    if [ -n "${PG_SERVER_LOG:-}" ]; then
        echo "--- tail of the server log ---"
        tail -20 "$PG_SERVER_LOG"
    fi
    echo "failed: ${failures[*]}"
fi
[ ${#skipped[@]} -eq 0 ] || echo "skipped: ${skipped[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
