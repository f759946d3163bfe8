"""Fixtures of the fault drills.

Each fault drill starts its own platform (``e2e_platform.launch_platform``)
on the private server it takes down, so nothing shared is ever stopped; the
hostile-input drills use the session platform of the e2e suite (and their
own gateway where they need different limits). Logs of every process go
to the test's own temporary directory and are printed when a drill fails.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from drill_kit import RESULTS_DIR

_SESSION_STARTED = time.time()


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    """Where a drill's processes (services, private servers) write their logs."""
    path = tmp_path / "logs"
    path.mkdir()
    return path


def _row(result: dict[str, Any]) -> tuple[str, str, str, str] | None:
    """(load held, faults survived, requests lost, notes) of one drill's figures."""
    drill = result.get("drill", "")
    load = f"{result.get('requests', 0):,} req"
    if "req_per_s" in result:
        load += f", {result['req_per_s']} req/s"
    if "concurrency" in result:
        load += f", {result['concurrency']} clients"
    if drill == "redis-outage":
        notes = (
            f"{result['requests_during_outage']} req during the {result['outage_s']:g} s outage, "
            f"0 5xx; back on Redis {result['rate_limit_back_on_redis_s']} s after restart"
        )
        return load, "Redis down 10 s", str(result["requests_lost"]), notes
    if drill == "postgres-restart":
        notes = (
            f"{result['outage_503']} fast 503s (slowest {result['slowest_503_s']} s); "
            f"{result['writes_acknowledged']} writes acked = {result['rows_in_database']} rows; "
            f"recovered {result['recovery_s']} s after PG returned"
        )
        return load, "core PostgreSQL restart", str(result["writes_lost"]), notes
    if drill.startswith("sigterm-"):
        notes = (
            f"unready {result['sigterm_to_unready_s']} s after SIGTERM, "
            f"{result['answered_while_unready']} answered while draining, "
            f"refusing from {result['sigterm_to_refused_s']} s"
        )
        return (
            load,
            f"SIGTERM {drill.removeprefix('sigterm-')}",
            str(result["failed_in_flight"]),
            notes,
        )
    if drill == "hanging-upstream":
        notes = (
            f"{result['hanging_requests_504']} x 504 (slowest {result['slowest_504_s']} s, "
            f"timeout {result['read_timeout_s']:g} s); {result['other_routes_served']} other-route "
            f"requests, {result['other_routes_failed']} failed"
        )
        return load, "upstream hangs", str(result["requests_lost"]), notes
    if drill == "worker-sigkill":
        notes = (
            f"{result['builds_finished_exactly_once']}/{result['builds']} builds ended exactly "
            f"once, {result['attempts_total']} attempts, none left running"
        )
        load = f"{result['builds']} builds"
        faults = f"{result['workers_killed']} workers SIGKILLed mid-build"
        return load, faults, str(result["builds"] - result["builds_finished_exactly_once"]), notes
    if drill == "sandbox-attack":
        notes = (
            f"{result['attacks']} attacks from a user's model (secrets in /proc, TCP to "
            "PostgreSQL/Redis/services/metadata, unix sockets, writes outside, another "
            "build's files, a setsid survivor, a fork bomb): "
            f"{result['reached']} reached; worker up, next build succeeded"
        )
        return f"{result['builds']} builds", "hostile generated tests", "0", notes
    if drill == "devset-builds":
        notes = (
            f"{result['succeeded']} of {result['ideas']} development ideas built offline and "
            f"passed their own tests in the sandbox ({result['entities']} entities, "
            f"{result['seconds']} s)"
        )
        return f"{result['ideas']} builds", "-", str(result["ideas"] - result["succeeded"]), notes
    if drill.startswith("hostile-") or drill.startswith("schemathesis"):
        load = f"{result.get('inputs', result.get('requests', 0)):,} inputs"
        return load, "-", str(result.get("requests_lost", 0)), str(result.get("notes", ""))
    return None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print this run's drill figures as the README's Markdown table."""
    rows = []
    for path in sorted(RESULTS_DIR.glob("*.json")):
        if path.stat().st_mtime < _SESSION_STARTED:
            continue  # from an earlier run
        result = json.loads(path.read_text())
        row = _row(result)
        if row is not None:
            rows.append((result["drill"], *row))
    if not rows:
        return
    terminalreporter.write_sep("-", "drill figures (README table)")
    terminalreporter.write_line("| drill | load held | fault | lost | figures |")
    terminalreporter.write_line("|---|---|---|---|---|")
    for row in rows:
        terminalreporter.write_line("| " + " | ".join(row) + " |")
