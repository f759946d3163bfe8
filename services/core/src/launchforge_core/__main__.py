"""``launchforge-core serve``, ``launchforge-core worker`` and ``launchforge-core migrate``."""

from __future__ import annotations

import argparse
import logging
import sys

from launchforge_common.db import redact_url
from launchforge_common.logging import configure_logging_from
from launchforge_common.server import run_uvicorn

from launchforge_core.core.config import CoreSettings

logger = logging.getLogger("launchforge.core")


def serve(settings: CoreSettings) -> None:
    from launchforge_core.main import create_app

    run_uvicorn(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        shutdown_timeout=settings.shutdown_timeout,
        drain_seconds=settings.drain_seconds,
    )


def migrate(settings: CoreSettings, revision: str) -> None:
    from launchforge_core.migrations import upgrade

    configure_logging_from(settings)
    logger.info(
        "migrating database",
        extra={"url": redact_url(settings.database_url), "revision": revision},
    )
    upgrade(settings.database_url, revision)
    logger.info("database migrated", extra={"revision": revision})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="launchforge-core", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP service")
    commands.add_parser("worker", help="run builds from the queue (CORE_WORKER_CONCURRENCY)")
    migrate_parser = commands.add_parser("migrate", help="apply database migrations")
    migrate_parser.add_argument("revision", nargs="?", default="head")
    args = parser.parse_args(argv)

    settings = CoreSettings()
    if args.command == "serve":
        serve(settings)
    elif args.command == "worker":
        from launchforge_core.worker.worker import main as worker_main

        worker_main(settings)
    else:
        migrate(settings, args.revision)
    return 0


if __name__ == "__main__":
    sys.exit(main())
