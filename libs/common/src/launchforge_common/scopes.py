"""API-key scopes: the one list auth validates at creation and core enforces per route.

A signed-in person (an access token) may do everything their account may; an
API key may do only what its scopes name (``*``: everything). A key with no
scopes can only say who it is (``GET /v1/auth/me``).
"""

from __future__ import annotations

from launchforge_common.tokens import Principal

ALL = "*"
SCOPES: dict[str, str] = {
    "projects:read": "list and read projects",
    "projects:write": "create, rename and delete projects",
    "builds:read": "read builds, their events, files and downloads",
    "builds:write": "start, cancel and retry builds",
    "provider-keys:read": "list stored LLM provider keys (never their secrets)",
    "provider-keys:write": "store, replace and delete LLM provider keys",
    "usage:read": "read the plan's build quota and usage",
}


def known(scope: str) -> bool:
    return scope == ALL or scope in SCOPES


def allows(principal: Principal, scope: str) -> bool:
    """Whether ``principal`` may act with ``scope`` (always, without an API key)."""
    if principal.api_key_id is None:
        return True
    return ALL in principal.scopes or scope in principal.scopes
