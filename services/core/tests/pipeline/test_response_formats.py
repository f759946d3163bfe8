"""openai_compatible's response formats, the grammar-friendly schema and its clear errors.

The stand-ins answer as llama.cpp's server does (its exact 500 for ``json_schema``,
a connection closed mid-answer, no answer at all), so these run without the real
server; ``make test-llm`` runs the same paths against it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import jsonschema
import pytest
from launchforge_common.cache import Cache
from launchforge_common.redis import RedisHealth
from launchforge_core.pipeline.spec import spec_schema
from launchforge_core.providers import Message, ProviderError, RetryPolicy, create_provider
from launchforge_core.providers.format_memory import CachedFormatMemory, LocalFormatMemory
from launchforge_core.providers.grammar_schema import ITEMS_BOUND, grammar_friendly

KEY = "sk-local-SECRET-0000"
FAST = RetryPolicy(max_tries=4, base_delay=0.01, max_delay=0.02)
MESSAGES = [Message("user", "a reading list")]
SCHEMA = {
    "type": "object",
    "required": ["ok"],
    "properties": {"ok": {"$ref": "#/$defs/flag"}, "tags": {"type": "array", "maxItems": 500}},
    "$defs": {"flag": {"type": "boolean", "description": "yes or no"}},
}
# What llama-cpp-python's server (0.3.36) answers to response_format json_schema.
LLAMA_CPP_REFUSAL = {
    "error": {
        "message": "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', "
        "'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\"}",
        "type": "internal_server_error",
    }
}


def _local(standin, memory=None, **kwargs: Any):
    return create_provider(
        "openai_compatible",
        KEY,
        base_url=f"{standin.url}/v1",
        retry=FAST,
        format_memory=memory,
        **kwargs,
    )


# --- the derived schema ---------------------------------------------------------------


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_the_grammar_schema_inlines_refs_and_drops_what_expands():
    full = spec_schema()
    derived = grammar_friendly(full)
    nodes = list(_walk(derived))
    keys = {k for n in nodes for k in n}
    assert not keys & {"$ref", "$defs", "maxLength", "minLength", "pattern", "allOf", "if"}
    assert all(n["maxItems"] <= ITEMS_BOUND for n in nodes if "maxItems" in n)
    # the shape is kept: required keys, closed objects, enums
    assert derived["required"] == ["name", "entities"]
    entity = derived["properties"]["entities"]["items"]
    assert entity["additionalProperties"] is False
    assert "enum" in entity["properties"]["fields"]["items"]["properties"]["type"]
    assert full["properties"]["entities"]["items"] == {"$ref": "#/$defs/entity"}  # untouched
    assert len(json.dumps(derived)) < len(json.dumps(full)) * 0.6


def test_a_valid_spec_validates_against_the_grammar_schema_too():
    spec = {
        "name": "Reading List",
        "entities": [
            {"name": "Author", "fields": [{"name": "name", "type": "string", "required": True}]},
            {
                "name": "Book",
                "fields": [
                    {"name": "title", "type": "string", "max_length": 200},
                    {"name": "status", "type": "enum", "choices": ["to read", "done"]},
                ],
            },
        ],
        "relations": [{"from": "Book", "to": "Author", "kind": "many_to_one"}],
    }
    jsonschema.validate(spec, spec_schema())
    jsonschema.validate(spec, grammar_friendly(spec_schema()))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"name": "x", "entities": [{"name": "A"}]}, grammar_friendly(spec_schema())
        )


# --- format detection and memory -------------------------------------------------------


async def test_a_refused_json_schema_is_asked_once_in_llama_cpps_form_and_remembered(
    standin, answers
):
    memory = LocalFormatMemory()
    standin.script += [
        answers["Scripted"](500, LLAMA_CPP_REFUSAL),
        answers["openai"]('{"ok": true}', model="local"),
    ]
    completion = await _local(standin, memory).complete(MESSAGES, json_schema=SCHEMA, model="local")
    assert completion.text == '{"ok": true}'
    assert len(standin.seen) == 2  # one refusal, one answer: no retries of the refused form
    first, second = (s.body["response_format"] for s in standin.seen)
    assert first["type"] == "json_schema"
    assert second == {"type": "json_object", "schema": grammar_friendly(SCHEMA)}
    assert "$ref" not in json.dumps(second)
    assert await memory.get(f"{standin.url}/v1", "local") == "json_object_schema"

    # The next build's provider asks in the remembered form straight away.
    standin.script.append(answers["openai"]('{"ok": false}', model="local"))
    await _local(standin, memory).complete(MESSAGES, json_schema=SCHEMA, model="local")
    assert len(standin.seen) == 3
    assert standin.seen[2].body["response_format"]["type"] == "json_object"
    assert "schema" in standin.seen[2].body["response_format"]


async def test_an_accepted_json_schema_is_remembered_and_sent_grammar_friendly(standin, answers):
    memory = LocalFormatMemory()
    standin.script.append(answers["openai"]("{}", model="m"))
    await _local(standin, memory).complete(MESSAGES, json_schema=SCHEMA, model="m")
    sent = standin.seen[0].body["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["schema"] == grammar_friendly(SCHEMA)
    assert await memory.get(f"{standin.url}/v1", "m") == "json_schema"
    assert await memory.get(f"{standin.url}/v1", "other-model") is None


async def test_a_server_refusing_every_format_gets_a_clear_error_after_three_calls(
    standin, answers
):
    refusal = {"error": {"message": "response_format is not supported"}}
    standin.script += [answers["Scripted"](400, refusal)] * 3
    with pytest.raises(ProviderError) as caught:
        await _local(standin).complete(MESSAGES, json_schema=SCHEMA, model="m")
    assert [s.body["response_format"]["type"] for s in standin.seen] == [
        "json_schema",
        "json_object",
        "json_object",
    ]
    assert "refused every JSON response format" in caught.value.message
    assert "use a server that supports JSON output" in caught.value.message


async def test_json_object_and_none_still_work(standin, answers):
    from launchforge_core.providers import OpenAICompatibleProvider

    for structured, expected in (("json_object", {"type": "json_object"}), ("none", None)):
        standin.script.append(answers["openai"]("{}"))
        provider = OpenAICompatibleProvider(
            api_key=KEY, base_url=f"{standin.url}/v1", structured=structured, retry=FAST
        )
        await provider.complete(MESSAGES, json_schema=SCHEMA)
        assert standin.seen[-1].body.get("response_format") == expected


async def test_the_memory_is_shared_through_redis(redis):
    cache = Cache(redis, prefix="lf:core-test-formats", health=RedisHealth())
    url = "http://127.0.0.1:1/v1"
    await CachedFormatMemory(cache).remember(url, "gemma", "json_object_schema")
    try:
        # another worker process: its own (empty) local memory, the same Redis
        assert await CachedFormatMemory(cache).get(url, "gemma") == "json_object_schema"
        assert await CachedFormatMemory(cache).get(url, "llama") is None
        stored = [k async for k in redis.scan_iter("lf:core-test-formats:response-format:*")]
        assert stored
        assert all(b"127.0.0.1" not in k for k in stored)  # a digest, not the URL
    finally:
        keys = [k async for k in redis.scan_iter("lf:core-test-formats:*")]
        if keys:
            await redis.delete(*keys)


# --- clear errors ----------------------------------------------------------------------


async def test_a_wrong_model_name_is_named_with_what_the_server_serves(standin, answers):
    standin.models = ["gemma3-270m"]
    with pytest.raises(ProviderError) as caught:
        await _local(standin).complete(MESSAGES, json_schema=SCHEMA, model="llama3.1")
    assert "does not serve the model 'llama3.1'" in caught.value.message
    assert "'gemma3-270m'" in caught.value.message
    assert standin.seen == []  # no model call was made (or paid for)
    standin.script.append(answers["openai"]("{}", model="gemma3-270m"))
    await _local(standin).complete(MESSAGES, json_schema=SCHEMA, model="gemma3-270m")
    assert len(standin.seen) == 1


async def test_a_404_names_what_to_check(standin, answers):
    standin.script.append(answers["Scripted"](404, {"error": {"message": "model not found"}}))
    with pytest.raises(ProviderError) as caught:
        await _local(standin).complete(MESSAGES, model="nope")
    assert "check the model name and the key's base URL" in caught.value.message
    assert len(standin.seen) == 1


async def _raw_server(handler):
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def test_a_server_dying_mid_call_is_one_retry_then_a_clear_error():
    """llama.cpp exits on a grammar it cannot parse: the request is read, no answer comes."""
    connections = 0

    async def die(reader, writer):
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.transport.abort()  # reset, as a crashed process leaves it

    server, port = await _raw_server(die)
    memory = LocalFormatMemory()
    url = f"http://127.0.0.1:{port}/v1"
    provider = create_provider(
        "openai_compatible", KEY, base_url=url, retry=FAST, format_memory=memory
    )
    try:
        with pytest.raises(ProviderError) as caught:
            await provider.complete(MESSAGES, json_schema=SCHEMA, model="m")
    finally:
        server.close()
        await provider.aclose()
    # GET /v1/models (dropped: ignored) and the chat call tried twice, never more
    assert connections == 3
    message = caught.value.message
    assert "closed the connection without answering" in message
    assert "check its log" in message
    assert "the next build asks this server for plain JSON mode" in message
    assert await memory.get(url, "m") == "json_object"
    assert KEY not in message


async def test_a_slow_server_times_out_once_and_is_not_retried():
    connections = 0

    async def silent(reader, writer):
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(30)

    server, port = await _raw_server(silent)
    provider = create_provider(
        "openai_compatible",
        KEY,
        base_url=f"http://127.0.0.1:{port}/v1",
        retry=FAST,
        call_deadline=0.5,
    )
    try:
        with pytest.raises(ProviderError) as caught:
            await provider.complete(MESSAGES, json_schema=SCHEMA, model="m")
    finally:
        server.close()
        await provider.aclose()
    assert connections == 1  # the model check timed out: no chat call, no retry
    assert "did not answer within 0.5 s" in caught.value.message
    assert "CORE_PROVIDER_CALL_DEADLINE_SECONDS" in caught.value.message


async def test_the_read_timeout_that_fired_is_the_one_named():
    async def silent(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(30)

    server, port = await _raw_server(silent)
    url = f"http://127.0.0.1:{port}/v1"
    provider = create_provider(
        "openai", KEY, base_url=url, retry=FAST, timeout=httpx.Timeout(0.3), call_deadline=20
    )
    # By default the read timeout waits as long as the deadline: a long answer is no error.
    default = create_provider("openai", KEY, base_url=url, call_deadline=400)
    try:
        with pytest.raises(ProviderError, match=r"did not answer within 0\.3 s"):
            await provider.complete(MESSAGES)
    finally:
        server.close()
        await provider.aclose()
    assert default.timeout.read == 400  # type: ignore[attr-defined]


async def test_a_server_that_is_down_is_named_after_bounded_retries():
    from launchforge_common.testing import free_port

    port = free_port()
    provider = create_provider(
        "openai_compatible", KEY, base_url=f"http://user:pw@127.0.0.1:{port}/v1", retry=FAST
    )
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    provider.sleep = record  # type: ignore[attr-defined]
    with pytest.raises(ProviderError) as caught:
        await provider.complete(MESSAGES, model="m")
    assert len(delays) == FAST.max_tries - 1
    assert f"could not reach the API at http://127.0.0.1:{port}/v1" in caught.value.message
    assert "is the server running" in caught.value.message
    assert "pw" not in caught.value.message


def test_core_llm_max_tokens_reaches_every_model_call(monkeypatch):
    from launchforge_core.config import CoreSettings
    from launchforge_core.worker.worker import pipeline_settings

    monkeypatch.setenv("CORE_LLM_MAX_TOKENS", "512")
    assert pipeline_settings(CoreSettings(environment="test")).llm_max_tokens == 512
    monkeypatch.delenv("CORE_LLM_MAX_TOKENS")
    assert pipeline_settings(CoreSettings(environment="test")).llm_max_tokens == 8192
