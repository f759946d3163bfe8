"""skaffold.yaml against skaffold's own JSON schema, and against the chart.

No skaffold binary can be installed here, so the schema (a copy of
skaffold's docs-v2/content/en/schemas/v4beta14.json in helm/schemas/) stands
in for `skaffold diagnose`, and the chart is rendered with the values
skaffold would hand it.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "helm" / "schemas" / "skaffold-v4beta14.json").read_text())
CHART_VALUES = yaml.safe_load((ROOT / "helm" / "launchforge" / "values.yaml").read_text())


@pytest.fixture(scope="module")
def skaffold() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "skaffold.yaml").read_text())


def _validate(config: dict[str, Any]) -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(config)


def _apply(config: dict[str, Any], patches: list[dict[str, Any]]) -> dict[str, Any]:
    """JSON-patch add/replace (all skaffold.yaml uses), failing on a bad path."""
    result = copy.deepcopy(config)
    for patch in patches:
        *parents, last = [p for p in patch["path"].split("/") if p]
        node: Any = result
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if patch["op"] == "replace":
            assert (int(last) if isinstance(node, list) else last) in (
                range(len(node)) if isinstance(node, list) else node
            ), patch["path"]
        elif patch["op"] != "add":
            raise AssertionError(f"unsupported op {patch['op']}")
        if isinstance(node, list):
            node.insert(int(last), patch["value"])
        else:
            node[last] = patch["value"]
    return result


def _profile(config: dict[str, Any], name: str) -> dict[str, Any]:
    (profile,) = [p for p in config["profiles"] if p["name"] == name]
    return profile


def test_skaffold_yaml_is_valid_v4beta14(skaffold: dict[str, Any]) -> None:
    assert skaffold["apiVersion"] == "skaffold/v4beta14"
    _validate(skaffold)
    for profile in skaffold["profiles"]:
        _validate(_apply(skaffold, profile.get("patches", [])))


def test_the_schema_check_catches_a_typo(skaffold: dict[str, Any]) -> None:
    broken = copy.deepcopy(skaffold)
    broken["deploy"]["helm"]["releases"][0]["chartPth"] = "helm/launchforge"
    with pytest.raises(jsonschema.ValidationError):
        _validate(broken)


def test_one_artifact_per_service_image(skaffold: dict[str, Any]) -> None:
    """One artifact per service, each from the one Dockerfile with its SERVICE."""
    services = sorted(p.parent.name for p in ROOT.glob("services/*/pyproject.toml"))
    artifacts = skaffold["build"]["artifacts"]
    assert sorted(a["image"].rsplit("/", 1)[1] for a in artifacts) == services
    assert not list(ROOT.glob("services/*/Dockerfile"))
    dockerfile = (ROOT / "Dockerfile").read_text()
    for artifact in artifacts:
        service = artifact["image"].rsplit("/", 1)[1]
        dependency = artifact["custom"]["dependencies"]["dockerfile"]
        assert dependency == {"path": "Dockerfile", "buildArgs": {"SERVICE": service}}
        assert f"AS sources-{service}" in dockerfile
        assert f"AS runtime-{service}" in dockerfile
        assert (ROOT / artifact["custom"]["buildCommand"].split()[-1]).is_file()


def test_images_reach_the_chart(skaffold: dict[str, Any], render: Any) -> None:
    (release,) = skaffold["deploy"]["helm"]["releases"]
    assert (ROOT / release["chartPath"] / "Chart.yaml").is_file()
    images = {a["image"] for a in skaffold["build"]["artifacts"]}
    sanitized = {re.sub(r"[^A-Za-z0-9]", "_", image): image for image in images}
    args: list[str] = []
    for key, template in release["setValueTemplates"].items():
        match = re.fullmatch(r"\{\{\.IMAGE_(REPO|TAG)_(\w+)\}\}", template)
        assert match, template
        assert match.group(2) in sanitized, f"{template}: no artifact {match.group(2)}"
        fake = sanitized[match.group(2)] if match.group(1) == "REPO" else "t1"
        args += [
            "--set",
            f"{key}=registry.test/{fake}" if match.group(1) == "REPO" else f"{key}={fake}",
        ]
    manifests = render(*args)
    deployed = {
        c["image"]
        for m in manifests
        if m["kind"] in ("Deployment", "Job")
        for c in m["spec"]["template"]["spec"]["containers"]
    }
    assert deployed == {f"registry.test/{image}:t1" for image in images}


def test_port_forward_targets_the_gateway_service(skaffold: dict[str, Any], render: Any) -> None:
    (forward,) = skaffold["portForward"]
    (release,) = skaffold["deploy"]["helm"]["releases"]
    # skaffold installs the release under its own name: render with that name.
    services = {
        m["metadata"]["name"]: m for m in render(release=release["name"]) if m["kind"] == "Service"
    }
    assert forward["resourceType"] == "service"
    gateway = services[forward["resourceName"]]
    assert gateway["metadata"]["labels"]["app.kubernetes.io/component"] == "gateway"
    assert forward["port"] in {p["port"] for p in gateway["spec"]["ports"]}


def test_dev_profile_syncs_python_sources_into_a_reloading_pod(
    skaffold: dict[str, Any], render: Any
) -> None:
    dev = _apply(skaffold, _profile(skaffold, "dev")["patches"])
    for artifact in dev["build"]["artifacts"]:
        # built with /app owned by the service's uid, so sync can write there
        assert artifact["custom"]["buildCommand"].endswith("--dev")
        rules = artifact["sync"]["manual"]
        service = artifact["image"].rsplit("/", 1)[1]
        sources = {rule["src"].split("/**")[0] for rule in rules}
        assert sources == {f"services/{service}/src", "libs/common/src"}
        for rule in rules:
            assert list(ROOT.glob(rule["src"])), rule["src"]
            assert rule["dest"] == "/app"  # the image's editable install lives there
    release = dev["deploy"]["helm"]["releases"][0]
    assert release["setValues"]["devMode"] is True
    values_files = [str(ROOT / f) for f in release["valuesFiles"]]
    args = [arg for f in values_files for arg in ("-f", f)] + ["--set", "devMode=true"]
    for m in render(*args):
        if m["kind"] == "Deployment":
            (c,) = m["spec"]["template"]["spec"]["containers"]
            assert c["command"][0] == "watchfiles"
            assert "/app/libs/common/src" in c["command"]
            assert c["securityContext"]["readOnlyRootFilesystem"] is False


def test_ci_profile_renders_the_production_values(skaffold: dict[str, Any]) -> None:
    ci = _apply(skaffold, _profile(skaffold, "ci")["patches"])
    assert ci["build"]["tagPolicy"] == {"gitCommit": {}}
    for values_file in ci["deploy"]["helm"]["releases"][0]["valuesFiles"]:
        assert (ROOT / values_file).is_file()


def test_chart_values_cover_every_value_skaffold_sets(skaffold: dict[str, Any]) -> None:
    release = skaffold["deploy"]["helm"]["releases"][0]
    for key in [*release["setValueTemplates"], *release["setValues"]]:
        node: Any = CHART_VALUES
        for part in key.split("."):
            assert part in node, f"{key} is not a chart value"
            node = node[part]
