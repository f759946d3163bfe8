"""A database that is shutting down or starting up is a 503, never a 500.

Found by the PostgreSQL restart drill: while PostgreSQL shut down, a new
connection was refused with SQLSTATE 57P03 ("the database system is shutting
down"). asyncpg raises that as a plain ``PostgresError`` that SQLAlchemy wraps
in a bare ``DBAPIError``, which the handlers answered 500.

The shared PostgreSQL here cannot be shut down under a unit test, so a
listener that speaks just enough of the PostgreSQL wire protocol stands in
for one in that state: it answers the start-up message the way PostgreSQL
does while it shuts down. The restart drill checks the real thing.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from launchforge_common.errors import is_database_unavailable
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

SSL_REQUEST_CODE = 80877103


def error_response(sqlstate: str, message: str) -> bytes:
    """A FATAL ErrorResponse message of the PostgreSQL protocol (version 3)."""
    fields = b"".join(
        tag + value.encode() + b"\0"
        for tag, value in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", sqlstate), (b"M", message))
    )
    body = fields + b"\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


@asynccontextmanager
async def refusing_database(sqlstate: str, message: str) -> AsyncIterator[int]:
    """Listen on a free port; refuse every start-up with the given error."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                length, code = struct.unpack("!II", await reader.readexactly(8))
                await reader.readexactly(length - 8)
                if code == SSL_REQUEST_CODE:
                    writer.write(b"N")  # no TLS; the client sends its start-up next
                    continue
                writer.write(error_response(sqlstate, message))
                await writer.drain()
                return
        except asyncio.IncompleteReadError:
            return
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield port


def with_count(app: FastAPI) -> FastAPI:
    @app.get("/count")
    async def count() -> dict[str, int]:
        async with app.state.sessionmaker() as session:
            return {"n": int(await session.scalar(text("SELECT 1")) or 0)}

    return app


@pytest.mark.parametrize(
    ("sqlstate", "message"),
    [
        ("57P03", "the database system is shutting down"),
        ("57P03", "the database system is starting up"),
        ("53300", "sorry, too many clients already"),
    ],
    ids=["shutting-down", "starting-up", "too-many-clients"],
)
async def test_a_database_refusing_connections_is_a_503(
    sqlstate: str, message: str, app_on_database: Callable[[str], FastAPI]
) -> None:
    async with refusing_database(sqlstate, message) as port:
        app = with_count(app_on_database(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/x"))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                response = await http.get("/count")
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert message not in response.text


async def test_the_refusal_arrives_as_a_bare_dbapi_error(
    app_on_database: Callable[[str], FastAPI],
) -> None:
    """Why the SQLSTATE is read: the exception class alone does not say 'unavailable'."""
    async with refusing_database("57P03", "the database system is shutting down") as port:
        app = with_count(app_on_database(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/x"))
        async with app.router.lifespan_context(app), app.state.sessionmaker() as session:
            with pytest.raises(DBAPIError) as caught:
                await session.execute(text("SELECT 1"))
    assert type(caught.value) is DBAPIError
    assert is_database_unavailable(caught.value)


def test_a_query_error_is_not_an_outage() -> None:
    class Orig(Exception):
        sqlstate = "42601"  # syntax error

    error = DBAPIError("SELECT", None, Orig())
    assert not is_database_unavailable(error)
    assert not is_database_unavailable(ValueError("not a database error"))
