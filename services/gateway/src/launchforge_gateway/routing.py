"""The public path table: which upstream serves which path prefix.

Only what is listed here is reachable from outside; everything else (notably
the services' ``/internal/*`` endpoints) is answered 404 by the gateway.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

AUTH = "auth"
CORE = "core"


@dataclass(frozen=True, slots=True)
class Route:
    """``path`` itself, and with ``subtree`` also every path below it."""

    path: str
    upstream: str
    subtree: bool = False

    def matches(self, path: str) -> bool:
        if path == self.path:
            return True
        return self.subtree and path.startswith(self.path) and path[len(self.path)] == "/"


DEFAULT_ROUTES: tuple[Route, ...] = (
    Route("/v1/auth", AUTH, subtree=True),
    Route("/.well-known/jwks.json", AUTH),
    Route("/v1/projects", CORE, subtree=True),
    Route("/v1/builds", CORE, subtree=True),
    Route("/v1/usage", CORE),
    Route("/v1/provider-keys", CORE, subtree=True),
    Route("/v1/specs", CORE, subtree=True),
    # The MCP server (Streamable HTTP): one endpoint, authenticated like /v1.
    Route("/mcp", CORE),
    # Live previews: outside /v1, so no access token is asked for; the signed
    # token in the path is checked by core (rate and size limits still apply).
    Route("/preview", CORE, subtree=True),
)


def has_dot_segments(path: str) -> bool:
    """True for paths with ``.`` or ``..`` segments (never routed: no traversal)."""
    return any(segment in (".", "..") for segment in path.split("/"))


class RoutingTable:
    def __init__(self, routes: Iterable[Route] = DEFAULT_ROUTES) -> None:
        self.routes = tuple(routes)

    @property
    def upstreams(self) -> frozenset[str]:
        return frozenset(route.upstream for route in self.routes)

    def resolve(self, path: str) -> str | None:
        """The upstream serving this (decoded) path, or None when none does."""
        if not path.startswith("/") or has_dot_segments(path):
            return None
        for route in self.routes:
            if route.matches(path):
                return route.upstream
        return None


def path_matches(pattern: str, path: str) -> bool:
    """Configuration path patterns: exact, or ``prefix/*`` for the prefix and below."""
    if pattern.endswith("/*"):
        prefix = pattern[:-2]
        return path == prefix or path.startswith(prefix + "/")
    return path == pattern


def route_label(routes: RoutingTable, path: str) -> str:
    """A bounded-cardinality label for metrics: the matching route, never the raw path."""
    if path in ("/livez", "/readyz", "/metrics"):
        return path
    for route in routes.routes:
        if route.matches(path):
            return route.path + ("/*" if route.subtree and path != route.path else "")
    return "unrouted"
