"""The SSRF guard on users' model server URLs (providers/egress.py)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from launchforge_core.config import CoreSettings
from launchforge_core.providers import Message, ProviderError, create_provider, egress
from launchforge_core.providers.egress import (
    EgressRefusedError,
    PinnedEgressTransport,
    address_allowed,
    check_destination,
)

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")]
SECRET = "sk-test-egress-0123456789"


@pytest.mark.parametrize(
    ("address", "allowed", "expected"),
    [
        ("93.184.215.14", [], True),  # public
        ("2606:4700::1111", [], True),
        ("169.254.169.254", [], False),  # cloud metadata
        ("169.254.169.254", LOOPBACK, False),
        ("10.0.4.7", [], False),
        ("10.0.4.7", [ipaddress.ip_network("10.0.4.0/24")], True),
        ("10.0.5.7", [ipaddress.ip_network("10.0.4.0/24")], False),
        ("127.0.0.1", [], False),
        ("127.0.0.1", LOOPBACK, True),
        ("::1", LOOPBACK, True),
        ("::ffff:10.0.0.1", [], False),  # IPv4-mapped private
        ("::ffff:10.0.0.1", [ipaddress.ip_network("10.0.0.0/8")], True),
        ("100.64.0.1", [], False),  # carrier-grade NAT
        ("0.0.0.0", [], False),  # noqa: S104 - a destination under test, not a bind
        # IPv6 forms that carry an IPv4 address are judged by it
        ("64:ff9b::a9fe:a9fe", [], False),  # NAT64 of 169.254.169.254
        ("64:ff9b::5db8:d70e", [], True),  # NAT64 of a public address
        ("64:ff9b:1::a00:1", [], False),  # local-use NAT64 of 10.0.0.1
        ("2002:a00:1::1", [], False),  # 6to4 of 10.0.0.1
        ("2002:5db8:d70e::1", [], True),  # 6to4 of a public address
        ("::a9fe:a9fe", [], False),  # IPv4-compatible 169.254.169.254
        ("::7f00:1", LOOPBACK, True),  # IPv4-compatible 127.0.0.1, loopback allowed
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", [], False),  # Teredo, client 10.0.0.1
    ],
)
def test_address_allowed(address: str, allowed: list[Any], expected: bool) -> None:
    assert address_allowed(ipaddress.ip_address(address), allowed) is expected


async def test_hostnames_are_checked_by_what_they_resolve_to() -> None:
    with pytest.raises(EgressRefusedError, match=r"localhost resolves to .*CORE_PROVIDER_"):
        await check_destination("http://localhost:11434/v1", [])
    await check_destination("http://localhost:11434/v1", LOOPBACK)


async def test_ip_literals_and_schemes() -> None:
    with pytest.raises(EgressRefusedError, match=r"169\.254\.169\.254"):
        await check_destination("http://169.254.169.254/latest/meta-data", LOOPBACK)
    with pytest.raises(EgressRefusedError, match="http"):
        await check_destination("file:///etc/passwd", LOOPBACK)
    await check_destination("https://93.184.215.14/v1", [])
    # A name that does not resolve is left to the request itself (a connect error).
    await check_destination("http://no-such-host.invalid/v1", [])


def test_default_networks_by_environment() -> None:
    dev = CoreSettings(environment="development")
    assert [str(n) for n in dev.allowed_provider_networks] == ["127.0.0.0/8", "::1/128"]
    explicit = CoreSettings(environment="development", provider_allowed_networks=["10.0.4.0/24"])
    assert [str(n) for n in explicit.allowed_provider_networks] == ["10.0.4.0/24"]


async def test_a_build_aimed_at_a_non_public_address_fails_without_calling_it(
    client, make_user, make_build, make_job_context, run_build_to_end
) -> None:
    user = make_user()
    put = await client.put(
        "/v1/provider-keys/openai_compatible",
        json={"api_key": SECRET, "base_url": "http://169.254.169.254/latest"},
        headers=user.headers,
    )
    assert put.status_code == 200
    created = await make_build(user, idea="A plant watering planner", provider="openai_compatible")
    calls: list[Any] = []

    async def pipeline(inp: Any, *, llm: Any, emit: Any, settings: Any) -> Any:
        calls.append(inp)
        raise AssertionError("the pipeline must not run")

    ctx = make_job_context(run_pipeline=pipeline)
    row = await run_build_to_end(ctx, created["id"])
    assert row.status == "failed"
    assert "169.254.169.254" in row.error
    assert "CORE_PROVIDER_ALLOWED_NETWORKS" in row.error
    assert calls == []


# --- the pinned transport: connect to the address that was checked ---

REBIND_HOST = "model.rebind.test"  # .test never resolves in real DNS (RFC 2606)


class TinyServer:
    """Answers every HTTP request 200 and records what it received."""

    def __init__(self) -> None:
        self.heads: list[bytes] = []
        self.server_names: list[str | None] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            self.heads.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            await writer.drain()
        writer.close()


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[Any]]:
    """What ``resolve`` answers per host: the worker's only lookup."""
    answers: dict[str, set[Any]] = {}

    async def resolve(host: str, port: int) -> set[Any]:
        return answers.get(host, set())

    monkeypatch.setattr(egress, "resolve", resolve)
    return answers


