"""RFC 9457 problem details: domain errors and the handlers that render them.

Services raise the errors below; one set of handlers turns them (and
validation errors, HTTP errors and anything unexpected) into
``application/problem+json``. No stack trace or internal detail ever reaches
a response: unexpected errors are logged with the request id and answered
with a generic 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from launchforge_common.context import current_request_id

PROBLEM_CONTENT_TYPE = "application/problem+json"

logger = logging.getLogger("launchforge.errors")


def problem_body(
    status: int,
    *,
    title: str | None = None,
    detail: str | None = None,
    type_: str = "about:blank",
    instance: str | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    rid = current_request_id()
    if rid:
        body["request_id"] = rid
    body.update(extensions)
    return body


def problem_response(
    status: int,
    *,
    title: str | None = None,
    detail: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, title=title, detail=detail, **extensions),
        status_code=status,
        headers=dict(headers or {}),
        media_type=PROBLEM_CONTENT_TYPE,
    )


class ProblemError(Exception):
    """A domain error that maps to one problem+json response."""

    status: int = 500
    title: str = "Internal Server Error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        if title:
            self.title = title
        self.headers = dict(headers or {})
        self.extensions = extensions

    def to_response(self) -> JSONResponse:
        return problem_response(
            self.status,
            title=self.title,
            detail=self.detail,
            headers=self.headers,
            **self.extensions,
        )


class BadRequestError(ProblemError):
    status, title = 400, "Bad Request"


class UnauthorizedError(ProblemError):
    status, title = 401, "Unauthorized"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("WWW-Authenticate", 'Bearer realm="launchforge"')
        super().__init__(detail, headers=headers, **kwargs)


class PaymentRequiredError(ProblemError):
    status, title = 402, "Payment Required"


class ForbiddenError(ProblemError):
    status, title = 403, "Forbidden"


class NotFoundError(ProblemError):
    status, title = 404, "Not Found"


class ConflictError(ProblemError):
    status, title = 409, "Conflict"


class TooManyRequestsError(ProblemError):
    status, title = 429, "Too Many Requests"


class ServiceUnavailableError(ProblemError):
    status, title = 503, "Service Unavailable"


# At most this many field errors per 422: a body with 50 000 unknown keys
# must not be answered with 50 000 errors (a 4 MB reply to a 1 MB request).
MAX_REPORTED_ERRORS = 20


def _validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Field errors without the offending input (it may be a password)."""
    out: list[dict[str, Any]] = []
    for err in errors[:MAX_REPORTED_ERRORS]:
        out.append(
            {
                "loc": [str(p) for p in err.get("loc", ())],
                "msg": str(err.get("msg", "")),
                "type": str(err.get("type", "")),
            }
        )
    return out


async def _handle_problem(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return exc.to_response()


async def _handle_validation(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    extensions: dict[str, Any] = {"errors": _validation_errors(errors)}
    if len(errors) > MAX_REPORTED_ERRORS:
        extensions["errors_omitted"] = len(errors) - MAX_REPORTED_ERRORS
    return problem_response(
        422,
        title="Unprocessable Content",
        detail="The request body or parameters are invalid.",
        **extensions,
    )


async def _handle_http(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail: str | None = exc.detail if isinstance(exc.detail, str) else None
    if detail == HTTPStatus(exc.status_code).phrase:
        detail = None
    return problem_response(exc.status_code, detail=detail, headers=exc.headers)


# SQLSTATEs of a database that is going away or cannot take a connection now:
# class 08 (connection exception), 57P01-57P03 (shutting down, crashed, not yet
# accepting connections during start-up or shut-down) and 53300 (too many
# connections). asyncpg raises them as plain PostgresErrors, which SQLAlchemy
# wraps in a bare DBAPIError, not an OperationalError.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code if isinstance(code, str) else None


def is_database_unavailable(exc: BaseException) -> bool:
    """The database is away (restarting, shutting down, full), not the query at fault."""
    if not isinstance(exc, DBAPIError):
        return False
    if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated:
        return True
    code = _sqlstate(exc)
    return code is not None and code.startswith(_UNAVAILABLE_SQLSTATES)


def is_data_exception(exc: BaseException) -> bool:
    """SQLSTATE class 22 ("data exception"): the input is at fault, not the database.

    A NUL character or an unpaired surrogate in a string, or an integer out of
    range, passes validation as ordinary text or numbers and is refused only
    by PostgreSQL (or asyncpg, encoding the parameter).
    """
    code = _sqlstate(exc)
    return isinstance(exc, DBAPIError) and code is not None and code.startswith("22")


async def _handle_database_unavailable(_: Request, exc: Exception) -> Response:
    """A database outage or a full pool: fail fast with 503, never hang or 500.

    A value the database cannot store or compare is the client's mistake: 422.
    """
    if is_data_exception(exc):
        logger.info("value refused by the database: %s", type(getattr(exc, "orig", exc)).__name__)
        return problem_response(
            422,
            title="Unprocessable Content",
            detail=(
                "A value in the request cannot be stored or compared (for example a NUL "
                "character, an unpaired surrogate or a number out of range)."
            ),
            # Which field it was, the database does not say.
            errors=[],
        )
    if isinstance(exc, DBAPIError) and not is_database_unavailable(exc):
        return await handle_unexpected(exc)
    logger.warning("database unavailable: %s", type(exc).__name__)
    return problem_response(
        503,
        detail="A backing service is temporarily unavailable; retry shortly.",
        headers={"Retry-After": "1"},
    )


async def handle_unexpected(exc: BaseException) -> Response:
    logger.error("unhandled error", exc_info=exc)
    return problem_response(500, detail="An unexpected error occurred.")


def install_error_handlers(app: FastAPI) -> None:
    """Register every problem+json handler on a FastAPI app."""
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    for exc_type in (OperationalError, InterfaceError, PoolTimeoutError, DBAPIError):
        app.add_exception_handler(exc_type, _handle_database_unavailable)
    app.add_exception_handler(ConnectionError, _handle_database_unavailable)
