"""Brute-force protection: lockout per account and per client IP, kept in Redis."""

from __future__ import annotations

import asyncio
import ipaddress
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from launchforge_auth.config import AuthSettings
from launchforge_auth.services.login_throttle import Attempt, LoginThrottle
from launchforge_common.client_ip import client_ip
from launchforge_common.redis import RedisHealth, create_redis
from launchforge_common.testing import free_port
from redis import exceptions as redis_errors

Register = Callable[..., Awaitable[Any]]
RunApp = Callable[[AuthSettings], AbstractAsyncContextManager[Any]]
SettingsFactory = Callable[..., AuthSettings]

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]


@pytest.fixture(scope="module")
def throttled_settings(make_settings: SettingsFactory, database_url: str) -> AuthSettings:
    return make_settings(
        database_url,
        login_max_account_failures=3,
        login_max_ip_failures=5,
        login_lockout_base_seconds=1,
        login_lockout_max_seconds=4,
    )


@pytest.fixture(scope="module")
async def throttled(
    run_app: RunApp, throttled_settings: AuthSettings
) -> AsyncIterator[httpx.AsyncClient]:
    async with run_app(throttled_settings) as running:
        yield running.client


def _random_ip() -> str:
    """A fresh address from 2001:db8::/32 (documentation range) per call."""
    network = ipaddress.ip_network("2001:db8::/32")
    return str(network[uuid.uuid4().int % network.num_addresses])


async def _login(
    client: httpx.AsyncClient, email: str, password: str, ip: str | None = None
) -> httpx.Response:
    headers = {"X-Request-ID": "fixed-request-id", "X-Forwarded-For": ip or _random_ip()}
    return await client.post(
        "/v1/auth/login", json={"email": email, "password": password}, headers=headers
    )


async def test_lockout_after_n_failures_same_answer_for_unknown_email_then_expiry(
    throttled: httpx.AsyncClient, register: Register
) -> None:
    account = await register()
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    for _ in range(3):
        assert (await _login(throttled, account.email, "wrong password")).status_code == 401
        assert (await _login(throttled, unknown, "wrong password")).status_code == 401

    locked = await _login(throttled, account.email, account.password)  # even the right one
    locked_unknown = await _login(throttled, unknown, "wrong password")
    assert locked.status_code == locked_unknown.status_code == 429
    assert locked.content == locked_unknown.content
    assert locked.headers["retry-after"] == locked_unknown.headers["retry-after"] == "1"
    assert locked.headers["content-type"] == "application/problem+json"

    await asyncio.sleep(1.2)
    assert (await _login(throttled, account.email, account.password)).status_code == 200


async def test_the_delay_grows_with_each_failure_past_the_limit(
    throttled: httpx.AsyncClient, register: Register
) -> None:
    account = await register()
    for _ in range(3):
        await _login(throttled, account.email, "wrong password")
    assert (await _login(throttled, account.email, "x")).headers["retry-after"] == "1"
    await asyncio.sleep(1.2)
    assert (await _login(throttled, account.email, "wrong password")).status_code == 401
    second = await _login(throttled, account.email, account.password)
    assert second.status_code == 429
    assert second.headers["retry-after"] == "2"


async def test_lockout_survives_a_restart(
    throttled: httpx.AsyncClient,
    run_app: RunApp,
    throttled_settings: AuthSettings,
    register: Register,
) -> None:
    account = await register()
    for _ in range(3):
        await _login(throttled, account.email, "wrong password")
    async with run_app(throttled_settings) as restarted:
        response = await _login(restarted.client, account.email, account.password)
        assert response.status_code == 429


async def test_failures_are_also_counted_per_client_ip(
    throttled: httpx.AsyncClient, register: Register
) -> None:
    attacker_ip = _random_ip()
    victims = [await register() for _ in range(5)]
    for victim in victims:  # one failure each: no account reaches its limit
        assert (await _login(throttled, victim.email, "guess", attacker_ip)).status_code == 401
    bystander = await register()
    from_attacker = await _login(throttled, bystander.email, bystander.password, attacker_ip)
    assert from_attacker.status_code == 429
    elsewhere = await _login(throttled, bystander.email, bystander.password, "192.0.2.77")
    assert elsewhere.status_code == 200


