# LaunchForge developer commands. Everything runs through uv (one workspace,
# one lockfile). PostgreSQL and Redis URLs come from the environment and
# default to 127.0.0.1.

UV ?= uv
PYTEST ?= $(UV) run --frozen pytest
export UV_LINK_MODE ?= copy

.PHONY: help sync dev test test-common test-auth test-core test-gateway test-e2e lint fmt clean

help:
	@echo "make dev    - run the whole platform on http://127.0.0.1:8000"
	@echo "make test   - lint, then every service's tests and the end-to-end suite"
	@echo "make lint   - ruff and mypy"
	@echo "make fmt    - format and autofix with ruff"

sync:
	$(UV) sync --frozen

dev: sync
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
	$(PYTEST) tests-e2e

lint: sync
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy libs/common/src services/auth/src services/core/src services/gateway/src

fmt:
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

clean:
	rm -rf .venv .dev .pytest_cache .mypy_cache .ruff_cache
