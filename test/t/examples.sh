#!/usr/bin/env bash
# The examples of the documentation run as written and print what it shows
# (test/doc-examples: every ```sql block, in order, in one session; a
# ```text block after one is its output).
#
#  - README.md: every block, in a new database; the pg_cron jobs are left
#    to test/t/cron.sh, which needs a server that preloads pg_cron.
#  - doc/reference.md, sections 1 to 7 (models, evidence, scoring, the
#    functions, types and the registry): in a database with the fixtures the
#    examples come from, made by running the start of the regression suites
#    that define them (sql/setup.sql's helpers, model_io's io_models,
#    frameworks' scenarios, rules' check_rule, rows' leads and wrong_types),
#    with the time zone and date style pg_regress uses.
#  - doc/reference.md, sections 14 and 15 (outcomes and learning): in a
#    database holding the leads of sql/learn.sql whose outcome follows a
#    known rule (the table "hist"); the examples make the rest.
#  Sections 8 to 13 use fixtures of their own suites and are not run yet.
set -euo pipefail
cd "$(dirname "$0")/../.."

failed=0

dropdb --if-exists lq_readme
createdb lq_readme
PGTZ=UTC PGDATABASE=lq_readme test/doc-examples --skip 'cron\.schedule' README.md || failed=1
dropdb lq_readme

# The first lines of a suite, through the first line matching a pattern.
suite_until() {
    sed -n "1,/$2/p" "sql/$1.sql"
}
fixtures=$(mktemp)
trap 'rm -f "$fixtures"' EXIT
{
    echo '\o /dev/null'
    cat sql/setup.sql
    suite_until model_io '^SELECT m FROM io_models WHERE id = 1;'
    suite_until frameworks '^-- The fast forms agree with qualify'
    suite_until rules '^\$\$;'
    suite_until rows '^CREATE TABLE wrong_types2'
    echo '\o'
} >"$fixtures"
dropdb --if-exists lq_reference
createdb lq_reference
PGTZ=PST8PDT PGDATESTYLE='Postgres, MDY' PGDATABASE=lq_reference \
    test/doc-examples --before "$fixtures" --sections 0-7 --skip '^CREATE EXTENSION lead_qual;' doc/reference.md ||
    failed=1
dropdb lq_reference

{
    echo '\o /dev/null'
    cat sql/setup.sql
    suite_until learn '^  FROM hist;$'
    echo '\o'
} >"$fixtures"
dropdb --if-exists lq_learning
createdb lq_learning
PGTZ=PST8PDT PGDATESTYLE='Postgres, MDY' PGDATABASE=lq_learning \
    test/doc-examples --before "$fixtures" --sections 14-15 doc/reference.md || failed=1
dropdb lq_learning
exit $failed
