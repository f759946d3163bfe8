# shellcheck shell=bash
# Shared helpers for deploy/*.sh (sourced, not run).

# The container engine: $CONTAINER_ENGINE if set, else podman, else docker.
# podman first: on a machine with both, docker's CLI may point at podman's
# socket without BuildKit, and --secret needs BuildKit there.
container_engine() {
  if [ -n "${CONTAINER_ENGINE:-}" ]; then echo "$CONTAINER_ENGINE"; return; fi
  if command -v podman >/dev/null 2>&1; then echo podman; return; fi
  if command -v docker >/dev/null 2>&1; then echo docker; return; fi
  echo "no container engine: install docker or podman" >&2
  return 1
}

# Flags giving a build the host's CA bundle as the `ca_bundle` secret, when
# CA_BUNDLE (default: the system bundle) exists. Behind a TLS-inspecting
# proxy pip and uv inside the build trust only this bundle.
ca_secret_args() {
  local bundle="${CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}"
  if [ -n "$bundle" ] && [ -s "$bundle" ]; then
    echo "--secret id=ca_bundle,src=$bundle"
  fi
}

image_exists() {
  "$1" image inspect "$2" >/dev/null 2>&1
}

log() { echo "[deploy] $*" >&2; }
