"""Security headers on every response, the gateway's own errors included.

Headers an upstream already set are kept (a future web app may need its own
CSP); the rest are added. ``X-XSS-Protection: 0`` turns off the legacy XSS
auditor, which itself enabled attacks; CSP replaces it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from launchforge_gateway.config import GatewaySettings


def security_headers(settings: GatewaySettings) -> list[tuple[bytes, bytes]]:
    headers = {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "permissions-policy": (
            "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
            "microphone=(), payment=(), usb=(), interest-cohort=()"
        ),
        "content-security-policy": settings.content_security_policy,
        "x-xss-protection": "0",
        "cross-origin-opener-policy": "same-origin",
    }
    if settings.hsts_max_age:
        value = f"max-age={settings.hsts_max_age}"
        if settings.hsts_include_subdomains:
            value += "; includeSubDomains"
        if settings.hsts_preload:
            value += "; preload"
        headers["strict-transport-security"] = value
    return [(name.encode(), value.encode("latin-1")) for name, value in headers.items()]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        self.app = app
        self.headers = security_headers(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message["headers"]}
                extra = [(n, v) for n, v in self.headers if n not in present]
                message["headers"] = [*message["headers"], *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
