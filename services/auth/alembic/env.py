"""Alembic environment for the auth service.

The URL comes from :class:`AuthSettings` (``AUTH_DATABASE_URL``), or from the
settings object a caller put in ``config.attributes["settings"]``; never from
alembic.ini. The migration rules live in ``launchforge_common.migrations``.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from launchforge_auth.config import AuthSettings
from launchforge_auth.models import Base
from launchforge_common.migrations import run_alembic_env

config = context.config

if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    settings = config.attributes.get("settings")
    return (settings if isinstance(settings, AuthSettings) else AuthSettings()).database_url


run_alembic_env(context, metadata=Base.metadata, database_url=database_url)
