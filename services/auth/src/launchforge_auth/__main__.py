"""``launchforge-auth serve | migrate | generate-key | rotate-keys | create-admin | promote``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence

from launchforge_common.crypto import KeyRing
from launchforge_common.logging import configure_logging_from
from launchforge_common.server import run_uvicorn

from launchforge_auth.core.config import AuthSettings


def serve(settings: AuthSettings) -> None:
    from launchforge_auth.main import create_app

    run_uvicorn(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        shutdown_timeout=settings.shutdown_timeout,
        drain_seconds=settings.drain_seconds,
        proxy_headers=settings.proxy_headers,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def migrate(settings: AuthSettings, revision: str) -> None:
    from launchforge_auth.migrations import upgrade

    configure_logging_from(settings)
    upgrade(settings, revision)


async def _with_sessionmaker(settings: AuthSettings, action: str, email: str | None) -> str:
    from launchforge_common.db import create_engine, create_sessionmaker
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from launchforge_auth.services import admin_cli, signing_keys

    engine = create_engine(settings, pool_size=1, max_overflow=0)
    try:
        maker: async_sessionmaker[AsyncSession] = create_sessionmaker(engine)
        if action == "rotate-keys":
            return await signing_keys.rotate(
                sessionmaker=maker, settings=settings, key_ring=settings.key_ring()
            )
        assert email is not None
        if action == "promote":
            return await admin_cli.promote(sessionmaker=maker, email=email)
        password = os.environ.get("AUTH_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        return await admin_cli.create_admin(
            sessionmaker=maker, settings=settings, email=email, password=password
        )
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="launchforge-auth", description="LaunchForge auth")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP server")
    migrate_parser = commands.add_parser("migrate", help="apply database migrations")
    migrate_parser.add_argument("revision", nargs="?", default="head")
    commands.add_parser(
        "generate-key", help="print a new key-encryption key for AUTH_KEY_ENCRYPTION_KEYS"
    )
    commands.add_parser(
        "rotate-keys",
        help="retire the active signing key (still published until its tokens expire)"
        " and create a new one; running replicas pick it up without a restart",
    )
    create_admin = commands.add_parser(
        "create-admin",
        help="create an admin account (password from AUTH_ADMIN_PASSWORD or a prompt)",
    )
    create_admin.add_argument("email")
    promote = commands.add_parser("promote", help="give an existing account the admin role")
    promote.add_argument("email")
    args = parser.parse_args(argv)

    if args.command == "generate-key":
        print(KeyRing.generate_key())
        return 0
    settings = AuthSettings()
    if args.command == "serve":
        serve(settings)
    elif args.command == "migrate":
        migrate(settings, args.revision)
    else:
        configure_logging_from(settings)
        try:
            result = asyncio.run(
                _with_sessionmaker(settings, args.command, getattr(args, "email", None))
            )
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
