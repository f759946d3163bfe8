"""Rate limiting through real gateway processes sharing Redis."""

from __future__ import annotations

import asyncio
import json
import re
import time

import http_sfv
import httpx
import redis.asyncio as aioredis
from launchforge_common.ip_bucket import ip_bucket


def parse_list(value: str) -> list[tuple[str, dict]]:
    """An RFC 8941 List of Items with parameters, as (name, params)."""
    parsed = http_sfv.List()
    parsed.parse(value.encode())
    return [(item.value, dict(item.params)) for item in parsed]


async def test_headers_parse_as_structured_fields(edge, client, fresh_ip) -> None:
    ip = fresh_ip()
    response = await client.get(f"{edge.url}/livez")
    assert "ratelimit" not in response.headers  # probes are never limited
    seen = []
    for _ in range(3):
        response = await client.post(
            f"{edge.url}/v1/auth/verify-email", headers={"X-Forwarded-For": ip}
        )
        assert response.status_code == 200
        [(name, policy)] = parse_list(response.headers["ratelimit-policy"])
        assert (name, policy) == ("default", {"q": 50, "w": 60})
        [(name, state)] = parse_list(response.headers["ratelimit"])
        assert name == "default"
        assert 0 < state["t"] <= 60
        seen.append(state["r"])
    assert seen == [49, 48, 47]


async def test_login_is_limited_per_ip_with_429_problem(edge, client, fresh_ip) -> None:
    ip, other = fresh_ip(), fresh_ip()
    statuses = []
    for _ in range(6):
        response = await client.post(f"{edge.url}/v1/auth/login", headers={"X-Forwarded-For": ip})
        statuses.append(response.status_code)
    assert statuses == [200] * 5 + [429]
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 429
    [(name, policy)] = parse_list(response.headers["ratelimit-policy"])
    assert (name, policy) == ("login", {"q": 5, "w": 60})
    [(_, state)] = parse_list(response.headers["ratelimit"])
    assert state["r"] == 0
    retry_after = int(response.headers["retry-after"])
    # 5 per 60 s: the next one is admitted 12 s after the first.
    assert 10 <= retry_after <= 12
    assert retry_after >= state["t"]
    # Another client's login bucket is untouched; other routes use other policies.
    assert (
        await client.post(f"{edge.url}/v1/auth/login", headers={"X-Forwarded-For": other})
    ).status_code == 200
    assert (
        await client.post(f"{edge.url}/v1/auth/register", headers={"X-Forwarded-For": ip})
    ).status_code == 200


async def test_users_are_limited_by_plan_not_by_ip(edge, signer, client, fresh_ip) -> None:
    ip = fresh_ip()  # everyone behind one address (a NAT)
    free_a, free_b, pro = signer.mint(), signer.mint(), signer.mint(plan="pro")

    async def get(token: str) -> httpx.Response:
        return await client.get(
            f"{edge.url}/v1/projects",
            headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": ip},
        )

    assert [(await get(free_a)).status_code for _ in range(4)] == [200, 200, 200, 429]
    response = await get(free_b)
    assert response.status_code == 200
    assert response.headers["ratelimit-policy"] == '"plan-free";q=3;w=60'
    response = await get(pro)
    assert response.headers["ratelimit-policy"] == '"plan-pro";q=6;w=60'
    # A 401 passes the limiter first: it carries the headers and spends the IP's quota.
    refused = await client.get(f"{edge.url}/v1/projects", headers={"X-Forwarded-For": ip})
    assert refused.status_code == 401
    assert refused.headers["ratelimit-policy"] == '"default";q=50;w=60'


async def test_spoofed_forwarded_for_ignored_from_untrusted_peer(edge_gateways, client) -> None:
    gateway = edge_gateways["pair_a"]  # no trusted proxies, anonymous 5/min
    statuses = []
    for i in range(7):
        response = await client.get(
            f"{gateway.url}/v1/auth/verify-email",
            headers={"X-Forwarded-For": f"198.51.100.{i}", "Forwarded": f"for=198.51.100.{i}"},
        )
        statuses.append(response.status_code)
    # Every request counted against the socket peer, whatever the header says.
    assert statuses == [200] * 5 + [429, 429]


