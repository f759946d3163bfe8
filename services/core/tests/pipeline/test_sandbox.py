"""The validate stage's sandbox: failures reported, limits enforced, nothing left behind."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from launchforge_core.pipeline import BuildInput, PipelineSettings, run_pipeline
from launchforge_core.pipeline.checks import syntax_errors
from launchforge_core.pipeline.sandbox import run_project_tests

TINY_TEST = b"def test_ok():\n    assert 1 + 1 == 2\n"


def _project(**tests: bytes) -> dict[str, bytes]:
    files = {"app/__init__.py": b"", "app/core.py": b"VALUE = 2\n"}
    files.update({f"tests/{name}.py": body for name, body in tests.items()})
    return files


@pytest.fixture
def tmp_path():
    """A directory the sandbox user can reach (pytest's own tmp_path is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="lf-sandbox-test-"))
    os.chmod(path, 0o777)  # noqa: S103 - the sandbox user writes markers here
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _work_dir(tmp_path: Path) -> str:
    work = tmp_path / "work"
    work.mkdir()
    os.chmod(work, 0o755)  # noqa: S103 - the sandbox user must traverse it
    return str(work)


async def test_passing_project(tmp_path):
    settings = PipelineSettings(work_dir=_work_dir(tmp_path))
    outcome = await run_project_tests(_project(test_ok=TINY_TEST), settings)
    assert outcome.ok, outcome.output
    assert outcome.reason == "passed"
    assert any("1 passed" in line for line in outcome.summary)
    assert os.listdir(settings.work_dir) == []  # temp dir removed


async def test_failing_test_is_reported(tmp_path):
    body = b"def test_bad():\n    assert 2 + 2 == 5, 'arithmetic'\n"
    outcome = await run_project_tests(
        _project(test_bad=body), PipelineSettings(work_dir=_work_dir(tmp_path))
    )
    assert not outcome.ok
    assert outcome.reason == "tests failed"
    assert any(line.startswith("FAILED tests/test_bad.py::test_bad") for line in outcome.summary)


async def test_import_error_in_an_app_module_is_caught(tmp_path):
    files = _project(test_ok=TINY_TEST)
    files["app/broken.py"] = b"import module_that_does_not_exist\n"
    outcome = await run_project_tests(files, PipelineSettings(work_dir=_work_dir(tmp_path)))
    assert not outcome.ok
    assert outcome.reason == "import check failed"
    assert "IMPORT ERROR app.broken" in outcome.output


async def test_clean_environment_and_confinement(tmp_path, monkeypatch):
    monkeypatch.setenv("LF_SECRET_FOR_TEST", "hunter2")
    outside = tmp_path / "outside"
    outside.mkdir()
    os.chmod(outside, 0o755)  # noqa: S103 - readable, not writable, for nobody
    probe = f"""
import os, pathlib, resource, tempfile

def test_environment_is_clean():
    assert "LF_SECRET_FOR_TEST" not in os.environ
    assert set(os.environ) <= {{"PATH", "HOME", "TMPDIR", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE",
        "PYTHONHASHSEED", "PYTHONUNBUFFERED", "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "LANG",
        "PYTHONPYCACHEPREFIX", "PYTEST_CURRENT_TEST", "PYTEST_VERSION"}}
    root = pathlib.Path.cwd().parent
    assert pathlib.Path(os.environ["HOME"]).parent == root
    assert pathlib.Path(tempfile.gettempdir()).parent == root

def test_limits_are_set():
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == {512 * 1024 * 1024}
    assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] == {4 * 1024 * 1024}

def test_cannot_write_outside():
    if {os.geteuid()} != 0:
        return  # not root here: no user to drop to (documented)
    assert os.geteuid() != 0
    try:
        pathlib.Path({str(outside)!r}, "escaped").write_text("x")
    except PermissionError:
        pass
    else:
        raise AssertionError("wrote outside the sandbox")

def test_big_files_are_refused():
    try:
        pathlib.Path("big.bin").write_bytes(b"0" * (5 * 1024 * 1024))
    except OSError:
        return
    raise AssertionError("RLIMIT_FSIZE not enforced")
""".encode()
    settings = PipelineSettings(
        work_dir=_work_dir(tmp_path),
        memory_limit_bytes=512 * 1024**2,
        file_size_limit_bytes=4 * 1024**2,
    )
    outcome = await run_project_tests(_project(test_probe=probe), settings)
    assert outcome.ok, outcome.output[-3000:]
    assert not (outside / "escaped").exists()


async def test_time_limit_kills_a_hanging_run(tmp_path):
    marker = tmp_path / "pid"
    body = f"""
import os, pathlib, subprocess, sys, time

def test_hangs():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    pathlib.Path({str(marker)!r}).write_text(str(child.pid))
    time.sleep(120)
""".encode()
    # generous: the interpreter must start and reach the test even on a loaded machine
    settings = PipelineSettings(work_dir=_work_dir(tmp_path), validate_timeout=12)
    outcome = await run_project_tests(_project(test_hang=body), settings)
    assert not outcome.ok
    assert outcome.reason == "timed out after 12 s"
    grandchild = int(marker.read_text())
    await asyncio.sleep(0.2)
    assert not _alive(grandchild), "the whole process group must be killed"
    assert os.listdir(settings.work_dir) == []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


async def test_cancellation_kills_the_subprocess_and_cleans_up(tmp_path):
    marker = tmp_path / "pid"
    body = f"""
import os, pathlib, time

def test_waits():
    pathlib.Path({str(marker)!r}).write_text(str(os.getpid()))
    time.sleep(120)
""".encode()
    settings = PipelineSettings(work_dir=_work_dir(tmp_path), validate_timeout=100)
    task = asyncio.ensure_future(run_project_tests(_project(test_wait=body), settings))
    for _ in range(600):
        if marker.exists() and marker.read_text():
            break
        await asyncio.sleep(0.05)
    pid = int(marker.read_text())
    assert _alive(pid)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.2)
    assert not _alive(pid)
    assert os.listdir(settings.work_dir) == []


