#!/usr/bin/env bash
# The documentation matches the code: doc/frameworks.md is what
# doc/frameworks.sql writes from the built-in models, and every function and
# type of the extension is documented in doc/reference.md: its whole name in
# a heading, or the function written as a call, lead_qual.name(.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=lq_docs
dropdb --if-exists "$db"
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION lead_qual"
psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -f doc/frameworks.sql -o test/out/frameworks.md
diff -u doc/frameworks.md test/out/frameworks.md
echo "doc/frameworks.md is current"

ref=doc/reference.md
headings=$(grep -E '^#+ ' "$ref")
documented() {  # name: a whole word of a heading, or lead_qual.name( anywhere
    grep -qwF -- "$1" <<<"$headings" || grep -qF -- "lead_qual.$1(" "$ref"
}

missing=0
checked=0
# (from PostgreSQL 17 on the server records the row types of tables and
# views and the array types as members too: they are not the extension's own)
for name in $(psql -X -A -t -d "$db" -c "
        SELECT DISTINCT coalesce(p.proname::text, t.typname::text)
          FROM pg_depend d
          LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
          LEFT JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
         WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual')
           AND d.deptype = 'e' AND (p.oid IS NOT NULL OR t.oid IS NOT NULL)
           AND NOT coalesce(t.typrelid <> 0 AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) <> 'c'
                            OR t.typelem <> 0 AND t.typsubscript = 'array_subscript_handler'::regproc, false)
         ORDER BY 1"); do
    checked=$((checked + 1))
    if ! documented "$name"; then
        echo "doc/reference.md does not document $name"
        missing=1
    fi
done
dropdb "$db"
[ "$checked" -gt 50 ] || { echo "only $checked functions and types checked"; exit 1; }
[ "$missing" -eq 0 ] && echo "doc/reference.md documents all $checked functions and types"
