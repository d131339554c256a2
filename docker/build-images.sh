#!/usr/bin/env bash
# Builds the four connector images and the runner image (ledgerbridge/runner) offline: the local base stand-in (once
# per machine), the host-built wheelhouses (once per set of pyprojects), then `docker build` from the repository root
# with no network at all. Prints each image's build time and size. Usage: docker/build-images.sh [TAG]   (default tag: dev)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TAG="${1:-dev}"
BASE_IMAGE="${LEDGERBRIDGE_BASE_IMAGE:-ledgerbridge/python-connector-base-local:3.11-bookworm}"
CONNECTORS=(source-exact-online source-eaccounting destination-exact-online destination-eaccounting)
RUNNER_IMAGE="ledgerbridge/runner:$TAG"
export LEDGERBRIDGE_BASE_IMAGE="$BASE_IMAGE"

docker info >/dev/null 2>&1 || { echo "no Docker engine answers on $(docker context inspect -f '{{.Endpoints.docker.Host}}' 2>/dev/null || echo the default socket)" >&2; exit 1; }

started=$SECONDS
"$ROOT/docker/build-base-image.sh"
echo "timing base-image $((SECONDS - started))s"

started=$SECONDS
"$ROOT/docker/build-wheelhouse.sh"
echo "timing wheelhouse $((SECONDS - started))s"

logs="${LEDGERBRIDGE_CACHE:-/var/cache/ledgerbridge}/build-logs"
mkdir -p "$logs"
cd "$ROOT"
for connector in "${CONNECTORS[@]}"; do
  image="airbyte/$connector:$TAG"
  started=$SECONDS
  # The legacy builder: this engine has no buildx plugin, and the Dockerfiles need nothing BuildKit-only.
  if ! DOCKER_BUILDKIT=0 docker build --network none --quiet --file "$connector/Dockerfile" \
      --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg PIP_INSTALL_OPTIONS=--no-index \
      --tag "$image" . >"$logs/$connector.log" 2>&1; then
    cat "$logs/$connector.log" >&2
    exit 1
  fi
  size="$(docker image inspect --format '{{.Size}}' "$image")"
  echo "image $image built in $((SECONDS - started))s, size $((size / 1000000)) MB"
done

# The runner with all four connectors inside (`docker run … ledgerbridge/runner serve FILE`).
started=$SECONDS
"$ROOT/docker/build-runner-wheelhouse.sh"
if ! DOCKER_BUILDKIT=0 docker build --network none --quiet --file runner/Dockerfile \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg PIP_INSTALL_OPTIONS=--no-index \
    --tag "$RUNNER_IMAGE" . >"$logs/runner.log" 2>&1; then
  cat "$logs/runner.log" >&2
  exit 1
fi
size="$(docker image inspect --format '{{.Size}}' "$RUNNER_IMAGE")"
echo "image $RUNNER_IMAGE built in $((SECONDS - started))s, size $((size / 1000000)) MB"
