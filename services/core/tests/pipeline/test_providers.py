"""The real provider clients against a local stand-in of each remote API."""

from __future__ import annotations

import json

import httpx
import pytest
from launchforge_common.testing import free_port
from launchforge_core.providers import (
    Message,
    ProviderError,
    RetryPolicy,
    create_provider,
)
from launchforge_core.providers.retry import parse_retry_after

KEY = "sk-test-SECRET-1234567890"
FAST = RetryPolicy(max_tries=3, base_delay=0.01, max_delay=0.05)
MESSAGES = [Message("system", "be brief"), Message("user", "hello")]
SCHEMA = {"type": "object", "properties": {"ok": {"type": "boolean"}}}


def _provider(name, standin, **kwargs):
    base = {
        "openai": f"{standin.url}/v1",
        "groq": f"{standin.url}/openai/v1",
        "openai_compatible": f"{standin.url}/v1",
        "anthropic": standin.url,
        "google": standin.url,
    }[name]
    return create_provider(name, KEY, base_url=base, retry=kwargs.pop("retry", FAST), **kwargs)


async def test_openai_success_usage_and_bearer(standin, answers):
    standin.script.append(answers["openai"]('{"ok": true}', prompt=12, completion=5))
    completion = await _provider("openai", standin).complete(MESSAGES, json_schema=SCHEMA)
    assert completion.text == '{"ok": true}'
    assert (completion.input_tokens, completion.output_tokens) == (12, 5)
    seen = standin.seen[0]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["Authorization"] == f"Bearer {KEY}"
    assert seen.body["model"] == "gpt-4o-mini"
    assert seen.body["messages"][0] == {"role": "system", "content": "be brief"}
    assert seen.body["response_format"]["type"] == "json_schema"
    assert seen.body["response_format"]["json_schema"]["schema"] == SCHEMA


async def test_groq_uses_json_mode_and_its_default_model(standin, answers):
    standin.script.append(answers["openai"]("{}", model="llama-3.1-70b-versatile"))
    completion = await _provider("groq", standin).complete(MESSAGES, json_schema=SCHEMA)
    seen = standin.seen[0]
    assert seen.path == "/openai/v1/chat/completions"
    assert seen.body["model"] == "llama-3.1-70b-versatile"
    assert seen.body["response_format"] == {"type": "json_object"}
    assert completion.model == "llama-3.1-70b-versatile"


async def test_anthropic_tool_call_x_api_key_and_usage(standin, answers):
    standin.script.append(answers["anthropic"](tool_input={"ok": True}))
    completion = await _provider("anthropic", standin).complete(
        MESSAGES, json_schema=SCHEMA, model="claude-3-5-sonnet-latest"
    )
    assert json.loads(completion.text) == {"ok": True}
    assert (completion.input_tokens, completion.output_tokens) == (21, 9)
    seen = standin.seen[0]
    assert seen.path == "/v1/messages"
    assert seen.headers["x-api-key"] == KEY
    assert "Authorization" not in seen.headers
    assert seen.headers["anthropic-version"] == "2023-06-01"
    assert seen.body["system"] == "be brief"
    assert seen.body["messages"] == [{"role": "user", "content": "hello"}]
    assert seen.body["tools"][0]["input_schema"] == SCHEMA
    assert seen.body["tool_choice"] == {"type": "tool", "name": "answer"}


async def test_gemini_generate_content_key_header_and_usage(standin, answers):
    standin.script.append(answers["gemini"]('{"ok": false}'))
    completion = await _provider("google", standin).complete(MESSAGES, json_schema=SCHEMA)
    assert completion.text == '{"ok": false}'
    assert (completion.input_tokens, completion.output_tokens) == (31, 13)
    seen = standin.seen[0]
    assert seen.path == "/v1beta/models/gemini-1.5-pro:generateContent"
    assert seen.headers["x-goog-api-key"] == KEY
    assert "key" not in seen.query  # the key travels in a header, not the URL
    assert seen.body["systemInstruction"] == {"parts": [{"text": "be brief"}]}
    assert seen.body["contents"] == [{"role": "user", "parts": [{"text": "hello"}]}]
    assert seen.body["generationConfig"]["responseMimeType"] == "application/json"


async def test_429_with_retry_after_then_success(standin, answers):
    standin.script += [
        answers["Scripted"](429, {"error": {"message": "slow down"}}, {"Retry-After": "2"}),
        answers["Scripted"](503, {"error": {"message": "busy"}}),
        answers["openai"]("fine"),
    ]
    provider = _provider("openai", standin)
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    provider.sleep = record
    completion = await provider.complete(MESSAGES)
    assert completion.text == "fine"
    assert len(standin.seen) == 3
    # the server's Retry-After set the first wait; the 503 got jittered backoff
    assert delays[0] == 2.0
    assert 0 <= delays[1] <= 0.02


