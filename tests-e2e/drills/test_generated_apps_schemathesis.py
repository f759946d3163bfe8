"""Generated apps against a client: schemathesis on each app's own OpenAPI, 0 server errors.

A generated app is judged from outside: started with ``uvicorn app.main:app``
on SQLite, its ``/openapi.json`` read and fuzzed with the ``not_a_server_error``
check. This drill does that for a sweep of apps, each rendered offline
(spec -> ``build_model`` -> ``render_project``) into a directory of its own and
served by a uvicorn process of its own (every app's package is named ``app``):

- ideas from the development set (``bench/spec/devset.yaml``, spread evenly,
  ``LF_SWEEP_IDEAS`` of them, 20 by default) through the offline extractor;
  when the set is missing, the ideas below;
- the hand-written specs of core's PostgreSQL test (every field type, both
  delete rules, link entities, every summary kind) and two of this file's own
  (hostile names everywhere; an app of optional fields and no text at all).

Every phase runs: examples, coverage (schema boundaries: ids and offsets past
the integer range, over-long strings, missing and extra fields), fuzzing and
stateful (links inferred from the schema). schemathesis only goes where the
schema points, so a ``probe`` of hand-written extremes follows on every app
(int64 ids, NUL, lone surrogates, NaN, 100 kB strings, edge dates, broken
JSON, each field PATCHed alone so that schema-valid extremes reach the
database): a bound the schema forgot would be a 500 there (removing the
int32 bound on ids makes it report one per id route).

Budget, fixed and derandomized (same seed, same cases every run):
``MAX_EXAMPLES`` fuzzing examples per operation. With the development set's
ideas (25 apps of 2-5 entities, 11-35 operations each) that is ~28,000
schemathesis cases and ~16,000 probes, 4.5-5.5 minutes on 2 shared cores
(an app 8-28 s, its server start included); more examples buy little, the
coverage phase is most of the cases.
A server error is a 5xx answer, no answer at all, or a traceback in the app's
own log.

The sweep runs on SQLite (what a build's own suite uses); PostgreSQL is stricter
(int4 ids, no NUL in text, NUMERIC(12,2), real foreign keys, time zones), and a
deployed app runs on it. So a sample (``POSTGRES_SAMPLE``: the hostile names,
a band manager of relations, a link entity and an enum, a vet clinic of every
date and number type, the app of optional fields) runs the same schemathesis
phases and probe against a brand-new database on the real PostgreSQL
(``TEST_DATABASE_URL``'s server), created per app and dropped afterwards:
about a minute.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import yaml
from drill_kit import record_result
from launchforge_common.testing import (
    commit_count,
    create_database,
    drop_database,
    free_port,
    wait_for_port,
)
from launchforge_core.pipeline.extractor import extract_spec
from launchforge_core.pipeline.generator import render_project
from launchforge_core.pipeline.packaging import write_tree
from launchforge_core.pipeline.spec import SpecError, build_model, normalised_spec
from launchforge_core.pipeline.testdata import sample_value
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
DEVSET = REPO / "bench" / "spec" / "devset.yaml"
CONTRACT_SPECS = REPO / "services" / "core" / "tests" / "pipeline" / "specs"
SEED = 20261204
MAX_EXAMPLES = 6
MIN_APPS = 20
IDEAS_WANTED = int(os.environ.get("LF_SWEEP_IDEAS", "20"))
BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
# The apps also run on PostgreSQL: hostile names, relations + a link entity + enums,
# every date/number type, optional fields only, names the Python spells otherwise (date,
# type, class: aliases in the API).
POSTGRES_SAMPLE = ("hostile-names", "band-manager", "vet-clinic", "no-text", "dance-school")

pytestmark = pytest.mark.timeout(900)

# Used when the development set is not there (or yields too few distinct apps).
FALLBACK_IDEAS = (
    "An app to track habits and their daily check-ins",
    "A recipe box where I manage recipes and ingredients, with ratings",
    "Help freelancers send invoices to clients and track expenses by category",
    "Manage my vinyl records and the artists",
    "A reading list with authors, books and reading sessions",
    "Track my plants, how often I water them and when I repotted them",
    "A small gym: members, classes and bookings with a status",
    "A vet clinic: owners, pets with species and birth date, and visits with diagnosis and cost",
    "Inventory for a bakery: products, suppliers and deliveries with quantities",
    "A dog-walking business: clients, their dogs, and walks with a price and a time",
    "Organise a book club: members, meetings and the books we discuss",
    "Car maintenance log: cars, service records with mileage and cost",
    "Tasks with priorities and due dates for my team, grouped into projects",
    "A wine cellar: bottles, wineries and tasting notes with a score",
    "Event planning: events, venues, guests and RSVPs",
    "Track my running: runs with distance, duration and the shoes I wore",
    "A lending library for tools: tools, neighbours and loans with return dates",
    "Students, courses and enrollments with a grade",
    "Support tickets from customers with a severity and an assignee",
    "A band's setlists: songs, gigs and which songs were played at each gig",
    "Budget: accounts, transactions with an amount and a category",
    "A garden planner: beds, plants and harvests with weights",
)

HOSTILE = "__import__('os').system('id')"
HAND_SPECS: dict[str, dict[str, Any]] = {
    "hostile-names": {
        "name": '</title><script>alert(1)</script>"""',
        "entities": [
            {
                "name": HOSTILE,
                "display": HOSTILE,
                "fields": [
                    {"name": HOSTILE, "type": "string", "required": True, "max_length": 30},
                    {"name": "class", "type": "enum", "choices": ["a'b", '"""', "}}{{", "\\"]},
                    {"name": "id", "type": "integer", "unique": True},
                    {"name": "{{ cost }}", "type": "decimal", "minimum": -5, "maximum": 5},
                    {"name": "at')#", "type": "time"},
                    {"name": 'tel"""', "type": "phone"},
                ],
            },
            {"name": 'x"); os.system("id', "fields": [{"name": "date", "type": "date"}]},
            {"name": "Link'); os.system('id", "fields": []},
        ],
        "relations": [
            {"from": 'x"); os.system("id', "to": HOSTILE, "field": "os.system('id')"},
            {"from": "Link'); os.system('id", "to": HOSTILE, "on_delete": "cascade"},
            {"from": "Link'); os.system('id", "to": 'x"); os.system("id'},
        ],
        "summaries": [
            {"name": "'''; x", "entity": HOSTILE, "kind": "sum", "field": "{{ cost }}"},
            {"name": "{{ 7*7 }}", "entity": 'x"); os.system("id', "kind": "streak"},
        ],
    },
    "no-text": {
        "name": "Meter Readings",
        "entities": [
            {
                "name": "Meter",
                "fields": [
                    {"name": "installed", "type": "datetime"},
                    {"name": "active", "type": "boolean"},
                    {"name": "kind", "type": "enum", "choices": ["water", "power"]},
                ],
            },
            {
                "name": "Reading",
                "fields": [
                    {"name": "value", "type": "number"},
                    {"name": "count", "type": "integer"},
                    {"name": "price", "type": "decimal"},
                    {"name": "taken on", "type": "date"},
                    {"name": "taken at", "type": "time"},
                ],
            },
        ],
        "relations": [{"from": "Reading", "to": "Meter", "required": False}],
        "summaries": [
            {
                "name": "Average per month",
                "entity": "Reading",
                "kind": "average",
                "field": "value",
                "period": "month",
            },
            {
                "name": "Readings per meter",
                "entity": "Reading",
                "kind": "count",
                "group_by": "Meter",
            },
            {
                "name": "Active",
                "entity": "Meter",
                "kind": "percent",
                "field": "active",
                "group_by": "kind",
            },
        ],
    },
}