def test_syntax_errors_are_found_without_running_anything():
    files = {"app/a.py": b"x = 1\n", "app/b.py": b"def broken(:\n", "README.md": b"(not code"}
    errors = syntax_errors(files)
    assert len(errors) == 1
    assert errors[0].startswith("app/b.py:1:")


async def test_pipeline_reports_an_injected_broken_file(recorder, monkeypatch):
    """A generated file that does not compile fails the offline build at validate."""
    from launchforge_core.pipeline import runner

    real = runner.render_project

    def broken(*args, **kwargs):
        files = real(*args, **kwargs)
        files["app/models.py"] += b"\ndef oops(:\n"
        return files

    monkeypatch.setattr(runner, "render_project", broken)
    result = await run_pipeline(
        BuildInput(idea="track my habits"),
        llm=None,
        emit=recorder,
        settings=PipelineSettings(work_dir=tempfile.gettempdir()),
    )
    assert result.status == "failed"
    assert result.error == "validation failed: syntax errors"
    assert result.archive is None
    validate = next(s for s in result.stages if s.name == "validate")
    assert validate.outcome == "failed"
    assert "app/models.py" in (validate.detail or "")
    assert ("validate", "failed") in recorder.stages()
    assert any("app/models.py" in line for line in recorder.logs())


async def test_pipeline_reports_a_failing_generated_test(recorder, monkeypatch, pipeline_settings):
    from launchforge_core.pipeline import runner

    real = runner.render_project

    def failing(*args, **kwargs):
        files = real(*args, **kwargs)
        files["tests/test_zz_broken.py"] = b"def test_broken():\n    assert False, 'injected'\n"
        return files

    monkeypatch.setattr(runner, "render_project", failing)
    tiny = {
        "name": "Pets",
        "entities": [
            {"name": "Pet", "fields": [{"name": "name", "type": "string", "required": True}]}
        ],
    }
    result = await run_pipeline(
        BuildInput(idea="pets", spec=tiny), llm=None, emit=recorder, settings=pipeline_settings
    )
    assert result.status == "failed"
    assert result.error == "validation failed: tests failed"
    assert any("FAILED tests/test_zz_broken.py::test_broken" in line for line in recorder.logs())