async def test_500_then_success_on_anthropic(standin, answers):
    standin.script += [
        answers["Scripted"](500, {"error": {"message": "boom"}}),
        answers["anthropic"]("hi"),
    ]
    completion = await _provider("anthropic", standin).complete(MESSAGES)
    assert completion.text == "hi"
    assert len(standin.seen) == 2


async def test_gives_up_after_max_tries(standin, answers):
    standin.script += [answers["Scripted"](503, {"error": {"message": "down"}})] * 3
    with pytest.raises(ProviderError) as info:
        await _provider("google", standin).complete(MESSAGES)
    assert info.value.status == 503
    assert len(standin.seen) == 3


async def test_malformed_json_answer_is_a_provider_error(standin, answers):
    standin.script.append(answers["Scripted"](200, "{not json"))
    with pytest.raises(ProviderError, match="malformed JSON"):
        await _provider("openai", standin).complete(MESSAGES)
    assert len(standin.seen) == 1  # not retried


async def test_missing_choices_is_a_provider_error(standin, answers):
    standin.script.append(answers["Scripted"](200, {"choices": []}))
    with pytest.raises(ProviderError, match="choices"):
        await _provider("openai", standin).complete(MESSAGES)


async def test_401_is_not_retried_and_never_shows_the_key(standin, answers):
    standin.script.append(answers["Scripted"](401, {"error": {"message": f"bad key {KEY}"}}))
    with pytest.raises(ProviderError) as info:
        await _provider("openai", standin).complete(MESSAGES)
    assert info.value.status == 401
    assert len(standin.seen) == 1
    assert KEY not in str(info.value)
    assert KEY not in repr(_provider("openai", standin))
    assert "401" in info.value.message


async def test_connect_errors_are_retried_then_reported():
    port = free_port()  # nothing listens here
    provider = create_provider(
        "openai_compatible",
        KEY,
        base_url=f"http://127.0.0.1:{port}/v1",
        retry=FAST,
        timeout=httpx.Timeout(2.0),
    )
    with pytest.raises(ProviderError, match="could not reach"):
        await provider.complete(MESSAGES)


def test_factory_refuses_unknown_and_incomplete():
    with pytest.raises(ProviderError, match="unknown provider"):
        create_provider("offline", KEY)
    with pytest.raises(ProviderError, match="base_url"):
        create_provider("openai_compatible", KEY)


def test_retry_after_parsing_and_backoff_bounds():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None
    policy = RetryPolicy(base_delay=1.0, max_delay=4.0, max_retry_after=30.0)
    assert policy.backoff(1, retry_after=100.0) == 30.0
    for attempt in range(1, 8):
        delay = policy.backoff(attempt)
        assert 0 <= delay <= min(4.0, 2 ** (attempt - 1))


async def _raw_server(handler):
    import asyncio

    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def test_a_server_trickling_bytes_hits_the_total_deadline():
    """One byte every 0.2 s never trips the read timeout; the call's deadline ends it."""
    import asyncio

    async def trickle(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        )
        try:
            for _ in range(100000):
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(0.2)
        except (ConnectionError, OSError):
            pass

    server, port = await _raw_server(trickle)
    provider = create_provider(
        "openai_compatible",
        KEY,
        base_url=f"http://127.0.0.1:{port}/v1",
        retry=RetryPolicy(max_tries=2, base_delay=0.01, max_delay=0.01),
        timeout=httpx.Timeout(5.0),
        call_deadline=1.0,
    )
    try:
        with pytest.raises(ProviderError, match="did not answer within 1 s"):
            await provider.complete(MESSAGES)
    finally:
        server.close()
        await provider.aclose()


async def test_an_oversized_answer_is_refused_without_reading_it_all():
    sent = []

    async def huge(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 65536
        try:
            for _ in range(2000):  # 128 MiB if read to the end
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
                sent.append(len(chunk))
        except (ConnectionError, OSError):
            pass
        writer.close()

    server, port = await _raw_server(huge)
    provider = create_provider(
        "openai_compatible",
        KEY,
        base_url=f"http://127.0.0.1:{port}/v1",
        retry=FAST,
        max_response_bytes=1024 * 1024,
    )
    try:
        with pytest.raises(ProviderError, match="larger than 1048576 bytes"):
            await provider.complete(MESSAGES)
    finally:
        server.close()
        await provider.aclose()
    assert sum(sent) < 64 * 1024 * 1024
