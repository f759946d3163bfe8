"""The mail outbox: queued in the database, sent over real SMTP (a minimal
SMTP server on a local port), retried after a failure, never sent twice by
concurrent drainers."""

from __future__ import annotations

import asyncio
import email
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from email.message import Message

from launchforge_auth.config import AuthSettings
from launchforge_auth.repositories import mail_outbox as outbox_repo
from launchforge_auth.services.mail import OutboxDrainer, SmtpSender, enqueue
from launchforge_common.db import create_engine, create_sessionmaker
from launchforge_common.testing import free_port
from sqlalchemy import text

SettingsFactory = Callable[..., AuthSettings]


class SmtpServer:
    """Just enough of RFC 5321 for aiosmtplib.send: EHLO, MAIL, RCPT, DATA, QUIT."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(f"{line}\r\n".encode())
            await writer.drain()

        await reply("220 test ESMTP")
        while line := await reader.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                await reply("250 test")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                await reply("250 OK")
            elif verb == "DATA":
                await reply("354 end with <CRLF>.<CRLF>")
                data = b""
                while (chunk := await reader.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.messages.append(email.message_from_bytes(data))
                await reply("250 queued")
            elif verb == "QUIT":
                await reply("221 bye")
                break
            else:
                await reply("502 not implemented")
        writer.close()


@asynccontextmanager
async def smtp_server(port: int) -> AsyncIterator[SmtpServer]:
    smtp = SmtpServer()
    server = await asyncio.start_server(smtp.handle, "127.0.0.1", port)
    try:
        yield smtp
    finally:
        server.close()
        await server.wait_closed()


def _smtp_settings(make: SettingsFactory, url: str, port: int) -> AuthSettings:
    return make(
        url,
        mail_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_timeout_seconds=3,
        mail_from="LaunchForge <no-reply@example.com>",
    )


async def _queue(settings: AuthSettings, *recipients: str) -> None:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            for to in recipients:
                await enqueue(
                    session,
                    key_ring=settings.key_ring(),
                    recipient=to,
                    subject="Hello",
                    kind="verify_email",
                    body=f"link for {to}: https://example.com/verify-email?token=abc",
                )
    finally:
        await engine.dispose()


async def test_queued_mail_is_sent_over_smtp(
    make_settings: SettingsFactory, fresh_database_url: str
) -> None:
    port = free_port()
    settings = _smtp_settings(make_settings, fresh_database_url, port)
    await _queue(settings, "ada@example.com")
    engine = create_engine(settings)
    try:
        drainer = OutboxDrainer(
            sessionmaker=create_sessionmaker(engine),
            sender=SmtpSender(settings),
            key_ring=settings.key_ring(),
            settings=settings,
        )
        async with smtp_server(port) as smtp:
            assert await drainer.drain_once() == 1
        (message,) = smtp.messages
        assert message["To"] == "ada@example.com"
        assert message["Subject"] == "Hello"
        assert "verify-email?token=abc" in message.get_payload()
        async with engine.connect() as conn:
            row = (await conn.execute(text("SELECT sent_at, attempts FROM mail_outbox"))).one()
        assert row.sent_at is not None
        assert row.attempts == 1
        assert await drainer.drain_once() == 0  # nothing sent twice
    finally:
        await engine.dispose()


async def test_a_failed_send_is_retried_later_not_lost(
    make_settings: SettingsFactory, fresh_database_url: str
) -> None:
    port = free_port()  # nothing listens yet: the SMTP server is "down"
    settings = _smtp_settings(make_settings, fresh_database_url, port)
    await _queue(settings, "grace@example.com")
    engine = create_engine(settings)
    try:
        drainer = OutboxDrainer(
            sessionmaker=create_sessionmaker(engine),
            sender=SmtpSender(settings),
            key_ring=settings.key_ring(),
            settings=settings,
        )
        assert await drainer.drain_once() == 1
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT sent_at, attempts, last_error, next_attempt_at > now() AS later"
                        " FROM mail_outbox"
                    )
                )
            ).one()
        assert row.sent_at is None
        assert row.attempts == 1
        assert row.later
        assert row.last_error  # the exception's type name only
        # Not due yet: the backoff holds it back.
        assert await drainer.drain_once() == 0

        async with engine.begin() as conn:
            await conn.execute(text("UPDATE mail_outbox SET next_attempt_at = now()"))
        async with smtp_server(port) as smtp:
            assert await drainer.drain_once() == 1
        assert [m["To"] for m in smtp.messages] == ["grace@example.com"]
        async with engine.connect() as conn:
            row = (await conn.execute(text("SELECT sent_at, attempts FROM mail_outbox"))).one()
        assert row.sent_at is not None
        assert row.attempts == 2
    finally:
        await engine.dispose()


async def test_concurrent_drainers_send_each_mail_exactly_once(
    make_settings: SettingsFactory, fresh_database_url: str
) -> None:
    port = free_port()
    settings = _smtp_settings(make_settings, fresh_database_url, port)
    recipients = [f"user{i}@example.com" for i in range(12)]
    await _queue(settings, *recipients)
    engines = [create_engine(settings) for _ in range(3)]
    try:
        drainers = [
            OutboxDrainer(
                sessionmaker=create_sessionmaker(engine),
                sender=SmtpSender(settings),
                key_ring=settings.key_ring(),
                settings=settings,
                batch_size=3,
            )
            for engine in engines
        ]
        async with smtp_server(port) as smtp:
            for _ in range(6):
                await asyncio.gather(*(d.drain_once() for d in drainers))
        assert sorted(m["To"] for m in smtp.messages) == sorted(recipients)
    finally:
        for engine in engines:
            await engine.dispose()


async def test_mail_claimed_by_a_drainer_that_died_is_sent_after_the_lease(
    make_settings: SettingsFactory, fresh_database_url: str
) -> None:
    port = free_port()
    settings = _smtp_settings(make_settings, fresh_database_url, port)
    await _queue(settings, "orphan@example.com")
    engine = create_engine(settings)
    try:
        maker = create_sessionmaker(engine)
        async with maker() as session, session.begin():  # claimed, then "crashed"
            claimed = await outbox_repo.claim_due(
                session, limit=10, max_attempts=8, lease_seconds=0.5
            )
        assert len(claimed) == 1
        drainer = OutboxDrainer(
            sessionmaker=maker,
            sender=SmtpSender(settings),
            key_ring=settings.key_ring(),
            settings=settings,
        )
        async with smtp_server(port) as smtp:
            assert await drainer.drain_once() == 0  # still leased to the dead one
            await asyncio.sleep(0.7)
            assert await drainer.drain_once() == 1
        assert [m["To"] for m in smtp.messages] == ["orphan@example.com"]
    finally:
        await engine.dispose()