async def test_cancelling_run_pipeline_kills_validation(
    tmp_path, recorder, monkeypatch, pipeline_settings
):
    """The worker stops a build by cancelling its task: the test run must die with it."""
    from launchforge_core.pipeline import runner

    marker = tmp_path / "pid"
    hang = f"""
import os, pathlib, time

def test_hangs():
    pathlib.Path({str(marker)!r}).write_text(str(os.getpid()))
    time.sleep(120)
""".encode()
    real = runner.render_project

    def hanging(*args, **kwargs):
        files = real(*args, **kwargs)
        files["tests/test_zz_hang.py"] = hang
        return files

    monkeypatch.setattr(runner, "render_project", hanging)
    tiny = {
        "name": "Pets",
        "entities": [
            {"name": "Pet", "fields": [{"name": "name", "type": "string", "required": True}]}
        ],
    }
    work = _work_dir(tmp_path)
    task = asyncio.ensure_future(
        run_pipeline(
            BuildInput(idea="pets", spec=tiny),
            llm=None,
            emit=recorder,
            settings=pipeline_settings.model_copy(update={"work_dir": work}),
        )
    )
    for _ in range(1200):
        if marker.exists() and marker.read_text():
            break
        await asyncio.sleep(0.05)
    pid = int(marker.read_text())
    assert _alive(pid)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.2)
    assert not _alive(pid)
    assert os.listdir(work) == []
    assert recorder.stages()[-1] == ("validate", "started")


def test_sweep_removes_only_stale_workdirs(tmp_path):
    from launchforge_core.pipeline import sweep_stale_workdirs

    settings = PipelineSettings(work_dir=str(tmp_path), validate_timeout=10)
    stale = tmp_path / "lf-validate-stale"
    fresh = tmp_path / "lf-validate-fresh"
    other = tmp_path / "unrelated"
    for directory in (stale, fresh, other):
        (directory / "project").mkdir(parents=True)
    old = 1_000_000.0
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    assert sweep_stale_workdirs(settings) == 1
    assert not stale.exists()
    assert fresh.exists()
    assert other.exists()


async def test_interpreter_that_cannot_start_is_a_clear_failure(tmp_path):
    """A broken deployment (interpreter missing or not executable) fails the stage clearly."""
    settings = PipelineSettings(
        work_dir=_work_dir(tmp_path), python_executable=str(tmp_path / "no-such-python")
    )
    outcome = await run_project_tests(_project(test_ok=TINY_TEST), settings)
    assert not outcome.ok
    assert outcome.reason.startswith("sandbox could not start the test run")
    assert os.listdir(settings.work_dir) == []


def _reaches(port: int) -> bytes:
    """A project test that passes only when it cannot connect to 127.0.0.1:port."""
    return (
        "import socket\n"
        "import pytest\n\n"
        "def test_no_network():\n"
        "    with pytest.raises(OSError):\n"
        f"        socket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
    ).encode()


@pytest.mark.skipif(shutil.which("unshare") is None, reason="util-linux unshare not installed")
async def test_generated_code_cannot_reach_the_network(tmp_path):
    """PostgreSQL, Redis and the other services answer on this machine; not inside."""
    (tmp_path / "x").mkdir()
    os.chmod(tmp_path / "x", 0o755)  # noqa: S103 - the sandbox user must traverse it
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        isolated = await run_project_tests(
            _project(test_net=_reaches(port)),
            PipelineSettings(work_dir=_work_dir(tmp_path), sandbox_network="isolated"),
        )
        # The same project with the network shared: the connection succeeds, the test fails.
        shared = await run_project_tests(
            _project(test_net=_reaches(port)),
            PipelineSettings(work_dir=_work_dir(tmp_path / "x"), sandbox_network="shared"),
        )
    finally:
        server.close()
        await server.wait_closed()
    assert isolated.ok, isolated.output
    assert not shared.ok
    assert shared.reason == "tests failed"