def _devset_ideas() -> list[str]:
    if not DEVSET.exists():
        return []
    data = yaml.safe_load(DEVSET.read_text(encoding="utf-8"))
    if isinstance(data, dict):  # {"items": [...]} or similar
        data = next((v for v in data.values() if isinstance(v, list)), [])
    ideas = [item["idea"] for item in data or [] if isinstance(item, dict) and item.get("idea")]
    step = max(1, len(ideas) // max(1, IDEAS_WANTED))
    return ideas[::step][:IDEAS_WANTED]


def sweep_specs() -> list[tuple[str, dict[str, Any]]]:
    """(name, spec) of every app in the sweep: distinct specs only."""
    out: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()

    def add(name: str, spec: dict[str, Any]) -> None:
        key = json.dumps(spec, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append((name, spec))

    written = [
        (path.stem, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(CONTRACT_SPECS.glob("*.json"))
    ] + list(HAND_SPECS.items())
    wanted = max(IDEAS_WANTED, MIN_APPS - len(written))
    for i, idea in enumerate(_devset_ideas()):
        add(f"devset-{i:02d}", extract_spec(idea))
    for i, idea in enumerate(FALLBACK_IDEAS):
        if len(out) >= wanted:
            break
        add(f"idea-{i:02d}", extract_spec(idea))
    for name, spec in written:
        add(name, spec)
    return out


@dataclass
class AppOutcome:
    name: str
    entities: int = 0
    operations: int = 0
    cases: int = 0
    probes: int = 0
    server_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _config(base_url: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "base-url": base_url,
            "request-timeout": 20,
            "cache": {"enabled": False},  # nothing written to the checkout (.schemathesis/)
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True},
            },
            "checks": {"enabled": False, "not_a_server_error": {"enabled": True}},
        }
    )


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    """``serve(name, spec, database_url=None)``: render the app, start uvicorn on
    SQLite (or on ``database_url``), return its URL, log and entity count."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(
        name: str, spec: dict[str, Any], database_url: str | None = None
    ) -> tuple[str, Path, int]:
        where = tmp_path / name
        app = build_model(spec)
        write_tree(render_project(app, normalised_spec(spec, app), generator="sweep"), where)
        port = free_port()
        log = where / "server.log"
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(where),
            "PYTHONPATH": str(where),
            "DATABASE_URL": database_url or f"sqlite:///{where / 'app.db'}",
        }
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "app.main:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                cwd=where,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            try:
                wait_for_port(port, up=True, timeout=0.5)
            except TimeoutError:
                continue
            return f"http://127.0.0.1:{port}", log, len(app.entities)
        raise AssertionError(f"{name} did not start:\n{log.read_text(errors='replace')[-3000:]}")

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fuzz(name: str, base_url: str, document: dict[str, Any]) -> AppOutcome:
    """Every phase against one app; a 5xx (or an engine error) is a server error."""
    outcome = AppOutcome(name)
    schema = schemathesis.openapi.from_dict(document, config=_config(base_url))
    cases: Counter[str] = Counter()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            cases[recorder.label] += len(recorder.interactions)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    interaction = recorder.interactions.get(case_id)
                    response = interaction.response if interaction else None
                    answer = (
                        f"{response.status_code} {response.text[:300]!r}" if response else "none"
                    )
                    outcome.server_errors.append(
                        f"{name} {recorder.label}: {check.failure_info.failure.title}\n"
                        f"  answer: {answer}\n  {check.failure_info.code_sample}"
                    )
        elif isinstance(event, events.NonFatalError):
            outcome.server_errors.append(f"{name} {event.label}: error: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    outcome.operations = len([label for label in cases if " /" in label])
    outcome.cases = sum(cases.values())
    return outcome


# Values past what schemathesis reaches when a schema leaves a bound unsaid: the
# extremes of int32/int64, non-finite and tiny floats, NUL and lone surrogates,
# 100 kB strings, dates and times at the edges, wrong JSON types.
EXTREMES: tuple[Any, ...] = (
    2**31,
    -(2**31) - 1,
    2**63,
    2**64,
    10**30,
    1e308,
    -1e308,
    1e-320,
    "a\x00b",
    "\ud800",
    "x" * 100_000,
    "",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01",
    "24:00",
    "99999999999.999",
    "-0",
    "NaN",
    True,
    None,
    [],
    {},
)
# A query string is text: the extremes that differ there (past int32/int64, NUL, long).
QUERY_EXTREMES: tuple[Any, ...] = (2**31, 2**63, -(2**31) - 1, 1e308, "a\x00b", "x" * 5000, "")
RAW_VALUES = ("NaN", "Infinity", "-Infinity", "1e400", "-1e400")
BAD_IDS = ("0", "-1", str(2**31), str(2**63), str(2**64), "1e3", "%00", "abc")
BROKEN_BODIES = (b'{"a": ', b"[" * 5000 + b"]" * 5000, b"\xff\xfe", b"null", b'"x"', b"")


def probe(
    app_spec: dict[str, Any], base_url: str, document: dict[str, Any]
) -> tuple[int, list[str]]:
    """Hand-written extremes against every operation: (requests sent, 5xx answers).

    One valid record per entity (parents first), then each field of it PATCHed to
    every extreme value alone (a schema-valid one reaches the database), raw
    non-finite numbers and broken bodies; every path id and query parameter set
    to an extreme; an undeclared parameter everywhere."""
    app = build_model(app_spec)
    errors: list[str] = []
    sent = 0

    def send(client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        nonlocal sent
        sent += 1
        detail = str(kwargs.get("params") or kwargs.get("content") or kwargs.get("json"))[:120]
        try:
            response = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:  # no answer at all is worse than a 500
            errors.append(f"{method} {url} {detail!r}: no answer ({exc!r})")
            return None
        if response.status_code >= 500:
            errors.append(f"{method} {url} {detail!r}: {response.status_code}")
        return response

    query_values = [str(value) for value in QUERY_EXTREMES]

    with httpx.Client(base_url=base_url, timeout=20) as client:
        ids: dict[str, int] = {}
        for entity in app.by_dependency():
            body = {f.ident: sample_value(f) for f in entity.fields}
            body |= {r.ident: ids.get(r.parent.snake) for r in entity.relations}
            created = send(client, "POST", entity.path, json=body)
            if created is not None and created.status_code == 201:
                ids[entity.snake] = created.json()["id"]
        for entity in app.entities:
            one = f"{entity.path}/{ids.get(entity.snake, 1)}"
            for name in [f.ident for f in entity.fields] + [r.ident for r in entity.relations]:
                for value in EXTREMES:
                    send(
                        client,
                        "PATCH",
                        one,
                        content=json.dumps({name: value}),
                        headers={"content-type": "application/json"},
                    )
                for raw in RAW_VALUES:
                    send(
                        client,
                        "PATCH",
                        one,
                        content=f'{{"{name}": {raw}}}',
                        headers={"content-type": "application/json"},
                    )
            for body in BROKEN_BODIES:
                for method, url in (("POST", entity.path), ("PATCH", one)):
                    send(
                        client,
                        method,
                        url,
                        content=body,
                        headers={"content-type": "application/json"},
                    )
        for path, item in document["paths"].items():
            for method, operation in item.items():
                params = [p for p in operation.get("parameters", []) if p["in"] == "query"]
                if "{id}" in path:
                    for bad in BAD_IDS:
                        send(client, method.upper(), path.replace("{id}", bad))
                url = path.replace("{id}", "1")
                send(client, method.upper(), url, params={"bogus": "1"})
                for param in params:
                    for value in query_values:
                        send(client, method.upper(), url, params={param["name"]: value})
        if client.get("/health").status_code != 200:
            errors.append("the app stopped answering")
    return sent, errors


def run_app(
    serve: Any, name: str, spec: dict[str, Any], database_url: str | None = None
) -> AppOutcome:
    """Serve one app, fuzz it, probe it; count tracebacks in its log as server errors."""
    app_started = time.monotonic()
    try:
        base_url, log, entities = serve(name, spec, database_url)
    except SpecError as exc:  # an idea the extractor could not turn into a valid spec
        pytest.fail(f"{name}: the extractor's spec is invalid: {exc}")
    document = httpx.get(f"{base_url}/openapi.json", timeout=20).json()
    outcome = fuzz(name, base_url, document)
    outcome.entities = entities
    probed, probe_errors = probe(spec, base_url, document)
    outcome.probes = probed
    outcome.server_errors += [f"{name} probe: {error}" for error in probe_errors]
    outcome.seconds = round(time.monotonic() - app_started, 1)
    crashes = log.read_text(errors="replace").count("Traceback")
    if crashes:
        outcome.server_errors.append(f"{name}: {crashes} traceback(s) in the server log")
    print(  # progress of a long drill
        f"{name}: {outcome.entities} entities, {outcome.operations} operations, "
        f"{outcome.cases} cases, {outcome.probes} probes, "
        f"{len(outcome.server_errors)} server errors, "
        f"{outcome.seconds} s"
    )
    return outcome


def test_generated_apps_have_no_server_errors(serve: Any) -> None:
    specs = sweep_specs()
    assert len(specs) >= MIN_APPS, f"only {len(specs)} distinct apps"
    started = time.monotonic()
    outcomes: list[AppOutcome] = []
    for name, spec in specs:
        outcomes.append(run_app(serve, name, spec))
    errors = record_sweep(
        "schemathesis-generated-apps", outcomes, started, "", {"devset": DEVSET.exists()}
    )
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors[:20])


def record_sweep(
    result: str, outcomes: list[AppOutcome], started: float, where: str, extra: dict[str, Any]
) -> list[str]:
    """Record a sweep's figures for the README table; returns its server errors.

    ``where`` is said of the apps in the notes (" on PostgreSQL (vet-clinic, ...; ")."""
    wall = round(time.monotonic() - started, 1)
    errors = [error for outcome in outcomes for error in outcome.server_errors]
    cases = sum(outcome.cases for outcome in outcomes)
    probes = sum(outcome.probes for outcome in outcomes)
    operations = sum(outcome.operations for outcome in outcomes)
    record_result(
        result,
        {
            "apps": len(outcomes),
            "inputs": cases + probes,
            "schemathesis_cases": cases,
            "probes": probes,
            "operations": operations,
            "server_errors": len(errors),
            "wall_s": wall,
            "seed": SEED,
            "max_examples": MAX_EXAMPLES,
            **extra,
            "notes": f"{len(outcomes)} generated apps{where or ' ('}{operations} operations): "
            f"{cases:,} schemathesis cases (every phase) and {probes:,} hand-written extremes; "
            f"{len(errors)} server errors; {wall} s",
        },
    )
    return errors


def test_generated_apps_on_postgresql_have_no_server_errors(serve: Any) -> None:
    """The sample on the real PostgreSQL, a brand-new database each: 0 server errors."""
    specs = dict(sweep_specs())
    assert set(POSTGRES_SAMPLE) <= set(specs)
    sample = {name: build_model(specs[name]) for name in POSTGRES_SAMPLE}
    # The sample holds what PostgreSQL is strict about: relations, enums, decimals.
    assert any(e.relations for app in sample.values() for e in app.entities)
    assert any(f.type == "enum" for app in sample.values() for e in app.entities for f in e.fields)
    assert any(e.is_link for app in sample.values() for e in app.entities)
    started = time.monotonic()
    outcomes: list[AppOutcome] = []
    for name in POSTGRES_SAMPLE:
        database = f"lf_genapp_fuzz_{uuid.uuid4().hex[:10]}"
        url = asyncio.run(create_database(BASE_DATABASE_URL, database))
        try:
            psycopg_url = make_url(url).set(drivername="postgresql+psycopg")
            outcome = run_app(
                serve, name, specs[name], psycopg_url.render_as_string(hide_password=False)
            )
            # It really ran there: a transaction per request that reached the database.
            commits = asyncio.run(commit_count(BASE_DATABASE_URL, database))
            assert commits > 100, f"{name}: only {commits} commits in its database"
        finally:  # WITH (FORCE): the app's server still holds connections
            asyncio.run(drop_database(BASE_DATABASE_URL, database))
        outcomes.append(outcome)
    errors = record_sweep(
        "schemathesis-generated-apps-postgresql",
        outcomes,
        started,
        f" on PostgreSQL ({', '.join(POSTGRES_SAMPLE)}; ",
        {},
    )
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors[:20])
