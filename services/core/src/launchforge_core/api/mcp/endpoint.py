"""``/mcp``: the MCP server on its Streamable HTTP transport, behind core's own bearer check.

Stateless (a fresh transport per request, no session ids to keep), with
plain JSON answers: any replica can serve any request, like the REST API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from launchforge_common.errors import ProblemError, problem_response
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from launchforge_core.api.deps import get_current_principal
from launchforge_core.api.state import app_state

PATH = "/mcp"


class MCPEndpoint:
    """Pure ASGI: 401/503 problem+json before any MCP handling, else the MCP app.

    The caller is resolved exactly as on ``/v1`` (JWT, or an ``lf_`` key through
    auth's introspection); what the caller may then do is decided per tool by
    the REST routes the tools call.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            # Stateless: no session to DELETE and nothing to push on a GET stream
            # (the SDK would hold a GET open for nothing). The transport's spec
            # asks for a 405 then.
            refusal = problem_response(
                405, detail="This MCP endpoint takes POST only.", headers={"Allow": "POST"}
            )
            await refusal(scope, receive, send)
            return
        app: FastAPI = scope["app"]
        try:
            await get_current_principal(Request(scope))
        except ProblemError as exc:
            await exc.to_response()(scope, receive, send)
            return
        mcp_app = app_state(app).mcp_app
        if mcp_app is None:
            raise RuntimeError("the MCP session manager is not running")
        # A copy: the MCP app (a Starlette app) writes its own scope["app"].
        await mcp_app(dict(scope), receive, send)


@asynccontextmanager
async def serve_mcp(app: FastAPI, server: MCPServer) -> AsyncIterator[None]:
    """For the app's lifespan: a session manager (one per run) and the tools' REST client."""
    state = app_state(app)
    state.mcp_app = server.streamable_http_app(
        streamable_http_path=PATH,
        stateless_http=True,
        json_response=True,
        # The SDK's DNS-rebinding check (Host/Origin allow-lists) guards servers that
        # trust whoever can reach them; this one needs a bearer token a rebound page
        # cannot have, and the gateway in front sets Host and answers CORS.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://core.internal") as client,
        server.session_manager.run(),
    ):
        state.mcp_rest = client
        yield
