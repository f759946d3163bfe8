#!/usr/bin/env bash
# Base images for sites without an image registry, built from Debian's mirror:
#
#   localhost/debian:bookworm             debootstrap --variant=minbase
#   localhost/launchforge-python:3.11     python3 + venv (BASE_IMAGE of the services)
#   localhost/launchforge-postgres:15     honours POSTGRES_USER/PASSWORD/DB like the official image
#   localhost/launchforge-redis:7         redis-server, no persistence
#
# Usage: deploy/base-images.sh [--force]   (needs root for debootstrap)
# Images that exist already are kept unless --force; DEBIAN_MIRROR overrides
# the mirror. Prints the image names as shell assignments at the end.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=deploy/lib.sh
. "$here/lib.sh"

engine="$(container_engine)"
force=false
[ "${1:-}" = "--force" ] && force=true
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

DEBIAN_IMAGE=localhost/debian:bookworm
PYTHON_IMAGE=localhost/launchforge-python:3.11
POSTGRES_IMAGE=localhost/launchforge-postgres:15
REDIS_IMAGE=localhost/launchforge-redis:7

if $force || ! image_exists "$engine" "$DEBIAN_IMAGE"; then
  command -v debootstrap >/dev/null 2>&1 || { log "debootstrap is missing (apt-get install debootstrap)"; exit 1; }
  rootfs="$(mktemp -d /tmp/lf-bookworm.XXXXXX)"
  trap 'rm -rf "$rootfs"' EXIT
  log "debootstrap bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | "$engine" import - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  log "built $DEBIAN_IMAGE"
fi

build_base() {
  local name="$1" dir="$2"
  if $force || ! image_exists "$engine" "$name"; then
    log "building $name"
    "$engine" build --network host --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" \
      -t "$name" "$here/images/$dir" >&2
  fi
}
build_base "$PYTHON_IMAGE" python
build_base "$POSTGRES_IMAGE" postgres
build_base "$REDIS_IMAGE" redis

echo "PYTHON_IMAGE=$PYTHON_IMAGE"
echo "POSTGRES_IMAGE=$POSTGRES_IMAGE"
echo "REDIS_IMAGE=$REDIS_IMAGE"
