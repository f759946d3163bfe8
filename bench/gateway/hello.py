"""The trivial upstream of the gateway benchmark: raw ASGI, 20 bytes of JSON."""

from __future__ import annotations

from typing import Any

BODY = b'{"hello":"world!!!"}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", b"20")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    if scope["path"] == "/readyz":
        body = b'{"status":"ok","checks":{}}'
        headers = [(b"content-type", b"application/json"), (b"content-length", b"27")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