def test_client_ip_believes_forwarded_for_only_from_trusted_proxies() -> None:
    # From the gateway on loopback: the address the gateway appended.
    assert client_ip("127.0.0.1", "203.0.113.9", LOOPBACK) == "203.0.113.9"
    # A client-forged entry to the left of the gateway's is not believed.
    assert client_ip("127.0.0.1", "10.9.9.9, 203.0.113.9", LOOPBACK) == "203.0.113.9"
    # Straight from the internet: the header is ignored.
    assert client_ip("203.0.113.50", "1.2.3.4", LOOPBACK) == "203.0.113.50"
    # Garbage stops the walk at the last trusted hop.
    assert client_ip("127.0.0.1", "not-an-ip", LOOPBACK) == "127.0.0.1"
    assert client_ip("127.0.0.1", None, LOOPBACK) == "127.0.0.1"
    assert client_ip(None, "1.2.3.4", LOOPBACK) == "unknown"


async def test_redis_down_degrades_to_allowing_logins(
    run_app: RunApp, make_settings: SettingsFactory, database_url: str, register: Register
) -> None:
    account = await register()
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings = make_settings(
        database_url, redis_url=closed, login_max_account_failures=1, redis_retry_after=0
    )
    async with run_app(settings) as running:
        for _ in range(3):
            wrong = await _login(running.client, account.email, "wrong password")
            assert wrong.status_code == 401
        ok = await _login(running.client, account.email, account.password)
        assert ok.status_code == 200


async def test_wrong_current_passwords_on_change_count_towards_the_lockout(
    throttled: httpx.AsyncClient, register: Register
) -> None:
    account = await register()
    access = (await _login(throttled, account.email, account.password)).json()["access_token"]
    headers = {"Authorization": f"Bearer {access}"}
    body = {"current_password": "a wrong guess", "new_password": "a new passphrase here"}
    for _ in range(3):
        wrong = await throttled.post("/v1/auth/password/change", json=body, headers=headers)
        assert wrong.status_code == 400
    right = {"current_password": account.password, "new_password": "a new passphrase here"}
    locked = await throttled.post("/v1/auth/password/change", json=right, headers=headers)
    assert locked.status_code == 429
    assert (await _login(throttled, account.email, account.password)).status_code == 429


async def test_parallel_guesses_are_counted_before_they_are_checked(
    throttled: httpx.AsyncClient, register: Register
) -> None:
    """A burst of guesses at one account: only the limit's worth is ever verified."""
    account = await register()
    answers = await asyncio.gather(
        *(_login(throttled, account.email, f"guess {i}") for i in range(30))
    )
    statuses = [a.status_code for a in answers]
    assert statuses.count(401) <= 3, statuses  # verified (and wrong)
    assert statuses.count(429) >= 27, statuses  # refused before any password check


async def test_ipv6_clients_are_counted_by_their_64(
    throttled: httpx.AsyncClient, register: Register
) -> None:
    group = f"{uuid.uuid4().int % 65536:x}"
    prefix = ipaddress.ip_network(f"2001:db8:{group}:1::/64")
    victims = [await register() for _ in range(5)]
    for i, victim in enumerate(victims):  # a fresh address of the same /64 each time
        address = str(prefix[1000 + i])
        assert (await _login(throttled, victim.email, "guess", address)).status_code == 401
    bystander = await register()
    same_64 = str(prefix[424242])
    assert (
        await _login(throttled, bystander.email, bystander.password, same_64)
    ).status_code == 429
    other_64 = str(ipaddress.ip_network(f"2001:db8:{group}:2::/64")[7])
    assert (
        await _login(throttled, bystander.email, bystander.password, other_64)
    ).status_code == 200


def test_ip_buckets() -> None:
    from launchforge_common.ip_bucket import ip_bucket

    assert ip_bucket("192.0.2.7") == "192.0.2.7"
    assert (
        ip_bucket("2001:db8:1:2:aaaa::1")
        == ip_bucket("2001:db8:1:2:ffff::9")
        == "2001:db8:1:2::/64"
    )
    assert ip_bucket("2001:db8:1:3::1") != ip_bucket("2001:db8:1:2::1")
    assert ip_bucket("::ffff:192.0.2.7") == "192.0.2.7"


