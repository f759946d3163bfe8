"""``launchforge-gateway serve``: run the gateway under uvicorn."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from launchforge_common.cli import run_cli

from launchforge_gateway.app import create_app
from launchforge_gateway.config import GatewaySettings


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="overrides GATEWAY_HOST")
    parser.add_argument("--port", type=int, help="overrides GATEWAY_PORT")


def settings_from(args: argparse.Namespace) -> GatewaySettings:
    """The environment's settings with ``serve --host/--port`` over them."""
    settings = GatewaySettings()
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if overrides:
        settings = GatewaySettings.model_validate({**settings.model_dump(), **overrides})
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    # GatewaySettings has no proxy_headers: the gateway decides itself which
    # X-Forwarded-* headers to believe (trusted_proxies), uvicorn never does.
    return run_cli(
        argv,
        prog="launchforge-gateway",
        settings=settings_from,
        app_factory=create_app,
        serve_help="run the gateway HTTP server",
        serve_arguments=_serve_arguments,
    )


if __name__ == "__main__":
    raise SystemExit(main())
