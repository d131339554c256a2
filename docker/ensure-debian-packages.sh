#!/usr/bin/env bash
# Installs the Debian packages a test tier needs when the machine lacks them: CI machines start without what a developer
# installed by hand. Idempotent; fails loudly (never silently) when it cannot install.
# Usage: ensure-debian-packages.sh "WHAT NEEDS THEM" PROBE=PACKAGE...
#   PROBE is a command name (found on PATH) or an absolute path (a file that must exist).
set -euo pipefail
needed_by="$1"
shift
missing=()
for pair in "$@"; do
  probe="${pair%%=*}"
  package="${pair#*=}"
  if [[ "$probe" == /* ]]; then
    [ -e "$probe" ] || missing+=("$package")
  else
    command -v "$probe" >/dev/null 2>&1 || missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "$needed_by needs ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
  exit 1
fi
echo "installing ${missing[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
