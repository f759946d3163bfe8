"""The gateway's own probes."""

from __future__ import annotations

UPSTREAM_CHECKS = {"database": {"status": "ok"}, "redis": {"status": "ok"}}


async def test_livez(gateway, client) -> None:
    response = await client.get(f"{gateway.url}/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_all_up(gateway, client) -> None:
    response = await client.get(f"{gateway.url}/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "redis": {"status": "ok"},
            # Each upstream's own checks are shown inside its entry.
            "auth": {"status": "ok", "checks": UPSTREAM_CHECKS},
            "core": {"status": "ok", "checks": UPSTREAM_CHECKS},
        },
    }


async def test_readyz_names_the_failed_upstream_and_stays_ready(core_down_gateway, client) -> None:
    """Every replica shares the upstream: unready gateways would also cut off auth."""
    response = await client.get(f"{core_down_gateway.url}/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["core"]["status"] == "fail"
    assert body["checks"]["auth"] == {"status": "ok", "checks": UPSTREAM_CHECKS}
    assert body["checks"]["redis"] == {"status": "ok"}


async def test_readyz_names_redis_when_down_and_stays_ready(redis_down_gateway, client) -> None:
    gateway = redis_down_gateway
    response = await client.get(f"{gateway.url}/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    checks = response.json()["checks"]
    assert checks["redis"]["status"] == "fail"
    assert checks["auth"]["status"] == "ok"
    assert checks["core"]["status"] == "ok"
    # Redis is not on the proxy path: requests still go through.
    assert (await client.get(f"{gateway.url}/v1/projects")).status_code == 200


async def test_probes_refuse_other_methods(gateway, client) -> None:
    response = await client.post(f"{gateway.url}/livez")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


async def test_metrics_and_detailed_readiness_only_for_in_cluster_clients(
    edge, client, fresh_ip
) -> None:
    """The gateway is the public entry: outsiders get no metrics and no check details."""
    outside = {"X-Forwarded-For": fresh_ip()}  # 2001:db8::/32, through a trusted proxy
    assert (await client.get(f"{edge.url}/metrics")).status_code == 200
    hidden = await client.get(f"{edge.url}/metrics", headers=outside)
    assert hidden.status_code == 404
    assert hidden.headers["content-type"] == "application/problem+json"
    inside = (await client.get(f"{edge.url}/readyz")).json()
    assert "checks" in inside
    public = await client.get(f"{edge.url}/readyz", headers=outside)
    assert public.status_code == 200
    assert public.json() == {"status": inside["status"]}
