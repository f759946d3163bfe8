"""The shared ``launchforge-<service>`` command line (``launchforge_common.cli``).

``serve`` is checked up to the call into ``run_uvicorn`` (recorded here): the
services' own CLI tests start the real server under it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import pytest
from launchforge_common import cli
from launchforge_common.cli import Command, run_cli
from launchforge_common.settings import ServiceSettings
from starlette.applications import Starlette
from starlette.types import ASGIApp


class DemoSettings(ServiceSettings):
    host: str = "127.0.0.9"
    port: int = 8123
    shutdown_timeout: float = 3.0


class ProxySettings(DemoSettings):
    proxy_headers: bool = True
    forwarded_allow_ips: str = "10.0.0.1"


APP = Starlette()


def no_settings(_args: argparse.Namespace) -> DemoSettings:
    raise AssertionError("settings loaded by a command that does not need them")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def record(app: ASGIApp, **options: Any) -> None:
        calls.append({"app": app, **options})

    monkeypatch.setattr(cli, "run_uvicorn", record)
    return calls


def test_serve_runs_the_factorys_app_with_the_settings_server_options(
    served: list[dict[str, Any]],
) -> None:
    made: list[DemoSettings] = []

    def factory(settings: DemoSettings) -> ASGIApp:
        made.append(settings)
        return APP

    assert run_cli(["serve"], prog="x", settings=lambda _: DemoSettings(), app_factory=factory) == 0
    assert len(made) == 1
    assert served == [
        {
            "app": APP,
            "host": "127.0.0.9",
            "port": 8123,
            "shutdown_timeout": 3.0,
            "drain_seconds": made[0].drain_seconds,
            "proxy_headers": False,
            "forwarded_allow_ips": None,
        }
    ]


def test_serve_believes_proxy_headers_only_when_the_settings_say_so(
    served: list[dict[str, Any]],
) -> None:
    run_cli(["serve"], prog="x", settings=lambda _: ProxySettings(), app_factory=lambda _: APP)
    assert served[0]["proxy_headers"] is True
    assert served[0]["forwarded_allow_ips"] == "10.0.0.1"


def test_serve_arguments_reach_the_settings_factory(served: list[dict[str, Any]]) -> None:
    def arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--port", type=int)

    def settings(args: argparse.Namespace) -> DemoSettings:
        return DemoSettings(port=args.port)

    run_cli(
        ["serve", "--port", "9001"],
        prog="x",
        settings=settings,
        app_factory=lambda _: APP,
        serve_arguments=arguments,
    )
    assert served[0]["port"] == 9001


@pytest.mark.parametrize(
    ("argv", "revision"), [(["migrate"], "head"), (["migrate", "0001"], "0001")]
)
def test_migrate_calls_the_services_upgrade_with_the_revision(
    argv: list[str], revision: str
) -> None:
    upgrades: list[tuple[DemoSettings, str]] = []
    code = run_cli(
        argv,
        prog="x",
        settings=lambda _: DemoSettings(),
        app_factory=lambda _: APP,
        upgrade=lambda settings, rev: upgrades.append((settings, rev)),
    )
    assert code == 0
    assert [rev for _, rev in upgrades] == [revision]
    assert isinstance(upgrades[0][0], DemoSettings)


def test_without_an_upgrade_there_is_no_migrate_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        run_cli(["migrate"], prog="x", settings=no_settings, app_factory=lambda _: APP)
    assert exited.value.code == 2
    assert "invalid choice: 'migrate'" in capsys.readouterr().err


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run_cli([], prog="x", settings=no_settings, app_factory=lambda _: APP)
    assert exited.value.code == 2


def test_extra_commands_get_their_arguments_and_their_exit_code_is_returned() -> None:
    seen: list[str] = []

    def run(args: argparse.Namespace, load: Callable[[], DemoSettings]) -> int:
        seen.append(args.email)
        return 7

    def arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("email")

    code = run_cli(
        ["promote", "a@example.com"],
        prog="x",
        settings=no_settings,  # never called: the command did not load them
        app_factory=lambda _: APP,
        commands=[Command("promote", "promote someone", run, arguments)],
    )
    assert (code, seen) == (7, ["a@example.com"])


def test_an_extra_command_loads_the_settings_when_it_asks() -> None:
    loaded: list[DemoSettings] = []

    def run(_args: argparse.Namespace, load: Callable[[], DemoSettings]) -> int:
        loaded.append(load())
        return 0

    run_cli(
        ["worker"],
        prog="x",
        settings=lambda _: DemoSettings(port=1),
        app_factory=lambda _: APP,
        commands=[Command("worker", "run the worker", run)],
    )
    assert [s.port for s in loaded] == [1]


def test_help_lists_every_command_with_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run_cli(
            ["--help"],
            prog="launchforge-x",
            settings=no_settings,
            app_factory=lambda _: APP,
            upgrade=lambda _s, _r: None,
            commands=[Command("worker", "run builds from the queue", lambda _a, _l: 0)],
            serve_help="run the HTTP service",
        )
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "launchforge-x" in out
    for text in ("serve", "run the HTTP service", "migrate", "apply database migrations"):
        assert text in out
    assert "run builds from the queue" in out
