"""Serve mode: a generated app seeded and served on a UNIX socket from a sandbox."""

from __future__ import annotations

import httpx
import pytest
from launchforge_core.pipeline import BuildInput, PipelineSettings, run_pipeline
from launchforge_core.pipeline.preview_seed import plan_for_spec
from launchforge_core.pipeline.sandbox.serve import ServeUnavailable, start_app


async def _noop(_event: object) -> None:
    return None


@pytest.fixture(scope="module")
async def built() -> tuple[dict[str, bytes], dict]:
    result = await run_pipeline(
        BuildInput(idea="An app to track habits and their daily check-ins"),
        llm=None,
        emit=_noop,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "succeeded", result.error
    assert result.spec is not None
    return result.files, result.spec


@pytest.mark.parametrize("mode", ["bubblewrap", "process"])
async def test_the_app_is_seeded_and_served_on_its_socket(built, mode):
    files, spec = built
    plan = plan_for_spec(spec, theme=None, per_entity=2)
    assert plan
    assert all(len(step["records"]) == 2 for step in plan)
    # process mode as root would drop to "nobody", who may not reach this checkout's venv.
    settings = PipelineSettings(sandbox_user=None)
    app = await start_app(files, plan, settings, mode=mode, max_seconds=60, log_bytes=8192)
    try:
        assert await app.wait_ready(60) is None, app.logs.text()
        transport = httpx.AsyncHTTPTransport(uds=str(app.socket_path))
        async with httpx.AsyncClient(transport=transport, base_url="http://preview") as client:
            page = await client.get("/")
            assert page.status_code == 200
            assert "static/app.js" in page.text
            first = plan[0]
            listed = await client.get(first["path"])
            assert listed.status_code == 200, listed.text
            assert len(listed.json()["items"]) == 2
        assert "sample records created" in app.logs.text()
    finally:
        await app.stop()
    assert app.exit_code is not None
    assert not app.root.exists()


async def test_an_app_that_fails_at_import_exits_with_its_error(built):
    files, _ = built
    broken = {**files, "app/main.py": b"raise RuntimeError('preview boom')\n"}
    app = await start_app(
        broken, [], PipelineSettings(), mode="bubblewrap", max_seconds=60, log_bytes=8192
    )
    try:
        error = await app.wait_ready(60)
        assert error is not None
        assert "exited with code" in error
        assert "preview boom" in app.logs.text()
    finally:
        await app.stop()


async def test_a_mode_without_a_serve_backend_is_refused(built):
    """Kubernetes serves too (test_sandbox_kubernetes.py); an unknown mode does not."""
    files, _ = built
    with pytest.raises(ServeUnavailable, match="no sandbox backend 'auto'"):
        await start_app(files, [], PipelineSettings(), mode="auto", max_seconds=60, log_bytes=1024)


def test_sample_records_are_named_after_their_entity(built):
    """A person sees "Habit 1", "Check in 2" in the preview's lists, not "name 1"."""
    from launchforge_core.pipeline.spec import build_model

    _, spec = built
    model = build_model(spec, theme=spec.get("theme"))
    plan = {step["entity"]: step for step in plan_for_spec(spec, theme=None, per_entity=3)}
    named = [e for e in model.entities if e.display is not None and e.display.type == "string"]
    assert [e.class_name for e in named] == ["Habit"]
    for entity in named:
        assert entity.display is not None
        names = [r[entity.display.ident] for r in plan[entity.snake]["records"]]
        assert names == ["Habit 1", "Habit 2", "Habit 3"]