async def test_requests_go_to_the_checked_address_with_their_own_host(
    fake_dns: dict[str, set[Any]],
) -> None:
    fake_dns[REBIND_HOST] = {ipaddress.ip_address("127.0.0.1")}
    tiny = TinyServer()
    server = await asyncio.start_server(tiny.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient(transport=PinnedEgressTransport(LOOPBACK)) as client:
            # The system resolver knows no .test name: only the pinned address can answer.
            response = await client.get(f"http://{REBIND_HOST}:{port}/v1/models")
        assert response.status_code == 200
        assert f"host: {REBIND_HOST}:{port}".encode() in tiny.heads[0].lower()
    finally:
        server.close()
        await server.wait_closed()


async def test_a_host_that_rebinds_to_a_private_address_is_refused_before_connecting(
    fake_dns: dict[str, set[Any]],
) -> None:
    tiny = TinyServer()
    server = await asyncio.start_server(tiny.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    # Public to the check before the build, private now: the transport's own
    # lookup decides, and it refuses.
    fake_dns[REBIND_HOST] = {ipaddress.ip_address("127.0.0.1")}
    try:
        async with httpx.AsyncClient(transport=PinnedEgressTransport([])) as client:
            with pytest.raises(EgressRefusedError, match=r"non-public address") as refused:
                await client.get(f"http://{REBIND_HOST}:{port}/latest/meta-data")
            assert "127.0.0.1" not in str(refused.value)  # no map of the inside
            fake_dns[REBIND_HOST] = set()
            with pytest.raises(httpx.ConnectError):
                await client.get(f"http://{REBIND_HOST}:{port}/")
        assert tiny.heads == []
    finally:
        server.close()
        await server.wait_closed()


def self_signed(directory: Path, host: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def test_over_tls_the_server_name_and_certificate_stay_the_hosts(
    fake_dns: dict[str, set[Any]], tmp_path: Path
) -> None:
    """Pinning the address must not turn TLS into a check against an IP."""
    fake_dns[REBIND_HOST] = {ipaddress.ip_address("127.0.0.1")}
    cert, key = self_signed(tmp_path, REBIND_HOST)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    tiny = TinyServer()
    server_tls.sni_callback = lambda sock, name, ctx: tiny.server_names.append(name)  # type: ignore[assignment, func-returns-value]
    server = await asyncio.start_server(tiny.handle, "127.0.0.1", 0, ssl=server_tls)
    port = server.sockets[0].getsockname()[1]
    client_tls = ssl.create_default_context(cafile=str(cert))
    inner = httpx.AsyncHTTPTransport(verify=client_tls)
    try:
        async with httpx.AsyncClient(transport=PinnedEgressTransport(LOOPBACK, inner)) as client:
            response = await client.get(f"https://{REBIND_HOST}:{port}/v1/models")
        assert response.status_code == 200
        assert tiny.server_names == [REBIND_HOST]
        assert f"host: {REBIND_HOST}:{port}".encode() in tiny.heads[0].lower()
    finally:
        server.close()
        await server.wait_closed()


async def test_a_refusal_at_connect_time_fails_the_model_call_clearly(
    fake_dns: dict[str, set[Any]],
) -> None:
    """Not an internal error: the build fails with what was refused, and is not retried."""
    fake_dns[REBIND_HOST] = {ipaddress.ip_address("10.0.0.7")}
    async with httpx.AsyncClient(transport=PinnedEgressTransport([])) as http:
        llm = create_provider("openai_compatible", SECRET, f"http://{REBIND_HOST}/v1", http=http)
        with pytest.raises(ProviderError, match=r"resolves to a non-public address") as caught:
            await llm.complete([Message("user", "hi")])
    assert caught.value.retryable is False
    assert "10.0.0.7" not in caught.value.message


async def test_a_refused_address_falls_through_to_the_next_checked_one(
    fake_dns: dict[str, set[Any]],
) -> None:
    tiny = TinyServer()
    server = await asyncio.start_server(tiny.handle, "127.0.0.2", 0)
    port = server.sockets[0].getsockname()[1]
    # 127.0.0.1 sorts first and has nothing listening on that port.
    fake_dns[REBIND_HOST] = {ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("127.0.0.2")}
    try:
        async with httpx.AsyncClient(transport=PinnedEgressTransport(LOOPBACK)) as client:
            response = await client.get(f"http://{REBIND_HOST}:{port}/v1/models")
        assert response.status_code == 200
        assert len(tiny.heads) == 1
    finally:
        server.close()
        await server.wait_closed()


async def test_each_host_name_gets_a_connection_pool_of_its_own(
    fake_dns: dict[str, set[Any]],
) -> None:
    """Two names on one address never share a (TLS) connection checked for the other."""
    made: list[httpx.AsyncBaseTransport] = []

    def factory() -> httpx.AsyncBaseTransport:
        made.append(httpx.AsyncHTTPTransport())
        return made[-1]

    tiny = TinyServer()
    server = await asyncio.start_server(tiny.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    fake_dns["one.rebind.test"] = {ipaddress.ip_address("127.0.0.1")}
    fake_dns["two.rebind.test"] = {ipaddress.ip_address("127.0.0.1")}
    transport = PinnedEgressTransport(LOOPBACK, transport_factory=factory)
    try:
        async with httpx.AsyncClient(transport=transport) as client:
            for host in ("one.rebind.test", "two.rebind.test", "one.rebind.test"):
                assert (await client.get(f"http://{host}:{port}/v1/models")).status_code == 200
        assert len(made) == 2
    finally:
        server.close()
        await server.wait_closed()
