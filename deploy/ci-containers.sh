#!/usr/bin/env bash
# CI on machines without Docker or an image registry (see README "Deploy"):
# podman with runc, base images from Debian's mirror, the LaunchForge images,
# then the containers e2e suite against them through testcontainers.
#
#   bash deploy/ci-containers.sh        (as root; called by .ci/run)
#
# Everything it builds is cached by podman: a second run rebuilds only what
# changed. It prints how long each step took.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
log() { echo "[ci-containers] $*"; }
t0=$(date +%s)
step() { log "$1 ($(( $(date +%s) - t0 ))s so far)"; }

missing=()
for tool in podman runc debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null
fi

# crun fails on these machines (setrlimit denied, cgroups hybrid mode), runc
# works; default ulimits must be empty or runc fails on RLIMIT_NPROC.
conf=/etc/containers/containers.conf
if ! grep -qs 'runtime = "runc"' "$conf"; then
  step "configuring podman ($conf)"
  mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' > "$conf"
fi

socket_dir="$(mktemp -d /tmp/lf-podman.XXXXXX)"
setsid podman system service --time=0 "unix://$socket_dir/podman.sock" >/dev/null 2>&1 &
service_pid=$!
cleanup() { kill "$service_pid" 2>/dev/null || true; rm -rf "$socket_dir"; }
trap cleanup EXIT
for _ in $(seq 100); do [ -S "$socket_dir/podman.sock" ] && break; sleep 0.1; done
export DOCKER_HOST="unix://$socket_dir/podman.sock"
export TESTCONTAINERS_RYUK_DISABLED=true          # no ryuk image without a registry
export TESTCONTAINERS_CONNECTION_MODE=docker_host # else it thinks it runs in a container
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
export CONTAINER_ENGINE=podman

step "base images from Debian's mirror"
eval "$(bash deploy/base-images.sh)"   # sets PYTHON_IMAGE, POSTGRES_IMAGE, REDIS_IMAGE

step "LaunchForge images (BASE_IMAGE=$PYTHON_IMAGE)"
QUIET=1 BASE_IMAGE="$PYTHON_IMAGE" make --no-print-directory images >/dev/null

step "containers e2e suite"
E2E_POSTGRES_IMAGE="$POSTGRES_IMAGE" E2E_REDIS_IMAGE="$REDIS_IMAGE" \
  make --no-print-directory test-containers
step "done"
