"""A cap on the event streams one principal holds open at once (per replica).

Each open SSE stream holds a connection to the upstream for as long as it
lasts; without a cap one client could open enough to use up the stream pool.
The count is per gateway replica, in process (a stream is bound to the
replica it was opened on, so no shared state is needed to count it): with N
replicas a principal holds at most N times ``GATEWAY_STREAMS_PER_PRINCIPAL``.
"""

from __future__ import annotations

from collections import Counter

from launchforge_common.errors import problem_response
from launchforge_common.ip_bucket import ip_bucket
from starlette.types import ASGIApp, Receive, Scope, Send

from launchforge_gateway.config import GatewaySettings
from launchforge_gateway.middleware.auth import principal_of
from launchforge_gateway.proxy import is_stream


class StreamLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        self.app = app
        self.limit = settings.streams_per_principal
        self.trusted = settings.proxy_trust
        self.open: Counter[str] = Counter()

    def _owner(self, scope: Scope) -> str:
        principal = principal_of(scope)
        if principal is not None:
            return "user:" + principal.user_id  # a user's keys share the user's count
        return "ip:" + ip_bucket(self.trusted.client_ip(scope))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_stream(scope):
            await self.app(scope, receive, send)
            return
        owner = self._owner(scope)
        if self.open[owner] >= self.limit:
            await problem_response(
                429,
                detail=f"At most {self.limit} event streams may be open at once; close one.",
                headers={"Retry-After": "5"},
            )(scope, receive, send)
            return
        self.open[owner] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.open[owner] -= 1
            if self.open[owner] <= 0:
                del self.open[owner]
