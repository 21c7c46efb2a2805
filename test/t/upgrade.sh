#!/usr/bin/env bash
# Installing an earlier version and updating it gives the same extension as
# installing the current version, and keeps the user's data and results.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/out/upgrade
rm -rf "$out"
mkdir -p "$out"
current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" lead_qual.control)
psql_q() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# Everything the extension consists of, in a form that compares as text:
# members with their definitions, function labels and comments.
describe() {
    psql_q "$1" -A -t <<'SQL'
SELECT pg_describe_object(d.classid, d.objid, d.objsubid)
       || coalesce(' | ' || obj_description(d.objid, d.classid::regclass::name), '')
       || coalesce(' | ' || (SELECT format('%s %s %s %s %s', p.provolatile, p.proparallel, p.proisstrict,
                                            p.prosecdef, pg_get_function_result(p.oid))
                                FROM pg_proc p WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid), '')
       || coalesce(' | ' || (SELECT pg_get_viewdef(c.oid) FROM pg_class c
                              WHERE d.classid = 'pg_class'::regclass AND c.oid = d.objid AND c.relkind = 'v'), '')
  FROM pg_depend d
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual') AND d.deptype = 'e'
UNION ALL
SELECT 'column ' || a.attrelid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || coalesce(' | ' || col_description(a.attrelid, a.attnum), '')
  FROM pg_attribute a
 WHERE a.attrelid IN (SELECT objid FROM pg_depend WHERE deptype = 'e' AND classid = 'pg_class'::regclass
                        AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual'))
   AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'trigger ' || tgname || ' ' || pg_get_triggerdef(oid) || coalesce(' | ' || obj_description(oid, 'pg_trigger'), '')
  FROM pg_trigger WHERE tgrelid = 'lead_qual.models'::regclass
UNION ALL
SELECT 'policy ' || polname || ' on ' || polrelid::regclass FROM pg_policy
 WHERE polrelid IN (SELECT objid FROM pg_depend WHERE deptype = 'e' AND classid = 'pg_class'::regclass
                      AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual'))
UNION ALL
SELECT 'config ' || c::regclass || ' ' || coalesce(w, '')
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(c, w) WHERE e.extname = 'lead_qual'
ORDER BY 1;
SQL
}

# The user's data: a model, a table scored through it, and what qualify() says.
user_data() {
    psql_q "$1" -o /dev/null <<'SQL'
SELECT lead_qual.define_model('acme', '{"criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 100}}, {"key": "need"}]}');
CREATE TABLE leads (id int PRIMARY KEY, budget int, need int, model lead_qual.model);
INSERT INTO leads VALUES (1, 150, 7, 'acme'), (2, 8, NULL, 'bant');
SQL
}
results() {
    psql_q "$1" -A -t <<'SQL'
SELECT name, model::text FROM lead_qual.models ORDER BY name;
SELECT id, lead_qual.qualify('acme', l), lead_qual.qualify(l.model, to_jsonb(l)) FROM leads l ORDER BY id;
SQL
}

for db in lq_fresh lq_updated; do dropdb --if-exists "$db" 2>/dev/null; createdb "$db"; done
psql_q lq_fresh -c "CREATE EXTENSION lead_qual"
describe lq_fresh >"$out/fresh.txt"

for from in $(ls sql/lead_qual--*--*.sql | sed -n 's/.*lead_qual--\([^-]*\)--.*/\1/p' | sort -u); do
    dropdb lq_updated; createdb lq_updated
    psql_q lq_updated -c "CREATE EXTENSION lead_qual VERSION '$from'"
    user_data lq_updated
    results lq_updated >"$out/before-$from.txt"
    psql_q lq_updated -c "ALTER EXTENSION lead_qual UPDATE"
    version=$(psql_q lq_updated -A -t -c "SELECT extversion FROM pg_extension WHERE extname = 'lead_qual'")
    [ "$version" = "$current" ] || { echo "updated from $from to $version, not $current"; exit 1; }
    describe lq_updated >"$out/updated-from-$from.txt"
    diff -u "$out/fresh.txt" "$out/updated-from-$from.txt"
    results lq_updated >"$out/after-$from.txt"
    diff -u "$out/before-$from.txt" "$out/after-$from.txt"
    echo "from $from to $current: the same $(wc -l <"$out/fresh.txt") catalog entries, the same results"
done
for db in lq_fresh lq_updated; do dropdb "$db"; done
