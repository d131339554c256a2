#!/usr/bin/env bash
# Builds, on the host, every third-party wheel the four connector images need, so `docker build` installs offline
# (`pip install --no-index --find-links`). Versions are pinned to what the repository's .venv runs, so the images run
# the code the in-process tests ran. The wheels are cached outside the repository under a key made of the packages'
# pyproject files and those pins, and hard-linked into docker/wheelhouse/ (the build context) for the builds.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${LEDGERBRIDGE_CACHE:-/var/cache/ledgerbridge}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
TARGET="$ROOT/docker/wheelhouse"
# What the images install from source; their own wheels are never cached (they change with every edit).
LOCAL_PACKAGES=(
  clients/write-safety clients/exact-online-client clients/eaccounting-client mappings writer-core
  source-exact-online source-eaccounting destination-exact-online destination-eaccounting
)
LOCAL_NAMES='^(exact[-_]online[-_]client|eaccounting[-_]client|ledgerbridge[-_]mappings|ledgerbridge[-_]writer[-_]core|ledgerbridge[-_]write[-_]safety|source[-_]exact[-_]online|source[-_]eaccounting|destination[-_]exact[-_]online|destination[-_]eaccounting|ledgerbridge[-_]emulators|ledgerbridge)[=@ ]'

mkdir -p "$CACHE" "$TARGET"
pins="$(mktemp)"
trap 'rm -f "$pins"' EXIT
"$PYTHON" -m pip freeze --exclude-editable --disable-pip-version-check | grep -Eiv "$LOCAL_NAMES" >"$pins" || true

key="$(cd "$ROOT" && cat "${LOCAL_PACKAGES[@]/%//pyproject.toml}" "$pins" docker/build-wheelhouse.sh | sha256sum | cut -c1-16)"
wheels="$CACHE/wheelhouse-$key"
if [ -f "$wheels/.complete" ]; then
  echo "wheelhouse $key cached: $wheels"
else
  started=$SECONDS
  rm -rf "$wheels"
  mkdir -p "$wheels"
  # poetry-core is the packages' build backend: pip needs it in the wheelhouse to build them inside the image.
  (cd "$ROOT" && "$PYTHON" -m pip wheel --quiet --disable-pip-version-check --wheel-dir "$wheels" \
    --constraint "$pins" "poetry-core>=2.0" "${LOCAL_PACKAGES[@]/#/./}")
  for package in "${LOCAL_PACKAGES[@]}"; do
    rm -f "$wheels/$(basename "$package" | tr - _)"-*.whl
  done
  rm -f "$wheels"/ledgerbridge_mappings-*.whl "$wheels"/ledgerbridge_writer_core-*.whl "$wheels"/ledgerbridge_write_safety-*.whl
  touch "$wheels/.complete"
  echo "wheelhouse $key built in $((SECONDS - started))s: $(find "$wheels" -name '*.whl' | wc -l) wheels"
fi

find "$TARGET" -name '*.whl' -delete
cp --link "$wheels"/*.whl "$TARGET"/ 2>/dev/null || cp "$wheels"/*.whl "$TARGET"/
echo "$key" >"$TARGET/KEY"
