#!/usr/bin/env bash
# Build the LaunchForge images (gateway, auth, core; core's image also runs
# the worker) with docker or podman, whichever is present.
#
#   deploy/build-images.sh [SERVICE...]
#
# Environment: TAG (default dev), IMAGE_PREFIX (default launchforge/, giving
# launchforge/gateway:dev), BASE_IMAGE (default: the Dockerfile's public
# python image), CA_BUNDLE (a CA file handed to the build as the `ca_bundle`
# secret; default the system bundle, empty to skip), CONTAINER_ENGINE,
# IMAGE (the exact name of a single image, as skaffold's custom builder
# passes it), APP_OWNER (uid owning /app; 10001 for skaffold's file sync),
# QUIET=1 (no build step output).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=deploy/lib.sh
. "$here/lib.sh"

engine="$(container_engine)"
tag="${TAG:-dev}"
prefix="${IMAGE_PREFIX:-launchforge/}"
services=("$@")
[ ${#services[@]} -gt 0 ] || services=(gateway auth core)

args=(--build-arg "VERSION=$tag" --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)")
revision="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
args+=(--build-arg "REVISION=$revision")
[ -n "${BASE_IMAGE:-}" ] && args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
[ -n "${APP_OWNER:-}" ] && args+=(--build-arg "APP_OWNER=$APP_OWNER")
# shellcheck disable=SC2207
args+=($(ca_secret_args))
[ -n "${QUIET:-}" ] && args+=(--quiet)
if [ "$engine" = podman ]; then
  # apt/pip inside the build use the host's network (and its proxy settings).
  args+=(--network host)
else
  export DOCKER_BUILDKIT=1  # secret and cache mounts
fi

for svc in "${services[@]}"; do
  if [ "$svc" = gateway ] && [ ! -f "$root/web/dist/index.html" ]; then
    # The gateway image serves the web app; `make images` builds it first.
    echo "web/dist is missing: run \`make web\` (Node 20 and npm) or \`make images\`" >&2
    exit 2
  fi
  image="${IMAGE:-${prefix}${svc}:${tag}}"
  log "building $image with $engine"
  start=$(date +%s)
  "$engine" build "${args[@]}" --build-arg "SERVICE=$svc" -f "$root/Dockerfile" -t "$image" "$root" >&2
  log "built $image in $(( $(date +%s) - start ))s"
  echo "$image"
done
