"""Generated apps' own test suites, run against the real PostgreSQL.

The validate stage runs each build's suite on SQLite; PostgreSQL is stricter
(int4 ids, no NUL in text, NUMERIC(12,2), real foreign keys and time zones),
and a deployed app runs on it. So a sample of apps, rendered from the
hand-written specs in ``specs/`` (between them every field type, cascade and
restrict rules, optional parents, two relations to one parent, link entities
and every kind of summary), runs its whole suite here with ``DATABASE_URL``
pointing at a brand-new database, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from launchforge_common.testing import commit_count, temporary_database
from launchforge_core.pipeline.generator import render_project
from launchforge_core.pipeline.packaging import write_tree
from launchforge_core.pipeline.spec import build_model, normalised_spec
from sqlalchemy.engine import make_url

BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
SPECS = sorted((Path(__file__).parent / "specs").glob("*.json"))

pytestmark = pytest.mark.timeout(300)


def _write(spec_path: Path, where: Path) -> None:
    spec = json.loads(spec_path.read_text())
    app = build_model(spec)
    write_tree(render_project(app, normalised_spec(spec, app), generator="test"), where)


def _run_suite(where: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(where),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PYTHONPATH": str(where),
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )


def _plain(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_the_sample_covers_the_contract():
    """The specs between them hold every field type, both delete rules, a link
    entity and every summary kind (else this test's claim above is not true)."""
    apps = [build_model(json.loads(path.read_text())) for path in SPECS]
    assert len(apps) >= 3
    types = {f.type for app in apps for e in app.entities for f in e.fields}
    assert types == {
        "string",
        "text",
        "integer",
        "number",
        "decimal",
        "boolean",
        "date",
        "datetime",
        "time",
        "email",
        "url",
        "phone",
        "enum",
    }
    rules = {r.on_delete for app in apps for e in app.entities for r in e.relations}
    assert rules == {"restrict", "cascade"}
    assert any(e.is_link for app in apps for e in app.entities)
    kinds = {s.kind for app in apps for s in app.summaries}
    assert kinds == {"count", "sum", "average", "minimum", "maximum", "percent", "streak"}
    periods = {s.period for app in apps for s in app.summaries}
    assert {"day", "week", "month", "year"} <= periods


@pytest.mark.parametrize("spec_path", SPECS, ids=[path.stem for path in SPECS])
async def test_generated_suite_passes_on_postgresql(spec_path: Path, tmp_path: Path):
    await asyncio.to_thread(_write, spec_path, tmp_path)
    async with temporary_database(BASE_DATABASE_URL, "lf_genapp") as url:
        name = make_url(url).database
        assert name is not None
        psycopg_url = make_url(url).set(drivername="postgresql+psycopg")
        ran = await asyncio.to_thread(
            _run_suite, tmp_path, psycopg_url.render_as_string(hide_password=False)
        )
        assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
        assert " passed" in ran.stdout
        assert "failed" not in ran.stdout
        # It really ran there: a transaction per request, far more than a handful.
        assert await commit_count(BASE_DATABASE_URL, name) > 200
        conn = await asyncpg.connect(_plain(url))
        try:  # and the suite's own schema was dropped at the end
            left = await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'test_%'")
        finally:
            await conn.close()
        assert left == []
