"""Password hashing (argon2id) and access-token signing (EdDSA / Ed25519).

Hashing costs ~100 ms of CPU and tens of MiB of RAM with production
parameters, so it always runs in a worker thread, with a limit on how many
hashes run at once. Tokens are verified with the same rules as
:mod:`launchforge_common.tokens` (asymmetric algorithms only, ``kid``
required, issuer/audience/expiry/subject checked), but against the keys held
in memory rather than a fetched JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import jwt
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from launchforge_common.tokens import (
    InvalidTokenError,
    Principal,
    checked_header,
    decode_claims,
    principal_from_claims,
)

from launchforge_auth.config import AuthSettings

T = TypeVar("T")

EDDSA = "EdDSA"

# ---------------------------------------------------------------------------
# Passwords
# ---------------------------------------------------------------------------


class Passwords:
    """argon2id hashing in worker threads, at most ``concurrency`` at a time."""

    def __init__(
        self,
        *,
        time_cost: int,
        memory_cost: int,
        parallelism: int,
        concurrency: int,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            type=Type.ID,
        )
        self._concurrency = concurrency
        self._limiter: anyio.CapacityLimiter | None = None
        self._dummy_hash: str | None = None

    @classmethod
    def from_settings(cls, settings: AuthSettings) -> Passwords:
        return cls(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_cost,
            parallelism=settings.argon2_parallelism,
            concurrency=settings.password_hash_concurrency,
        )

    async def _in_thread(self, func: Callable[..., T], *args: Any) -> T:
        if self._limiter is None:  # created lazily: it needs a running event loop
            self._limiter = anyio.CapacityLimiter(self._concurrency)
        return await anyio.to_thread.run_sync(func, *args, limiter=self._limiter)

    async def hash(self, password: str) -> str:
        return await self._in_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._in_thread(self._verify_sync, password_hash, password)

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters (cheap: no hashing)."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    async def prepare(self) -> None:
        """Compute the dummy hash used to spend equal time on unknown emails."""
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash(secrets.token_urlsafe(32))

    async def verify_dummy(self, password: str) -> None:
        """Spend the time a real verification would, for an unknown account."""
        await self.prepare()
        assert self._dummy_hash is not None
        await self.verify(self._dummy_hash, password)


# ---------------------------------------------------------------------------
# Signing keys
# ---------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def generate_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """The RFC 8037 JWK members of an Ed25519 public key (no kid/use/alg)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}


def public_key_from_jwk(jwk: Mapping[str, Any]) -> Ed25519PublicKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
        raise ValueError("not an Ed25519 public JWK")
    x: str = jwk["x"]
    raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint: a kid every replica derives identically."""
    required = {name: jwk[name] for name in ("crv", "kty", "x")}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def private_key_to_der(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _ed25519(key: object) -> Ed25519PrivateKey:
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the signing key must be an Ed25519 private key")
    return key


def private_key_from_der(data: bytes) -> Ed25519PrivateKey:
    return _ed25519(serialization.load_der_private_key(data, password=None))


def private_key_from_pem(data: bytes) -> Ed25519PrivateKey:
    return _ed25519(serialization.load_pem_private_key(data, password=None))


@dataclass(frozen=True)
class PublicKey:
    kid: str
    algorithm: str
    key: Ed25519PublicKey
    jwk: dict[str, Any]

    def published(self) -> dict[str, Any]:
        """The JWKS entry: public members only."""
        return {**public_jwk(self.key), "kid": self.kid, "use": "sig", "alg": self.algorithm}


@dataclass(frozen=True)
class SigningKeyPair:
    kid: str
    algorithm: str
    private_key: Ed25519PrivateKey = field(repr=False)

    @property
    def public(self) -> PublicKey:
        public = self.private_key.public_key()
        return PublicKey(self.kid, self.algorithm, public, public_jwk(public))


class KeySet:
    """The key that signs new tokens and every key whose tokens we accept."""

    def __init__(self, active: SigningKeyPair, published: list[PublicKey]) -> None:
        keys = {key.kid: key for key in published}
        keys.setdefault(active.kid, active.public)
        self.active = active
        self.keys = keys

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [key.published() for key in self.keys.values()]}

    def sign(self, claims: Mapping[str, Any]) -> str:
        return jwt.encode(
            dict(claims),
            self.active.private_key,
            algorithm=self.active.algorithm,
            headers={"kid": self.active.kid},
        )

    def knows(self, token: str) -> bool:
        """True when the token names a kid of this set (or is unparseable: no reload helps)."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return True
        return not isinstance(kid, str) or kid in self.keys

    def verify(self, token: str, *, issuer: str, audience: str, leeway: float = 5.0) -> Principal:
        """Verify an access token; :class:`InvalidTokenError` when it is not acceptable."""
        alg, kid = checked_header(token)
        key = self.keys.get(kid)
        if key is None or key.algorithm != alg:
            raise InvalidTokenError("unknown signing key")
        claims = decode_claims(token, key.key, alg, issuer=issuer, audience=audience, leeway=leeway)
        return principal_from_claims(claims)
