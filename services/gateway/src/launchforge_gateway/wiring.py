"""What the edge middleware needs from the gateway, handed to it explicitly.

The middleware used to look the gateway up in the lifespan state
(``scope["state"]``) on every request, and the rate limiter let requests
through when it found none: a missing wire failed open. Now each layer is
given this object when the stack is built, and a resource that is absent
when a request arrives (before startup, after shutdown) is answered with a
503 problem+json, never passed through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from launchforge_gateway.authn import EdgeAuthenticator
    from launchforge_gateway.ratelimit import RateLimiter


class EdgeResources(Protocol):
    """The connection-holding parts made at startup (the :class:`Gateway` is one)."""

    @property
    def rate_limiter(self) -> RateLimiter | None: ...

    @property
    def authenticator(self) -> EdgeAuthenticator | None: ...
