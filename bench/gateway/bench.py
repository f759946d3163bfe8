"""``make bench-gateway``: what the gateway costs, direct vs through it.

Starts, on free ports: a trivial raw-ASGI upstream, the gateway in front of it
(rate limiting on against the real Redis, limit too high to trip, edge auth
off: the upstream has no JWKS), then the real platform (auth and core on
temporary databases, migrated) with a second gateway in front of core (edge
auth on, the token minted by logging in to the real auth). For each target it
runs wrk (1 connection, then 32) against the upstream directly and through
the gateway, with the same request, and prints requests/s, p50, p99, the
gateway's CPU time per request (utime+stime from /proc/<pid>/stat) and the
ratios. One worker per server; everything shares this machine's cores.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from launchforge_common.testing import free_port, temporary_database

ROOT = Path(__file__).resolve().parents[2]
DURATION_S = int(os.environ.get("BENCH_DURATION", "8"))
BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk not found: installing the Debian package", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        wrk = shutil.which("wrk")
        if wrk:
            return wrk
    sys.exit(
        "wrk is required: `sudo apt-get install wrk` (Debian/Ubuntu) or build it from "
        "https://github.com/wg/wrk, then run make bench-gateway again"
    )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    cpu_us_per_request: float | None = None


def _ms(text: str) -> float:
    """wrk's latency text (``850.00us``, ``2.35ms``, ``1.20s``, ``1.00m``) in ms."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(binary: str, url: str, connections: int, headers: dict[str, str], pid: int | None) -> Run:
    args = [binary, f"-t{min(connections, 2)}", f"-c{connections}", f"-d{DURATION_S}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    # A short warm-up (connections, caches, JIT-free but pools and JWKS).
    subprocess.run([*args[:3], "-d1s", *args[4:], url], capture_output=True, check=True)
    before = cpu_seconds(pid) if pid else 0.0
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    if "50%" not in out:
        raise RuntimeError(f"wrk gave no latency distribution:\n{out}")
    after = cpu_seconds(pid) if pid else 0.0
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx_match = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    run = Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        p99_ms=_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        requests=requests,
        non_2xx=int(non_2xx_match.group(1)) if non_2xx_match else 0,
    )
    if pid:
        run.cpu_us_per_request = (after - before) / max(1, requests) * 1e6
    return run


@contextmanager
def process(args: list[str], env: dict[str, str], ready_url: str, log: Path) -> Iterator[int]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{args[2:4]} exited:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{args} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def gateway_env(base: dict[str, str], port: int, auth_url: str, core_url: str) -> dict[str, str]:
    return {
        **base,
        "GATEWAY_PORT": str(port),
        "GATEWAY_AUTH_URL": auth_url,
        "GATEWAY_CORE_URL": core_url,
        "GATEWAY_RATE_LIMIT_ENABLED": "true",
        "GATEWAY_RATE_LIMIT_ANONYMOUS": "1000000000",
        "GATEWAY_RATE_LIMIT_USER": "1000000000",
        "GATEWAY_RATE_LIMIT_PLANS": '{"free": 1000000000}',
        "GATEWAY_RATE_LIMIT_KEY_PREFIX": f"lf:rlbench:{uuid.uuid4().hex[:8]}",
    }


def compare(
    label: str, binary: str, direct: str, through: str, headers: dict[str, str], gateway_pid: int
) -> list[str]:
    rows = []
    for connections in (1, 32):
        d = wrk(binary, direct, connections, headers, None)
        g = wrk(binary, through, connections, headers, gateway_pid)
        rows.append(
            f"| {label} | {connections} | {d.rps:,.0f} | {g.rps:,.0f} | {g.rps / d.rps:.0%} "
            f"| {d.p50_ms:.2f} | {g.p50_ms:.2f} | {g.p50_ms - d.p50_ms:+.2f} "
            f"| {d.p99_ms:.2f} | {g.p99_ms:.2f} | {g.cpu_us_per_request:.0f} "
            f"| {d.non_2xx + g.non_2xx} |"
        )
        print(rows[-1], flush=True)
    return rows


async def platform_token(auth_url: str, core_url: str) -> tuple[str, str]:
    """Register and log in on the real auth; create one project on core."""
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    password = secrets.token_urlsafe(16)
    async with httpx.AsyncClient(timeout=30) as http:
        (
            await http.post(
                f"{auth_url}/v1/auth/register", json={"email": email, "password": password}
            )
        ).raise_for_status()
        login = await http.post(
            f"{auth_url}/v1/auth/login", json={"email": email, "password": password}
        )
        login.raise_for_status()
        token = login.json()["access_token"]
        created = await http.post(
            f"{core_url}/v1/projects",
            json={"name": "Benchmark"},
            headers={"Authorization": f"Bearer {token}"},
        )
        created.raise_for_status()
        return token, created.json()["id"]


