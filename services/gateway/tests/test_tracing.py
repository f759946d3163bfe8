"""One trace from a client through the gateway and a service to its DB and Redis.

Gateway and service run in this process (uvicorn in threads) so that one
in-memory span exporter sees both; everything between them is real HTTP,
real PostgreSQL and real Redis. Tracing, once on, stays on in a process, so
this module only turns it on in the test process (the other tests' gateways
are subprocesses with tracing off).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import uvicorn
from launchforge_common.app import create_service_app, open_database, open_redis
from launchforge_common.settings import DatabaseSettings, ServiceSettings
from launchforge_common.testing import free_port, temporary_database
from launchforge_common.tracing import setup_tracing
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import text
from starlette.requests import Request

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


class ServiceUnderTraceSettings(ServiceSettings, DatabaseSettings):
    service_name: str = "core"


@contextmanager
def serve(app: Any) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        assert thread.is_alive(), "server died"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def test_one_trace_from_gateway_to_database_and_redis() -> None:
    from launchforge_gateway.app import create_app
    from launchforge_gateway.config import GatewaySettings

    exporter = InMemorySpanExporter()
    assert setup_tracing("launchforge-test", exporter=exporter)

    async with temporary_database(TEST_DATABASE_URL, "lf_test_gwtrace") as database_url:
        settings = ServiceUnderTraceSettings(database_url=database_url, log_json=False)

        @asynccontextmanager
        async def lifespan(app: Any) -> AsyncIterator[None]:
            async with open_database(app, settings), open_redis(app, settings):
                yield

        service = create_service_app(settings, title="traced", lifespan=lifespan)

        @service.get("/v1/projects/traced")
        async def traced(request: Request) -> dict[str, bool]:
            async with request.app.state.sessionmaker() as session:
                await session.execute(text("SELECT 1"))
            await request.app.state.redis.get(f"lf:trace-test:{uuid.uuid4().hex}")
            return {"ok": True}

        with serve(service) as service_url:
            gateway_settings = GatewaySettings(
                auth_url=service_url,
                core_url=service_url,
                edge_auth_enabled=False,
                rate_limit_key_prefix=f"lf:rltest:{uuid.uuid4().hex[:12]}",
                log_json=False,
            )
            with serve(create_app(gateway_settings)) as gateway_url:
                trace_id = uuid.uuid4().hex
                parent = uuid.uuid4().hex[:16]
                async with httpx.AsyncClient() as client:
                    response = await client.get(
                        f"{gateway_url}/v1/projects/traced",
                        headers={"traceparent": f"00-{trace_id}-{parent}-01"},
                    )
                assert response.status_code == 200
                await asyncio.sleep(0.2)  # server spans end after the last byte is sent

    spans = [s for s in exporter.get_finished_spans() if f"{s.context.trace_id:032x}" == trace_id]
    by_id = {s.context.span_id: s for s in spans}
    scopes = {s.instrumentation_scope.name for s in spans}
    assert "opentelemetry.instrumentation.asgi" in scopes
    assert "opentelemetry.instrumentation.aiohttp_client" in scopes
    assert "opentelemetry.instrumentation.sqlalchemy" in scopes
    assert "opentelemetry.instrumentation.redis" in scopes

    def chain(span: Any) -> list[Any]:
        out = [span]
        while span.parent is not None and span.parent.span_id in by_id:
            span = by_id[span.parent.span_id]
            out.append(span)
        return out

    servers = [s for s in spans if s.kind == SpanKind.SERVER]
    assert len(servers) == 2  # the gateway's and the service's
    gateway_server = next(s for s in servers if s.parent.span_id == int(parent, 16))
    service_server = next(s for s in servers if s is not gateway_server)
    hop = by_id[service_server.parent.span_id]  # the gateway's upstream call
    assert hop.instrumentation_scope.name == "opentelemetry.instrumentation.aiohttp_client"
    assert gateway_server in chain(hop)
    # The gateway's rate-limit EVALSHA (its pipelined client) is inside its own server span.
    assert any(
        s.instrumentation_scope.name == "launchforge_common.redis_pipeline"
        and s.name == "EVALSHA"
        and s.kind == SpanKind.CLIENT
        and s.attributes["db.system"] == "redis"
        and gateway_server in chain(s)
        and service_server not in chain(s)
        for s in spans
    )
    # The service's SELECT and GET hang under the service's server span.
    for name in ("opentelemetry.instrumentation.sqlalchemy", "opentelemetry.instrumentation.redis"):
        assert any(
            s.instrumentation_scope.name == name and service_server in chain(s) for s in spans
        ), name
