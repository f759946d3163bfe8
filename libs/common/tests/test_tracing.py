"""launchforge_common.tracing: off costs nothing; on, spans and traceparent flow.

Each case runs in a fresh interpreter: OpenTelemetry's tracer provider is
process-global, so a test that turns tracing on must not leak it into others.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_off_by_default_installs_nothing() -> None:
    out = run(
        """
        from contextlib import asynccontextmanager
        from opentelemetry import trace
        from launchforge_common.app import create_service_app
        from launchforge_common.http import create_http_client
        from launchforge_common.settings import ServiceSettings
        from launchforge_common import tracing

        @asynccontextmanager
        async def lifespan(app):
            yield

        settings = ServiceSettings()
        assert settings.tracing == "off"
        app = create_service_app(settings, title="t", lifespan=lifespan)
        names = [m.cls.__name__ for m in app.user_middleware]
        assert names == ["RequestContextMiddleware", "BodyLimitMiddleware"], names
        marker = object()
        assert tracing.instrument_asgi(marker) is marker
        assert tracing.aiohttp_trace_configs() == []
        client = create_http_client()
        assert type(client._transport).__module__.startswith("httpx"), type(client._transport)
        assert not tracing.tracing_enabled()
        assert "sdk" not in type(trace.get_tracer_provider()).__module__
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_on_httpx_calls_carry_the_current_trace() -> None:
    out = run(
        """
        import asyncio, threading
        from http.server import BaseHTTPRequestHandler, HTTPServer
        from opentelemetry import trace
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        from launchforge_common import tracing
        from launchforge_common.http import create_http_client

        seen = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                seen["traceparent"] = self.headers.get("traceparent")
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        exporter = InMemorySpanExporter()
        assert tracing.setup_tracing("svc", exporter=exporter)
        assert tracing.setup_tracing("svc", exporter=exporter)  # idempotent

        async def main():
            async with create_http_client() as client:
                with trace.get_tracer("test").start_as_current_span("handler") as span:
                    await client.get(f"http://127.0.0.1:{server.server_port}/x")
                    return span.get_span_context().trace_id

        trace_id = asyncio.run(main())
        spans = exporter.get_finished_spans()
        client_span = next(s for s in spans if s.kind == trace.SpanKind.CLIENT)
        assert client_span.context.trace_id == trace_id
        version, tid, parent, flags = seen["traceparent"].split("-")
        assert int(tid, 16) == trace_id
        assert int(parent, 16) == client_span.context.span_id
        assert len([s for s in spans if s.name == "handler"]) == 1  # one exporter, not two
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_a_preview_token_in_the_path_never_reaches_a_span() -> None:
    out = run(
        """
        import asyncio
        import httpx
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        from launchforge_common import tracing

        exporter = InMemorySpanExporter()
        assert tracing.setup_tracing("svc", exporter=exporter)

        async def app(scope, receive, send):
            if scope["type"] != "http":
                return
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        traced = tracing.instrument_asgi(app)

        async def main():
            transport = httpx.ASGITransport(app=traced)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                await client.get("/preview/b1/SECRET-TOKEN/api/items")
                await client.get("/v1/projects/p1")

        asyncio.run(main())
        spans = exporter.get_finished_spans()
        text = repr([dict(s.attributes) for s in spans])
        assert "SECRET-TOKEN" not in text, text
        assert "/preview/b1/[redacted]/api/items" in text, text
        assert "/v1/projects/p1" in text, text
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_a_preview_token_never_reaches_an_aiohttp_client_span() -> None:
    """The gateway proxies previews with aiohttp: its client spans redact the token too."""
    out = run(
        """
        import asyncio, threading
        from http.server import BaseHTTPRequestHandler, HTTPServer
        import aiohttp
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        from launchforge_common import tracing

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        exporter = InMemorySpanExporter()
        assert tracing.setup_tracing("gw", exporter=exporter)

        async def main():
            configs = tracing.aiohttp_trace_configs()
            async with aiohttp.ClientSession(trace_configs=configs) as session:
                base = f"http://127.0.0.1:{server.server_port}"
                async with session.get(base + "/preview/b1/SECRET-TOKEN/app.js") as answer:
                    assert answer.status == 204

        asyncio.run(main())
        text = repr([(s.name, dict(s.attributes)) for s in exporter.get_finished_spans()])
        assert "SECRET-TOKEN" not in text, text
        assert "/preview/b1/[redacted]/app.js" in text, text
        print("ok")
        """
    )
    assert out.strip() == "ok"
