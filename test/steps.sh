# The progress lines of test/run and test/suite.sh (sourced, not run): one
# line per step, its name written when it starts (so that one sees what is
# running) and its result and time when it ends:
#
#   pg_regress (21 suites)                      ok       48 s
#   test/t/asan.sh                              skipped  (needs Debian's PostgreSQL 15)
#
#   step_begin NAME            write the name, start the clock
#   step_end STATUS [NOTE]     ok, FAILED or skipped; the seconds (not for
#                              skipped) and a note end the line

step_begin() {
    step_started=$SECONDS
    printf '%-44s' "$1"
}

step_end() {
    local status=$1 note=${2:-}
    if [ "$status" = skipped ]; then
        printf '%s\n' "skipped${note:+  ($note)}"
    else
        printf '%-6s %5d s%s\n' "$status" $((SECONDS - step_started)) "${note:+  $note}"
    fi
}