async def test_a_right_password_gives_its_count_back(
    throttled: httpx.AsyncClient, register: Register
) -> None:
    """Successes from one address (an office behind NAT) never lock it out."""
    ip = _random_ip()
    for _ in range(8):  # more than the IP limit (5), all right
        account = await register()
        assert (await _login(throttled, account.email, account.password, ip)).status_code == 200


async def test_the_gateway_is_trusted_by_its_token_not_by_an_address_range(
    run_app: RunApp, make_settings: SettingsFactory, database_url: str, register: Register
) -> None:
    """X-Client-IP counts only when the internal token vouches for it."""
    token = "internal-" + uuid.uuid4().hex
    settings = make_settings(
        database_url,
        internal_token=token,
        trusted_proxies=[],  # no address range is believed
        login_max_ip_failures=3,
        login_max_account_failures=100,
    )
    client_ip = "198.51.100.7"
    async with run_app(settings) as running:
        victims = [await register() for _ in range(3)]

        async def attempt(email: str, password: str, **headers: str) -> int:
            response = await running.client.post(
                "/v1/auth/login", json={"email": email, "password": password}, headers=headers
            )
            return response.status_code

        for victim in victims:  # through the gateway: token + the client it resolved
            assert (
                await attempt(
                    victim.email, "guess", **{"X-Internal-Token": token, "X-Client-IP": client_ip}
                )
                == 401
            )
        bystander = await register()
        vouched = {"X-Internal-Token": token, "X-Client-IP": client_ip}
        assert await attempt(bystander.email, bystander.password, **vouched) == 429
        # the same client, another address: its own budget
        other = {"X-Internal-Token": token, "X-Client-IP": "198.51.100.8"}
        assert await attempt(bystander.email, bystander.password, **other) == 200
        # without the token the header is anyone's to forge: ignored (the peer counts)
        forged = {"X-Client-IP": client_ip, "X-Internal-Token": "wrong"}
        assert await attempt(bystander.email, bystander.password, **forged) == 200


async def test_a_right_login_gives_its_count_back_even_while_a_blip_marks_redis_down(
    throttled_settings: AuthSettings,
) -> None:
    """Counted when Redis answered, refunded though a blip marked it down meanwhile.

    Skipping those refunds left counts behind: around a Redis restart, right logins
    of one account (four at once) reached the limit and were refused with a 429.
    """
    redis = create_redis(throttled_settings)
    health = RedisHealth("redis-test")
    throttle = LoginThrottle(redis, health, throttled_settings)
    email, ip = f"{uuid.uuid4().hex}@example.com", _random_ip()
    try:
        for _ in range(throttled_settings.login_max_account_failures + 2):
            attempt = await throttle.begin(email=email, ip=ip)
            assert isinstance(attempt, Attempt)
            assert attempt.counted
            health.record_failure(ConnectionError("a blip"))  # Redis marked down now
            assert not health.should_try()
            await throttle.succeeded(attempt, email=email, ip=ip)
            assert not health.is_down  # the forced refund reached Redis
        (fail_account, _, _), (fail_ip, _, _) = throttle._keys(email, ip)
        assert await redis.get(fail_account) is None
        assert int(await redis.get(fail_ip) or 0) == 0
    finally:
        await redis.aclose()


async def test_a_refund_that_meets_a_stale_connection_is_sent_once_more(
    throttled_settings: AuthSettings,
) -> None:
    """After a Redis restart each stale pooled connection fails once: the refund goes again."""
    redis = create_redis(throttled_settings)
    throttle = LoginThrottle(redis, RedisHealth("redis-test"), throttled_settings)
    email, ip = f"{uuid.uuid4().hex}@example.com", _random_ip()
    real = throttle._succeed
    assert real is not None
    calls = 0

    async def stale_once(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise redis_errors.ConnectionError("Connection closed by server.")
        return await real(**kwargs)

    throttle._succeed = stale_once  # type: ignore[assignment]
    try:
        attempt = await throttle.begin(email=email, ip=ip)
        assert isinstance(attempt, Attempt)
        await throttle.succeeded(attempt, email=email, ip=ip)
        assert calls == 2
        (fail_account, _, _), _ = throttle._keys(email, ip)
        assert await redis.get(fail_account) is None
    finally:
        await redis.aclose()
