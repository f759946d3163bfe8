"""Shared HTTP plumbing for providers: one request with retries, typed errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from launchforge_core.providers.base import (
    ConnectionDroppedError,
    ProviderError,
    ResponseFormatRefusedError,
)
from launchforge_core.providers.egress import EgressRefusedError
from launchforge_core.providers.retry import RETRYABLE_STATUS, RetryPolicy, parse_retry_after

DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
# A whole call (connect, upload, answer) ends by then, however slowly bytes trickle:
# the read timeout alone applies between bytes, so one byte a minute never trips it.
DEFAULT_CALL_DEADLINE = 300.0
# Largest answer read; a model's JSON for one build is far below this.
DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024


# What to change, by status, appended to the server's own message.
_HINTS: dict[int, str] = {
    401: "check the stored API key",
    403: "check the stored API key and its permissions",
    404: "check the model name and the key's base URL",
}


class _TooLarge(Exception):
    pass


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    body = bytearray()
    async for chunk in response.aiter_bytes():  # decoded: a gzip bomb counts in full
        body += chunk
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


def _error_detail(content: bytes) -> str:
    """A short, key-free description of an error body (APIs put a message in ``error``)."""
    try:
        body = json.loads(content)
    except ValueError:
        return ""
    message: Any = None
    if isinstance(body, dict):
        err = body.get("error")
        message = err.get("message") if isinstance(err, dict) else err
        if message is None:
            message = body.get("message")
    if not isinstance(message, str):
        return ""
    return message[:300]


class HTTPProviderBase:
    """Posts JSON with retries on 429/5xx/connect errors; subclasses build the wire format."""

    name: str = "provider"
    default_model: str = ""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float | None = None,
        call_deadline: float = DEFAULT_CALL_DEADLINE,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._api_key = api_key
        self.call_deadline = call_deadline
        self.max_response_bytes = max_response_bytes
        self.base_url = base_url.rstrip("/")
        self._http = http
        self._owns_http = http is None
        self.retry = retry or RetryPolicy()
        # A chat completion sends nothing until the model has finished: the read timeout
        # is at least the call's deadline, or it would cut every call that runs longer.
        self.timeout = (
            timeout
            if timeout is not None
            else httpx.Timeout(max(DEFAULT_TIMEOUT.read or 0.0, call_deadline), connect=10.0)
        )
        # How the client waits between tries (tests record the delays through it).
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    def __repr__(self) -> str:  # never show the key
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _fail(
        self, message: str, *, status: int | None = None, retryable: bool = False
    ) -> ProviderError:
        return ProviderError(
            self._redact(message), provider=self.name, status=status, retryable=retryable
        )

    async def aclose(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.timeout)
        return self._http

    def _where(self) -> str:
        """The base URL without credentials, to name the server in an error."""
        url = httpx.URL(self.base_url)
        return str(url.copy_with(username=None, password=None)) if url.userinfo else str(url)

    async def _post_json(
        self,
        path: str,
        payload: dict[str, Any],
        *,
        headers: dict[str, str],
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST with bounded retries; return the decoded JSON object or raise ProviderError.

        Retried: 429/5xx and failed connections, up to ``retry.max_tries`` in all. A
        connection dropped mid-answer is retried once (a stale pooled connection does
        that), never more: a server that died on this request dies again on the same one.
        Not retried: a timeout (the server may still be working, and billing, on the
        first request), an error naming the response format (the same request would be
        refused again), and other 4xx.
        """
        url = f"{self.base_url}{path}"
        attempt = 0
        dropped = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                async with asyncio.timeout(self.call_deadline):
                    status, response_headers, content = await self._send(
                        url, payload, headers, params
                    )
            except EgressRefusedError as exc:  # where the host resolves now is not allowed
                raise self._fail(str(exc)) from None
            except _TooLarge:
                raise self._fail(
                    f"the API's answer is larger than {self.max_response_bytes} bytes"
                ) from None
            except TimeoutError:
                raise self._slow(self.call_deadline) from None
            except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout):
                raise self._slow(self._read_timeout()) from None
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if dropped:
                    raise self._dropped() from None
                error = self._fail(
                    f"could not reach the API at {self._where()} ({type(exc).__name__}): "
                    "is the server running, and is the key's base URL right?",
                    retryable=True,
                )
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                dropped += 1
                if dropped > 1:
                    raise self._dropped() from None
                error = self._dropped()
            else:
                if status < 400:
                    return self._decode(status, content)
                raise_now, error = self._status_error(status, content)
                if raise_now:
                    raise error
                retry_after = parse_retry_after(response_headers.get("retry-after"))
            if attempt >= self.retry.max_tries:
                raise error
            await self.sleep(self.retry.backoff(attempt, retry_after))

    def _read_timeout(self) -> float:
        if isinstance(self.timeout, httpx.Timeout):
            return self.timeout.read or self.call_deadline
        return float(self.timeout)

    def _slow(self, seconds: float) -> ProviderError:
        """Not retried: the server may still be working (and billing) on the first call."""
        return self._fail(
            f"the API did not answer within {seconds:g} s (at {self._where()}); use a "
            "faster server or a smaller model, or raise CORE_PROVIDER_CALL_DEADLINE_SECONDS"
        )

    def _dropped(self) -> ProviderError:
        return ConnectionDroppedError(
            self._redact(
                f"the model server at {self._where()} closed the connection without "
                "answering, also when asked again (it may have crashed on this request): "
                "check its log"
            ),
            provider=self.name,
        )

    def _status_error(self, status: int, content: bytes) -> tuple[bool, ProviderError]:
        """(raise without retrying?, the error) for an HTTP error answer."""
        detail = _error_detail(content)
        message = f"the API answered {status}" + (f": {detail}" if detail else "")
        if "response_format" in detail or "json_schema" in detail:
            return True, ResponseFormatRefusedError(
                self._redact(message), provider=self.name, status=status
            )
        hint = _HINTS.get(status)
        retryable = status in RETRYABLE_STATUS
        error = self._fail(message + (f" ({hint})" if hint else ""), status=status)
        error.retryable = retryable
        return not retryable, error

    async def _get_json(self, path: str, *, headers: dict[str, str]) -> dict[str, Any] | None:
        """One GET (no retries); its JSON object, or None when it answers anything else."""
        try:
            async with asyncio.timeout(self.call_deadline):
                async with self._client().stream(
                    "GET", f"{self.base_url}{path}", headers=headers, timeout=self.timeout
                ) as response:
                    content = await _read_capped(response, self.max_response_bytes)
                    status = response.status_code
        except EgressRefusedError as exc:
            raise self._fail(str(exc)) from None
        except _TooLarge:
            raise self._fail(
                f"the API's answer is larger than {self.max_response_bytes} bytes"
            ) from None
        except TimeoutError:
            raise self._slow(self.call_deadline) from None
        except httpx.HTTPError:
            return None  # the chat call that follows reports the server's state
        if status >= 400:
            return None
        try:
            body = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            return None
        return body if isinstance(body, dict) else None

    async def _send(
        self,
        url: str,
        payload: dict[str, Any],
        headers: dict[str, str],
        params: dict[str, str] | None,
    ) -> tuple[int, httpx.Headers, bytes]:
        """One POST; its answer is read up to ``max_response_bytes`` as it streams."""
        async with self._client().stream(
            "POST", url, json=payload, headers=headers, params=params, timeout=self.timeout
        ) as response:
            content = await _read_capped(response, self.max_response_bytes)
            return response.status_code, response.headers, content

    def _decode(self, status: int, content: bytes) -> dict[str, Any]:
        try:
            body = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            raise self._fail("the API answered with malformed JSON", status=status) from None
        if not isinstance(body, dict):
            raise self._fail("the API answered with an unexpected JSON shape", status=status)
        return body
