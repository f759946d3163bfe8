"""``make bench-load``: the mixed journey at rising concurrency, until the knee.

Starts the whole platform (auth, core, a core worker, the gateway) as real
processes on fresh databases with ``tests-e2e/e2e_platform.launch_platform``,
then runs ``bench/load/locustfile.py`` through the gateway in steps of 1, 2,
4, ... 64 users, one headless ``locust`` process per step, and stops at the
first step whose p99 passes 500 ms or that has errors. It prints, per step,
users, requests/s, p50, p99 and errors, then the knee (the last step with
p99 <= 500 ms and no errors), and writes a JSON summary to
``bench/load/results/latest.json``.

Exit status 1 when no step held, when a step below the knee had errors, or
when errors appeared at a step whose p99 was still within the bound (errors
before saturation are a bug, not load).

Why a locust subprocess per step rather than locust's library API in this
process: locust monkey-patches the standard library with gevent on import,
which does not mix with the asyncio code that runs the platform (asyncpg,
subprocesses); a subprocess per step also gives every step fresh statistics
and a hard timeout, and uses locust's stable CLI and CSV output only.

Settings differ from production only where stated in bench/load/README.md:
cheap argon2 unless ``--production-hashing``, rate limits raised so the load
generator's single IP and its users are not what is measured, monthly build
quotas lifted so no build is refused with 402.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests-e2e"))

from e2e_platform import Platform, launch_platform  # noqa: E402

HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "locustfile.py"
RESULTS = HERE / "results" / "latest.json"
DEFAULT_STEPS = "1,2,4,8,16,32,64"
UNLIMITED = 1_000_000_000
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Step:
    """One step's figures (milliseconds, requests/s), from locust's CSV."""

    users: int
    seconds: int
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    builds: dict[str, int] = field(default_factory=dict)
    # Per process, % of one core over the step (the worker includes the
    # pytest runs of its validate stage); "machine" is % of all cores busy,
    # whoever used them.
    cpu_percent: dict[str, float] = field(default_factory=dict)
    loadavg_1m: float = 0.0
    locust_exit: int = 0

    def held(self, p99_bound_ms: float) -> bool:
        return (
            self.requests > 0
            and self.failures == 0
            and self.p99_ms is not None
            and self.p99_ms <= p99_bound_ms
        )


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None  # "N/A" when a row has no requests


def _unwrap(error: str) -> str:
    """``CatchResponseError('HTTP 503: ...')`` -> ``HTTP 503: ...`` (locust's wrapping)."""
    match = re.fullmatch(r"""CatchResponseError\((['"])(.*)\1\)""", error)
    return match.group(2) if match else error


def read_stats(prefix: Path, step: Step) -> None:
    """Fill ``step`` from ``<prefix>_stats.csv`` and ``<prefix>_failures.csv``."""
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "max_ms": _number(row["100%"]),
            }
            if row["Name"] == "Aggregated":
                for key, value in figures.items():
                    setattr(step, key, value)
            else:
                step.endpoints[f"{row['Type']} {row['Name']}"] = figures
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(newline="", encoding="utf-8") as handle:
            step.errors = [
                {
                    "request": f"{row['Method']} {row['Name']}",
                    "error": _unwrap(row["Error"]),
                    "count": int(row["Occurrences"]),
                }
                for row in csv.DictReader(handle)
            ]


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its reaped children (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / CLK_TCK  # utime stime cutime cstime


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def run_step(platform: Platform, users: int, seconds: int, work: Path, log: Path) -> Step:
    """One headless locust run of ``users`` users for ``seconds`` seconds."""
    step = Step(users=users, seconds=seconds)
    prefix = work / f"step-{users:03d}"
    counters = work / f"step-{users:03d}-builds.json"
    # Every user of the step arrives within about 3 s (registers, logs in):
    # the step measures that many users, not a long ramp.
    spawn_rate = max(1, math.ceil(users / 3))
    args = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        platform.gateway_url,
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "12",  # let in-flight requests finish (and count) rather than drop the slowest
        "--csv",
        str(prefix),
        "--only-summary",
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "LF_LOAD_COUNTERS": str(counters)}
    pids = {name: proc.pid for name, proc in platform.processes.items()}
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    busy_before, total_before = machine_ticks()
    started = time.monotonic()
    with log.open("ab") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        pids["locust"] = proc.pid
        locust_cpu = 0.0
        try:
            # Sample the generator's own CPU while it runs (gone after wait()).
            deadline = started + seconds + 90
            while proc.poll() is None:
                locust_cpu = cpu_seconds(proc.pid) or locust_cpu
                if time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError(f"locust step {users} did not stop; see {log}")
                time.sleep(0.5)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    elapsed = time.monotonic() - started
    step.locust_exit = proc.returncode
    if proc.returncode != 0:
        raise RuntimeError(f"locust exited with {proc.returncode}; see {log}")
    step.cpu_percent = {
        name: round((cpu_seconds(pid) - before[name]) / elapsed * 100, 1)
        for name, pid in pids.items()
        if name != "locust"
    }
    step.cpu_percent["locust"] = round(locust_cpu / elapsed * 100, 1)
    busy_after, total_after = machine_ticks()
    step.cpu_percent["machine"] = round(
        (busy_after - busy_before) / max(1, total_after - total_before) * 100, 1
    )
    step.loadavg_1m = round(os.getloadavg()[0], 2)
    read_stats(prefix, step)
    if counters.exists():
        step.builds = json.loads(counters.read_text())
    return step


