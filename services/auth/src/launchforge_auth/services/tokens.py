"""Issuing access tokens."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from launchforge_auth.config import AuthSettings
from launchforge_auth.core.security import KeySet
from launchforge_auth.models import User


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


def issue_access_token(
    *, user: User, keys: KeySet, settings: AuthSettings, session_id: str
) -> IssuedToken:
    now = int(time.time())
    ttl = settings.access_token_ttl_seconds
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user.id),
        "sid": session_id,
        "plan": user.plan,
        "roles": list(user.roles),
        "email_verified": user.email_verified,
        "iat": now,
        "exp": now + ttl,
        "jti": str(uuid.uuid4()),
    }
    return IssuedToken(access_token=keys.sign(claims), expires_in=ttl)
