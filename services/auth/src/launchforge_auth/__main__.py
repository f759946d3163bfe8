"""``launchforge-auth serve | migrate | generate-key | rotate-keys | create-admin | promote``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable, Sequence

from launchforge_common.cli import Command, run_cli
from launchforge_common.crypto import KeyRing
from launchforge_common.logging import configure_logging_from
from starlette.types import ASGIApp

from launchforge_auth.config import AuthSettings


def _create_app(settings: AuthSettings) -> ASGIApp:
    from launchforge_auth.main import create_app

    return create_app(settings)


def _upgrade(settings: AuthSettings, revision: str) -> None:
    from launchforge_auth.migrations import upgrade

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


def _generate_key(_args: argparse.Namespace, _settings: Callable[[], AuthSettings]) -> int:
    print(KeyRing.generate_key())
    return 0


def _database_command(args: argparse.Namespace, load: Callable[[], AuthSettings]) -> int:
    """rotate-keys, create-admin and promote: one short database session each."""
    settings = load()
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


def _email_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("email")


COMMANDS: list[Command[AuthSettings]] = [
    Command(
        "generate-key",
        "print a new key-encryption key for AUTH_KEY_ENCRYPTION_KEYS",
        _generate_key,
    ),
    Command(
        "rotate-keys",
        "retire the active signing key (still published until its tokens expire)"
        " and create a new one; running replicas pick it up without a restart",
        _database_command,
    ),
    Command(
        "create-admin",
        "create an admin account (password from AUTH_ADMIN_PASSWORD or a prompt)",
        _database_command,
        _email_argument,
    ),
    Command(
        "promote", "give an existing account the admin role", _database_command, _email_argument
    ),
]


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(
        argv,
        prog="launchforge-auth",
        description="LaunchForge auth",
        settings=lambda _args: AuthSettings(),
        app_factory=_create_app,
        upgrade=_upgrade,
        commands=COMMANDS,
    )


if __name__ == "__main__":
    sys.exit(main())
