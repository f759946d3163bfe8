"""auth's OpenAPI document declares every answer it gives, errors as problem+json.

Found by the schemathesis drill: only the success answer and FastAPI's own
422 shape were declared, so every 401, 403, 404 or 409 broke the contract.
"""

from __future__ import annotations

import httpx


async def test_every_error_answer_is_declared_as_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            for status, declared in operation["responses"].items():
                if status[0] in "45":
                    assert list(declared["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )
    assert {"401", "429"} <= paths["/v1/auth/login"]["post"]["responses"].keys()
    assert "409" in paths["/v1/auth/register"]["post"]["responses"]
    assert {"401", "403", "404"} <= paths["/v1/auth/api-keys/{key_id}"]["delete"][
        "responses"
    ].keys()
    assert {"401", "403"} <= paths["/v1/auth/admin/users"]["get"]["responses"].keys()
