#!/usr/bin/env bash
# The quick-start demo runs and tells its story: each part under a short
# heading, tables in a meaningful order, rounded figures, reasons in plain
# words, and nothing else on the screen.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=lq_demo
dropdb --if-exists "$db"
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f demo/demo.sql >test/out/demo.out
dropdb "$db"
cat test/out/demo.out
out=test/out/demo.out
# the parts before the learning one
story=$(sed -n '1,/^== Learning/p' "$out")
part() { sed -n "/^== $1\\. /,/^== /p" <<<"$story"; }
# Eight parts, numbered, their headings short.
[ "$(grep -cE '^== [1-8]\. ' <<<"$story")" -eq 8 ]
! grep -E '^== [1-8]\. ' <<<"$story" | grep -qE '.{100}'
# Nothing but the parts: no results of set-up statements (defined t,
# dropped t), no errors or notices.
! grep -qE '^ *(defined|dropped)' <<<"$story"
! grep -qiE 'error|notice|warning' <<<"$story"
# Figures rounded: no number with more than two decimals.
! grep -qE '[0-9]\.[0-9]{3,}' <<<"$story"
# Tables in order: BANT by score, the frameworks by company, engagement by points.
bant=$(part 1 | sed -nE 's/^ ([A-Z][A-Za-z ]+[a-z]) +\| +([0-9.]+) .*/\2/p')
[ "$bant" = "$(sort -rn <<<"$bant")" ]
frameworks=$(part 2 | sed -nE 's/^ ([A-Z][A-Za-z ]+[a-z]) +\|.*/\1/p')
[ "$(wc -l <<<"$frameworks")" -eq 8 ] && [ "$frameworks" = "$(LC_ALL=C sort <<<"$frameworks")" ]
points=$(part 6 | sed -nE 's/^ [A-Z][A-Za-z ]+[a-z] +\| +[0-9]+ \| +(-?[0-9.]+) .*/\1/p')
[ "$points" = "$(sort -rn <<<"$points")" ]
# BANT: the best lead is qualified, the empty one still needs questions;
# CHAMP disqualifies the lead whose challenge we cannot relieve.
grep -qE '^ Brightwater Logistics +\| +85 \| qualified +\| A' "$out"
grep -qE '^ Linden Hotels +\| +0 \| needs_info +\| D .*budget, authority, need, timeframe' "$out"
grep -qE '^ Vega Software +\| nurture +\| disqualified' "$out"
grep -q 'Wat kost dit probleem u op dit moment?' "$out"
# Touches fold to the latest values (a null does not erase); engagement of a
# lead without events is 0 and a job seeker's is negative, to one decimal.
grep -qE '^ Kestrel Foods +\| +4 \| \{"need": 6, "budget": 8, "authority": 4, "timeframe": 7\} \| qualified' "$out"
grep -qE '^ Linden Hotels +\| +0 \| +0\.0 \| *$' "$out"
grep -qE '^ Northgate Steel +\| +2 \| +-45\.6 \| content download, job seeker$' "$out"
# Readiness, with its reasons in words.
grep -qE '^ Brightwater Logistics \| sql +\| A2 +\| Sales-qualified: qualified in conversation, with fit A \(C or better needed\)\.$' "$out"
grep -qE '^ Northgate Steel +\| lead +\| A4 +\| Stays with marketing: engagement -45\.6 \(25 or more needed\)\.$' "$out"
grep -qE '^ Vega Software +\| disqualified \| C4 +\| Disqualified: the fit fails a must-have' "$out"
# The next action: a follow-up on the day a purchase date lets the lead
# qualify; none from a date on which it still could not (52.5 of the 60
# needed), the tier's interval instead; questions made from the model's
# criteria, which have none of their own.
grep -qE '^ Kestrel Foods +\| nurture +\| 2026-04-01 \| .*but could on 2026-04-01' "$out"
grep -qE '^ Orchid Dental +\| nurture +\| 2026-04-05 \| Cannot qualify on what is known now, nor on 2026-04-16, .*the score could reach 52\.5 at most, below the pass score of 60; follow up in 90 days \(tier C\)\.$' "$out"
grep -qE "^ Linden Hotels +\| authority \| Buyer's role: cfo, owner or purchasing\?$" "$out"
grep -qE '^ Northgate Steel +\| budget +\| Budget \(EUR\): is it at least 10000\?$' "$out"
# Learning from the public data where it is present: the leak reported, the
# held-out AUC of the X Education model; else the demo says it skipped.
if grep -q '^skipped: no X Education' "$out"; then
    echo "demo: the public data sets are absent, the learning part was skipped"
else
    grep -q 'Left out, filled in after the outcome: tags\.' "$out"
    grep -qE '^ +0\.87[0-9] \| +0\.43[0-9]$' "$out"
fi
