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

# build_image NAME DOCKERFILE IMAGE: the legacy builder (this engine has no buildx plugin, and the Dockerfiles need
# nothing BuildKit-only), no network, the log kept and shown only on failure; prints the build time and size.
build_image() {
  local name="$1" dockerfile="$2" image="$3" started=$SECONDS size
  if ! DOCKER_BUILDKIT=0 docker build --network none --quiet --file "$dockerfile" \
      --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg PIP_INSTALL_OPTIONS=--no-index \
      --tag "$image" . >"$logs/$name.log" 2>&1; then
    cat "$logs/$name.log" >&2
    exit 1
  fi
  size="$(docker image inspect --format '{{.Size}}' "$image")"
  echo "image $image built in $((SECONDS - started))s, size $((size / 1000000)) MB"
}

for connector in "${CONNECTORS[@]}"; do
  build_image "$connector" "$connector/Dockerfile" "airbyte/$connector:$TAG"
done

# The runner with all four connectors inside (`docker run … ledgerbridge/runner serve FILE`).
"$ROOT/docker/build-runner-wheelhouse.sh"
build_image runner runner/Dockerfile "$RUNNER_IMAGE"
