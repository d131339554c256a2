#!/usr/bin/env bash
# Builds, on the host, the third-party wheels the runner image needs beyond the connectors' wheelhouse (the runner's and
# the emulators' own dependencies), into docker/wheelhouse-runner/. Kept apart so the connector images stay as small as
# before and the runner image still shares their dependency layer. Same pins and caching as build-wheelhouse.sh, which
# must have run first (build-images.sh runs both).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${LEDGERBRIDGE_CACHE:-/var/cache/ledgerbridge}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
SHARED="$ROOT/docker/wheelhouse"
TARGET="$ROOT/docker/wheelhouse-runner"
LOCAL_NAMES='^(exact[-_]online[-_]client|eaccounting[-_]client|ledgerbridge[-_]mappings|ledgerbridge[-_]writer[-_]core|ledgerbridge[-_]write[-_]safety|source[-_]exact[-_]online|source[-_]eaccounting|destination[-_]exact[-_]online|destination[-_]eaccounting|ledgerbridge[-_]emulators|ledgerbridge)[=@ ]'

[ -f "$SHARED/KEY" ] || { echo "run docker/build-wheelhouse.sh first" >&2; exit 1; }
mkdir -p "$CACHE" "$TARGET"
pins="$(mktemp)"
trap 'rm -f "$pins"' EXIT
"$PYTHON" -m pip freeze --exclude-editable --disable-pip-version-check | grep -Eiv "$LOCAL_NAMES" >"$pins" || true

key="$(cd "$ROOT" && cat runner/pyproject.toml emulators/pyproject.toml "$SHARED/KEY" "$pins" docker/build-runner-wheelhouse.sh \
  | sha256sum | cut -c1-16)"
wheels="$CACHE/wheelhouse-runner-$key"
if [ -f "$wheels/.complete" ]; then
  echo "runner wheelhouse $key cached: $wheels"
else
  started=$SECONDS
  rm -rf "$wheels"
  mkdir -p "$wheels"
  # The local packages come from the connectors' wheelhouse's sources; only third-party wheels are kept here.
  (cd "$ROOT" && "$PYTHON" -m pip wheel --quiet --disable-pip-version-check --wheel-dir "$wheels" --find-links "$SHARED" \
    --constraint "$pins" ./clients/write-safety ./clients/exact-online-client ./clients/eaccounting-client ./mappings \
    ./writer-core ./source-exact-online ./source-eaccounting ./destination-exact-online ./destination-eaccounting \
    ./emulators ./runner)
  for wheel in "$wheels"/*.whl; do
    name="$(basename "$wheel")"
    if [ -e "$SHARED/$name" ] || echo "${name%%-*} " | grep -Eiq "$LOCAL_NAMES"; then
      rm -f "$wheel"
    fi
  done
  touch "$wheels/.complete"
  echo "runner wheelhouse $key built in $((SECONDS - started))s: $(find "$wheels" -name '*.whl' | wc -l) wheels"
fi

find "$TARGET" -name '*.whl' -delete
if ls "$wheels"/*.whl >/dev/null 2>&1; then
  cp --link "$wheels"/*.whl "$TARGET"/ 2>/dev/null || cp "$wheels"/*.whl "$TARGET"/
fi
echo "$key" >"$TARGET/KEY"