async def test_forwarded_for_honoured_from_trusted_peer(edge, client, fresh_ip) -> None:
    ip = fresh_ip()
    for _ in range(5):
        await client.post(f"{edge.url}/v1/auth/login", headers={"X-Forwarded-For": ip})
    blocked = await client.post(f"{edge.url}/v1/auth/login", headers={"X-Forwarded-For": ip})
    assert blocked.status_code == 429
    # A client cannot escape by prepending its own entry: the rightmost
    # untrusted address is the client.
    spoof = await client.post(
        f"{edge.url}/v1/auth/login", headers={"X-Forwarded-For": f"{fresh_ip()}, {ip}"}
    )
    assert spoof.status_code == 429
    # RFC 7239 Forwarded is understood too.
    forwarded = await client.post(
        f"{edge.url}/v1/auth/login", headers={"Forwarded": f'for="[{ip}]:4711"'}
    )
    assert forwarded.status_code == 429
    assert (
        await client.post(f"{edge.url}/v1/auth/login", headers={"X-Forwarded-For": fresh_ip()})
    ).status_code == 200


async def test_exact_admission_count_across_two_gateways(edge_gateways) -> None:
    """120 concurrent requests on one 20/min bucket, split over two processes: exactly 20."""
    a, b = edge_gateways["pair_a"], edge_gateways["pair_b"]
    limits = httpx.Limits(max_connections=30)
    async with (
        httpx.AsyncClient(timeout=30, limits=limits) as ca,
        httpx.AsyncClient(timeout=30, limits=limits) as cb,
    ):
        responses = await asyncio.gather(
            *(ca.get(f"{a.url}/v1/projects/burst") for _ in range(60)),
            *(cb.get(f"{b.url}/v1/projects/burst") for _ in range(60)),
        )
    statuses = [r.status_code for r in responses]
    # Each process alone got 60 requests for a limit of 20, so a per-replica
    # count would admit 40 in all; exactly 20 means the count is shared.
    # (Which process admits how many depends on arrival order, so it is not
    # asserted.)
    assert statuses.count(200) == 20, statuses
    assert statuses.count(429) == 100
    remaining = sorted(
        parse_list(r.headers["ratelimit"])[0][1]["r"] for r in responses if r.status_code == 200
    )
    assert remaining == list(range(20))  # each admission saw its own count


async def test_keys_have_ttl_and_hash_tags(edge, client, fresh_ip) -> None:
    ip = fresh_ip()
    await client.post(f"{edge.url}/v1/auth/login", headers={"X-Forwarded-For": ip})
    redis = aioredis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        bucket = ip_bucket(ip)  # an IPv6 client counts as its /64
        keys = [k.decode() async for k in redis.scan_iter(match=f"*login:ip:{bucket}*")]
        assert len(keys) == 1
        assert re.fullmatch(r"lf:rltest:[0-9a-f]+:\{login:ip:[0-9a-f:]+/64\}", keys[0]), keys[0]
        ttl = await redis.pttl(keys[0])
        assert 0 < ttl <= 12_000  # one request of 5/min: full again in 12 s
    finally:
        await redis.aclose()


async def test_redis_outage_falls_back_then_recovers(edge_gateways, private_redis, client) -> None:
    gateway = edge_gateways["outage"]
    redis = aioredis.Redis.from_url(private_redis.url)

    async def fallback_gauge() -> float:
        text = (await client.get(f"{gateway.url}/metrics")).text
        match = re.search(r"^gateway_rate_limit_redis_fallback (\S+)$", text, re.M)
        assert match, text
        return float(match.group(1))

    async def scripts_run(client: aioredis.Redis) -> int:
        """EVALSHA/EVAL calls this Redis server has answered (its own count)."""
        stats = await client.info("commandstats")
        return sum(stats.get(f"cmdstat_{c}", {}).get("calls", 0) for c in ("evalsha", "eval"))

    try:
        before = await scripts_run(redis)
        assert (await client.get(f"{gateway.url}/v1/projects")).status_code == 200
        assert await scripts_run(redis) > before
        assert await fallback_gauge() == 0

        # NOSCRIPT (a restarted or flushed Redis) is handled: the script is reloaded.
        await redis.script_flush()
        assert (await client.get(f"{gateway.url}/v1/projects")).status_code == 200

        private_redis.stop()
        for _ in range(20):
            response = await client.get(f"{gateway.url}/v1/projects")
            assert response.status_code == 200
            assert response.headers["ratelimit-policy"] == '"default";q=1000;w=60'
        assert await fallback_gauge() == 1
        assert (await client.get(f"{gateway.url}/livez")).status_code == 200
        log = gateway.log.read_text()
        assert log.count("redis unavailable") == 1  # logged once per outage

        private_redis.start()
        await redis.aclose()
        redis = aioredis.Redis.from_url(private_redis.url)  # the old connections died
        deadline = time.monotonic() + 10
        while not await scripts_run(redis):
            assert time.monotonic() < deadline, "never back on Redis"
            assert (await client.get(f"{gateway.url}/v1/projects")).status_code == 200
            await asyncio.sleep(0.1)
        assert await fallback_gauge() == 0
        assert "redis available again" in gateway.log.read_text()
    finally:
        await redis.aclose()
        if not private_redis.running:
            private_redis.start()


