"""Error answers in the services' OpenAPI: every one documented as problem+json.

FastAPI documents only the success answer and a 422 in its own
``HTTPValidationError`` shape, served as ``application/json``. Our errors are
RFC 9457 ``application/problem+json`` (see :mod:`launchforge_common.errors`),
so a client (or schemathesis) reading the spec would call each real 401, 404
or 422 a contract violation. :func:`install_problem_openapi` rewrites the
generated document once: every 4xx/5xx answer a route declares (routers list
theirs with :func:`problem_responses`) gets the :class:`Problem` schema, the
422 gets :class:`ValidationProblem`, and every operation also documents the
answers any request can get: 429 (the gateway's rate limits) and 503 (a
backing service is down), and, when it takes a body, 400 (a body that cannot
even be decoded, e.g. invalid UTF-8, as opposed to a 422 for a malformed or
invalid document).
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import models_json_schema

from launchforge_common.errors import PROBLEM_CONTENT_TYPE

REF = "#/components/schemas/{model}"
# Any operation may answer these, whatever the route: rate limited at the
# gateway (or auth's login lockout), or a database/Redis/auth outage.
ALWAYS_POSSIBLE = (429, 503)
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


class Problem(BaseModel):
    """RFC 9457 problem details; extension members (e.g. ``provider``) may follow."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None


class FieldError(BaseModel):
    """One invalid field; the offending input itself is never echoed."""

    loc: list[str]
    msg: str
    type: str


class ValidationProblem(Problem):
    """A 422: the request body or parameters did not validate."""

    errors: list[FieldError]


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route or router: the error statuses it can answer."""
    return {status: {"description": HTTPStatus(status).phrase} for status in statuses}


def _is_error(status: str) -> bool:
    return status[:1] in ("4", "5")


def _problem_content(status: str) -> dict[str, Any]:
    model = ValidationProblem if status == "422" else Problem
    ref = REF.format(model=model.__name__)
    return {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": ref}}}


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a generated OpenAPI document in place (see the module docstring)."""
    _, definitions = models_json_schema(
        [(Problem, "serialization"), (ValidationProblem, "serialization")], ref_template=REF
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(definitions.get("$defs", {}))
    # FastAPI's own 422 shape is never served; drop it with its references.
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _HTTP_METHODS:
                continue
            responses: dict[str, Any] = operation.setdefault("responses", {})
            always = (*ALWAYS_POSSIBLE, 400) if "requestBody" in operation else ALWAYS_POSSIBLE
            for code in always:
                responses.setdefault(str(code), {"description": HTTPStatus(code).phrase})
            for status, response in responses.items():
                if _is_error(status):
                    response["content"] = _problem_content(status)
    return schema


def install_problem_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the rewritten document (built once, then cached)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
