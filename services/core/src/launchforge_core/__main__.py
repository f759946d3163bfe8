"""``launchforge-core serve``, ``launchforge-core worker`` and ``launchforge-core migrate``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from launchforge_common.cli import Command, run_cli
from launchforge_common.db import redact_url
from starlette.types import ASGIApp

from launchforge_core.config import CoreSettings

logger = logging.getLogger("launchforge.core")


def _create_app(settings: CoreSettings) -> ASGIApp:
    from launchforge_core.main import create_app

    return create_app(settings)


def migrate(settings: CoreSettings, revision: str) -> None:
    """Apply the migrations (logging is already configured by the CLI helper)."""
    from launchforge_core.migrations import upgrade

    logger.info(
        "migrating database",
        extra={"url": redact_url(settings.database_url), "revision": revision},
    )
    upgrade(settings.database_url, revision)
    logger.info("database migrated", extra={"revision": revision})


def _worker(_args: argparse.Namespace, load: Callable[[], CoreSettings]) -> int:
    from launchforge_core.worker.worker import main as worker_main

    worker_main(load())
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_cli(
        argv,
        prog="launchforge-core",
        description=__doc__,
        settings=lambda _args: CoreSettings(),
        app_factory=_create_app,
        upgrade=migrate,
        serve_help="run the HTTP service",
        commands=[
            Command("worker", "run builds from the queue (CORE_WORKER_CONCURRENCY)", _worker)
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
