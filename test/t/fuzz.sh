#!/usr/bin/env bash
# The short fuzz run of CI: about 10,000 generated and mutated inputs
# (model texts, evidence, engagement rules, aggregate states, thresholds,
# configs, binary values through receive functions and binary COPY) with a
# fixed seed, against the server in PGHOST (test/suite.sh's cluster).
# Fails on any finding: a crash, a hang, an error outside class 22 that the
# reference does not document, or a property that does not hold (see
# test/fuzz/README.md).  The long run is test/fuzz/run with no arguments.
set -euo pipefail
cd "$(dirname "$0")/../.."
test/fuzz/run --inputs "${LQ_FUZZ_INPUTS:-10000}" --seed "${LQ_FUZZ_SEED:-20261122}"
