#!/usr/bin/env bash
# Core's validate stage runs a generated app's tests as an unprivileged user
# (CORE_SANDBOX_USER, default nobody) when core runs as root. That user must be
# able to execute the venv's interpreter: on machines where Python lives in a
# private home (pyenv under /root, mode 700) it cannot, and every build's
# validate stage fails with "Permission denied". Run by `make sync` (so by
# `make dev` and `make test`): when running as root and the sandbox user cannot
# start the interpreter, grant search (x, not read) permission on the
# directories leading to it, and say so. Does nothing otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

user="${CORE_SANDBOX_USER:-nobody}"
python=".venv/bin/python"
[ "$(id -u)" = 0 ] || exit 0
[ -x "$python" ] || exit 0
id "$user" >/dev/null 2>&1 || exit 0
command -v runuser >/dev/null 2>&1 || exit 0

probe() { runuser -u "$user" -- "$(readlink -f "$python")" -c pass >/dev/null 2>&1; }
probe && exit 0

target="$(readlink -f "$python")"
dir="$(dirname "$target")"
while [ "$dir" != "/" ]; do
  if [ "$(( 0$(stat -c %a "$dir") & 01 ))" = 0 ]; then
    echo "[sandbox-access] granting search permission on $dir so '$user' can run $target"
    chmod o+x "$dir"
  fi
  dir="$(dirname "$dir")"
done
probe || { echo "[sandbox-access] '$user' still cannot run $target; builds' validate stage will fail" >&2; exit 1; }
