#!/usr/bin/env bash
# skaffold's custom builder: build $IMAGE (e.g. launchforge/core:abc123) with
# deploy/build-images.sh, i.e. with docker or podman, whichever is present;
# push it when skaffold asks (PUSH_IMAGE=true, a remote cluster). With
# --dev (skaffold's dev profile) /app belongs to the service's uid, so file
# sync can write the sources.
set -euo pipefail
if [ "${1:-}" = "--dev" ]; then export APP_OWNER=10001; fi
here="$(cd "$(dirname "$0")" && pwd)"
: "${IMAGE:?skaffold sets IMAGE}"
name="${IMAGE%%@*}"
name="${name%:*}"
service="${name##*/}"
IMAGE="$IMAGE" bash "$here/build-images.sh" "$service" >/dev/null
if [ "${PUSH_IMAGE:-false}" = "true" ]; then
  # shellcheck source=deploy/lib.sh
  . "$here/lib.sh"
  "$(container_engine)" push "$IMAGE"
fi
