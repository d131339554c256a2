#!/usr/bin/env bash
# Debian's Docker engine and debootstrap, for the Docker tier (the engine to build and run, debootstrap for the base).
exec bash "$(dirname "$0")/ensure-debian-packages.sh" "the Docker tier" dockerd=docker.io debootstrap=debootstrap
