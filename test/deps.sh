#!/usr/bin/env bash
# Install the Debian packages lead_qual needs to build and test, if missing.
# Usage: test/deps.sh [extra-package ...]
# With PG_CONFIG naming another server than Debian's PostgreSQL 15, only the
# build tools (and the extra packages) are installed.
set -euo pipefail

debian15=/usr/lib/postgresql/15/bin/pg_config
if [ -n "${PG_CONFIG:-}" ] && [ "$(readlink -f "$PG_CONFIG")" != "$(readlink -f "$debian15" 2>/dev/null)" ]; then
    packages=(make gcc python3 "$@")
else
    packages=(postgresql-15 postgresql-server-dev-15 postgresql-contrib make gcc python3 "$@")
fi
# test/run fetches PostgreSQL 17 and 18 with npm
if [ -z "${PG_CONFIG:-}" ] && ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
fi
missing=()
for p in "${packages[@]}"; do
    # a python3 of one's own will do
    if [ "$p" = python3 ] && command -v python3 >/dev/null; then continue; fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi
echo "Installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
