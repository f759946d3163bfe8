"""Run this service's Alembic migrations programmatically."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from launchforge_auth.config import AuthSettings

# services/auth/ (this file is services/auth/src/launchforge_auth/migrations.py)
SERVICE_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(settings: AuthSettings, *, configure_logging: bool = False) -> Config:
    """An Alembic config whose env.py takes the URL from ``settings``."""
    ini = settings.alembic_ini or SERVICE_ROOT / "alembic.ini"
    if not ini.is_file():
        raise FileNotFoundError(f"alembic.ini not found at {ini} (set AUTH_ALEMBIC_INI)")
    config = Config(str(ini))
    config.attributes["settings"] = settings
    # The service configures logging itself; alembic.ini's handlers are for the CLI.
    config.attributes["configure_logging"] = configure_logging
    return config


def upgrade(settings: AuthSettings, revision: str = "head") -> None:
    """``alembic upgrade`` (blocking: call from a thread inside an event loop)."""
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: AuthSettings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)
