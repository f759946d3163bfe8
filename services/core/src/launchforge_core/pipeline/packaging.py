"""The package stage: a deterministic zip plus manifest (also stored inside the zip)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip's epoch: same input, byte-identical archive


def write_tree(files: dict[str, bytes], root: Path) -> None:
    """The project's files laid out under ``root``: the sandbox's project directory, or a
    test's or benchmark's own directory where the app is run as a person would run it."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def build_manifest(files: dict[str, bytes], **meta: Any) -> dict[str, Any]:
    return {
        "format": 1,
        **meta,
        "files": [
            {
                "path": path,
                "size": len(files[path]),
                "sha256": hashlib.sha256(files[path]).hexdigest(),
            }
            for path in sorted(files)
        ],
    }


def build_zip(files: dict[str, bytes], manifest: dict[str, Any]) -> bytes:
    """Entries sorted, fixed timestamps and permissions, ``manifest.json`` last."""
    buffer = io.BytesIO()
    entries = dict(sorted(files.items()))
    entries["manifest.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, content in entries.items():
            info = zipfile.ZipInfo(path, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, content)
    return buffer.getvalue()