@contextmanager
def output_to(path: Path) -> Iterator[None]:
    """Send fds 1 and 2 (the migrations' JSON log lines) to ``path`` for a while.

    Keeps the table readable; when the block fails, the file's tail (with
    the services' logs that launch_platform dumps) is written to stderr.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    with path.open("ab") as sink:
        for fd in saved:
            os.dup2(sink.fileno(), fd)
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        if failed:
            sys.stderr.write(path.read_text(errors="replace")[-8000:])


def overrides(args: argparse.Namespace) -> dict[str, str]:
    """Environment for every platform process, on top of e2e_platform's."""
    limits = {"free": UNLIMITED, "starter": UNLIMITED, "pro": UNLIMITED, "enterprise": UNLIMITED}
    route = {"method": "POST", "limit": UNLIMITED, "window": 60}
    env = {
        # Every simulated user comes from 127.0.0.1: per-IP and per-route
        # limits would measure the limiter, not the platform. Rate limiting
        # stays on (each request still pays its Redis GCRA round trip).
        "GATEWAY_RATE_LIMIT_ENABLED": "true",
        "GATEWAY_RATE_LIMIT_ANONYMOUS": str(UNLIMITED),
        "GATEWAY_RATE_LIMIT_USER": str(UNLIMITED),
        "GATEWAY_RATE_LIMIT_API_KEY": str(UNLIMITED),
        "GATEWAY_RATE_LIMIT_PLANS": json.dumps(limits),
        "GATEWAY_RATE_LIMIT_ROUTES": json.dumps(
            [
                {"name": "login", "path": "/v1/auth/login", **route},
                {"name": "register", "path": "/v1/auth/register", **route},
            ]
        ),
        "GATEWAY_RATE_LIMIT_KEY_PREFIX": f"lf:rl:load:{uuid.uuid4().hex[:8]}",
        # Monthly build quotas off: a 402 would be a failure of the bench, not of load.
        "CORE_PLAN_LIMITS": json.dumps({"free": None, "pro": None, "enterprise": None}),
        # Back to the production defaults the e2e suite shortens for speed.
        "AUTH_KEY_RELOAD_INTERVAL_SECONDS": "30",
        "AUTH_MAIL_POLL_INTERVAL_SECONDS": "2",
        "AUTH_REFRESH_REUSE_GRACE_SECONDS": "10",
        "GATEWAY_INTROSPECTION_CACHE_TTL": "15",
        "CORE_INTROSPECTION_CACHE_TTL": "15",
        "CORE_WORKER_POLL_SECONDS": "1",
        "CORE_WORKER_CONCURRENCY": str(args.worker_concurrency),
    }
    if args.production_hashing:
        import argon2

        env |= {
            "AUTH_ARGON2_TIME_COST": str(argon2.DEFAULT_TIME_COST),
            "AUTH_ARGON2_MEMORY_COST": str(argon2.DEFAULT_MEMORY_COST),
            "AUTH_ARGON2_PARALLELISM": str(argon2.DEFAULT_PARALLELISM),
        }
    return env


async def warm_up(gateway_url: str) -> None:
    """One journey outside the measurement: JWKS fetched, pools opened."""
    email = f"load-warmup-{uuid.uuid4().hex[:8]}@example.com"
    password = uuid.uuid4().hex
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as http:
        (
            await http.post("/v1/auth/register", json={"email": email, "password": password})
        ).raise_for_status()
        login = await http.post("/v1/auth/login", json={"email": email, "password": password})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        (await http.get("/v1/projects", headers=headers)).raise_for_status()
        (
            await http.post("/v1/projects", json={"name": "warm-up"}, headers=headers)
        ).raise_for_status()


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def verdict(steps: list[Step], bound_ms: float) -> tuple[Step | None, list[str]]:
    """The knee and the reasons the run fails (none: it passed)."""
    held = [i for i, s in enumerate(steps) if s.held(bound_ms)]
    knee = steps[held[-1]] if held else None
    problems: list[str] = []
    if knee is None:
        problems.append("no step held: even the lowest concurrency failed the bound")
    for i, s in enumerate(steps):
        if s.failures and held and i < held[-1]:
            problems.append(f"{s.users} users: {s.failures} errors below the knee")
        elif s.failures and s.p99_ms is not None and s.p99_ms <= bound_ms:
            problems.append(
                f"{s.users} users: {s.failures} errors while p99 was {s.p99_ms:.0f} ms "
                f"(<= {bound_ms:.0f} ms): errors before saturation"
            )
    return knee, problems


