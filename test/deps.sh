#!/usr/bin/env bash
# Install the Debian packages lead_qual needs to build and test, if missing.
# Usage: test/deps.sh [extra-package ...]
set -euo pipefail

packages=(postgresql-15 postgresql-server-dev-15 postgresql-contrib make gcc "$@")
missing=()
for p in "${packages[@]}"; do
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
