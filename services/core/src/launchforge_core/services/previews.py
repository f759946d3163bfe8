"""Live previews: start, show and stop one, and the signed tokens of their URLs.

A preview's URL is a capability: ``/preview/{build_id}/{token}/`` where the
token is an HMAC (SHA-256) over the build, its owner and an expiry. It is
never the access token (that must not appear in URLs: logs, Referer,
history), it opens only that build's preview, and it expires. A bad,
expired or foreign token answers 404, the same as a missing preview.
Hand-written rather than a JWT library: the token is three fields checked by
one ``hmac.compare_digest``, and a URL path segment must stay short.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from launchforge_common.errors import ConflictError, NotFoundError, TooManyRequestsError
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.config import CoreSettings
from launchforge_core.models import Preview
from launchforge_core.repositories import builds as build_repo
from launchforge_core.repositories import previews as repo
from launchforge_core.services.builds import build_not_found
from launchforge_core.services.commit import commit, release


def preview_not_found() -> NotFoundError:
    # One body for "no preview", "someone else's" and "a bad or expired token".
    return NotFoundError("Preview not found.")


class PreviewTokens:
    """Mints and checks the signed token of a preview URL."""

    def __init__(self, secret: bytes, ttl_seconds: int) -> None:
        self.secret = secret
        self.ttl = ttl_seconds

    @classmethod
    def from_settings(cls, settings: CoreSettings) -> PreviewTokens:
        """The configured key; else one derived from the internal token (which every API
        replica shares, so URLs work across replicas); else a random one per process."""
        configured, internal = settings.preview_token_secret, settings.internal_token
        if configured is not None:
            secret = configured.get_secret_value().encode()
        elif internal is not None:
            label = b"launchforge preview tokens"
            secret = hmac.new(internal.get_secret_value().encode(), label, hashlib.sha256).digest()
        else:
            secret = secrets.token_bytes(32)
        return cls(secret, settings.preview_token_ttl_seconds)

    def _mac(self, build_id: uuid.UUID, owner_id: uuid.UUID, expires: int) -> str:
        message = f"preview|{build_id}|{owner_id}|{expires}".encode()
        digest = hmac.new(self.secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def mint(
        self, build_id: uuid.UUID, owner_id: uuid.UUID, *, now: float | None = None
    ) -> tuple[str, int]:
        """(token, expiry as a Unix time)."""
        expires = int(now if now is not None else time.time()) + self.ttl
        return f"{expires}.{self._mac(build_id, owner_id, expires)}", expires

    def check(
        self, token: str, build_id: uuid.UUID, owner_id: uuid.UUID, *, now: float | None = None
    ) -> bool:
        expires_text, _, mac = token.partition(".")
        if not expires_text.isdigit() or len(expires_text) > 12 or not mac:
            return False
        expires = int(expires_text)
        if expires < (now if now is not None else time.time()):
            return False
        return hmac.compare_digest(mac.encode(), self._mac(build_id, owner_id, expires).encode())


@dataclass
class PreviewView:
    """What the API shows of a preview (with a fresh URL while it is live)."""

    id: uuid.UUID
    build_id: uuid.UUID
    status: str
    url: str | None
    url_expires_at: int | None
    error: str | None
    stop_reason: str | None
    logs: str
    created_at: datetime
    started_at: datetime | None
    last_active_at: datetime | None
    stopped_at: datetime | None


@dataclass(frozen=True)
class Target:
    """Where core's proxy sends a preview request."""

    preview_id: uuid.UUID
    internal_url: str


class PreviewService:
    def __init__(self, session: AsyncSession, settings: CoreSettings, tokens: PreviewTokens):
        self.session = session
        self.settings = settings
        self.tokens = tokens

    def view(self, preview: Preview) -> PreviewView:
        url = expires = None
        if preview.status in repo.LIVE:
            token, expires = self.tokens.mint(preview.build_id, preview.owner_id)
            url = f"/preview/{preview.build_id}/{token}/"
        return PreviewView(
            id=preview.id,
            build_id=preview.build_id,
            status=preview.status,
            url=url,
            url_expires_at=expires,
            error=preview.error,
            stop_reason=preview.stop_reason,
            logs=preview.log_tail or "",
            created_at=preview.created_at,
            started_at=preview.started_at,
            last_active_at=preview.last_active_at,
            stopped_at=preview.stopped_at,
        )

    async def start(self, *, owner_id: uuid.UUID, build_id: uuid.UUID) -> tuple[PreviewView, bool]:
        """The build's live preview, or a new queued one. (view, created)."""
        build = await build_repo.get_owned(self.session, owner_id=owner_id, build_id=build_id)
        if build is None:
            raise build_not_found()
        if build.status != "succeeded":
            raise ConflictError(
                f"Only a succeeded build can run; this one is {build.status}.",
                build_status=build.status,
            )
        await repo.lock_owner(self.session, owner_id)
        # A preview no worker took in time gives its slot back before the count.
        expired = await repo.fail_unclaimed(
            self.session, queue_seconds=self.settings.preview_queue_seconds, owner_id=owner_id
        )
        live = await repo.live_for_build(self.session, build_id)
        if live is not None:
            view = self.view(live)
            if expired:
                await commit(self.session)
            return view, False
        limit = self.settings.preview_max_per_user
        if await repo.count_live_for_owner(self.session, owner_id) >= limit:
            raise TooManyRequestsError(
                f"You have {limit} preview(s) running, the most allowed; stop one first.",
                limit=limit,
            )
        preview = await repo.add(self.session, build_id=build_id, owner_id=owner_id)
        view = self.view(preview)
        await commit(self.session)
        return view, True

    async def _owned_latest(self, owner_id: uuid.UUID, build_id: uuid.UUID) -> Preview:
        build = await build_repo.get_owned(self.session, owner_id=owner_id, build_id=build_id)
        if build is None:
            raise build_not_found()
        preview = await repo.latest_for_build(self.session, build_id)
        if preview is None:
            raise preview_not_found()
        return preview

    async def get(self, *, owner_id: uuid.UUID, build_id: uuid.UUID) -> PreviewView:
        preview = await self._owned_latest(owner_id, build_id)
        if preview.status == "queued" and await repo.fail_unclaimed(
            self.session, queue_seconds=self.settings.preview_queue_seconds, preview_id=preview.id
        ):
            # Workers fail these too, but the answer must not wait for one (there may be none).
            await self.session.refresh(preview)
            view = self.view(preview)
            await commit(self.session)
            return view
        return self.view(preview)

    async def stop(self, *, owner_id: uuid.UUID, build_id: uuid.UUID) -> PreviewView:
        preview = await self._owned_latest(owner_id, build_id)
        if preview.status in repo.LIVE:
            await repo.request_stop(self.session, preview.id, reason="user")
            await self.session.refresh(preview)
            view = self.view(preview)
            await commit(self.session)
            return view
        return self.view(preview)

    async def target(self, *, build_id: uuid.UUID, token: str) -> Target:
        """The running preview the token opens, or 404 (bad token, not running, foreign)."""
        preview = await repo.live_for_build(self.session, build_id)
        if (
            preview is None
            or preview.status != "running"
            or preview.internal_url is None
            or not self.tokens.check(token, build_id, preview.owner_id)
        ):
            raise preview_not_found()
        return Target(preview.id, preview.internal_url)

    async def release(self) -> None:
        """End the read-only transaction before proxying: a preview stream can last long."""
        await release(self.session)
