#!/usr/bin/env bash
# The views for BI tools, read by a client other than psql: node-postgres
# must get every qualification and registry column as a plain JavaScript
# number, string or boolean (see test/client/views.test.mjs).
set -euo pipefail
cd "$(dirname "$0")/../.."

# Node.js and npm from Debian if missing, then the client's locked packages.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    test/deps.sh nodejs npm
fi
if [ ! -d test/client/node_modules/pg ]; then
    (cd test/client && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

db=lq_client
dropdb --if-exists "$db"
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -o /dev/null <<'SQL'
CREATE EXTENSION lead_qual;
-- A user model next to the built-ins, with a pass score (the built-ins have
-- none), custom tiers, a fractional weight and a knockout.
SELECT lead_qual.define_model('acme', $${
  "label": "Acme", "description": {"en": "Budget and need, need decides"},
  "min_met": 1, "pass_score": 50, "tiers": {"A": 80},
  "criteria": [
    {"key": "budget", "weight": 2.5, "rule": {"type": "at_least", "value": 5}},
    {"key": "need", "knockout": true, "rule": {"type": "grade", "pass": 6}}]}$$);

CREATE TABLE leads (id int PRIMARY KEY, company text, budget int, authority int, need int,
                    timeframe int, evidence jsonb, q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
INSERT INTO leads (id, company, budget, authority, need, timeframe, evidence) VALUES
    (1, 'Brightwater', 8, 7, 9, NULL, '{"budget": true}'),
    (2, 'Orchid', NULL, NULL, NULL, NULL, NULL),
    (3, 'Vega', 2, 1, 3, 9, '{"budget": false, "need": 9}');

SELECT lead_qual.create_view('leads', 'bant', 'leads_bant');
SELECT lead_qual.create_stored_view('leads', 'q', 'leads_stored', column_prefix => 'lq_');
SQL

PGDATABASE=$db node test/client/views.test.mjs
echo "node-postgres $(node -p 'require("./test/client/node_modules/pg/package.json").version') on node $(node --version)"
dropdb "$db"
