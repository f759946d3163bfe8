"""``rediss://`` and ``unix://`` URLs, against real redis-servers, in both Redis clients.

The rate limiter's pipelined client and ``create_redis`` read the same
``REDIS_URL``: a TLS option must mean the same to both, or be refused.
"""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from launchforge_common.redis_pipeline import PipelinedRedis
from launchforge_common.testing import free_port, wait_for_port
from redis.asyncio import Redis

TIMEOUTS = {"connect_timeout": 5.0, "read_timeout": 5.0}

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server binary not installed"
)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_tls_files(directory: Path) -> None:
    """A throwaway CA and a server certificate for 127.0.0.1 signed by it."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("launchforge test CA"))
        .issuer_name(_name("launchforge test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (directory / "ca.pem").write_bytes(ca.public_bytes(pem))
    (directory / "server.pem").write_bytes(cert.public_bytes(pem))
    (directory / "server.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def _redis_server(args: list[str]) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    assert binary is not None
    base = [binary, "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"]
    return subprocess.Popen([*base, *args], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def tls_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    directory = tmp_path_factory.mktemp("tls-redis")
    _write_tls_files(directory)
    port = free_port()
    process = _redis_server(
        [
            "--port", "0",
            "--tls-port", str(port),
            "--tls-cert-file", str(directory / "server.pem"),
            "--tls-key-file", str(directory / "server.key"),
            "--tls-ca-cert-file", str(directory / "ca.pem"),
            "--tls-auth-clients", "no",
        ]
    )  # fmt: skip
    try:
        wait_for_port(port, up=True, timeout=30)
        yield port, directory / "ca.pem"
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def unix_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    socket_path = tmp_path_factory.mktemp("unix-redis") / "redis.sock"
    process = _redis_server(
        ["--port", "0", "--unixsocket", str(socket_path), "--unixsocketperm", "700"]
    )
    try:
        deadline = time.monotonic() + 30
        while not socket_path.exists():
            assert process.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "the unix socket never appeared"
            time.sleep(0.05)
        yield socket_path
    finally:
        _stop(process)


async def _both_answer(url: str) -> None:
    """SET through one client, GET through the other: both reach the same server."""
    pipelined = PipelinedRedis(url, **TIMEOUTS)
    regular = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        assert await pipelined.execute("SET", "lf:url-test", "through-the-pipeline") == b"OK"
        assert await regular.get("lf:url-test") == b"through-the-pipeline"
    finally:
        await pipelined.aclose()
        await regular.aclose()


async def test_rediss_with_the_urls_ca_verifies_the_server(tls_redis: tuple[int, Path]) -> None:
    port, ca = tls_redis
    await _both_answer(f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={quote(str(ca))}")


async def test_rediss_without_the_ca_is_refused_by_verification(
    tls_redis: tuple[int, Path],
) -> None:
    """Proof the CA option is applied: the same server fails verification without it."""
    port, _ = tls_redis
    client = PipelinedRedis(f"rediss://127.0.0.1:{port}/0", **TIMEOUTS)
    try:
        with pytest.raises(OSError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.execute("PING")
    finally:
        await client.aclose()


async def test_rediss_with_cert_reqs_none_skips_verification(
    tls_redis: tuple[int, Path],
) -> None:
    port, _ = tls_redis
    await _both_answer(f"rediss://127.0.0.1:{port}/0?ssl_cert_reqs=none")


def test_an_unsupported_tls_option_is_refused_not_dropped() -> None:
    with pytest.raises(ValueError, match="ssl_min_version"):
        PipelinedRedis("rediss://127.0.0.1:6380/0?ssl_min_version=3", **TIMEOUTS)
    with pytest.raises(ValueError, match="ssl_cert_reqs must be one of"):
        PipelinedRedis("rediss://127.0.0.1:6380/0?ssl_cert_reqs=sometimes", **TIMEOUTS)


async def test_unix_socket_url_with_a_database(unix_redis: Path) -> None:
    url = f"unix://{unix_redis}?db=2"
    await _both_answer(url)
    on_db0 = Redis.from_url(f"unix://{unix_redis}?db=0")
    try:
        assert await on_db0.get("lf:url-test") is None  # written to db 2, not db 0
    finally:
        await on_db0.aclose()
