"""The ``launchforge-<service>`` command line: ``serve``, ``migrate`` and each service's own.

The three services used to repeat the parser, the ``serve`` call into
:func:`run_uvicorn` and the ``migrate`` wiring in their ``__main__.py``; a
service now passes what is its own (app factory, migration function, extra
subcommands) to :func:`run_cli`. argparse (the standard library) does the
parsing; this only assembles the parser the same way for all three.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

from starlette.types import ASGIApp

from launchforge_common.logging import configure_logging_from
from launchforge_common.server import run_uvicorn
from launchforge_common.settings import ServiceSettings


class ServerSettings(Protocol):
    """What ``serve`` reads from a service's settings."""

    host: str
    port: int
    shutdown_timeout: float

    @property
    def drain_seconds(self) -> float: ...


T = TypeVar("T", bound=ServiceSettings)


@dataclass(frozen=True)
class Command(Generic[T]):
    """A service's own subcommand (auth's ``create-admin``, core's ``worker``...).

    ``run`` gets the parsed arguments and a way to load the settings (called
    only when the command needs them: ``generate-key`` must work without a
    configured environment) and returns the exit code.
    """

    name: str
    help: str
    run: Callable[[argparse.Namespace, Callable[[], T]], int]
    # Adds the command's own arguments to its subparser.
    arguments: Callable[[argparse.ArgumentParser], None] | None = None


def serve(settings: ServiceSettings, app: ASGIApp) -> None:
    """Run ``app`` under uvicorn with the settings' host, port and shutdown options.

    Proxy headers are believed only by a service whose settings have
    ``proxy_headers`` on (auth); core has no such setting and the gateway
    decides itself which X-Forwarded-* headers to believe (trusted_proxies),
    so uvicorn must not rewrite the client there.
    """
    # host and port are each service's own settings (their env prefixes differ).
    server = cast(ServerSettings, settings)
    proxy_headers = bool(getattr(settings, "proxy_headers", False))
    run_uvicorn(
        app,
        host=server.host,
        port=server.port,
        shutdown_timeout=server.shutdown_timeout,
        drain_seconds=server.drain_seconds,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=getattr(settings, "forwarded_allow_ips", None),
    )


def build_parser(
    *,
    prog: str,
    description: str | None,
    serve_help: str,
    serve_arguments: Callable[[argparse.ArgumentParser], None] | None,
    migrate: bool,
    commands: Sequence[Command[Any]],
) -> argparse.ArgumentParser:
    """``serve``, then ``migrate [revision]`` (if the service has a database), then the rest."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    subparsers = parser.add_subparsers(dest="command", required=True)
    serve_parser = subparsers.add_parser("serve", help=serve_help)
    if serve_arguments is not None:
        serve_arguments(serve_parser)
    if migrate:
        migrate_parser = subparsers.add_parser("migrate", help="apply database migrations")
        migrate_parser.add_argument("revision", nargs="?", default="head")
    for command in commands:
        sub = subparsers.add_parser(command.name, help=command.help)
        if command.arguments is not None:
            command.arguments(sub)
    return parser


def run_cli(
    argv: Sequence[str] | None,
    *,
    prog: str,
    settings: Callable[[argparse.Namespace], T],
    app_factory: Callable[[T], ASGIApp],
    upgrade: Callable[[T, str], None] | None = None,
    commands: Sequence[Command[T]] = (),
    description: str | None = None,
    serve_help: str = "run the HTTP server",
    serve_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> int:
    """Parse ``argv`` and run the command; returns the exit code (argparse exits 2 itself).

    ``settings`` builds the service's settings from the parsed arguments (the
    gateway's ``serve --host/--port`` override its environment); it is called
    only by the commands that need them. ``upgrade`` is the service's
    ``migrations.upgrade``; without it there is no ``migrate`` command.
    """
    parser = build_parser(
        prog=prog,
        description=description,
        serve_help=serve_help,
        serve_arguments=serve_arguments,
        migrate=upgrade is not None,
        commands=commands,
    )
    args = parser.parse_args(argv)

    def load() -> T:
        return settings(args)

    if args.command == "serve":
        loaded = load()
        serve(loaded, app_factory(loaded))
        return 0
    if args.command == "migrate" and upgrade is not None:
        loaded = load()
        configure_logging_from(loaded)
        upgrade(loaded, args.revision)
        return 0
    by_name = {command.name: command for command in commands}
    return by_name[args.command].run(args, load)
