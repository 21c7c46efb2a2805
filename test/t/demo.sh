#!/usr/bin/env bash
# The quick-start demo runs and shows what it promises.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=lq_demo
dropdb --if-exists "$db"
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f demo/demo.sql >test/out/demo.out
dropdb "$db"
cat test/out/demo.out
# BANT: the best lead is qualified, the empty one still needs questions;
# CHAMP disqualifies the lead whose challenge we cannot relieve.
grep -qE '^ Brightwater Logistics +\| +85 \| qualified +\| A' test/out/demo.out
grep -qE '^ Linden Hotels +\| +0 \| needs_info +\| D .*budget, authority, need, timeframe' test/out/demo.out
grep -qE '^ Vega Software +\| nurture +\| disqualified' test/out/demo.out
grep -q 'Wat kost dit probleem u op dit moment?' test/out/demo.out
