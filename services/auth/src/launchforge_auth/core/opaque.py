"""Opaque secrets (refresh, one-time and API-key tokens) and how they are stored.

Each carries 256 bits from :mod:`secrets`, so a plain SHA-256 is enough to
store it: nobody can brute-force a 256-bit preimage, and a fast hash keeps
lookups to one indexed equality query. (argon2 exists to slow down guessing
of low-entropy human passwords; here it would only burn CPU per request.)
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()
