"""Request id: accepted from the caller when well-formed, otherwise generated.

The shared :class:`~launchforge_common.middleware.RequestContextMiddleware`
does exactly what the gateway needs: it puts the id in the request-id
contextvar (which the proxy forwards upstream as ``X-Request-ID``), writes it
on every response (overwriting any upstream value, so the client always sees
the id the gateway used), logs one access line per request, and turns an
escaped exception into a problem+json 500 that still carries the id.
"""

from __future__ import annotations

from launchforge_common.middleware import RequestContextMiddleware


class RequestIdMiddleware(RequestContextMiddleware):
    """The gateway's outermost layer (see the module docstring)."""
