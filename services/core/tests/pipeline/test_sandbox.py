"""The validate stage's sandbox: failures reported, the boundary attacked, nothing left behind.

These run the real bubblewrap backend (``make sync`` installs Debian's
bubblewrap); the attacks are project tests that pass only when the attack fails.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from pathlib import Path

import pytest
from launchforge_common.testing import processes_with
from launchforge_core.pipeline import BuildInput, PipelineSettings, run_pipeline
from launchforge_core.pipeline.checks import syntax_errors
from launchforge_core.pipeline.sandbox import (
    SandboxUnavailable,
    resolve_mode,
    run_project_tests,
    sweep_stale_workdirs,
)

TINY_TEST = b"def test_ok():\n    assert 1 + 1 == 2\n"


def _project(**tests: bytes) -> dict[str, bytes]:
    files = {"app/__init__.py": b"", "app/core.py": b"VALUE = 2\n"}
    files.update({f"tests/{name}.py": body for name, body in tests.items()})
    return files


@pytest.fixture
def settings() -> PipelineSettings:
    return PipelineSettings(sandbox_mode="bubblewrap")


async def test_the_default_backend_here_is_bubblewrap():
    assert resolve_mode(PipelineSettings()) == "bubblewrap"


async def test_passing_project(settings):
    lines: list[str] = []

    async def log(line: str) -> None:
        lines.append(line)

    outcome = await run_project_tests(_project(test_ok=TINY_TEST), settings, log)
    assert outcome.ok, outcome.output
    assert outcome.reason == "passed"
    assert any("1 passed" in line for line in outcome.summary)
    assert lines[0] == "sandbox: bubblewrap"


async def test_failing_test_is_reported(settings):
    body = b"def test_bad():\n    assert 2 + 2 == 5, 'arithmetic'\n"
    outcome = await run_project_tests(_project(test_bad=body), settings)
    assert not outcome.ok
    assert outcome.reason == "tests failed"
    assert any(line.startswith("FAILED tests/test_bad.py::test_bad") for line in outcome.summary)


async def test_import_error_in_an_app_module_is_caught(settings):
    files = _project(test_ok=TINY_TEST)
    files["app/broken.py"] = b"import module_that_does_not_exist\n"
    outcome = await run_project_tests(files, settings)
    assert not outcome.ok
    assert outcome.reason == "import check failed"
    assert "IMPORT ERROR app.broken" in outcome.output


async def test_environment_limits_and_filesystem(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("LF_SECRET_FOR_TEST", "hunter2")
    host_file = tmp_path / "host-only.txt"
    host_file.write_text("secret")
    marker = f"lf-escape-{secrets.token_hex(4)}"
    probe = f"""
import os, pathlib, resource

def test_environment_is_clean():
    assert "LF_SECRET_FOR_TEST" not in os.environ
    assert set(os.environ) <= {{"PATH", "HOME", "TMPDIR", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE",
        "PYTHONHASHSEED", "PYTHONUNBUFFERED", "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "LANG",
        "PYTHONPYCACHEPREFIX", "PYTEST_CURRENT_TEST", "PYTEST_VERSION", "PWD"}}

def test_limits_are_set():
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == {512 * 1024 * 1024}
    assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] == {4 * 1024 * 1024}
    assert resource.getrlimit(resource.RLIMIT_NPROC)[0] == 64

def test_not_root_and_no_capabilities():
    assert os.getuid() != 0 and os.geteuid() != 0
    status = pathlib.Path("/proc/self/status").read_text()
    assert "CapEff:\\t0000000000000000" in status

def test_host_files_are_not_there():
    assert not pathlib.Path({str(host_file)!r}).exists()
    for path in ("/etc", "/var/run/postgresql", "/run", "/home", "/var"):
        assert not pathlib.Path(path).exists(), path

def test_interpreter_is_read_only():
    import sys
    try:
        pathlib.Path(sys.prefix, "{marker}").write_text("x")
    except OSError:
        pass
    else:
        raise AssertionError("wrote into the interpreter's prefix")

def test_writes_stay_inside():
    pathlib.Path("/tmp/{marker}").write_text("x")
    pathlib.Path(os.environ["HOME"], "{marker}").write_text("x")

def test_every_writable_place_is_a_small_private_tmpfs():
    for path in ("/tmp", "/dev/shm", os.environ["HOME"]):
        st = os.statvfs(path)
        assert st.f_blocks * st.f_frsize <= {32 * 1024 * 1024}, path

def test_big_files_are_refused():
    try:
        pathlib.Path("big.bin").write_bytes(b"0" * (5 * 1024 * 1024))
    except OSError:
        return
    raise AssertionError("RLIMIT_FSIZE not enforced")
