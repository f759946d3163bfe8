"""Opaque keyset cursors: urlsafe base64 of a position, malformed ones refused as 400.

Two positions share one encoding: a page of projects or builds is at
``<created_at ISO 8601>|<id>``, a page of versions at ``v|<version number>``.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from launchforge_common.errors import BadRequestError

MAX_CURSOR_LENGTH = 200

T = TypeVar("T")


def _pack(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _unpack(cursor: str, parse: Callable[[str], T]) -> T:
    """``parse`` of the cursor's text; BadRequestError if either is not ours."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("cursor too long")
        padded = cursor + "=" * (-len(cursor) % 4)
        return parse(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise BadRequestError("The cursor is malformed.", title="Invalid cursor") from exc


def _parse_position(raw: str) -> tuple[datetime, uuid.UUID]:
    stamp, sep, ident = raw.partition("|")
    if not sep:
        raise ValueError("no separator")
    created_at = datetime.fromisoformat(stamp)
    if created_at.tzinfo is None:
        raise ValueError("naive timestamp")
    return created_at, uuid.UUID(ident)


def _parse_version(raw: str) -> int:
    tag, sep, number = raw.partition("|")
    if tag != "v" or not sep or not number.isdigit() or len(number) > 9:
        raise ValueError("not a versions cursor")
    return int(number)


def encode_cursor(created_at: datetime, item_id: uuid.UUID) -> str:
    return _pack(f"{created_at.isoformat()}|{item_id}")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (created_at, id) position in a cursor; BadRequestError if it is not ours."""
    return _unpack(cursor, _parse_position)


def encode_version_cursor(version: int) -> str:
    """A versions page's position: the last version number shown (opaque to clients)."""
    return _pack(f"v|{version}")


def decode_version_cursor(cursor: str) -> int:
    """The version number in a cursor; BadRequestError if it is not ours."""
    return _unpack(cursor, _parse_version)
