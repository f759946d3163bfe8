"""Alembic environment for core (the rules live in launchforge_common.migrations)."""

from __future__ import annotations

import logging

from alembic import context
from launchforge_common.migrations import run_alembic_env
from launchforge_core.config import CoreSettings
from launchforge_core.models import Base

config = context.config

# No fileConfig(): it would disable the service's own loggers when migrations
# run inside a process (tests, `launchforge-core migrate`). Plain `alembic`
# on the command line still prints its progress.
if not logging.getLogger().handlers:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")


def database_url() -> str:
    url = config.attributes.get("database_url")
    return str(url) if url else CoreSettings().database_url


run_alembic_env(context, metadata=Base.metadata, database_url=database_url)
