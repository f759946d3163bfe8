"""OpenTelemetry for every service: one setup function, off by default.

``<PREFIX>_TRACING`` chooses: ``off`` (default: nothing is installed, so the
hot path pays nothing), ``console`` (spans printed to stdout) or ``otlp``
(spans exported over OTLP/HTTP to ``OTEL_EXPORTER_OTLP_ENDPOINT``, the
standard OpenTelemetry variable, default ``http://localhost:4318``).

Once tracing is set up in a process, the helpers below instrument what the
shared library creates: the ASGI app (a server span per request, continuing
an incoming W3C ``traceparent``), the SQLAlchemy engine, Redis clients and
httpx/aiohttp clients (client spans, ``traceparent`` injected). When tracing
is off every helper returns its argument untouched.

The tracer provider is process-global in OpenTelemetry; a second setup in the
same process (tests start several apps) reuses it and adds no exporter twice.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Literal

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)

logger = logging.getLogger("launchforge.tracing")

TracingMode = Literal["off", "console", "otlp"]

_state: dict[str, Any] = {"enabled": False, "exporters": set()}


def tracing_enabled() -> bool:
    """True once :func:`setup_tracing` has installed a tracer provider here."""
    return bool(_state["enabled"])


def _provider(service_name: str) -> TracerProvider:
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    trace.set_tracer_provider(provider)
    return provider


def setup_tracing(
    service_name: str, mode: TracingMode = "off", *, exporter: SpanExporter | None = None
) -> bool:
    """Install tracing for this process; returns whether tracing is on.

    ``exporter`` (tests: an in-memory exporter) is added with a synchronous
    processor so spans are visible as soon as they end.
    """
    if mode == "off" and exporter is None:
        return tracing_enabled()
    provider = _provider(service_name)
    exporters: set[object] = _state["exporters"]
    if exporter is not None:
        if id(exporter) not in exporters:
            exporters.add(id(exporter))
            provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif mode not in exporters:
        exporters.add(mode)
        if mode == "console":
            provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
        else:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            logger.info(
                "tracing to OTLP",
                extra={"endpoint": os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "default")},
            )
    _state["enabled"] = True
    return True


def instrument_asgi(app: Any) -> Any:
    """``app`` wrapped in a server-span middleware (when tracing is on)."""
    if not tracing_enabled():
        return app
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    return OpenTelemetryMiddleware(app, server_request_hook=redact_span_path)


def redact_span_path(span: Any, scope: dict[str, Any]) -> None:
    """A server span never records a credential carried in the path (a preview's token)."""
    from launchforge_common.middleware import loggable_path

    path = scope.get("path", "")
    safe = loggable_path(path)
    if safe == path or span is None or not span.is_recording():
        return
    attributes = getattr(span, "attributes", None) or {}
    for key in ("http.target", "url.path"):
        if key in attributes:
            span.set_attribute(key, safe)
    for key in ("http.url", "url.full"):
        value = attributes.get(key)
        if isinstance(value, str):
            span.set_attribute(key, value.replace(path, safe, 1))


def instrument_engine(engine: Any) -> None:
    """Spans for every statement of an (async) SQLAlchemy engine.

    The instrumentation's ``EngineTracer`` is attached to this engine only:
    ``SQLAlchemyInstrumentor().instrument(engine=...)`` works once per
    process (a second engine, as in tests, would silently stay untraced).
    """
    if not tracing_enabled():
        return
    from opentelemetry import metrics
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    scope = "opentelemetry.instrumentation.sqlalchemy"
    usage = metrics.get_meter(scope).create_up_down_counter(
        "db.client.connections.usage", unit="connections"
    )
    sync_engine = getattr(engine, "sync_engine", engine)
    EngineTracer(trace.get_tracer(scope), sync_engine, usage)  # type: ignore[no-untyped-call]


def instrument_redis() -> None:
    """Spans for every Redis command (patches redis-py's classes once)."""
    if not tracing_enabled():
        return
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    instrumentor = RedisInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()


def instrument_httpx_client(client: Any) -> Any:
    """Client spans and ``traceparent`` on an httpx client's requests."""
    if tracing_enabled():
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor.instrument_client(client)
    return client


def aiohttp_trace_configs() -> list[Any]:
    """Trace configs for an aiohttp ClientSession (empty when tracing is off)."""
    if not tracing_enabled():
        return []
    from opentelemetry.instrumentation.aiohttp_client import create_trace_config

    return [create_trace_config(url_filter=_redacted_url)]


def _redacted_url(url: Any) -> str:
    """A client span's URL without a credential in its path (the gateway proxying a preview)."""
    from launchforge_common.middleware import loggable_path

    text = str(url)
    raw_path = str(url.raw_path)
    return text.replace(raw_path, loggable_path(raw_path), 1)
