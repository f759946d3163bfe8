"""core's OpenAPI document declares every answer it gives.

Found by the schemathesis drill: errors were undeclared (or declared in
FastAPI's JSON shape), and the artifact routes declared ``application/json``
for a zip, a file and an event stream.
"""

from __future__ import annotations

import httpx


async def test_errors_and_media_types_are_declared(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            responses = operation["responses"]
            # Every route needs a token; every route naming an id can be a 404.
            assert "401" in responses, (method, path)
            if "_id}" in path:
                assert "404" in responses, (method, path)
            for status, declared in responses.items():
                if status[0] in "45":
                    assert list(declared["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )
    files = "/v1/builds/{build_id}"
    assert list(paths[f"{files}/download"]["get"]["responses"]["200"]["content"]) == [
        "application/zip"
    ]
    assert set(paths[f"{files}/files/{{path}}"]["get"]["responses"]["200"]["content"]) == {
        "text/plain",
        "application/octet-stream",
    }
    assert list(paths[f"{files}/events"]["get"]["responses"]["200"]["content"]) == [
        "text/event-stream"
    ]
    create_build = paths["/v1/projects/{project_id}/builds"]["post"]["responses"]
    assert {"400", "402", "404", "422"} <= create_build.keys()
    assert {"402", "409"} <= paths[f"{files}/retry"]["post"]["responses"].keys()
