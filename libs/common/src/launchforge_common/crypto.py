"""Key-ring encryption of small secrets at rest with AES-256-GCM.

Not envelope encryption: there is no per-record data key. Each value (a
provider key, a signing key: tens of bytes) is encrypted directly under a key
of the ring, named in the ciphertext; rotating means adding a newer key and
re-encrypting values under it when they are next written (auth's signing keys
are rewrapped at start-up). A per-record data key would only pay off for large
values or a key service that must not see them, neither of which is the case.

A :class:`KeyRing` holds named 32-byte keys, newest first, read
from configuration such as ``"k2:<base64>,k1:<base64>"``. :meth:`KeyRing.encrypt`
always uses the newest key; :meth:`KeyRing.decrypt` picks the key named in the
ciphertext, so values written before a rotation still decrypt as long as their
key stays on the ring.

Ciphertext layout (all authenticated)::

    version (1 byte, 0x01) | len(key id) (1 byte) | key id (ASCII) | nonce (12 bytes)
    | AES-GCM ciphertext + 16-byte tag

The header (version and key id) is bound into the GCM associated data together
with the caller's ``associated_data``, so a ciphertext cannot be relabelled or
moved to another record without failing to decrypt.

In development and test an unconfigured ring falls back to a fixed, publicly
known development key (with one warning); production refuses it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

logger = logging.getLogger("launchforge.crypto")

FORMAT_VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16

DEVELOPMENT_KEY_ID = "dev"
# Public on purpose: it only ever protects development and test data.
DEVELOPMENT_KEY = hashlib.sha256(b"launchforge:development-key-encryption-key:v1").digest()

_KEY_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
_dev_warning_logged = False


class KeyRingError(Exception):
    """The key ring is misconfigured (bad key id, bad key, no keys)."""


class DecryptionError(KeyRingError):
    """A ciphertext could not be decrypted: unknown key, wrong key or tampered data."""


class KeyRing:
    """Named AES-256-GCM keys, newest first."""

    def __init__(self, keys: Iterable[tuple[str, bytes]]) -> None:
        ordered: list[tuple[str, bytes]] = []
        seen: set[str] = set()
        for key_id, key in keys:
            if not _KEY_ID.match(key_id):
                raise KeyRingError("key ids must be 1-64 characters of [A-Za-z0-9._-]")
            if key_id in seen:
                raise KeyRingError(f"duplicate key id {key_id!r}")
            if len(key) != KEY_BYTES:
                raise KeyRingError(f"key {key_id!r} must be exactly {KEY_BYTES} bytes")
            seen.add(key_id)
            ordered.append((key_id, bytes(key)))
        if not ordered:
            raise KeyRingError("a key ring needs at least one key")
        self._ordered = ordered
        self._ciphers = {key_id: AESGCM(key) for key_id, key in ordered}

    def __repr__(self) -> str:  # never show key material
        return f"KeyRing(key_ids={self.key_ids!r})"

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(key_id for key_id, _ in self._ordered)

    @property
    def primary_key_id(self) -> str:
        """The id of the key new ciphertexts are written with."""
        return self._ordered[0][0]

    @property
    def is_development(self) -> bool:
        """True when any key on the ring is the public development key."""
        return any(key == DEVELOPMENT_KEY for _, key in self._ordered)

    @classmethod
    def parse(cls, config: str) -> KeyRing:
        """Build a ring from ``"id:base64key,id2:base64key"`` (newest first)."""
        keys: list[tuple[str, bytes]] = []
        for raw_entry in config.split(","):
            entry = raw_entry.strip()
            if not entry:
                continue
            key_id, sep, encoded = entry.partition(":")
            if not sep:
                raise KeyRingError("each key must be written as <id>:<base64 key>")
            try:
                key = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError) as exc:
                # The message names the key id only, never the material.
                raise KeyRingError(f"key {key_id.strip()!r} is not valid base64") from exc
            keys.append((key_id.strip(), key))
        return cls(keys)

    @classmethod
    def development(cls) -> KeyRing:
        """A ring with only the fixed development key."""
        return cls([(DEVELOPMENT_KEY_ID, DEVELOPMENT_KEY)])

    @classmethod
    def from_settings(cls, config: str | None, *, environment: str) -> KeyRing:
        """The configured ring, or the development key outside production.

        Production refuses both an empty configuration and the development key.
        """
        if config and config.strip():
            ring = cls.parse(config)
            if environment == "production" and ring.is_development:
                raise KeyRingError("the development key-encryption key is refused in production")
            return ring
        if environment not in ("development", "test"):
            raise KeyRingError(f"key-encryption keys must be configured in {environment}")
        global _dev_warning_logged
        if not _dev_warning_logged:
            _dev_warning_logged = True
            logger.warning(
                "no key-encryption keys configured; using the public development key",
                extra={"environment": environment},
            )
        return cls.development()

    @staticmethod
    def generate_key() -> str:
        """A fresh random key, base64-encoded, for configuration."""
        return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")

    @staticmethod
    def _header(key_id: str) -> bytes:
        encoded = key_id.encode("ascii")
        return bytes([FORMAT_VERSION, len(encoded)]) + encoded

    def encrypt(self, plaintext: bytes, associated_data: bytes = b"") -> bytes:
        """Encrypt with the newest key; ``associated_data`` must match on decrypt."""
        key_id = self.primary_key_id
        header = self._header(key_id)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[key_id].encrypt(nonce, plaintext, header + associated_data)
        return header + nonce + sealed

    @staticmethod
    def key_id_of(ciphertext: bytes) -> str:
        """The id of the key a ciphertext was written with (unauthenticated)."""
        if len(ciphertext) < 2 or ciphertext[0] != FORMAT_VERSION:
            raise DecryptionError("unsupported ciphertext format")
        length = ciphertext[1]
        if length == 0 or len(ciphertext) < 2 + length + NONCE_BYTES + TAG_BYTES:
            raise DecryptionError("ciphertext is truncated")
        try:
            return ciphertext[2 : 2 + length].decode("ascii")
        except UnicodeDecodeError as exc:
            raise DecryptionError("ciphertext has a malformed key id") from exc

    def needs_reencryption(self, ciphertext: bytes) -> bool:
        """True when the ciphertext was not written with the newest key."""
        return self.key_id_of(ciphertext) != self.primary_key_id

    def decrypt(self, ciphertext: bytes, associated_data: bytes = b"") -> bytes:
        """Decrypt with the key named in the ciphertext.

        Raises :class:`DecryptionError` for an unknown key id, a wrong key,
        different associated data or any modification of the bytes.
        """
        key_id = self.key_id_of(ciphertext)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(f"ciphertext was written with unknown key {key_id!r}")
        header_len = 2 + len(key_id)
        header = ciphertext[:header_len]
        nonce = ciphertext[header_len : header_len + NONCE_BYTES]
        sealed = ciphertext[header_len + NONCE_BYTES :]
        try:
            return cipher.decrypt(nonce, sealed, header + associated_data)
        except InvalidTag as exc:
            raise DecryptionError(
                "ciphertext failed authentication (wrong key, wrong context or tampered)"
            ) from exc