async def main(args: argparse.Namespace) -> int:
    steps_wanted = [int(n) for n in args.steps.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    run_started = time.monotonic()
    loadavg_start = os.getloadavg()
    print(
        f"bench-load: steps {steps_wanted} users x {args.step_seconds}s, p99 bound "
        f"{args.p99_ms:.0f} ms, argon2 {'production' if args.production_hashing else 'cheap'}, "
        f"worker concurrency {args.worker_concurrency}; logs in {work}",
        flush=True,
    )
    print(f"load average before start: {' '.join(f'{x:.2f}' for x in loadavg_start)}", flush=True)
    steps: list[Step] = []
    over: str | None = None  # why the first step that did not hold did not
    budget: str | None = None
    async with AsyncExitStack() as stack:
        with output_to(work / "startup.log"):
            platform = await stack.enter_async_context(
                launch_platform(work, overrides=overrides(args))
            )
        print(f"platform ready in {time.monotonic() - run_started:.0f}s", flush=True)
        await warm_up(platform.gateway_url)
        steps_started = time.monotonic()
        print(
            "\n| users | req/s | p50 ms | p99 ms | requests | errors | load avg 1m "
            "| machine CPU busy |\n|---:|---:|---:|---:|---:|---:|---:|---:|",
            flush=True,
        )
        for users in steps_wanted:
            spent = time.monotonic() - steps_started
            if spent + args.step_seconds + 15 > args.budget_seconds:
                budget = f"time budget ({args.budget_seconds}s) reached before {users} users"
                break
            step = await asyncio.to_thread(
                run_step, platform, users, args.step_seconds, work, work / "locust.log"
            )
            steps.append(step)
            print(
                f"| {users} | {step.rps:,.1f} | {fmt(step.p50_ms)} | {fmt(step.p99_ms)} "
                f"| {step.requests:,} | {step.failures} | {step.loadavg_1m:.2f} "
                f"| {step.cpu_percent['machine']:.0f}% |",
                flush=True,
            )
            if not step.held(args.p99_ms) and over is None:
                why = f"{step.failures} errors" if step.failures else f"p99 {fmt(step.p99_ms)} ms"
                over = f"first over the bound at {users} users ({why})"
                if not args.all_steps:
                    break
    stop_reason = over or budget or f"every step held, up to {steps_wanted[-1]} users"
    knee, problems = verdict(steps, args.p99_ms)
    print()
    if knee is None:
        print("knee: none")
    else:
        print(
            f"knee: {knee.users} users, {knee.rps:,.1f} req/s, p50 {fmt(knee.p50_ms)} ms, "
            f"p99 {fmt(knee.p99_ms)} ms, 0 errors"
        )
    print(f"stopped: {stop_reason}")
    for step in steps[-2:]:
        shares = ", ".join(f"{k} {v:.0f}%" for k, v in step.cpu_percent.items() if k != "machine")
        print(
            f"CPU at {step.users} users (% of one core): {shares}; "
            f"all {os.cpu_count()} cores {step.cpu_percent['machine']:.0f}% busy"
        )
    for step in steps:
        for error in step.errors[:5]:
            print(f"  {step.users} users: {error['count']}x {error['request']}: {error['error']}")
    for problem in problems:
        print(f"FAIL: {problem}")
    if any(step.errors for step in steps):
        print(f"failed requests' ids: {work / 'locust.log'}")
    summary = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "cpus": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in loadavg_start],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "settings": {
            "steps": steps_wanted,
            "step_seconds": args.step_seconds,
            "p99_bound_ms": args.p99_ms,
            "argon2": "production" if args.production_hashing else "cheap (t=1, m=8 MiB, p=1)",
            "worker_concurrency": args.worker_concurrency,
            "think_time_s": [0.1, 0.5],
            "rate_limits": "raised to 1e9 (per IP, per user, per plan, login/register routes)",
            "build_quota": "unlimited",
        },
        "steps": [asdict(s) for s in steps],
        "knee": None if knee is None else asdict(knee),
        "stop_reason": stop_reason,
        "problems": problems,
        "passed": not problems,
        "duration_s": round(time.monotonic() - run_started, 1),
        "logs": str(work),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"summary: {args.output} ({summary['duration_s']:.0f}s in all)")
    return 1 if problems else 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default=os.environ.get("BENCH_LOAD_STEPS", DEFAULT_STEPS))
    parser.add_argument(
        "--step-seconds", type=int, default=int(os.environ.get("BENCH_LOAD_STEP_SECONDS", "18"))
    )
    parser.add_argument("--p99-ms", type=float, default=500.0)
    parser.add_argument(
        "--budget-seconds",
        type=int,
        default=240,
        help="no step starts that could end after this many seconds of stepping",
    )
    parser.add_argument(
        "--all-steps", action="store_true", help="keep stepping past the knee (still bounded)"
    )
    parser.add_argument(
        "--production-hashing",
        action="store_true",
        help="argon2 at its production cost (login then dominates p99 on a small machine)",
    )
    parser.add_argument("--worker-concurrency", type=int, default=1)
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
