"""The purge removes only rows nobody can use any more."""

from __future__ import annotations

from collections.abc import Callable

from launchforge_auth.config import AuthSettings
from launchforge_auth.services.housekeeping import purge_once
from launchforge_common.db import create_engine, create_sessionmaker
from sqlalchemy import text

SEED = """
WITH u AS (
    INSERT INTO users (email, password_hash) VALUES ('keep@example.com', 'h') RETURNING id
), s AS (
    INSERT INTO sessions (id, user_id, expires_at, revoked_at)
    SELECT v.id::uuid, u.id, v.expires_at::timestamptz, v.revoked_at::timestamptz FROM u,
    (VALUES
        ('00000000-0000-0000-0000-000000000001', now() + interval '1 day', NULL),
        ('00000000-0000-0000-0000-000000000002', now() - interval '2 days', NULL),
        ('00000000-0000-0000-0000-000000000003', now() + interval '1 day',
            now() - interval '40 days'),
        ('00000000-0000-0000-0000-000000000004', now() + interval '1 day',
            now() - interval '1 day')
    ) AS v(id, expires_at, revoked_at)
    RETURNING id
)
INSERT INTO refresh_tokens (session_id, token_hash, expires_at)
VALUES
    ('00000000-0000-0000-0000-000000000001', 'live', now() + interval '1 day'),
    ('00000000-0000-0000-0000-000000000001', 'old', now() - interval '2 days'),
    ('00000000-0000-0000-0000-000000000001', 'recent', now() - interval '1 hour')
"""


async def test_purge_keeps_what_is_still_useful(
    make_settings: Callable[..., AuthSettings], fresh_database_url: str
) -> None:
    engine = create_engine(make_settings(fresh_database_url))
    try:
        async with engine.begin() as conn:
            await conn.execute(text(SEED))
            await conn.execute(
                text(
                    "INSERT INTO one_time_tokens (user_id, purpose, token_hash, expires_at)"
                    " SELECT id, 'verify_email', t.h, t.e FROM users,"
                    " (VALUES ('a'::bytea, now() - interval '3 days'),"
                    "         ('b'::bytea, now() + interval '1 hour')) AS t(h, e)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO mail_outbox (id, recipient, subject, kind, body_encrypted,"
                    " sent_at) VALUES"
                    " (gen_random_uuid(), 'a@example.com', 's', 'k', 'x',"
                    "  now() - interval '8 days'),"
                    " (gen_random_uuid(), 'b@example.com', 's', 'k', 'x', now()),"
                    " (gen_random_uuid(), 'c@example.com', 's', 'k', 'x', NULL)"
                )
            )
        purged = await purge_once(create_sessionmaker(engine))
        assert (purged.sessions, purged.refresh_tokens) == (2, 1)
        assert (purged.one_time_tokens, purged.mail) == (1, 1)
        async with engine.connect() as conn:
            sessions = (await conn.scalars(text("SELECT id FROM sessions ORDER BY id"))).all()
            tokens = (
                await conn.scalars(text("SELECT token_hash FROM refresh_tokens ORDER BY 1"))
            ).all()
            mail = (await conn.scalars(text("SELECT recipient FROM mail_outbox ORDER BY 1"))).all()
        assert [str(s)[-1] for s in sessions] == ["1", "4"]
        assert sorted(bytes(t) for t in tokens) == [b"live", b"recent"]
        assert mail == ["b@example.com", "c@example.com"]
    finally:
        await engine.dispose()
