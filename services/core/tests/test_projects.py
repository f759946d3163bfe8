"""Projects CRUD, validation, keyset pagination and owner isolation."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    return body


async def test_crud_happy_path(client: httpx.AsyncClient, alice) -> None:
    created = await client.post(
        "/v1/projects",
        json={"name": "  Todo app  ", "description": "A list of things"},
        headers=alice.headers,
    )
    assert created.status_code == 201, created.text
    project = created.json()
    assert set(project) == {
        "id",
        "name",
        "description",
        "current_build_id",
        "current_version",
        "created_at",
        "updated_at",
    }
    assert project["current_build_id"] is None  # nothing built yet
    assert project["name"] == "Todo app"  # stripped
    assert project["description"] == "A list of things"
    assert created.headers["location"] == f"/v1/projects/{project['id']}"

    fetched = await client.get(created.headers["location"], headers=alice.headers)
    assert fetched.status_code == 200
    assert fetched.json() == project

    patched = await client.patch(
        f"/v1/projects/{project['id']}", json={"name": "Todo pro"}, headers=alice.headers
    )
    assert patched.status_code == 200
    assert patched.json()["name"] == "Todo pro"
    assert patched.json()["description"] == "A list of things"  # untouched
    assert patched.json()["updated_at"] > project["updated_at"]
    assert patched.json()["created_at"] == project["created_at"]

    cleared = await client.patch(
        f"/v1/projects/{project['id']}", json={"description": None}, headers=alice.headers
    )
    assert cleared.json()["description"] is None
    assert cleared.json()["name"] == "Todo pro"

    listed = await client.get("/v1/projects", headers=alice.headers)
    assert [p["id"] for p in listed.json()["items"]] == [project["id"]]
    assert listed.json()["next_cursor"] is None

    deleted = await client.delete(f"/v1/projects/{project['id']}", headers=alice.headers)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_problem(await client.get(f"/v1/projects/{project['id']}", headers=alice.headers), 404)
    assert_problem(await client.delete(f"/v1/projects/{project['id']}", headers=alice.headers), 404)
    listed = await client.get("/v1/projects", headers=alice.headers)
    assert listed.json() == {"items": [], "next_cursor": None}


async def test_empty_patch_changes_nothing(client: httpx.AsyncClient, alice) -> None:
    project = (await client.post("/v1/projects", json={"name": "p"}, headers=alice.headers)).json()
    response = await client.patch(f"/v1/projects/{project['id']}", json={}, headers=alice.headers)
    assert response.status_code == 200
    assert response.json() == project


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 201},
        {"name": None},
        {"name": 42},
        {"name": "ok", "description": "d" * 2001},
        {"name": "ok", "owner_id": str(uuid.uuid4())},
    ],
)
async def test_create_rejects_invalid_bodies(client: httpx.AsyncClient, alice, body) -> None:
    assert_problem(await client.post("/v1/projects", json=body, headers=alice.headers), 422)


async def test_limits_are_inclusive(client: httpx.AsyncClient, alice) -> None:
    body = {"name": "x" * 200, "description": "d" * 2000}
    response = await client.post("/v1/projects", json=body, headers=alice.headers)
    assert response.status_code == 201
    assert response.json()["name"] == "x" * 200


@pytest.mark.parametrize(
    "body", [{"name": None}, {"name": "  "}, {"description": "d" * 2001}, {"owner_id": "x"}]
)
async def test_patch_rejects_invalid_bodies(client: httpx.AsyncClient, alice, body) -> None:
    project = (await client.post("/v1/projects", json={"name": "p"}, headers=alice.headers)).json()
    response = await client.patch(f"/v1/projects/{project['id']}", json=body, headers=alice.headers)
    assert_problem(response, 422)
    again = await client.get(f"/v1/projects/{project['id']}", headers=alice.headers)
    assert again.json() == project


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
@pytest.mark.parametrize("bad_id", ["not-a-uuid", "1", "' OR 1=1 --"])
async def test_non_uuid_id_is_a_problem_not_500(
    client: httpx.AsyncClient, alice, method: str, bad_id: str
) -> None:
    response = await client.request(
        method, f"/v1/projects/{bad_id}", json={"name": "x"}, headers=alice.headers
    )
    assert response.status_code in (404, 422)
    assert_problem(response, response.status_code)


async def test_pagination_walks_every_project_once_newest_first(
    client: httpx.AsyncClient, alice
) -> None:
    created = []
    for i in range(23):
        r = await client.post("/v1/projects", json={"name": f"p{i}"}, headers=alice.headers)
        created.append(r.json())

    seen: list[dict[str, str]] = []
    pages = 0
    cursor = None
    while True:
        params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        page = await client.get("/v1/projects", params=params, headers=alice.headers)
        assert page.status_code == 200
        body = page.json()
        pages += 1
        assert len(body["items"]) == (10 if body["next_cursor"] else 3)
        seen.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    ids = [p["id"] for p in seen]
    assert len(ids) == len(set(ids)) == 23
    assert set(ids) == {p["id"] for p in created}
    # Newest first: the reverse of creation order.
    assert ids == [p["id"] for p in reversed(created)]


async def test_pagination_breaks_created_at_ties_by_id(
    client: httpx.AsyncClient, alice, database_url: str
) -> None:
    """Rows with one identical created_at are neither skipped nor repeated."""
    stamp = datetime(2024, 1, 1, tzinfo=UTC)
    ids = sorted((uuid.uuid4() for _ in range(7)), reverse=True)
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            for pid in ids:
                await conn.execute(
                    text(
                        "INSERT INTO projects (id, owner_id, name, created_at, updated_at) "
                        "VALUES (:id, :owner, 'tie', :ts, :ts)"
                    ),
                    {"id": pid, "owner": alice.id, "ts": stamp},
                )
    finally:
        await engine.dispose()

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/v1/projects", params=params, headers=alice.headers)).json()
        seen.extend(p["id"] for p in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(i) for i in ids]


async def test_new_projects_do_not_shift_later_pages(client: httpx.AsyncClient, alice) -> None:
    for i in range(4):
        await client.post("/v1/projects", json={"name": f"old{i}"}, headers=alice.headers)
    first = (await client.get("/v1/projects?limit=2", headers=alice.headers)).json()
    await client.post("/v1/projects", json={"name": "newer"}, headers=alice.headers)
    second = (
        await client.get(
            "/v1/projects",
            params={"limit": 2, "cursor": first["next_cursor"]},
            headers=alice.headers,
        )
    ).json()
    names = [p["name"] for p in first["items"] + second["items"]]
    assert names == ["old3", "old2", "old1", "old0"]


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!!",
        "",
        _b64("no-separator"),
        _b64("not-a-date|" + str(uuid.uuid4())),
        _b64("2024-01-01T00:00:00+00:00|not-a-uuid"),
        _b64("2024-01-01T00:00:00|" + str(uuid.uuid4())),  # naive timestamp
        base64.urlsafe_b64encode(b"\xff\xfe|\x00").decode(),
        "A" * 5000,
    ],
)
async def test_malformed_cursor_is_4xx_problem(client: httpx.AsyncClient, alice, cursor) -> None:
    response = await client.get("/v1/projects", params={"cursor": cursor}, headers=alice.headers)
    assert response.status_code in (400, 422), response.text
    assert_problem(response, response.status_code)


@pytest.mark.parametrize("limit", ["0", "-1", "101", "abc", "1.5"])
async def test_bad_limit_is_422_problem(client: httpx.AsyncClient, alice, limit: str) -> None:
    response = await client.get(f"/v1/projects?limit={limit}", headers=alice.headers)
    assert_problem(response, 422)


@pytest.mark.parametrize("limit", [1, 100])
async def test_limit_bounds_are_accepted(client: httpx.AsyncClient, alice, limit: int) -> None:
    for i in range(2):
        await client.post("/v1/projects", json={"name": f"p{i}"}, headers=alice.headers)
    body = (await client.get(f"/v1/projects?limit={limit}", headers=alice.headers)).json()
    assert len(body["items"]) == min(limit, 2)
    assert (body["next_cursor"] is not None) == (limit == 1)


async def test_default_limit_is_20(client: httpx.AsyncClient, alice) -> None:
    for i in range(21):
        await client.post("/v1/projects", json={"name": f"p{i}"}, headers=alice.headers)
    body = (await client.get("/v1/projects", headers=alice.headers)).json()
    assert len(body["items"]) == 20
    assert body["next_cursor"] is not None


async def test_other_users_project_is_404_and_untouched(
    client: httpx.AsyncClient, alice, bob
) -> None:
    project = (
        await client.post(
            "/v1/projects", json={"name": "secret", "description": "mine"}, headers=alice.headers
        )
    ).json()
    url = f"/v1/projects/{project['id']}"
    missing = f"/v1/projects/{uuid.uuid4()}"

    for method, body in (("GET", None), ("PATCH", {"name": "pwned"}), ("DELETE", None)):
        theirs = await client.request(method, url, json=body, headers=bob.headers)
        nothing = await client.request(method, missing, json=body, headers=bob.headers)
        theirs_body = assert_problem(theirs, 404)
        nothing_body = assert_problem(nothing, 404)
        # Indistinguishable from a project that does not exist.
        for b in (theirs_body, nothing_body):
            b.pop("request_id", None)
        assert theirs_body == nothing_body

    after = await client.get(url, headers=alice.headers)
    assert after.status_code == 200
    assert after.json() == project


async def test_list_shows_only_own_projects(client: httpx.AsyncClient, alice, bob) -> None:
    mine = (await client.post("/v1/projects", json={"name": "a"}, headers=alice.headers)).json()
    theirs = (await client.post("/v1/projects", json={"name": "b"}, headers=bob.headers)).json()
    alice_ids = [
        p["id"] for p in (await client.get("/v1/projects", headers=alice.headers)).json()["items"]
    ]
    bob_ids = [
        p["id"] for p in (await client.get("/v1/projects", headers=bob.headers)).json()["items"]
    ]
    assert alice_ids == [mine["id"]]
    assert bob_ids == [theirs["id"]]


async def test_cursor_from_another_user_shows_only_own_projects(
    client: httpx.AsyncClient, alice, bob
) -> None:
    mine = (await client.post("/v1/projects", json={"name": "b"}, headers=bob.headers)).json()
    for i in range(3):
        await client.post("/v1/projects", json={"name": f"a{i}"}, headers=alice.headers)
    alice_cursor = (await client.get("/v1/projects?limit=1", headers=alice.headers)).json()[
        "next_cursor"
    ]
    body = (
        await client.get("/v1/projects", params={"cursor": alice_cursor}, headers=bob.headers)
    ).json()
    assert [p["id"] for p in body["items"]] == [mine["id"]]