""".encode()
    limited = settings.model_copy(
        update={
            "memory_limit_bytes": 512 * 1024**2,
            "file_size_limit_bytes": 4 * 1024**2,
            "process_limit": 64,
            "sandbox_tmpfs_bytes": 32 * 1024**2,
        }
    )
    outcome = await run_project_tests(_project(test_probe=probe), limited)
    assert outcome.ok, outcome.output[-3000:]
    assert "8 passed" in outcome.output
    assert marker not in os.listdir(tempfile.gettempdir())
    assert marker not in os.listdir(Path.home())


async def test_no_route_to_services_metadata_or_unix_sockets(settings):
    """A server on this machine's loopback answers; inside, nothing is reachable."""
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    probe = f"""
import socket, pytest

@pytest.mark.parametrize("host, port", [("127.0.0.1", {port}), ("127.0.0.1", 5432),
    ("127.0.0.1", 6379), ("127.0.0.1", 8000), ("169.254.169.254", 80), ("::1", {port})])
def test_cannot_connect(host, port):
    with pytest.raises(OSError):
        socket.create_connection((host, port), timeout=2).close()

def test_no_interfaces_but_loopback():
    assert [name for _, name in socket.if_nameindex()] == ["lo"]
""".encode()
    try:
        outcome = await run_project_tests(_project(test_net=probe), settings)
        reached = await asyncio.open_connection("127.0.0.1", port)  # the server does answer
        reached[1].close()
    finally:
        server.close()
        await server.wait_closed()
    assert outcome.ok, outcome.output[-3000:]
    assert "7 passed" in outcome.output


async def test_sees_only_its_own_processes(settings):
    probe = b"""
import os

def test_pid_namespace():
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    assert len(pids) <= 4, pids
    for pid in pids:
        try:
            open(f"/proc/{pid}/environ").read()
        except OSError:
            continue
        # readable only for our own processes, whose environment is the clean one
        assert "CORE_" not in open(f"/proc/{pid}/environ").read()
"""
    outcome = await run_project_tests(_project(test_pids=probe), settings)
    assert outcome.ok, outcome.output[-3000:]


async def test_a_setsid_child_dies_with_the_run(settings):
    token = f"lf-survivor-{secrets.token_hex(4)}"
    body = f"""
import subprocess, sys

def test_leave_a_daemon():
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "{token}"],
                     start_new_session=True)
""".encode()
    outcome = await run_project_tests(_project(test_daemon=body), settings)
    assert outcome.ok, outcome.output[-3000:]
    await asyncio.sleep(0.3)
    assert processes_with(token) == []


async def test_a_fork_bomb_is_stopped_by_the_process_limit(settings):
    token = f"lf-bomb-{secrets.token_hex(4)}"
    body = f"""
import os, time

def test_fork_until_refused():
    children = 0
    try:
        while children < 10_000:
            if os.fork() == 0:
                os.execv("/usr/bin/sleep", ["sleep", "300", "{token}"])
            children += 1
    except OSError:
        pass
    print("forked", children)
    assert children < 10_000
""".encode()
    limited = settings.model_copy(update={"process_limit": 32})
    outcome = await run_project_tests(_project(test_bomb=body), limited)
    assert outcome.ok, outcome.output[-3000:]
    await asyncio.sleep(0.3)
    assert processes_with(token) == []
    # and the next run is unaffected
    assert (await run_project_tests(_project(test_ok=TINY_TEST), settings)).ok


async def test_time_limit_kills_a_hanging_run(settings):
    token = f"lf-hang-{secrets.token_hex(4)}"
    body = f"""
import subprocess, sys, time

def test_hangs():
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "{token}"])
    time.sleep(300)
""".encode()
    # generous: the interpreter must start and reach the test even on a loaded machine
    outcome = await run_project_tests(
        _project(test_hang=body), settings.model_copy(update={"validate_timeout": 12})
    )
    assert not outcome.ok
    assert outcome.reason == "timed out after 12 s"
    await asyncio.sleep(0.3)
    assert processes_with(token) == []


async def test_cancellation_kills_the_run(settings):
    token = f"lf-wait-{secrets.token_hex(4)}"
    body = f"""
import subprocess, sys

def test_waits():
    subprocess.run([sys.executable, "-c", "import time; time.sleep(300)", "{token}"])
""".encode()
    task = asyncio.ensure_future(run_project_tests(_project(test_wait=body), settings))
    for _ in range(600):
        if processes_with(token):
            break
        await asyncio.sleep(0.05)
    assert processes_with(token)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.3)
    assert processes_with(token) == []


