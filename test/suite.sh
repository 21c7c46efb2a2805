#!/usr/bin/env bash
# Runs inside a throwaway cluster (see test/run): the pg_regress suites,
# then the test/t/*.sh scripts named in $LQ_CHECKS ("all", the default: every
# one) but those named in $LQ_SKIP.  Prints one result line per test and a
# summary.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
mkdir -p test/out

passed=0
failed=0
failures=()

# pg_regress: count the suites it reports as ok or failed.
make -s installcheck >test/out/regress.log 2>&1
cat test/out/regress.log
ok=$(grep -cE '\.\.\. ok|^ok [0-9]+ ' test/out/regress.log)
bad=$(grep -cE '\.\.\. FAILED|\.\.\. failed|^not ok [0-9]+ ' test/out/regress.log)
passed=$((passed + ok))
failed=$((failed + bad))
if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
    echo "pg_regress ran no test"
    failed=$((failed + 1))
    failures+=("pg_regress")
fi
if [ "$bad" -gt 0 ]; then
    failures+=("pg_regress ($bad suites; see regression.diffs)")
    [ -f regression.diffs ] && head -200 regression.diffs
fi

# Tests that need more than one database or a client: one script each.
checks=${LQ_CHECKS:-all}
for name in $([ "$checks" = all ] || echo "$checks") ${LQ_SKIP:-}; do
    [ -f "test/t/$name.sh" ] || { echo "LQ_CHECKS or LQ_SKIP names $name: there is no test/t/$name.sh"; exit 2; }
done
for t in test/t/*.sh; do
    name=$(basename "$t" .sh)
    if { [ "$checks" != all ] && ! grep -qw -- "$name" <<<"$checks"; } ||
       grep -qw -- "$name" <<<"${LQ_SKIP:-}"; then
        continue
    fi
    log="test/out/$name.log"
    if "$t" >"$log" 2>&1; then
        echo "test $name ... ok"
        passed=$((passed + 1))
    else
        echo "test $name ... FAILED (log: $log)"
        tail -40 "$log"
        failed=$((failed + 1))
        failures+=("$name")
    fi
done

if [ "$failed" -gt 0 ]; then
    if [ -n "${PG_SERVER_LOG:-}" ]; then
        echo "--- tail of the server log ---"
        tail -20 "$PG_SERVER_LOG"
    fi
    echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
