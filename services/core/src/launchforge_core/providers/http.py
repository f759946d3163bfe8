"""Shared HTTP plumbing for providers: one request with retries, typed errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from launchforge_core.providers.base import ProviderError
from launchforge_core.providers.egress import EgressRefusedError
from launchforge_core.providers.retry import RETRYABLE_STATUS, RetryPolicy, parse_retry_after

DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=10.0)


def _error_detail(response: httpx.Response) -> str:
    """A short, key-free description of an error body (APIs put a message in ``error``)."""
    try:
        body = response.json()
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
    ) -> None:
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self._http = http
        self._owns_http = http is None
        self.retry = retry or RetryPolicy()
        self.timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
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

    async def _post_json(
        self,
        path: str,
        payload: dict[str, Any],
        *,
        headers: dict[str, str],
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST with retries; return the decoded JSON object or raise ProviderError."""
        url = f"{self.base_url}{path}"
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                response = await self._client().post(
                    url, json=payload, headers=headers, params=params, timeout=self.timeout
                )
            except EgressRefusedError as exc:  # where the host resolves now is not allowed
                raise self._fail(str(exc)) from None
            except (
                httpx.ConnectError,
                httpx.ConnectTimeout,
                httpx.ReadTimeout,
                httpx.RemoteProtocolError,
                httpx.WriteError,
                httpx.ReadError,
            ) as exc:
                error = self._fail(
                    f"could not reach the API ({type(exc).__name__})", retryable=True
                )
            else:
                if response.status_code < 400:
                    return self._decode(response)
                retryable = response.status_code in RETRYABLE_STATUS
                detail = _error_detail(response)
                error = self._fail(
                    f"the API answered {response.status_code}" + (f": {detail}" if detail else ""),
                    status=response.status_code,
                    retryable=retryable,
                )
                if not retryable:
                    raise error
                retry_after = parse_retry_after(response.headers.get("retry-after"))
            if attempt >= self.retry.max_tries:
                raise error
            await self.sleep(self.retry.backoff(attempt, retry_after))

    def _decode(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except (ValueError, json.JSONDecodeError):
            raise self._fail(
                "the API answered with malformed JSON", status=response.status_code
            ) from None
        if not isinstance(body, dict):
            raise self._fail(
                "the API answered with an unexpected JSON shape", status=response.status_code
            )
        return body
