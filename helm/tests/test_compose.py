"""deploy/compose.yaml: the one-machine platform wired like the chart.

`podman compose` / `docker compose` is not part of CI's toolset, so the file
is checked here for what would break `up`: every image built from a real
Dockerfile, migrations as one-shot services that the apps wait for, and the
apps locked down as in the chart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "deploy" / "compose.yaml"
APPS = ("auth", "core", "worker", "gateway")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def test_every_launchforge_image_builds_from_the_dockerfile(compose: dict[str, Any]) -> None:
    for name in (*APPS, "auth-migrate", "core-migrate"):
        service = compose["services"][name]
        build = service["build"]
        dockerfile = (COMPOSE_FILE.parent / build["context"] / build["dockerfile"]).resolve()
        assert dockerfile.is_file(), name
        image_service = "core" if name in ("worker", "core-migrate") else name.split("-")[0]
        assert dockerfile == ROOT / "Dockerfile", name
        assert build["args"]["SERVICE"] == image_service, name
        assert service["image"].endswith(f"{image_service}:${{TAG:-dev}}"), name


def test_migrations_run_once_before_the_apps(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for svc in ("auth", "core"):
        migrate = services[f"{svc}-migrate"]
        assert migrate["command"] == ["migrate"]
        assert migrate["restart"] == "no"
        assert migrate["depends_on"] == {
            "create-databases": {"condition": "service_completed_successfully"}
        }
        # the same database and settings as the service it migrates
        app_env = services[svc]["environment"]
        assert {k: app_env[k] for k in migrate["environment"]} == migrate["environment"]
    assert services["auth"]["depends_on"]["auth-migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["core"]["depends_on"]["core-migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["worker"]["depends_on"]["core-migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["worker"]["command"] == ["worker"]


def test_apps_are_locked_down_and_only_the_gateway_is_published(
    compose: dict[str, Any],
) -> None:
    for name, service in compose["services"].items():
        if name in APPS or name.endswith("-migrate"):
            assert service["read_only"] is True, name
            assert service["user"] == "10001:10001", name
            assert service["cap_drop"] == ["ALL"], name
            assert service["tmpfs"] == ["/tmp"], name
        if name != "gateway":
            assert "ports" not in service, f"{name} is published"
    assert compose["services"]["gateway"]["ports"] == ["${GATEWAY_PORT:-8000}:8000"]


def test_each_service_gets_its_own_database(compose: dict[str, Any]) -> None:
    services = compose["services"]
    auth_url = services["auth"]["environment"]["AUTH_DATABASE_URL"]
    core_url = services["core"]["environment"]["CORE_DATABASE_URL"]
    assert auth_url.endswith("/launchforge_auth")
    assert core_url.endswith("/launchforge_core")
    assert services["postgres"]["environment"]["POSTGRES_DB"] == "launchforge_auth"
    assert "launchforge_core" in services["create-databases"]["command"][0]


def test_apps_get_time_to_drain_on_stop(compose: dict[str, Any]) -> None:
    """SIGTERM drains (5 s in production) then finishes in-flight requests (10 s)."""
    for name in APPS:
        grace = compose["services"][name]["stop_grace_period"]
        assert grace.endswith("s"), name
        assert int(grace[:-1]) >= 5 + 10 + 5, name
