"""Opaque keyset cursors: urlsafe base64 of ``<created_at ISO 8601>|<id>``."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

from launchforge_common.errors import BadRequestError

MAX_CURSOR_LENGTH = 200


def encode_cursor(created_at: datetime, item_id: uuid.UUID) -> str:
    raw = f"{created_at.isoformat()}|{item_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (created_at, id) position in a cursor; BadRequestError if it is not ours."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("cursor too long")
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        stamp, sep, ident = raw.partition("|")
        if not sep:
            raise ValueError("no separator")
        created_at = datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            raise ValueError("naive timestamp")
        return created_at, uuid.UUID(ident)
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise BadRequestError("The cursor is malformed.", title="Invalid cursor") from exc


def encode_version_cursor(version: int) -> str:
    """A versions page's position: the last version number shown (opaque to clients)."""
    return base64.urlsafe_b64encode(f"v|{version}".encode()).decode().rstrip("=")


def decode_version_cursor(cursor: str) -> int:
    """The version number in a cursor; BadRequestError if it is not ours."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("cursor too long")
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        tag, sep, number = raw.partition("|")
        if tag != "v" or not sep or not number.isdigit() or len(number) > 9:
            raise ValueError("not a versions cursor")
        return int(number)
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise BadRequestError("The cursor is malformed.", title="Invalid cursor") from exc
