#!/bin/bash
# Installs the Debian 12 packages the OMS needs, only those that are missing.
# Usage: scripts/deps.sh build   (compile and run: the demo)
#        scripts/deps.sh test    (also clang for the sanitizer and fuzz builds, and python3-zmq)
set -euo pipefail
profile=${1:-build}
pkgs=(build-essential cmake pkg-config liblz4-dev libxxhash-dev libzmq3-dev libcmocka-dev
      libjansson-dev libinih-dev libsqlite3-dev sqlite3 python3)
if [ "$profile" = test ]; then
  pkgs+=(clang libclang-rt-14-dev python3-zmq)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  [ "$(id -u)" = 0 ] || { echo "scripts/deps.sh: run as root to install ${missing[*]}" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
