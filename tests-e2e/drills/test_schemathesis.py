"""Hostile input, generated: schemathesis against every operation of the public API.

Three targets, each a fixed, derandomized example budget (same seed, same
cases, every run): auth's and core's own OpenAPI documents straight at the
services, and the two merged through a gateway. Every response must pass
``not_a_server_error`` (no 5xx), ``response_schema_conformance``,
``status_code_conformance`` and ``content_type_conformance`` (every status
and media type is declared; errors are problem+json, see
``launchforge_common.openapi``), ``response_headers_conformance``, and
``negative_data_rejection`` (input that violates the schema gets a 4xx).

Requests carry a real user's bearer token, and the path ids of the
operations that read or act on one project or build are pinned to that
user's own project and (finished) build, so the generated cases get past
the 401 and the 404 into the handlers. Nothing is excluded from the
services' documents; the gateway target leaves out ``/internal/*`` only,
which the gateway never routes. Build events (SSE) are included: the pinned
build has finished, so its stream ends after the replay.

Blast radius: the platform is the session's, shared with other drills, so
the fuzzing keeps its side effects to itself. Generated logins mostly fail,
and auth locks a client IP out after 50 failures; the direct requests say
(as the gateway would) that they come from TEST-NET addresses through a
trusted proxy on loopback, and the gateway target is a gateway process of
its own that trusts loopback, so any lockout lands on those addresses, never
on 127.0.0.1. That gateway also has rate limits far out of reach: a budget
spent on 429s would test nothing (rate limiting is drilled in
test_hostile_input.py).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import schemathesis
from drill_kit import GENEROUS_RATE_LIMITS, PASSWORD, record_result
from e2e_platform import Platform
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

# The first test also waits for the session platform (up to 180 s on a loaded
# machine) and the fuzz user's build: beyond the suite's default timeout.
pytestmark = pytest.mark.timeout(600)

SEED = 20261130
# Fuzzing examples per operation, on top of the deterministic coverage cases.
MAX_EXAMPLES = {"auth": 50, "core": 50, "gateway": 25}
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
)
# Where the generated logins "come from" (RFC 5737 documentation addresses).
DIRECT_CLIENT_IP = "203.0.113.10"
GATEWAY_CLIENT_IP = "203.0.113.11"
BUILD_WITHIN_S = 240.0

# Operations whose path ids are pinned to the fuzz user's own resources.
PROJECT_OPERATIONS = (
    ("/v1/projects/{project_id}", "GET"),
    ("/v1/projects/{project_id}", "PATCH"),
    ("/v1/projects/{project_id}/builds", "GET"),
    # Real builds: the free plan's quota (3 a month) bounds them, then 402.
    ("/v1/projects/{project_id}/builds", "POST"),
    ("/v1/projects/{project_id}/versions", "GET"),
    ("/v1/projects/{project_id}/diff", "GET"),
)
# The operations on one version (``.../versions/{version}...``) are not
# pinned: with a second path parameter, schemathesis still sends the cases
# that break a pinned one (with the pinned value in its place) and counts
# their success as accepting bad input. They are fuzzed with generated ids.
BUILD_OPERATIONS = (
    ("/v1/builds/{build_id}", "GET"),
    ("/v1/builds/{build_id}/cancel", "POST"),
    ("/v1/builds/{build_id}/retry", "POST"),
    ("/v1/builds/{build_id}/events", "GET"),
    ("/v1/builds/{build_id}/download", "GET"),
    ("/v1/builds/{build_id}/files", "GET"),
    ("/v1/builds/{build_id}/files/{path}", "GET"),
)


@pytest.fixture(scope="module")
def fuzz_user(platform: Platform) -> dict[str, str]:
    """A user with a project and a finished build: the token and the ids to pin."""
    headers = {"X-Forwarded-For": DIRECT_CLIENT_IP}
    email = f"fuzz-{uuid.uuid4().hex[:12]}@example.com"
    body = {"email": email, "password": PASSWORD}
    with httpx.Client(timeout=30, headers=headers) as http:
        assert http.post(f"{platform.auth_url}/v1/auth/register", json=body).status_code == 201
        login = http.post(f"{platform.auth_url}/v1/auth/login", json=body)
        assert login.status_code == 200, login.text
        http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        project = http.post(f"{platform.core_url}/v1/projects", json={"name": "fuzzed"})
        assert project.status_code == 201, project.text
        project_id = project.json()["id"]
        build = http.post(
            f"{platform.core_url}/v1/projects/{project_id}/builds",
            json={"idea": "A reading list with authors and ratings"},
        )
        assert build.status_code == 202, build.text
        build_id = build.json()["id"]
        deadline = time.monotonic() + BUILD_WITHIN_S
        while True:
            status = http.get(f"{platform.core_url}/v1/builds/{build_id}").json()["status"]
            if status not in ("queued", "running"):
                break
            assert time.monotonic() < deadline, "the fuzz user's build never finished"
            time.sleep(0.5)
        assert status == "succeeded", status
    return {
        "token": login.json()["access_token"],
        "project_id": project_id,
        "build_id": build_id,
    }


@pytest.fixture(scope="module")
def fuzz_gateway(platform: Platform) -> Iterator[str]:
    """A gateway process of the platform's, trusting loopback, limits out of reach."""
    env = {
        **GENEROUS_RATE_LIMITS,
        "GATEWAY_RATE_LIMIT_ROUTES": "[]",
        "GATEWAY_TRUSTED_PROXIES": "127.0.0.1/32",
        "GATEWAY_RATE_LIMIT_KEY_PREFIX": f"lf:rl:fuzz:{uuid.uuid4().hex[:12]}",
    }
    with platform.extra_gateway("fuzz", env) as url:
        yield url


