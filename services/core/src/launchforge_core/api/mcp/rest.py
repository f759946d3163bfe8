"""The MCP tools' way into core: core's own REST routes, called in-process.

Each tool forwards the caller's ``Authorization`` header to the same route a
REST client would use (over ``httpx.ASGITransport``, no network), so scopes,
ownership (someone else's project is the same 404 as a missing one),
validation and quotas are exactly the REST API's. A problem+json answer
becomes an MCP tool error carrying the problem's detail.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx
from mcp.server.mcpserver.exceptions import ToolError

# The headers worth carrying into the in-process call: who is asking, and the
# ids that tie its log lines to the MCP request's.
_FORWARDED = ("authorization", "x-request-id", "traceparent")


class RestError(ToolError):
    """A non-2xx REST answer, as the tool error an MCP client sees."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        self.status = status
        self.problem = dict(problem)
        super().__init__(_message(status, problem))


def _message(status: int, problem: Mapping[str, Any]) -> str:
    title = problem.get("title") or "Error"
    detail = problem.get("detail") or ""
    text = f"{status} {title}: {detail}" if detail else f"{status} {title}"
    # 422s locate each problem; a change that cannot be applied says what it understood.
    for key in ("errors", "understood"):
        if problem.get(key):
            text += f"\n{key}: {json.dumps(problem[key], default=str)[:4000]}"
    return text


class CoreRest:
    """One MCP request's view of core's REST API, as that request's caller."""

    def __init__(self, client: httpx.AsyncClient, headers: Mapping[str, str] | None) -> None:
        self.client = client
        self.headers = {
            name: value for name, value in (headers or {}).items() if name.lower() in _FORWARDED
        }

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """The route's answer when it is a success; otherwise a ``RestError``."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        response = await self.client.request(
            method, path, json=json_body, params=query, headers=self.headers
        )
        if response.is_success:
            return response
        try:
            problem = response.json()
        except ValueError:
            problem = {}
        if not isinstance(problem, dict):
            problem = {}
        raise RestError(response.status_code, problem)

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return (await self.request(method, path, **kwargs)).json()
