#!/usr/bin/env bash
# Builds the local stand-in for Airbyte's python-connector-base (no image registry is reachable here): Debian bookworm
# made with debootstrap (its python3 is 3.11, like the real base), user `airbyte` uid 1000, a writable /airbyte, pip
# usable system-wide the way it is in python:3.11-slim. The rootfs tarball is cached outside the repository and the
# image is reused when its tag already exists, so this costs minutes once per machine and nothing afterwards.
set -euo pipefail

IMAGE="${LEDGERBRIDGE_BASE_IMAGE:-ledgerbridge/python-connector-base-local:3.11-bookworm}"
CACHE="${LEDGERBRIDGE_CACHE:-/var/cache/ledgerbridge}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROOTFS_TAR="$CACHE/python-connector-base-bookworm.tar"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE present, reused"
  exit 0
fi

mkdir -p "$CACHE"
if [ ! -s "$ROOTFS_TAR" ]; then
  command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
  rootfs="$(mktemp -d "$CACHE/rootfs.XXXXXX")"
  trap 'rm -rf "$rootfs"' EXIT
  started=$SECONDS
  debootstrap --variant=minbase --include=python3,python3-pip,ca-certificates bookworm "$rootfs" "$MIRROR" \
    >"$CACHE/debootstrap.log" 2>&1 || { tail -30 "$CACHE/debootstrap.log" >&2; exit 1; }
  chroot "$rootfs" useradd --uid 1000 --user-group --create-home --home-dir /home/airbyte --shell /bin/bash airbyte
  install -d -o 1000 -g 1000 "$rootfs/airbyte"
  # python:3.11-slim has no PEP 668 marker and a `python` command; connector Dockerfiles rely on both.
  rm -f "$rootfs"/usr/lib/python3*/EXTERNALLY-MANAGED
  ln -sf /usr/bin/python3 "$rootfs/usr/local/bin/python"
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/var/cache/debconf/*-old
  tar --numeric-owner -C "$rootfs" -cf "$ROOTFS_TAR.partial" .
  mv "$ROOTFS_TAR.partial" "$ROOTFS_TAR"
  echo "debootstrap rootfs built in $((SECONDS - started))s: $ROOTFS_TAR"
fi

docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV PIP_DISABLE_PIP_VERSION_CHECK=1' \
  --change 'WORKDIR /airbyte' \
  --change 'CMD ["python"]' \
  "$ROOTFS_TAR" "$IMAGE" >/dev/null
echo "base image $IMAGE imported"
