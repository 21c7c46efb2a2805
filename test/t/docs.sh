#!/usr/bin/env bash
# The documentation matches the code: doc/frameworks.md is what
# doc/frameworks.sql writes from the built-in models, and every SQL function
# of the extension is named in doc/reference.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=lq_docs
dropdb --if-exists "$db"
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION lead_qual"
psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -f doc/frameworks.sql -o test/out/frameworks.md
diff -u doc/frameworks.md test/out/frameworks.md
echo "doc/frameworks.md is current"

missing=0
for f in $(psql -X -A -t -d "$db" -c "
        SELECT DISTINCT p.proname FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
         WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual')
           AND d.deptype = 'e' AND d.classid = 'pg_proc'::regclass ORDER BY 1"); do
    if ! grep -q "$f" doc/reference.md; then
        echo "doc/reference.md does not mention $f"
        missing=1
    fi
done
dropdb "$db"
[ "$missing" -eq 0 ] && echo "doc/reference.md names every function"
