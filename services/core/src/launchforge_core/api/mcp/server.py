"""LaunchForge's MCP tools: projects, builds, changes, versions and files for AI clients.

Every tool is a thin call to the REST route that does the same thing (see
``rest.py``), made as the MCP request's caller, so an API key's scopes, the
ownership rules and the validation are the REST API's own. The scope each
tool needs is in its description.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI
from mcp.server.mcpserver import Context, MCPServer
from mcp.types import ToolAnnotations
from pydantic import Field

from launchforge_core.api.mcp.rest import CoreRest
from launchforge_core.api.mcp.schemas import (
    BuildEvent,
    BuildProgress,
    DownloadLink,
    FileContent,
    VersionPage,
)
from launchforge_core.api.state import app_state
from launchforge_core.models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from launchforge_core.pipeline.types import Theme
from launchforge_core.repositories.events import TERMINAL_STATUSES
from launchforge_core.schemas.builds import (
    MAX_FEATURES,
    BuildPublic,
    FileTree,
    LLMProvider,
)
from launchforge_core.schemas.projects import ProjectPage, ProjectPublic
from launchforge_core.services import events
from launchforge_core.services.pagination import MAX_CURSOR_LENGTH

INSTRUCTIONS = (
    "LaunchForge turns an app idea into a runnable app (FastAPI backend, a web page and its "
    "own tests). Create a project, start_build with an idea, follow it with get_build "
    "(pass the last event id back as after_event_id, with wait_seconds to long-poll) until "
    "finished, then list_files / get_file or get_download_link. request_change makes the "
    "next version from a plain-language request; list_versions shows them all."
)

# Long polls stay well under the gateway's upstream read timeout (30 s by default).
MAX_WAIT_SECONDS = 20.0

ProjectId = Annotated[uuid.UUID, Field(description="The project's id.")]
BuildId = Annotated[uuid.UUID, Field(description="The build's (version's) id.")]
Limit = Annotated[int, Field(ge=1, le=100, description="At most this many items.")]
Cursor = Annotated[
    str | None,
    Field(max_length=MAX_CURSOR_LENGTH, description="next_cursor of the previous page."),
]
Model = Annotated[
    str | None,
    Field(max_length=200, description="The provider's model name (its default when omitted)."),
]
ProviderChoice = Annotated[
    LLMProvider | None,
    Field(
        description=(
            "An LLM provider whose key is stored in LaunchForge; omitted: the built-in "
            "deterministic generator (no key needed)."
        )
    ),
]

_READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
_WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)


def build_mcp_server(app: FastAPI) -> MCPServer:
    """The MCP server whose tools call ``app``'s routes through ``CoreState.mcp_rest``."""
    server: MCPServer = MCPServer(
        "launchforge", title="LaunchForge", instructions=INSTRUCTIONS, version="0.1.0"
    )

    def rest(ctx: Context) -> CoreRest:
        client = app_state(app).mcp_rest
        if client is None:
            raise RuntimeError("the MCP tools' REST client is not open")
        return CoreRest(client, ctx.headers)

    def tool(
        description: str, annotations: ToolAnnotations
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return server.tool(description=description, annotations=annotations)

    @tool("List your projects, newest first. Scope: projects:read.", _READ)
    async def list_projects(ctx: Context, limit: Limit = 20, cursor: Cursor = None) -> ProjectPage:
        page = await rest(ctx).json(
            "GET", "/v1/projects", params={"limit": limit, "cursor": cursor}
        )
        return ProjectPage.model_validate(page)

    @tool("Create a project (an app to build). Scope: projects:write.", _WRITE)
    async def create_project(
        ctx: Context,
        name: Annotated[
            str, Field(min_length=1, max_length=NAME_MAX_LENGTH, description="Its name.")
        ],
        description: Annotated[str | None, Field(max_length=DESCRIPTION_MAX_LENGTH)] = None,
    ) -> ProjectPublic:
        body = {"name": name, "description": description}
        return ProjectPublic.model_validate(
            await rest(ctx).json("POST", "/v1/projects", json_body=body)
        )

    @tool(
        "Start a build of a project from an app idea, or from an explicit spec (entities, "
        "fields, relations) with the idea as its description. Returns the queued build; "
        "follow it with get_build. Scope: builds:write.",
        _WRITE,
    )
    async def start_build(
        ctx: Context,
        project_id: ProjectId,
        idea: Annotated[
            str, Field(min_length=5, max_length=5000, description="The app, in plain words.")
        ],
        spec: Annotated[
            dict[str, Any] | None,
            Field(description="A LaunchForge spec to build as given (checked first)."),
        ] = None,
        target_users: Annotated[str | None, Field(max_length=500)] = None,
        features: Annotated[list[str] | None, Field(max_length=MAX_FEATURES)] = None,
        theme: Theme = "modern",
        provider: ProviderChoice = None,
        model: Model = None,
    ) -> BuildPublic:
        body: dict[str, Any] = {
            "idea": idea,
            "theme": theme,
            "provider": provider or "offline",
            **_present(spec=spec, target_users=target_users, features=features, model=model),
        }
        answer = await rest(ctx).json("POST", f"/v1/projects/{project_id}/builds", json_body=body)
        return BuildPublic.model_validate(answer)

    @tool(
        "A build's status, stages, error, and its progress events after after_event_id. "
        "With wait_seconds, waits that long for news when there is none yet (a long poll): "
        "call again with last_event_id until finished. Scope: builds:read.",
        _READ,
    )
    async def get_build(
        ctx: Context,
        build_id: BuildId,
        after_event_id: Annotated[int, Field(ge=0, le=2**62)] = 0,
        wait_seconds: Annotated[float, Field(ge=0, le=MAX_WAIT_SECONDS)] = 0,
        max_events: Annotated[int, Field(ge=1, le=500)] = 200,
    ) -> BuildProgress:
        caller = rest(ctx)
        # The REST read checks the scope and that the build is the caller's.
        build = BuildPublic.model_validate(await caller.json("GET", f"/v1/builds/{build_id}"))
        # Not the SSE route: its stream lasts as long as the build, and an in-process
        # call reads a whole body before answering. The same events, from the table.
        state = app_state(app)
        ended_before = build.status in TERMINAL_STATUSES
        found = await events.collect(
            state.sessionmaker,
            state.redis,
            state.redis_health,
            build_id,
            after=after_event_id,
            wait=0 if ended_before else wait_seconds,
            limit=max_events,
            poll=state.settings.sse_poll_seconds,
        )
        if found:
            build = BuildPublic.model_validate(await caller.json("GET", f"/v1/builds/{build_id}"))
        return BuildProgress(
            build=build,
            events=[BuildEvent.model_validate(e) for e in found],
            last_event_id=found[-1]["id"] if found else after_event_id,
            # Finished only when the build had ended *before* its events were read (its
            # terminal event commits with its terminal state) and none was left out by
            # ``max_events``: a build ending while they are read is finished next call.
            finished=ended_before and len(found) < max_events,
        )

    @tool(
        'Ask for a change to a project\'s app in plain words ("add a priority to tasks"): '
        "makes a new build (the next version) from the current one, or from base_build_id. "
        "A request that cannot be applied is an error listing what was understood. "
        "Scope: builds:write.",
        _WRITE,
    )
    async def request_change(
        ctx: Context,
        project_id: ProjectId,
        request: Annotated[
            str, Field(min_length=1, max_length=5000, description="The change, in plain words.")
        ],
        base_build_id: Annotated[
            uuid.UUID | None, Field(description="The version to change (default: the current).")
        ] = None,
        provider: ProviderChoice = None,
        model: Model = None,
    ) -> BuildPublic:
        body = {
            "request": request,
            **_present(base_build_id=base_build_id, provider=provider, model=model),
        }
        answer = await rest(ctx).json("POST", f"/v1/projects/{project_id}/changes", json_body=body)
        return BuildPublic.model_validate(answer)

    @tool(
        "A project's versions, newest first: each with its number, build id, origin "
        "(idea, change, restore, retry), request, status, and whether it is current. "
        "Scope: builds:read.",
        _READ,
    )
    async def list_versions(
        ctx: Context, project_id: ProjectId, limit: Limit = 20, cursor: Cursor = None
    ) -> VersionPage:
        page = await rest(ctx).json(
            "GET", f"/v1/projects/{project_id}/versions", params={"limit": limit, "cursor": cursor}
        )
        return VersionPage.model_validate(page)

    @tool(
        "The files a finished build generated (paths, sizes, sha256). Scope: builds:read.",
        _READ,
    )
    async def list_files(ctx: Context, build_id: BuildId) -> FileTree:
        return FileTree.model_validate(await rest(ctx).json("GET", f"/v1/builds/{build_id}/files"))

    @tool(
        "One generated file's content (text as utf-8, anything else as base64). "
        "Scope: builds:read.",
        _READ,
    )
    async def get_file(
        ctx: Context,
        build_id: BuildId,
        path: Annotated[
            str,
            Field(min_length=1, max_length=1000, description="As list_files gives it."),
        ],
    ) -> FileContent:
        response = await rest(ctx).request(
            "GET", f"/v1/builds/{build_id}/files/{quote(path, safe='/')}"
        )
        data = response.content
        if response.headers.get("content-type", "").startswith("text/"):
            return FileContent(
                build_id=build_id,
                path=path,
                size=len(data),
                encoding="utf-8",
                content=data.decode("utf-8"),
            )
        return FileContent(
            build_id=build_id,
            path=path,
            size=len(data),
            encoding="base64",
            content=base64.b64encode(data).decode("ascii"),
        )

    @tool(
        "Where to download a build's zip: a GET on the LaunchForge gateway with the same "
        "Authorization header (Bearer lf_... key) as this MCP connection; the link holds no "
        "secret. Scope: builds:read.",
        _READ,
    )
    async def get_download_link(ctx: Context, build_id: BuildId) -> DownloadLink:
        build = BuildPublic.model_validate(await rest(ctx).json("GET", f"/v1/builds/{build_id}"))
        path = f"/v1/builds/{build.id}/download"
        base = _public_base(ctx.headers or {})
        return DownloadLink(
            build_id=build.id,
            status=build.status,
            path=path,
            url=base + path if base else None,
            auth="Send 'Authorization: Bearer <the same lf_ key>' with the GET.",
        )

    return server


def _present(**values: Any) -> dict[str, Any]:
    """The optional fields that were given (JSON-ready), so REST defaults apply to the rest."""
    return {
        k: str(v) if isinstance(v, uuid.UUID) else v for k, v in values.items() if v is not None
    }


def _public_base(headers: Any) -> str | None:
    """The caller's view of the origin: the gateway's X-Forwarded-* first, else Host."""
    host = headers.get("x-forwarded-host") or headers.get("host")
    if not host:
        return None
    proto = headers.get("x-forwarded-proto") or "http"
    return f"{proto.split(',')[0].strip()}://{host.split(',')[0].strip()}"
