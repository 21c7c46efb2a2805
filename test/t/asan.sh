#!/usr/bin/env bash
# The regression suites, binary COPY, dump and restore and the short fuzz
# run against a server that loads lead_qual built with AddressSanitizer and
# UndefinedBehaviorSanitizer (a private build and server; see
# test/memcheck/README.md).  Fails on any sanitizer report in lead_qual's
# code.  The slower valgrind check, test/memcheck/valgrind, is not in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
test/memcheck/asan
