#!/usr/bin/env bash
# Generated code runs in a bubblewrap sandbox (core's validate stage, README
# "Security"). Run by `make sync` (so by `make dev` and `make test`): install
# Debian's bubblewrap when it is missing and we can (root with apt-get), and
# check that it can create the namespaces it needs. Without it, builds outside
# production fall back to an unisolated child process and say so in their log;
# a production worker refuses to start.
set -euo pipefail

if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[sandbox] installing bubblewrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; }
  else
    echo "[sandbox] bubblewrap is not installed: install it (Debian/Ubuntu: apt-get install bubblewrap)" >&2
    exit 0
  fi
fi
if ! bwrap --unshare-pid --unshare-net --ro-bind /usr /usr --symlink usr/lib64 /lib64 \
    --symlink usr/lib /lib --symlink usr/bin /bin /usr/bin/true 2>/dev/null &&
   ! bwrap --unshare-user --unshare-pid --unshare-net --ro-bind /usr /usr --symlink usr/lib64 /lib64 \
    --symlink usr/lib /lib --symlink usr/bin /bin /usr/bin/true 2>/dev/null; then
  echo "[sandbox] bubblewrap cannot create namespaces here (user namespaces disabled?)" >&2
fi
