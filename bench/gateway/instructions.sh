#!/usr/bin/env bash
# `make bench-gateway-instructions`: CPU instructions per proxied request,
# counted by valgrind's callgrind, for the gateway and the reference proxy.
#
# wrk's CPU figures move with whatever else the machine is doing; an
# instruction count does not (the same code and requests give the same count
# within ~1%, busy machine or quiet), so it is the figure to compare two
# versions of the hot path with. It counts user-space instructions only
# (system calls are not in it) and runs the proxy ~50x slower, so it says
# nothing about latency. Each proxy runs under callgrind with instrumentation
# off until it is warm, then wrk sends requests for DURATION seconds at
# CONNS connections and the count is divided by the requests answered.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-30}
CONNS=${CONNS:-4}
PY=.venv/bin/python
for tool in valgrind wrk; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "$tool not found: installing the Debian package"
      apt-get install -y -q "$tool" >/dev/null
    else
      echo "$tool is required (Debian: apt-get install $tool)" >&2
      exit 1
    fi
  fi
done

work=$(mktemp -d /tmp/bench-instructions-XXXXXX)
free_port() { "$PY" -c 'from launchforge_common.testing import free_port; print(free_port())'; }
wait_up() {
  for _ in $(seq 300); do
    curl -sf "$1" >/dev/null && return 0
    sleep 0.5
  done
  echo "$1 did not answer" >&2
  return 1
}

upstream_port=$(free_port)
"$PY" -m uvicorn --app-dir bench/gateway hello:app --port "$upstream_port" \
  --log-level warning --no-access-log &
upstream=$!
trap 'kill $upstream 2>/dev/null || true' EXIT
wait_up "http://127.0.0.1:$upstream_port/readyz"

measure() {  # name, port, command...
  local name=$1 port=$2
  shift 2
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/$name.out" \
    "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  wait_up "http://127.0.0.1:$port/livez"
  wrk -t1 -c"$CONNS" -d10s "http://127.0.0.1:$port/v1/projects/p1" >/dev/null  # warm up
  callgrind_control -i on "$pid" >/dev/null 2>&1
  wrk -t1 -c"$CONNS" -d"${DURATION}s" "http://127.0.0.1:$port/v1/projects/p1" >"$work/$name.wrk"
  callgrind_control -i off "$pid" >/dev/null 2>&1
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill "$pid"
  wait "$pid" || true
  local requests instructions
  requests=$(grep -oP '\d+(?= requests in)' "$work/$name.wrk")
  instructions=$(callgrind_annotate "$work/$name.out".1 | awk '/PROGRAM TOTALS/ && !n {gsub(",", "", $1); print $1; n=1}')
  printf '| %s | %s | %s | %sk |\n' "$name" "$requests" "$instructions" "$((instructions / requests / 1000))"
}

echo "callgrind, wrk ${DURATION}s at $CONNS connections, files in $work"
echo
echo "| proxy | requests | instructions | per request |"
echo "|---|---|---|---|"
port=$(free_port)
(
  export REFERENCE_UPSTREAM="http://127.0.0.1:$upstream_port"
  measure reference "$port" "$PY" -m uvicorn --app-dir bench/gateway reference_proxy:app \
    --port "$port" --log-level warning --no-access-log
)
port=$(free_port)
(
  export GATEWAY_PORT="$port" GATEWAY_AUTH_URL="http://127.0.0.1:$upstream_port" \
    GATEWAY_CORE_URL="http://127.0.0.1:$upstream_port" GATEWAY_RATE_LIMIT_ENABLED=true \
    GATEWAY_RATE_LIMIT_ANONYMOUS=1000000000 GATEWAY_EDGE_AUTH_ENABLED=false \
    GATEWAY_RATE_LIMIT_KEY_PREFIX="lf:rlbench:$RANDOM"
  measure gateway "$port" "$PY" -m launchforge_gateway serve
)
