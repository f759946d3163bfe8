"""File-by-file comparison of two artifacts (pure: no database, no I/O).

The artifact index's sha256 tells which files are unchanged without reading
them; only added, removed and changed files are opened. ``difflib`` (the
standard library) makes the unified diffs. Every answer is bounded: a file
larger than ``max_file_bytes`` or not UTF-8 gets no diff text, and once the
diffs add up to ``max_total_chars`` the remaining files are listed without
theirs and the answer says ``truncated``.
"""

from __future__ import annotations

import difflib
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any, Literal

MAX_FILE_BYTES = 256 * 1024
MAX_TOTAL_CHARS = 512 * 1024

Status = Literal["added", "removed", "changed"]


@dataclass
class FileChange:
    path: str
    status: Status
    diff: str | None


@dataclass
class DiffResult:
    files: list[FileChange] = field(default_factory=list)
    unchanged: int = 0
    truncated: bool = False


def classify(
    old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> tuple[list[tuple[str, Status]], int]:
    """(path, status) of every file that differs, sorted by path, and the unchanged count."""
    before = {e["path"]: e["sha256"] for e in old}
    after = {e["path"]: e["sha256"] for e in new}
    changes: list[tuple[str, Status]] = []
    unchanged = 0
    for path in sorted(before.keys() | after.keys()):
        if path not in before:
            changes.append((path, "added"))
        elif path not in after:
            changes.append((path, "removed"))
        elif before[path] != after[path]:
            changes.append((path, "changed"))
        else:
            unchanged += 1
    return changes, unchanged


def _text(zf: zipfile.ZipFile | None, path: str, max_file_bytes: int) -> str | None:
    """The file as text; "" when absent from this side; None when binary or too large."""
    if zf is None:
        return ""
    info = zf.getinfo(path)
    if info.file_size > max_file_bytes:
        return None
    try:
        return zf.read(info).decode("utf-8")
    except UnicodeDecodeError:
        return None


def diff_archives(
    old_archive: bytes,
    new_archive: bytes,
    old_index: list[dict[str, Any]],
    new_index: list[dict[str, Any]],
    *,
    from_label: str = "a",
    to_label: str = "b",
    max_file_bytes: int = MAX_FILE_BYTES,
    max_total_chars: int = MAX_TOTAL_CHARS,
) -> DiffResult:
    """Compare two zips whose indexes are given; CPU-bound (run it off the event loop)."""
    changes, unchanged = classify(old_index, new_index)
    result = DiffResult(unchanged=unchanged)
    budget = max_total_chars
    with (
        zipfile.ZipFile(io.BytesIO(old_archive)) as old_zf,
        zipfile.ZipFile(io.BytesIO(new_archive)) as new_zf,
    ):
        for path, status in changes:
            if result.truncated:
                result.files.append(FileChange(path, status, None))
                continue
            before = _text(old_zf if status != "added" else None, path, max_file_bytes)
            after = _text(new_zf if status != "removed" else None, path, max_file_bytes)
            if before is None or after is None:
                result.files.append(FileChange(path, status, None))
                continue
            # Lines without their endings (lineterm=""), joined with "\n": a last
            # line with no newline, or CRLF endings, still give one line each.
            lines = difflib.unified_diff(
                before.splitlines(),
                after.splitlines(),
                fromfile=f"{from_label}/{path}" if status != "added" else "/dev/null",
                tofile=f"{to_label}/{path}" if status != "removed" else "/dev/null",
                lineterm="",
            )
            text = "".join(line + "\n" for line in lines)
            if len(text) > budget:
                result.truncated = True
                result.files.append(FileChange(path, status, None))
                continue
            budget -= len(text)
            result.files.append(FileChange(path, status, text))
    return result
