"""The package stage: a deterministic zip plus manifest (also stored inside the zip)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip's epoch: same input, byte-identical archive


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
