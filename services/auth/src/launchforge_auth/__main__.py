"""``launchforge-auth serve | migrate | generate-key``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from launchforge_common.crypto import KeyRing
from launchforge_common.logging import configure_logging

from launchforge_auth.core.config import AuthSettings


def serve(settings: AuthSettings) -> None:
    import uvicorn

    from launchforge_auth.main import create_app

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        proxy_headers=settings.proxy_headers,
        forwarded_allow_ips=settings.forwarded_allow_ips if settings.proxy_headers else None,
        log_config=None,  # keep launchforge_common's JSON logging
        access_log=False,  # RequestContextMiddleware writes the access log
        server_header=False,
        timeout_graceful_shutdown=int(settings.shutdown_timeout),
    )


def migrate(settings: AuthSettings, revision: str) -> None:
    from launchforge_auth.migrations import upgrade

    configure_logging(settings.service_name, settings.log_level, json_format=settings.log_json)
    upgrade(settings, revision)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="launchforge-auth", description="LaunchForge auth")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP server")
    migrate_parser = commands.add_parser("migrate", help="apply database migrations")
    migrate_parser.add_argument("revision", nargs="?", default="head")
    commands.add_parser(
        "generate-key", help="print a new key-encryption key for AUTH_KEY_ENCRYPTION_KEYS"
    )
    args = parser.parse_args(argv)

    if args.command == "generate-key":
        print(KeyRing.generate_key())
        return 0
    settings = AuthSettings()
    if args.command == "serve":
        serve(settings)
    elif args.command == "migrate":
        migrate(settings, args.revision)
    return 0


if __name__ == "__main__":
    sys.exit(main())