def main() -> None:
    binary = ensure_wrk()
    logs = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    py = [sys.executable, "-m"]
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "AUTH_", "CORE_"))}
    header = (
        "| proxy -> upstream | conns | direct req/s | proxied req/s | ratio | direct p50 ms "
        "| proxied p50 ms | added p50 ms | direct p99 ms | proxied p99 ms "
        "| proxy CPU us/req | non-2xx |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    print(f"wrk {DURATION_S}s per run, logs in {logs}\n\n{header}", flush=True)

    hello_port, gw_port, ref_port = free_port(), free_port(), free_port()
    hello_url = f"http://127.0.0.1:{hello_port}"
    uvicorn_args = [
        "uvicorn",
        "--app-dir",
        "bench/gateway",
        "hello:app",
        "--port",
        str(hello_port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    gw_env = {
        **gateway_env(base, gw_port, hello_url, hello_url),
        "GATEWAY_EDGE_AUTH_ENABLED": "false",
    }
    reference_args = [
        "uvicorn",
        "--app-dir",
        "bench/gateway",
        "reference_proxy:app",
        "--port",
        str(ref_port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with (
        process([*py, *uvicorn_args], base, f"{hello_url}/readyz", logs / "hello.log"),
        process(
            [*py, *reference_args],
            {**base, "REFERENCE_UPSTREAM": hello_url},
            f"http://127.0.0.1:{ref_port}/livez",
            logs / "reference.log",
        ) as ref_pid,
        process(
            [*py, "launchforge_gateway", "serve"],
            gw_env,
            f"http://127.0.0.1:{gw_port}/livez",
            logs / "gateway-hello.log",
        ) as gw_pid,
    ):
        path = "/v1/projects/p1"
        # The yardstick first: a bare aiohttp proxy + one EVALSHA (reference_proxy.py).
        compare(
            "reference proxy -> trivial",
            binary,
            hello_url + path,
            f"http://127.0.0.1:{ref_port}{path}",
            {},
            ref_pid,
        )
        compare(
            "gateway -> trivial (raw ASGI)",
            binary,
            hello_url + path,
            f"http://127.0.0.1:{gw_port}{path}",
            {},
            gw_pid,
        )

    asyncio.run(bench_platform(binary, base, logs, py))


async def bench_platform(binary: str, base: dict[str, str], logs: Path, py: list[str]) -> None:
    async with (
        temporary_database(BASE_DATABASE_URL, "lf_bench_auth") as auth_db,
        temporary_database(BASE_DATABASE_URL, "lf_bench_core") as core_db,
    ):
        ports = {name: free_port() for name in ("auth", "core", "gateway")}
        auth_url, core_url = (f"http://127.0.0.1:{ports[n]}" for n in ("auth", "core"))
        env = {
            **base,
            "AUTH_ENVIRONMENT": "test",
            "AUTH_DATABASE_URL": auth_db,
            "AUTH_PORT": str(ports["auth"]),
            "AUTH_LOG_LEVEL": "WARNING",
            "AUTH_REDIS_KEY_PREFIX": f"lf:auth:bench:{uuid.uuid4().hex[:8]}",
            "CORE_ENVIRONMENT": "test",
            "CORE_DATABASE_URL": core_db,
            "CORE_PORT": str(ports["core"]),
            "CORE_AUTH_URL": auth_url,
            "CORE_LOG_LEVEL": "WARNING",
        }
        for service in ("auth", "core"):
            await asyncio.to_thread(
                subprocess.run,
                [*py, f"launchforge_{service}", "migrate"],
                env=env,
                check=True,
                cwd=ROOT,
            )
        gw_env = gateway_env(env, ports["gateway"], auth_url, core_url)
        with (
            process(
                [*py, "launchforge_auth", "serve"], env, f"{auth_url}/readyz", logs / "auth.log"
            ),
            process(
                [*py, "launchforge_core", "serve"], env, f"{core_url}/readyz", logs / "core.log"
            ),
            process(
                [*py, "launchforge_gateway", "serve"],
                gw_env,
                f"http://127.0.0.1:{ports['gateway']}/livez",
                logs / "gateway-core.log",
            ) as gw_pid,
        ):
            token, project_id = await platform_token(auth_url, core_url)
            path = f"/v1/projects/{project_id}"
            compare(
                "gateway -> core GET /v1/projects/{id}",
                binary,
                core_url + path,
                f"http://127.0.0.1:{ports['gateway']}{path}",
                {"Authorization": f"Bearer {token}"},
                gw_pid,
            )


if __name__ == "__main__":
    main()
