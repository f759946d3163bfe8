"""``/preview/{build_id}/{token}/{path}``: a running preview, reached by its signed URL.

No access token here (the gateway routes ``/preview`` without one): the
token in the path is the credential (``services/previews.PreviewTokens``).
A bad, expired or foreign token, or a preview that is not running, is 404.
The request is streamed to the worker running the preview, which forwards
it to the app's socket.

The app is hostile code served on the platform's origin, so every answer is
made harmless here, whatever the app sent:

- its own ``Content-Security-Policy`` starts with ``sandbox allow-scripts
  allow-forms``: the page runs in an opaque origin, so it can never read the
  platform's storage or cookies or call its API as the user; it may be
  framed only by the platform's own pages (``frame-ancestors 'self'``);
- ``Set-Cookie`` and the other headers that act on the whole origin are
  dropped; only a short list of request headers is passed on (never the
  platform's cookies or an ``Authorization``);
- the opaque-origin page's fetches are CORS requests: answered with
  ``Access-Control-Allow-Origin: *`` and no credentials (the path is the
  credential), preflights included.
"""

from __future__ import annotations

import uuid

import httpx
from fastapi import APIRouter, Request
from launchforge_common.errors import NotFoundError, problem_response
from starlette.background import BackgroundTask
from starlette.responses import RedirectResponse, Response, StreamingResponse

from launchforge_core.api.deps import SessionDep
from launchforge_core.api.state import core_state
from launchforge_core.services.previews import PreviewService, preview_not_found

router = APIRouter(include_in_schema=False)


def has_dot_segments(path: str) -> bool:
    return any(segment in (".", "..") for segment in path.split("/"))


PREVIEW_CSP = "; ".join(
    [
        "sandbox allow-scripts allow-forms",
        "default-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Length, Content-Type",
}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": ", ".join(METHODS),
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "600",
}
SAFETY = {
    "Content-Security-Policy": PREVIEW_CSP,
    "X-Frame-Options": "SAMEORIGIN",
    # The page's own scripts and styles are no-cors loads from an opaque origin.
    "Cross-Origin-Resource-Policy": "cross-origin",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# What of the browser's request the app sees.
_PASS_REQUEST = frozenset(
    {
        "accept",
        "accept-language",
        "content-type",
        "if-match",
        "if-none-match",
        "if-modified-since",
        "range",
        "user-agent",
    }
)
# What of the app's answer the browser sees (the rest is ours or dropped).
_PASS_RESPONSE = frozenset(
    {
        "content-type",
        "content-encoding",
        "content-language",
        "content-range",
        "accept-ranges",
        "etag",
        "last-modified",
        "location",
        "allow",
        "retry-after",
        "vary",
    }
)


def _with(headers: dict[str, str], response: Response) -> Response:
    response.headers.update(headers)
    return response


@router.api_route("/preview/{build_id}/{token}", methods=[*METHODS, "OPTIONS"])
async def preview_root(build_id: uuid.UUID, token: str) -> Response:
    """The page's relative URLs need the trailing slash."""
    return _with(
        {**SAFETY, **CORS}, RedirectResponse(f"/preview/{build_id}/{token}/", status_code=308)
    )


@router.api_route("/preview/{build_id}/{token}/{path:path}", methods=[*METHODS, "OPTIONS"])
async def preview(
    build_id: uuid.UUID, token: str, path: str, request: Request, session: SessionDep
) -> Response:
    state = core_state(request)
    service = PreviewService(session, state.settings, state.preview_tokens)
    try:
        target = await service.target(build_id=build_id, token=token)
        if has_dot_segments(path):
            # httpx removes dot segments when it builds the worker's URL: "a/../../<id>"
            # would reach *another* preview on that worker. The gateway never routes
            # such a path; core refuses it too, whoever sends it.
            raise preview_not_found()
    except NotFoundError as missing:
        return _with({**SAFETY, **CORS}, missing.to_response())
    await service.release()
    if request.method == "OPTIONS":
        return _with({**SAFETY, **PREFLIGHT}, Response(status_code=204))
    headers = {k: v for k, v in request.headers.items() if k.lower() in _PASS_REQUEST}
    internal = state.settings.internal_token
    if internal is not None:
        headers["X-Internal-Token"] = internal.get_secret_value()
    http = state.preview_http
    upstream = http.build_request(
        request.method,
        f"{target.internal_url}/{target.preview_id}/{path}",
        params=request.url.query,
        headers=headers,
        content=request.stream(),
    )
    try:
        answer = await http.send(upstream, stream=True)
    except httpx.HTTPError:
        return _with(
            {**SAFETY, **CORS},
            problem_response(502, detail="The preview did not answer; it may have stopped."),
        )
    if answer.status_code == 404 and answer.headers.get("x-preview-missing") == "1":
        await answer.aclose()
        return _with({**SAFETY, **CORS}, preview_not_found().to_response())
    response = StreamingResponse(
        answer.aiter_raw(), status_code=answer.status_code, background=BackgroundTask(answer.aclose)
    )
    response.raw_headers = [
        (k.encode("latin-1"), v.encode("latin-1"))
        for k, v in answer.headers.multi_items()
        if k.lower() in _PASS_RESPONSE
    ]
    return _with({**SAFETY, **CORS}, response)
