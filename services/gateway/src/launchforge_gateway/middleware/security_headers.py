"""Security headers on every response, the gateway's own errors included.

They are stamped by the outermost layer's one ``send`` wrapper
(``RequestIdMiddleware``, see ``middleware/__init__.py``). Headers an
upstream already set are kept (a future web app may need its own
CSP); the rest are added. ``X-XSS-Protection: 0`` turns off the legacy XSS
auditor, which itself enabled attacks; CSP replaces it.
"""

from __future__ import annotations

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
