"""``launchforge-gateway serve``: run the gateway under uvicorn."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from launchforge_common.server import run_uvicorn

from launchforge_gateway.app import create_app
from launchforge_gateway.config import GatewaySettings


def serve(settings: GatewaySettings) -> None:
    # The gateway decides itself which X-Forwarded-* headers to believe
    # (settings.trusted_proxies); uvicorn must not rewrite the client.
    run_uvicorn(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        shutdown_timeout=settings.shutdown_timeout,
        drain_seconds=settings.drain_seconds,
        proxy_headers=False,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="launchforge-gateway")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the gateway HTTP server")
    serve_parser.add_argument("--host", help="overrides GATEWAY_HOST")
    serve_parser.add_argument("--port", type=int, help="overrides GATEWAY_PORT")
    args = parser.parse_args(argv)

    settings = GatewaySettings()
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if overrides:
        settings = GatewaySettings.model_validate({**settings.model_dump(), **overrides})
    if args.command == "serve":
        serve(settings)


if __name__ == "__main__":
    main()