def test_production_refuses_to_run_generated_code_without_isolation():
    missing = PipelineSettings(bwrap_path="no-such-bwrap-here", allow_unisolated=False)
    with pytest.raises(SandboxUnavailable, match="cannot be isolated"):
        resolve_mode(missing)
    with pytest.raises(SandboxUnavailable, match="refused in production"):
        resolve_mode(PipelineSettings(sandbox_mode="process", allow_unisolated=False))
    # outside production, auto falls back (and says so in the build log)
    assert resolve_mode(missing.model_copy(update={"allow_unisolated": True})) == "process"


async def test_production_build_fails_clearly_without_a_sandbox():
    settings = PipelineSettings(bwrap_path="no-such-bwrap-here", allow_unisolated=False)
    outcome = await run_project_tests(_project(test_ok=TINY_TEST), settings)
    assert not outcome.ok
    assert outcome.reason.startswith("sandbox could not start the test run: generated code")


async def test_interpreter_that_cannot_start_is_a_clear_failure(tmp_path):
    """A broken deployment (interpreter missing) fails the stage clearly."""
    settings = PipelineSettings(
        sandbox_mode="bubblewrap", python_executable=str(tmp_path / "no-such-python")
    )
    outcome = await run_project_tests(_project(test_ok=TINY_TEST), settings)
    assert not outcome.ok
    assert outcome.reason.startswith("sandbox could not start the test run")


async def test_process_fallback_still_runs_and_cleans_up(tmp_path):
    """Development without bubblewrap: the confined child process (not a boundary)."""
    work = tmp_path / "work"
    work.mkdir()
    os.chmod(tmp_path, 0o755)  # noqa: S103 - the sandbox user must traverse it
    os.chmod(work, 0o755)  # noqa: S103
    settings = PipelineSettings(
        sandbox_mode="process", work_dir=str(work), sandbox_user=None, allow_unisolated=True
    )
    outcome = await run_project_tests(_project(test_ok=TINY_TEST), settings)
    assert outcome.ok, outcome.output
    assert os.listdir(work) == []


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
        BuildInput(idea="track my habits"), llm=None, emit=recorder, settings=PipelineSettings()
    )
    assert result.status == "failed"
    assert result.error == "validation failed: syntax errors"
    assert result.archive is None
    validate = next(s for s in result.stages if s.name == "validate")
    assert validate.outcome == "failed"
    assert "app/models.py" in (validate.detail or "")
    assert ("validate", "failed") in recorder.stages()
    assert any("app/models.py" in line for line in recorder.logs())


TINY_SPEC = {
    "name": "Pets",
    "entities": [{"name": "Pet", "fields": [{"name": "name", "type": "string", "required": True}]}],
}


async def test_pipeline_reports_a_failing_generated_test(recorder, monkeypatch, pipeline_settings):
    from launchforge_core.pipeline import runner

    real = runner.render_project

    def failing(*args, **kwargs):
        files = real(*args, **kwargs)
        files["tests/test_zz_broken.py"] = b"def test_broken():\n    assert False, 'injected'\n"
        return files

    monkeypatch.setattr(runner, "render_project", failing)
    result = await run_pipeline(
        BuildInput(idea="pets", spec=TINY_SPEC), llm=None, emit=recorder, settings=pipeline_settings
    )
    assert result.status == "failed"
    assert result.error == "validation failed: tests failed"
    assert any("FAILED tests/test_zz_broken.py::test_broken" in line for line in recorder.logs())
    assert "sandbox: bubblewrap" in recorder.logs()


async def test_cancelling_run_pipeline_kills_validation(recorder, monkeypatch, pipeline_settings):
    """The worker stops a build by cancelling its task: the test run must die with it."""
    from launchforge_core.pipeline import runner

    token = f"lf-pipeline-hang-{secrets.token_hex(4)}"
    hang = f"""
import subprocess, sys

def test_hangs():
    subprocess.run([sys.executable, "-c", "import time; time.sleep(300)", "{token}"])
""".encode()
    real = runner.render_project

    def hanging(*args, **kwargs):
        files = real(*args, **kwargs)
        files["tests/test_zz_hang.py"] = hang
        return files

    monkeypatch.setattr(runner, "render_project", hanging)
    task = asyncio.ensure_future(
        run_pipeline(
            BuildInput(idea="pets", spec=TINY_SPEC),
            llm=None,
            emit=recorder,
            settings=pipeline_settings,
        )
    )
    for _ in range(1200):
        if processes_with(token):
            break
        await asyncio.sleep(0.05)
    assert processes_with(token)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.3)
    assert processes_with(token) == []
    assert recorder.stages()[-1] == ("validate", "started")


def test_sweep_removes_only_stale_workdirs(tmp_path):
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
