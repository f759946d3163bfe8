"""Fixtures of the fault drills.

Each drill starts its own platform (``e2e_platform.launch_platform``) on the
private server it takes down, so the session platform of the e2e suite is
never used here and nothing shared is ever stopped. Logs of every process go
to the test's own temporary directory and are printed when a drill fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    """Where a drill's processes (services, private servers) write their logs."""
    path = tmp_path / "logs"
    path.mkdir()
    return path
