"""The edits' value types: one edit, and the error for a request that cannot be applied."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

OPS = (
    "add_entity",
    "remove_entity",
    "rename_entity",
    "add_field",
    "remove_field",
    "rename_field",
    "change_type",
    "set_required",
    "add_relation",
    "remove_relation",
    "add_summary",
    "remove_summary",
)


@dataclass(frozen=True)
class Edit:
    """One change made to a spec, in words a person can read back (``text``)."""

    op: str
    text: str
    entity: str | None = None
    field: str | None = None
    # rename: the new name; change_type: the new type; add_relation: the parent entity.
    to: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class Unapplied(Exception):
    """One clause cannot be applied; the message says why, in the request's own terms."""


class EditError(ValueError):
    """A request it cannot apply: what it understood (``understood``) and what failed."""

    def __init__(self, understood: list[Edit], failed: list[dict[str, str]]) -> None:
        self.understood = understood
        self.failed = failed
        parts = [f"{f['text']!r}: {f['reason']}" for f in failed]
        message = "Cannot apply " + "; ".join(parts) if parts else "Nothing to change"
        if understood:
            message += ". Understood: " + "; ".join(e.text for e in understood)
        else:
            message += ". Nothing in the request was understood as an edit"
        super().__init__(message + ".")
        self.message = message + "."

    def understood_dicts(self) -> list[dict[str, Any]]:
        return [e.as_dict() for e in self.understood]
