"""Run core's Alembic migrations programmatically (``launchforge-core migrate``, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

# services/core/alembic.ini, next to services/core/alembic/ (this file is
# services/core/src/launchforge_core/migrations.py).
SERVICE_DIR = Path(__file__).resolve().parents[2]
ALEMBIC_INI = SERVICE_DIR / "alembic.ini"


def alembic_config(database_url: str | None = None) -> Config:
    """Alembic config for core; ``database_url`` overrides CoreSettings' URL."""
    if not ALEMBIC_INI.is_file():
        raise FileNotFoundError(f"core's alembic.ini not found at {ALEMBIC_INI}")
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(SERVICE_DIR / "alembic"))
    if database_url is not None:
        # Passed as an attribute, not a main option: configparser would treat
        # any '%' in a URL-encoded password as interpolation.
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Upgrade to ``revision``. Blocking: call it outside a running event loop."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