def fuzz_config(
    target: str, *, base_url: str, client_ip: str, user: dict[str, str]
) -> SchemathesisConfig:
    """The fixed budget and checks of one target, with the user's token and ids."""
    # One filter per entry naming the operation ("GET /v1/..."): separate
    # include-path and include-method filters would each match on their own.
    pinned = [
        {
            "include-name": f"{method} {path}",
            "parameters": {"project_id": user[key]},
        }
        for (path, method), key in ((op, "project_id") for op in PROJECT_OPERATIONS)
    ] + [
        {"include-name": f"{method} {path}", "parameters": {"build_id": user[key]}}
        for (path, method), key in ((op, "build_id") for op in BUILD_OPERATIONS)
    ]
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "base-url": base_url,
            "headers": {
                "Authorization": f"Bearer {user['token']}",
                "X-Forwarded-For": client_ip,
            },
            "request-timeout": 30,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES[target],
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "checks": {"enabled": False, **{check: {"enabled": True} for check in CHECKS}},
            "operations": pinned,
        }
    )


def openapi(url: str) -> dict[str, Any]:
    response = httpx.get(f"{url}/openapi.json", timeout=30)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


@pytest.fixture(scope="module")
def auth_api(platform: Platform, fuzz_user: dict[str, str]) -> Any:
    config = fuzz_config(
        "auth", base_url=platform.auth_url, client_ip=DIRECT_CLIENT_IP, user=fuzz_user
    )
    return schemathesis.openapi.from_dict(openapi(platform.auth_url), config=config)


@pytest.fixture(scope="module")
def core_api(platform: Platform, fuzz_user: dict[str, str]) -> Any:
    config = fuzz_config(
        "core", base_url=platform.core_url, client_ip=DIRECT_CLIENT_IP, user=fuzz_user
    )
    return schemathesis.openapi.from_dict(openapi(platform.core_url), config=config)


@pytest.fixture(scope="module")
def gateway_api(platform: Platform, fuzz_user: dict[str, str], fuzz_gateway: str) -> Any:
    """auth's and core's documents merged: the public API as the gateway serves it."""
    auth, core = openapi(platform.auth_url), openapi(platform.core_url)
    shared = auth["components"]["schemas"].keys() & core["components"]["schemas"].keys()
    for name in shared:  # the problem+json schemas, defined once in common
        assert auth["components"]["schemas"][name] == core["components"]["schemas"][name], name
    merged = {
        **auth,
        "info": {"title": "LaunchForge (through the gateway)", "version": auth["info"]["version"]},
        "paths": {
            path: item
            for path, item in {**auth["paths"], **core["paths"]}.items()
            if not path.startswith("/internal/")  # never routed by the gateway
        },
        "components": {
            "schemas": {**auth["components"]["schemas"], **core["components"]["schemas"]}
        },
    }
    config = fuzz_config(
        "gateway", base_url=fuzz_gateway, client_ip=GATEWAY_CLIENT_IP, user=fuzz_user
    )
    return schemathesis.openapi.from_dict(merged, config=config)


@dataclass
class Outcome:
    """What one engine run did: cases sent per operation, and every failure."""

    cases: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, int]:
        return {"operations": len(self.cases), "cases": sum(self.cases.values())}


def run_engine(schema: Any) -> Outcome:
    """Every phase (examples, coverage, fuzzing) of one target, as ``st run`` would.

    schemathesis' own pytest integration (``from_fixture``) does not work
    with this pytest (9.x), so the engine is driven directly and its events
    are turned into counts and readable failures.
    """
    outcome = Outcome()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            outcome.cases[recorder.label] += len(recorder.interactions)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    interaction = recorder.interactions.get(case_id)
                    response = interaction.response if interaction else None
                    # Bytes: a failing answer may be a zip.
                    answer = (
                        f"{response.status_code} {response.content[:300]!r}" if response else "none"
                    )
                    failure = check.failure_info.failure
                    outcome.failures.append(
                        f"{recorder.label}: {check.name}: {failure.title}\n  {failure.message}\n"
                        f"  answer: {answer}\n  {check.failure_info.code_sample}"
                    )
        elif isinstance(event, events.NonFatalError):
            outcome.failures.append(f"{event.label}: error: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    return outcome


OUTCOMES: dict[str, Outcome] = {}


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    """The figures for the README table: cases and operations per target."""
    yield
    if OUTCOMES:
        figures = {target: outcome.figures() for target, outcome in OUTCOMES.items()}
        failed = sum(len(outcome.failures) for outcome in OUTCOMES.values())
        notes = "; ".join(
            f"{target}: {f['cases']} cases over {f['operations']} operations"
            for target, f in figures.items()
        )
        record_result(
            "schemathesis",
            figures
            | {
                "inputs": sum(f["cases"] for f in figures.values()),
                "notes": f"{notes}; {failed} failures (5xx or schema violations)",
                "seed": SEED,
                "max_examples": MAX_EXAMPLES,
                "checks": list(CHECKS),
            },
        )


def check(target: str, schema: Any) -> None:
    outcome = OUTCOMES[target] = run_engine(schema)
    assert outcome.cases, f"{target}: no case ran"
    assert not outcome.failures, f"{len(outcome.failures)} failures:\n" + "\n".join(
        outcome.failures[:20]
    )


def test_auth_directly(auth_api: Any) -> None:
    check("auth", auth_api)


def test_core_directly(core_api: Any) -> None:
    check("core", core_api)


def test_through_the_gateway(gateway_api: Any) -> None:
    check("gateway", gateway_api)