async def test_fail_closed_answers_503_never_500(edge_gateways, client) -> None:
    gateway = edge_gateways["closed"]
    response = await client.post(f"{gateway.url}/v1/auth/register")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert (await client.get(f"{gateway.url}/livez")).status_code == 200


def test_policies_from_configuration() -> None:
    from launchforge_gateway.config import GatewaySettings

    settings = GatewaySettings.model_validate(
        {
            "rate_limit_routes": json.dumps(
                [{"name": "uploads", "path": "/v1/projects/*", "method": "PUT", "limit": 2}]
            ),
            "rate_limit_plans": '{"team": 900}',
        }
    )
    assert settings.rate_limit_routes[0].path == "/v1/projects/*"
    assert settings.rate_limit_plans == {"team": 900}
    assert GatewaySettings().rate_limit_anonymous == 100


def test_spec_checks_have_a_policy_per_principal_by_default() -> None:
    from launchforge_gateway.config import GatewaySettings

    policies = {p.name: p for p in GatewaySettings().rate_limit_routes}
    check = policies["spec-check"]
    assert (check.path, check.method, check.by) == ("/v1/specs/validate", "POST", "principal")
    assert (check.limit, check.window) == (60, 60)
    edit = policies["spec-edit"]
    assert (edit.path, edit.method, edit.by) == ("/v1/specs/edit", "POST", "principal")
    assert (edit.limit, edit.window) == (60, 60)
    assert {"login", "register", "password-forgot"} <= policies.keys()


def test_preview_requests_have_a_bucket_per_client_whatever_the_build() -> None:
    from launchforge_gateway.config import GatewaySettings
    from launchforge_gateway.middleware.ratelimit import RateLimitMiddleware

    build, other = "0b6f5a8e-2a0c-4d4e-9a52-3f1c2d4e5f60", "1c7a6b9f-3b1d-4e5f-8b63-4a2d3e5f6a71"
    settings = GatewaySettings.model_validate({"rate_limit_preview": 240})
    layer = RateLimitMiddleware(None, settings, resources=None)  # type: ignore[arg-type]

    def scope(path: str, ip: str = "203.0.113.7") -> dict:
        return {"type": "http", "method": "GET", "path": path, "headers": [], "client": (ip, 1)}

    policy, identity = layer.policy_for(scope(f"/preview/{build}/t/api/teachers"))
    assert (policy.name, policy.limit) == ("preview", 240)
    assert identity == "preview:203.0.113.7"
    # Another build id, or none at all, is the same client's same budget: guessing ids
    # buys no fresh rate.
    for path in (f"/preview/{other}/t/", "/preview/garbage/t/", "/preview/"):
        assert layer.policy_for(scope(path)) == (policy, identity), path
    assert layer.policy_for(scope(f"/preview/{build}/t/", "198.51.100.1"))[1] == (
        "preview:198.51.100.1"
    )
    # Not a preview: the anonymous per-IP bucket, as before.
    for path in (f"/previews/{build}/t/", f"/v1/builds/{build}/preview", "/v1/auth/refresh"):
        policy_, identity_ = layer.policy_for(scope(path))
        assert (policy_.name, identity_) == ("default", "ip:203.0.113.7"), path
    # A route override still wins over the preview policy.
    login = layer.policy_for({**scope("/v1/auth/login"), "method": "POST"})
    assert login[0].name == "login"
    assert GatewaySettings().rate_limit_preview == 600


async def test_preview_traffic_does_not_spend_the_anonymous_budget(edge, client, fresh_ip) -> None:
    ip = fresh_ip()
    build = "0b6f5a8e-2a0c-4d4e-9a52-3f1c2d4e5f60"
    headers = {"X-Forwarded-For": ip}
    for n in range(5):
        response = await client.get(
            f"{edge.url}/preview/{build}/123.abc/static/app{n}.js", headers=headers
        )
        [(name, policy)] = parse_list(response.headers["ratelimit-policy"])
        assert (name, policy) == ("preview", {"q": 600, "w": 60})
        [(_, state)] = parse_list(response.headers["ratelimit"])
        assert state["r"] == 599 - n
    # The same client's first anonymous request finds its budget whole.
    anonymous = await client.post(f"{edge.url}/v1/auth/verify-email", headers=headers)
    [(name, state)] = parse_list(anonymous.headers["ratelimit"])
    assert (name, state["r"]) == ("default", 49)
