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
#  - doc/reference.md, sections 8 to 11 (auto-scoring and views,
#    multi-touch evidence, engagement, readiness and the next action): the
#    examples make what they use; the session has the search_path the
#    reference starts with.  The pg_cron job is left to test/t/cron.sh.
#  - doc/reference.md, section 13 (errors): with the helpers of
#    sql/setup.sql, the cases of sql/model_errors.sql (model_errors_cases)
#    and sql/rules.sql's check_rule.  Its examples of soft input errors need
#    PostgreSQL 16 or later and are passed over on older servers.
#  - doc/reference.md, sections 14 and 15 (outcomes and learning): in a
#    database holding the leads of sql/learn.sql whose outcome follows a
#    known rule (the table "hist"); the examples make the rest.
#  Section 12 (Citus) needs a cluster.
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
    echo 'SET search_path = public, lead_qual;'
    echo '\o'
} >"$fixtures"
dropdb --if-exists lq_activity
createdb lq_activity
PGTZ=PST8PDT PGDATESTYLE='Postgres, MDY' PGDATABASE=lq_activity \
    test/doc-examples --before "$fixtures" --sections 8-11 --skip 'cron\.schedule' doc/reference.md || failed=1
dropdb lq_activity

{
    echo '\o /dev/null'
    cat sql/setup.sql
    suite_until model_errors '^  FROM model_errors_cases ORDER BY n;'
    suite_until rules '^\$\$;'
    echo '\o'
} >"$fixtures"
soft=()
if [ "$(psql -X -At -d postgres -c 'SHOW server_version_num')" -lt 160000 ]; then
    soft=(--skip 'pg_input_')
fi
dropdb --if-exists lq_errors
createdb lq_errors
PGTZ=PST8PDT PGDATESTYLE='Postgres, MDY' PGDATABASE=lq_errors \
    test/doc-examples --before "$fixtures" --sections 13 "${soft[@]}" doc/reference.md || failed=1
dropdb lq_errors

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
