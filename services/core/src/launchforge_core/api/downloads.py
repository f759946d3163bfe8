"""The one shape of a zip download (a build's or a version's), streamed from the store."""

from __future__ import annotations

from typing import Any

from fastapi.responses import StreamingResponse

from launchforge_core.services.artifacts import ArtifactStore, Download

# The OpenAPI answer of a download route (its success is not JSON).
ZIP_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The artifact (a zip)", "content": {"application/zip": {}}}
}


def zip_response(store: ArtifactStore, download: Download) -> StreamingResponse:
    """Stream the zip in chunks (each read in its own short session) as an attachment."""
    return StreamingResponse(
        store.stream(download.build_id, download.size),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{download.filename}"',
            "Content-Length": str(download.size),
            "X-Content-Type-Options": "nosniff",
        },
    )
