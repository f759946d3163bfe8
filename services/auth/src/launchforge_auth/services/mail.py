"""Outgoing mail: queued in ``mail_outbox`` with the request's transaction,
sent by a background task with retries.

A request never waits for SMTP: it only inserts a row (so a crash after the
commit loses nothing, and a rollback sends nothing). :class:`OutboxDrainer`
runs in every auth process and claims due rows with ``FOR UPDATE SKIP
LOCKED`` plus a lease (replicas never pick the same mail), and on failure
retries with exponential backoff up to ``mail_max_attempts``.

Senders: :class:`SmtpSender` (aiosmtplib) in production; :class:`LogSender`
in development and test, which logs one line per mail without its body (the
body holds a one-time link) and leaves it in the outbox to be read through
``GET /internal/dev/outbox``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib
from launchforge_common.crypto import KeyRing
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from launchforge_auth.config import AuthSettings
from launchforge_auth.models import MailOutbox
from launchforge_auth.repositories import mail_outbox as repo

logger = logging.getLogger("launchforge.auth.mail")

MAX_BACKOFF_S = 3600.0


@dataclass(frozen=True)
class Mail:
    id: uuid.UUID
    recipient: str
    subject: str
    kind: str
    body: str


class MailSender(Protocol):
    name: str

    async def send(self, mail: Mail) -> None:
        """Deliver one mail or raise."""


class LogSender:
    """Development/test: the outbox row is the delivery; log that it happened."""

    name = "log"

    async def send(self, mail: Mail) -> None:
        logger.info(
            "mail delivered to the development outbox",
            extra={"mail_id": str(mail.id), "kind": mail.kind},
        )


class SmtpSender:
    name = "smtp"

    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings

    async def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = mail.recipient
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        password = self.settings.smtp_password
        await aiosmtplib.send(
            message,
            hostname=self.settings.smtp_host,
            port=self.settings.smtp_port,
            username=self.settings.smtp_username,
            password=password.get_secret_value() if password else None,
            start_tls=self.settings.smtp_starttls,
            timeout=self.settings.smtp_timeout_seconds,
        )


def create_sender(settings: AuthSettings) -> MailSender:
    return SmtpSender(settings) if settings.mail_backend == "smtp" else LogSender()


def _associated_data(mail_id: uuid.UUID) -> bytes:
    return f"launchforge-auth:mail_outbox:{mail_id}".encode()


async def enqueue(
    session: AsyncSession,
    *,
    key_ring: KeyRing,
    recipient: str,
    subject: str,
    kind: str,
    body: str,
) -> uuid.UUID:
    """Queue a mail in the caller's transaction (sent after it commits)."""
    mail_id = uuid.uuid4()
    await repo.add(
        session,
        mail_id=mail_id,
        recipient=recipient,
        subject=subject,
        kind=kind,
        body_encrypted=key_ring.encrypt(body.encode("utf-8"), _associated_data(mail_id)),
    )
    logger.info("mail queued", extra={"mail_id": str(mail_id), "kind": kind})
    return mail_id


def decrypt_body(key_ring: KeyRing, mail_id: uuid.UUID, body_encrypted: bytes) -> str:
    return key_ring.decrypt(body_encrypted, _associated_data(mail_id)).decode("utf-8")


def backoff(attempts: int) -> float:
    """Seconds before retry number ``attempts`` (1, 2, 4, ... capped at an hour)."""
    return float(min(MAX_BACKOFF_S, 2 ** max(0, attempts - 1)))


class OutboxDrainer:
    """Sends due outbox mail in the background, one batch per poll."""

    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        sender: MailSender,
        key_ring: KeyRing,
        settings: AuthSettings,
        batch_size: int = 20,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.sender = sender
        self.key_ring = key_ring
        self.settings = settings
        self.batch_size = batch_size

    @property
    def lease_seconds(self) -> float:
        """How long a claimed batch is reserved: enough to send all of it."""
        return self.batch_size * self.settings.smtp_timeout_seconds + 30.0

    async def drain_once(self) -> int:
        """Send one batch; returns how many were attempted.

        Claiming is a short transaction that leases the rows (pushes
        ``next_attempt_at`` past the time the batch can take), so sending
        holds no lock or pooled connection, and mail whose sender died
        mid-batch is simply due again when the lease ends (at-least-once).
        """
        async with self.sessionmaker() as session, session.begin():
            rows = await repo.claim_due(
                session,
                limit=self.batch_size,
                max_attempts=self.settings.mail_max_attempts,
                lease_seconds=self.lease_seconds,
            )
        for row in rows:
            await self._send_one(row)
        return len(rows)

    async def _send_one(self, row: MailOutbox) -> None:
        mail_id, attempts, kind = row.id, row.attempts, row.kind
        try:
            body = decrypt_body(self.key_ring, mail_id, row.body_encrypted)
            await self.sender.send(Mail(mail_id, row.recipient, row.subject, kind, body))
        except Exception as exc:  # any failure of one mail must not stop the others
            delay = backoff(attempts + 1)
            async with self.sessionmaker() as session, session.begin():
                await repo.mark_failed(
                    session,
                    mail_id=mail_id,
                    error=type(exc).__name__,
                    next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay),
                )
            final = attempts + 1 >= self.settings.mail_max_attempts
            logger.log(
                logging.ERROR if final else logging.WARNING,
                "mail send failed",
                extra={
                    "mail_id": str(mail_id),
                    "attempt": attempts + 1,
                    "retry_in_s": None if final else delay,
                    "error": type(exc).__name__,
                },
            )
            return
        async with self.sessionmaker() as session, session.begin():
            await repo.mark_sent(session, mail_id=mail_id)
        logger.info(
            "mail sent", extra={"mail_id": str(mail_id), "kind": kind, "backend": self.sender.name}
        )

    async def run(self) -> None:
        """Poll forever (cancelled at shutdown)."""
        while True:
            try:
                while await self.drain_once() >= self.batch_size:
                    pass
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a database blip: log, wait, try again
                logger.warning("mail outbox drain failed", extra={"error": type(exc).__name__})
            await asyncio.sleep(self.settings.mail_poll_interval_seconds)
