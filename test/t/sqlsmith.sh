#!/usr/bin/env bash
# Random SQL: a short SQLsmith run against lead_qual in the suite's cluster
# (2000 queries or 90 seconds, whichever comes first, with a fixed seed), as
# an unprivileged role.  Fails when a backend crashed or the server
# restarted, when a statement involving lead_qual failed with an internal
# error or hung, or when lead_qual no longer answers afterwards.  The long
# run is test/sqlsmith/run without options (20000 queries); see
# test/sqlsmith/run for what it checks and the files it leaves in
# test/out/sqlsmith/.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec test/sqlsmith/run --queries "${LQ_SQLSMITH_QUERIES:-2000}" --seconds "${LQ_SQLSMITH_SECONDS:-90}" \
    --seed "${LQ_SQLSMITH_SEED:-20261122}" --out test/out/sqlsmith
