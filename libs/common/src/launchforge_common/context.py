"""Request-scoped context (the request id) carried in a contextvar.

A contextvar, not middleware state, so that log records and outgoing HTTP
calls made anywhere during the request see the same id.
"""

from __future__ import annotations

import random
import re
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"

# Caller-supplied ids are accepted only if they are short and plain, so that a
# hostile value can never inject into logs or response headers.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id() -> str:
    """128 random bits as 32 hex digits, the shape of a uuid4's hex.

    From ``random``, not the OS: an id only has to be unique (callers may send
    their own), and this saves a ``getrandom`` system call on every request.
    ``random`` reseeds itself in a forked child, so workers do not repeat ids.
    """
    return f"{random.getrandbits(128):032x}"


def accept_request_id(candidate: str | None) -> str:
    """The caller's id when it is well-formed, otherwise a fresh one."""
    if candidate and _VALID_REQUEST_ID.match(candidate):
        return candidate
    return new_request_id()


def current_request_id() -> str | None:
    return request_id_var.get()


def propagation_headers() -> dict[str, str]:
    """Headers to pass on to upstream calls made during this request."""
    rid = request_id_var.get()
    return {REQUEST_ID_HEADER: rid} if rid else {}
