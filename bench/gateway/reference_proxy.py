"""The yardstick of ``make bench-gateway``: the least a rate-limited proxy can do.

Raw ASGI, one pooled aiohttp session to the upstream, one EVALSHA of a GCRA
script against the real Redis per request, no other feature: the setup
../shared/notes/gateway-performance.md measured at 222 us of CPU per request
(where issue 3's 250 us goal comes from). Measured in the same run as the
gateway, it shows what that goal costs on this machine at this moment, so a
loaded machine does not pass for a slow gateway or the reverse.

Configured by environment: REFERENCE_UPSTREAM (base URL), REDIS_URL.
"""

from __future__ import annotations

import os
from typing import Any

import aiohttp
from redis.asyncio import Redis

UPSTREAM = os.environ.get("REFERENCE_UPSTREAM", "http://127.0.0.1:8002")
GCRA = """
local now = redis.call('TIME')
local t = tonumber(now[1]) * 1000000 + tonumber(now[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), t)
local new_tat = tat + tonumber(ARGV[1])
if new_tat - tonumber(ARGV[2]) > t then return 0 end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - t) / 1000))
return 1
"""
_state: dict[str, Any] = {}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                redis = Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
                _state["script"] = redis.register_script(GCRA)
                _state["redis"] = redis
                _state["session"] = aiohttp.ClientSession()
            else:
                await _state["session"].close()
                await _state["redis"].aclose()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    if scope["path"] == "/livez":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
        return
    if not await _state["script"](keys=["{bench}:reference"], args=[1, 10**12]):
        await send({"type": "http.response.start", "status": 429, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    async with _state["session"].get(UPSTREAM + scope["path"]) as response:
        body = await response.read()
        headers = [(k.lower(), v) for k, v in response.raw_headers]
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
