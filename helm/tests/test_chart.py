"""What matters in the rendered chart, for default and production-like values.

Schema validity of every manifest is checked with kubernetes-validate here
and (with the CLI, --strict) by `make chart-test`; these tests assert the
policy: probes, limits, non-root and read-only containers, one public entry,
hook ordering, secret handling, and a values schema that rejects typos.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from launchforge_common.crypto import KeyRing
from launchforge_core.pipeline import PipelineSettings

Manifest = dict[str, Any]
K8S_VERSION = "1.33"
HTTP_COMPONENTS = {"gateway", "auth", "core"}


# ---- queries over rendered manifests


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [m for m in manifests if m["kind"] == kind]


def component(manifest: Manifest) -> str:
    return str(manifest["metadata"]["labels"]["app.kubernetes.io/component"])


def one(manifests: list[Manifest], kind: str, comp: str) -> Manifest:
    found = [m for m in of_kind(manifests, kind) if component(m) == comp]
    assert len(found) == 1, f"{kind} of {comp}: {len(found)} found"
    return found[0]


def pod_containers(manifests: list[Manifest]) -> Iterator[tuple[Manifest, Manifest, Manifest]]:
    for m in manifests:
        if m["kind"] in ("Deployment", "Job"):
            spec = m["spec"]["template"]["spec"]
            for c in spec.get("initContainers", []) + spec["containers"]:
                yield m, spec, c


def annotations(manifest: Manifest) -> dict[str, str]:
    return dict(manifest["metadata"].get("annotations") or {})


def hook_weight(manifest: Manifest) -> int:
    return int(annotations(manifest)["helm.sh/hook-weight"])


def secret_refs(container: Manifest) -> dict[str, tuple[str, str]]:
    return {
        e["name"]: (e["valueFrom"]["secretKeyRef"]["name"], e["valueFrom"]["secretKeyRef"]["key"])
        for e in container.get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {})
    }


@pytest.fixture(params=["default", "prod"])
def manifests(
    request: pytest.FixtureRequest,
    default_manifests: list[Manifest],
    prod_manifests: list[Manifest],
) -> list[Manifest]:
    return default_manifests if request.param == "default" else prod_manifests


# ---- Kubernetes schemas


def test_every_manifest_is_valid_kubernetes(manifests: list[Manifest]) -> None:
    for m in manifests:
        kubernetes_validate.validate(m, K8S_VERSION, strict=True)


def test_the_validator_rejects_an_unknown_container_field(
    default_manifests: list[Manifest],
) -> None:
    """Proves the check above can fail: a typo inside a container spec."""
    deployment = json.loads(json.dumps(one(default_manifests, "Deployment", "gateway")))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


# ---- workloads


def test_every_workload_expected_is_rendered(default_manifests: list[Manifest]) -> None:
    deployments = {component(m): m for m in of_kind(default_manifests, "Deployment")}
    assert set(deployments) == {"gateway", "auth", "core", "worker"}
    worker = deployments["worker"]["spec"]["template"]["spec"]["containers"][0]
    core = deployments["core"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["image"] == core["image"], "the worker runs core's image"
    assert worker["args"] == ["worker"]
    assert core["args"] == ["serve"]
    jobs = {component(m) for m in of_kind(default_manifests, "Job")}
    assert jobs == {"auth-migrate", "core-migrate"}


def test_every_container_has_limits_and_a_locked_down_security_context(
    manifests: list[Manifest],
) -> None:
    for m, spec, c in pod_containers(manifests):
        where = f"{m['kind']}/{m['metadata']['name']}/{c['name']}"
        limits = c.get("resources", {}).get("limits", {})
        requests = c.get("resources", {}).get("requests", {})
        assert {"cpu", "memory"} <= set(limits), where
        assert {"cpu", "memory"} <= set(requests), where
        sc = c["securityContext"]
        assert sc["runAsNonRoot"] is True, where
        assert sc["readOnlyRootFilesystem"] is True, where
        assert sc["allowPrivilegeEscalation"] is False, where
        assert sc["capabilities"]["drop"] == ["ALL"], where
        assert "add" not in sc["capabilities"], where
        pod_sc = spec["securityContext"]
        assert pod_sc["runAsNonRoot"] is True, where
        assert pod_sc["runAsUser"] == 10001, where
        assert pod_sc["seccompProfile"] == {"type": "RuntimeDefault"}, where
        # Only the worker holds an API token, for the sandbox's Jobs (tested below).
        assert spec["automountServiceAccountToken"] is (component(m) == "worker"), where
        tmp = {v["name"]: v for v in spec["volumes"]}["tmp"]
        assert "emptyDir" in tmp, where
        assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"], where


def test_http_services_have_all_three_probes(manifests: list[Manifest]) -> None:
    for comp in HTTP_COMPONENTS:
        c = one(manifests, "Deployment", comp)["spec"]["template"]["spec"]["containers"][0]
        assert c["livenessProbe"]["httpGet"]["path"] == "/livez", comp
        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz", comp
        assert c["startupProbe"]["httpGet"]["path"] == "/livez", comp
        port_names = {p["name"] for p in c["ports"]}
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            assert c[probe]["httpGet"]["port"] in port_names, (comp, probe)


def test_worker_has_no_http_probes_but_can_get_an_exec_one(render: Any) -> None:
    """The worker serves no HTTP API (see values.yaml), only its internal preview port;
    livenessCommand adds an exec probe."""
    plain = one(render(), "Deployment", "worker")["spec"]["template"]["spec"]["containers"][0]
    assert [port["name"] for port in plain["ports"]] == ["preview"]
    assert not {"livenessProbe", "readinessProbe", "startupProbe"} & set(plain)
    checked = render("--set-json", 'worker.livenessCommand=["launchforge-core","--help"]')
    c = one(checked, "Deployment", "worker")["spec"]["template"]["spec"]["containers"][0]
    assert c["livenessProbe"]["exec"]["command"] == ["launchforge-core", "--help"]


def test_pods_drain_before_they_stop(manifests: list[Manifest]) -> None:
    for m in of_kind(manifests, "Deployment"):
        spec = m["spec"]["template"]["spec"]
        sleep = spec["containers"][0]["lifecycle"]["preStop"]["exec"]["command"]
        assert sleep[0] == "sleep"
        drain = 0
        if component(m) in HTTP_COMPONENTS:
            config_maps = {
                c["metadata"]["name"]: c["data"] for c in of_kind(manifests, "ConfigMap")
            }
            (source,) = spec["containers"][0]["envFrom"]
            config = config_maps[source["configMapRef"]["name"]]
            drain = int(config[f"{component(m).upper()}_SHUTDOWN_DRAIN_SECONDS"])
            assert drain > 0, component(m)
        # the grace period covers the preStop sleep, the app's readiness-first
        # drain after SIGTERM, then its graceful shutdown (10 s)
        assert spec["terminationGracePeriodSeconds"] >= int(sleep[1]) + drain + 10, component(m)
        spread = spec["topologySpreadConstraints"][0]
        assert spread["labelSelector"]["matchLabels"] == m["spec"]["selector"]["matchLabels"]


def test_autoscalers_and_disruption_budgets_target_real_deployments(
    manifests: list[Manifest],
) -> None:
    deployments = {m["metadata"]["name"]: m for m in of_kind(manifests, "Deployment")}
    hpas = of_kind(manifests, "HorizontalPodAutoscaler")
    assert {component(h) for h in hpas} == {"gateway", "core", "worker"}
    for hpa in hpas:
        target = deployments[hpa["spec"]["scaleTargetRef"]["name"]]
        # the HPA owns the replica count: a Deployment that also set it would fight it
        assert "replicas" not in target["spec"]
    assert "replicas" in one(manifests, "Deployment", "auth")["spec"]
    selectors = [d["spec"]["selector"]["matchLabels"] for d in deployments.values()]
    pdbs = of_kind(manifests, "PodDisruptionBudget")
    assert len(pdbs) == 4
    for pdb in pdbs:
        assert pdb["spec"]["selector"]["matchLabels"] in selectors


# ---- exposure


def test_only_the_gateway_is_exposed(render: Any) -> None:
    manifests = render(
        "--set",
        "gateway.service.type=LoadBalancer",
        "--set",
        "ingress.enabled=true",
        "--set",
        "gateway.trustedProxies[0]=10.42.0.0/16",
    )
    services = {component(s): s for s in of_kind(manifests, "Service")}
    assert set(services) == {"gateway", "auth", "core"}
    assert services["gateway"]["spec"]["type"] == "LoadBalancer"
    assert services["auth"]["spec"]["type"] == "ClusterIP"
    assert services["core"]["spec"]["type"] == "ClusterIP"
    (ingress,) = of_kind(manifests, "Ingress")
    backends = {
        path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert backends == {services["gateway"]["metadata"]["name"]}


def test_network_policies_admit_only_the_intended_peers(manifests: list[Manifest]) -> None:
    policies = {component(p): p for p in of_kind(manifests, "NetworkPolicy")}
    pod_components = {component(m) for m in manifests if m["kind"] in ("Deployment", "Job")}
    assert pod_components <= set(policies), "every pod is under a policy"

    def allowed_from(comp: str) -> list[Any]:
        spec = policies[comp]["spec"]
        assert set(spec["policyTypes"]) == {"Ingress", "Egress"}
        return [rule.get("from") for rule in spec["ingress"]]

    def release_peers(rules: list[Any]) -> set[str]:
        return {
            peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
            for peers in rules
            for peer in peers or []
        }

    assert len(allowed_from("gateway")) == 1  # the outside, or the configured ingress peers
    assert release_peers(allowed_from("auth")) == {"gateway", "core"}
    assert release_peers(allowed_from("core")) == {"gateway"}
    for comp in ("auth", "core"):
        assert all(rules for rules in allowed_from(comp)), f"{comp} open to everyone"
    assert release_peers(allowed_from("worker")) == {"core"}  # live previews, both modes
    assert allowed_from("auth-migrate") == []

    def egress_ports(comp: str) -> set[int]:
        return {p["port"] for rule in policies[comp]["spec"]["egress"] for p in rule["ports"]}

    assert {53, 5432, 6379, 443} <= egress_ports("worker")
    assert 443 not in egress_ports("core")
    assert 587 in egress_ports("auth")  # its SMTP server
    assert 5432 not in egress_ports("gateway")


# ---- configuration, secrets and migration hooks


def test_migration_hooks_are_ordered_after_their_configuration(
    manifests: list[Manifest],
) -> None:
    hooks = [m for m in manifests if "helm.sh/hook" in annotations(m)]
    jobs = of_kind(hooks, "Job")
    assert len(jobs) == 2
    hook_names = {(m["kind"], m["metadata"]["name"]) for m in hooks}
    for job in jobs:
        a = annotations(job)
        assert set(a["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
        spec = job["spec"]["template"]["spec"]
        assert spec["restartPolicy"] == "Never"
        (c,) = spec["containers"]
        assert c["args"] == ["migrate"]
        config = c["envFrom"][0]["configMapRef"]["name"]
        config_hook = next(m for m in hooks if m["metadata"]["name"] == config)
        assert ("ConfigMap", config) in hook_names
        assert hook_weight(config_hook) < hook_weight(job)
        assert "hook-succeeded" not in annotations(config_hook)["helm.sh/hook-delete-policy"]
        for secret_name, _key in secret_refs(c).values():
            secret_hooks = [
                m for m in of_kind(hooks, "Secret") if m["metadata"]["name"] == secret_name
            ]
            if secret_hooks:
                assert hook_weight(secret_hooks[0]) < hook_weight(job)
            else:  # only an existing Secret (made before the install) may be used otherwise
                assert secret_name == "launchforge-secrets"
        # the database URL and (for auth, production) the key ring reach the job
        env = set(secret_refs(c))
        assert {"AUTH_DATABASE_URL", "AUTH_KEY_ENCRYPTION_KEYS"} <= env or {
            "CORE_DATABASE_URL"
        } <= env


def test_services_get_only_their_own_secrets(default_manifests: list[Manifest]) -> None:
    env = {
        comp: set(
            secret_refs(
                one(default_manifests, "Deployment", comp)["spec"]["template"]["spec"][
                    "containers"
                ][0]
            )
        )
        for comp in ("gateway", "auth", "core", "worker")
    }
    assert not any("DATABASE_URL" in name for name in env["gateway"])
    assert "CORE_DATABASE_URL" not in env["auth"]
    assert "AUTH_DATABASE_URL" not in env["core"]
    assert "AUTH_KEY_ENCRYPTION_KEYS" in env["auth"]
    assert env["worker"] == env["core"]


def test_generated_secrets_are_valid_and_identical_in_the_hook_copy(
    default_manifests: list[Manifest],
) -> None:
    secrets = of_kind(default_manifests, "Secret")
    assert len(secrets) == 2  # the release's and the migration hooks' copy
    data = [{k: base64.b64decode(v).decode() for k, v in s["data"].items()} for s in secrets]
    assert data[0] == data[1]
    for key in ("auth-key-encryption-keys", "core-key-encryption-keys"):
        ring = KeyRing.from_settings(data[0][key], environment="production")
        assert ring.decrypt(ring.encrypt(b"probe")) == b"probe"
    assert len(data[0]["internal-token"]) >= 32
    assert data[0]["auth-key-encryption-keys"] != data[0]["core-key-encryption-keys"]
    cm = {m["metadata"]["name"]: m["data"] for m in of_kind(default_manifests, "ConfigMap")}
    assert all("DATABASE_URL" not in key for data_ in cm.values() for key in data_)


def test_existing_secret_replaces_the_charts_secret(prod_manifests: list[Manifest]) -> None:
    assert of_kind(prod_manifests, "Secret") == []
    for m, _spec, c in pod_containers(prod_manifests):
        refs = secret_refs(c)
        assert refs, m["metadata"]["name"]
        assert {name for name, _key in refs.values()} == {"launchforge-secrets"}
    auth = one(prod_manifests, "Deployment", "auth")["spec"]["template"]["spec"]["containers"][0]
    assert secret_refs(auth)["AUTH_SMTP_PASSWORD"] == ("launchforge-secrets", "smtp-password")


def test_config_reaches_the_services(prod_manifests: list[Manifest]) -> None:
    cm = {
        component(m): m["data"]
        for m in of_kind(prod_manifests, "ConfigMap")
        if "helm.sh/hook" not in annotations(m)
    }
    assert cm["gateway"]["GATEWAY_AUTH_URL"] == "http://lf-launchforge-auth:8001"
    assert cm["gateway"]["GATEWAY_CORE_URL"] == "http://lf-launchforge-core:8002"
    assert json.loads(cm["gateway"]["GATEWAY_TRUSTED_PROXIES"]) == ["10.42.0.0/16"]
    assert cm["core"]["CORE_AUTH_URL"] == "http://lf-launchforge-auth:8001"
    assert cm["core"]["CORE_WORKER_CONCURRENCY"] == "4"
    assert cm["auth"]["AUTH_PROXY_HEADERS"] == "true"
    # auth throttles logins per client: it must believe the gateway's X-Forwarded-For
    assert json.loads(cm["auth"]["AUTH_TRUSTED_PROXIES"]) == ["10.42.0.0/16"]
    # production refuses mail_backend "log": the chart sends mail by SMTP
    assert cm["auth"]["AUTH_MAIL_BACKEND"] == "smtp"
    assert cm["auth"]["AUTH_SMTP_HOST"] == "smtp.example.com"
    assert cm["auth"]["AUTH_SMTP_USERNAME"] == "launchforge"
    for comp in ("gateway", "auth", "core"):
        assert cm[comp][f"{comp.upper()}_ENVIRONMENT"] == "production"
        assert cm[comp][f"{comp.upper()}_HOST"] == "0.0.0.0"  # noqa: S104
    image = one(prod_manifests, "Deployment", "gateway")["spec"]["template"]["spec"]["containers"][
        0
    ]["image"]
    assert image == "registry.example.com/launchforge/gateway:1.4.2"


# ---- values schema


def test_an_ingress_without_trusted_proxies_fails_to_render(helm_template: Any) -> None:
    """Else every client shares the ingress's address: one lockout would lock out all."""
    result = helm_template("--set", "ingress.enabled=true")
    assert result.returncode != 0
    assert "needs gateway.trustedProxies" in result.stderr
    trusted = ("--set", "ingress.enabled=true", "--set", "gateway.trustedProxies[0]=10.42.0.0/16")
    assert helm_template(*trusted).returncode == 0


def test_a_grace_period_shorter_than_the_drain_fails_to_render(helm_template: Any) -> None:
    result = helm_template("--set", "auth.terminationGracePeriodSeconds=15")
    assert result.returncode != 0
    assert "auth.terminationGracePeriodSeconds must be at least 20" in result.stderr
    assert helm_template("--set", "auth.terminationGracePeriodSeconds=20").returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--set", "gatway.replicaCount=3"), "gatway"),
        (("--set", "gateway.replicaCont=3"), "replicaCont"),
        (("--set", "networkPolicy.postgresql.prot=5432"), "prot"),
        (("--set", "securityContext.readOnlyRootFilesystem=false"), "readOnlyRootFilesystem"),
        (("--set", "environment=prod"), "environment"),
        (("--set", "worker.resources.limits.gpu=1"), "gpu"),
    ],
)
def test_schema_rejects_typos_and_unsafe_values(
    helm_template: Any, args: tuple[str, ...], message: str
) -> None:
    result = helm_template(*args)
    assert result.returncode != 0
    assert message in result.stderr


def test_images_default_to_the_app_version_and_can_be_set_per_service(render: Any) -> None:
    def images(manifests: list[Manifest]) -> dict[str, str]:
        return {component(m): c["image"] for m, _spec, c in pod_containers(manifests)}

    defaults = images(render())
    assert defaults["gateway"] == "launchforge/gateway:0.1.0"
    assert defaults["worker"] == defaults["core"] == "launchforge/core:0.1.0"
    assert defaults["auth-migrate"] == defaults["auth"]
    overridden = images(
        render("--set", "core.image.repository=r.test/c", "--set", "core.image.tag=x")
    )
    assert overridden["core"] == overridden["worker"] == overridden["core-migrate"] == "r.test/c:x"
    assert overridden["gateway"] == defaults["gateway"]


def test_dev_mode_is_off_unless_asked(default_manifests: list[Manifest]) -> None:
    for m, _spec, c in pod_containers(default_manifests):
        assert "command" not in c, m["metadata"]["name"]  # the image's entrypoint runs


def test_every_object_in_the_values_schema_is_closed() -> None:
    """additionalProperties: false on every object with named properties."""
    schema = json.loads(
        (Path(__file__).resolve().parents[1] / "launchforge" / "values.schema.json").read_text()
    )
    open_objects: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if "properties" in node and node.get("additionalProperties") is not False:
                open_objects.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema, "#")
    assert open_objects == []


def _service_env(manifests: list[Manifest], comp: str) -> dict[str, str]:
    """The environment the chart gives a Deployment: its ConfigMap and Secret refs."""
    deployment = one(manifests, "Deployment", comp)
    (c,) = deployment["spec"]["template"]["spec"]["containers"]
    config_maps = {m["metadata"]["name"]: m["data"] for m in of_kind(manifests, "ConfigMap")}
    secrets = {
        m["metadata"]["name"]: {k: base64.b64decode(v).decode() for k, v in m["data"].items()}
        for m in of_kind(manifests, "Secret")
    }
    env: dict[str, str] = {}
    for source in c["envFrom"]:
        env |= config_maps[source["configMapRef"]["name"]]
    for name, (secret, key) in secret_refs(c).items():
        env[name] = secrets[secret][key]
    return env


@pytest.mark.parametrize("comp", ["gateway", "auth", "core", "worker"])
def test_the_services_accept_the_configuration_the_chart_gives_them(
    default_manifests: list[Manifest], comp: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every variable is a real setting of the service, and the values parse."""
    from launchforge_auth.config import AuthSettings
    from launchforge_core.config import CoreSettings
    from launchforge_gateway.config import GatewaySettings

    settings_class: Any = {
        "gateway": GatewaySettings,
        "auth": AuthSettings,
        "core": CoreSettings,
        "worker": CoreSettings,
    }[comp]
    prefix = settings_class.model_config["env_prefix"]
    env = _service_env(default_manifests, comp)
    for name in env:
        field_name = "redis_url" if name == "REDIS_URL" else name.removeprefix(prefix).lower()
        assert name == "REDIS_URL" or name.startswith(prefix), name
        assert field_name in settings_class.model_fields, f"{name} is not a {comp} setting"
    for name in [n for n in os.environ if n.startswith(prefix)]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = settings_class()
    assert settings.environment == "production"
    assert settings.host == "0.0.0.0"  # noqa: S104


# ---- the sandbox: generated code runs as a Job per run


def core_config(manifests: list[Manifest]) -> dict[str, str]:
    """core's ConfigMap (not its migration hook's copy)."""
    (config,) = [
        m
        for m in of_kind(manifests, "ConfigMap")
        if component(m) == "core" and "helm.sh/hook" not in annotations(m)
    ]
    return dict(config["data"])


def test_generated_code_runs_in_jobs_only_the_worker_may_create(
    manifests: list[Manifest],
) -> None:
    from launchforge_core.pipeline.sandbox import kubernetes as sandbox

    worker = one(manifests, "Deployment", "worker")["spec"]["template"]["spec"]
    others = [
        m["spec"]["template"]["spec"]
        for m in manifests
        if m["kind"] in ("Deployment", "Job") and component(m) != "worker"
    ]
    assert worker["automountServiceAccountToken"] is True
    assert all(spec["automountServiceAccountToken"] is False for spec in others)
    assert worker["serviceAccountName"] not in {spec.get("serviceAccountName") for spec in others}

    (role,) = of_kind(manifests, "Role")
    rules = {
        (group, resource): set(rule["verbs"])
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
    }
    # exactly what pipeline/sandbox/kubernetes.py and kubernetes_serve.py call, nothing more
    assert rules == {
        ("batch", "jobs"): {"create", "get", "delete"},
        ("", "configmaps"): {"create", "delete"},
        ("", "pods"): {"get", "list"},
        ("", "pods/log"): {"get"},
    }
    release_ns = core_config(manifests)["CORE_SANDBOX_K8S_NAMESPACE"]  # no sandbox.namespace set
    (binding,) = of_kind(manifests, "RoleBinding")
    assert binding["roleRef"]["name"] == role["metadata"]["name"]
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": worker["serviceAccountName"], "namespace": release_ns}
    ]

    deny = one(manifests, "NetworkPolicy", "sandbox")["spec"]
    job = sandbox.job_manifest("lf-run-x", PipelineSettings(), [])
    labels = job["spec"]["template"]["metadata"]["labels"]
    assert deny["podSelector"]["matchLabels"].items() <= labels.items()
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert (deny["ingress"], deny["egress"]) == ([], [])

    config = core_config(manifests)
    assert config["CORE_SANDBOX_MODE"] == "kubernetes"
    core_image = one(manifests, "Deployment", "core")["spec"]["template"]["spec"]["containers"]
    assert config["CORE_SANDBOX_K8S_IMAGE"] == core_image[0]["image"]


def test_the_sandbox_namespace_runtime_class_and_api_egress_are_settable(render: Any) -> None:
    manifests = render(
        "--set",
        "sandbox.namespace=lf-runs",
        "--set",
        "sandbox.runtimeClassName=gvisor",
        "--set",
        "sandbox.apiServer.to[0].ipBlock.cidr=10.96.0.1/32",
    )
    config = core_config(manifests)
    assert config["CORE_SANDBOX_K8S_NAMESPACE"] == "lf-runs"
    assert config["CORE_SANDBOX_K8S_RUNTIME_CLASS"] == "gvisor"
    for kind in ("Role", "RoleBinding"):
        assert of_kind(manifests, kind)[0]["metadata"]["namespace"] == "lf-runs"
    assert one(manifests, "NetworkPolicy", "sandbox")["metadata"]["namespace"] == "lf-runs"
    egress = one(manifests, "NetworkPolicy", "worker")["spec"]["egress"]
    assert {
        "ports": [{"port": 443, "protocol": "TCP"}],
        "to": [{"ipBlock": {"cidr": "10.96.0.1/32"}}],
    } in egress


def test_bubblewrap_mode_gives_the_worker_no_token(render: Any) -> None:
    manifests = render("--set", "sandbox.mode=bubblewrap")
    worker = one(manifests, "Deployment", "worker")["spec"]["template"]["spec"]
    assert worker["automountServiceAccountToken"] is False
    assert of_kind(manifests, "Role") == []
    assert core_config(manifests)["CORE_SANDBOX_MODE"] == "bubblewrap"


def test_bubblewrap_workers_run_previews_reachable_only_from_core(render: Any) -> None:
    manifests = render("--set", "sandbox.mode=bubblewrap", "--set", "worker.preview.port=8011")
    config = core_config(manifests)
    assert config["CORE_PREVIEW_INTERNAL_HOST"] == "0.0.0.0"  # noqa: S104 - the pod IP
    assert config["CORE_PREVIEW_INTERNAL_PORT"] == "8011"
    container = one(manifests, "Deployment", "worker")["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"] == [{"name": "preview", "containerPort": 8011, "protocol": "TCP"}]
    advertise = next(e for e in container["env"] if e["name"] == "CORE_PREVIEW_ADVERTISE_HOST")
    assert advertise["valueFrom"] == {"fieldRef": {"fieldPath": "status.podIP"}}
    worker_in = one(manifests, "NetworkPolicy", "worker")["spec"]["ingress"]
    assert len(worker_in) == 1
    assert worker_in[0]["ports"] == [{"port": 8011, "protocol": "TCP"}]
    peers = [
        p["podSelector"]["matchLabels"]["app.kubernetes.io/component"] for p in worker_in[0]["from"]
    ]
    assert peers == ["core"]
    core_out = one(manifests, "NetworkPolicy", "core")["spec"]["egress"]
    assert any(
        rule.get("ports") == [{"port": 8011, "protocol": "TCP"}]
        and rule["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "worker"
        for rule in core_out
    )


def _preview_peer(rule: Manifest) -> tuple[str, dict[str, str]]:
    """(namespace, pod labels) of a NetworkPolicy peer that names both."""
    (peer,) = rule.get("to") or rule.get("from")
    namespace = peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
    return namespace, peer["podSelector"]["matchLabels"]


def test_kubernetes_previews_run_in_pods_only_the_workers_reach(
    manifests: list[Manifest],
) -> None:
    """Under the default sandbox.mode a preview's app runs in a pod of its own
    (pipeline/sandbox/kubernetes_serve.py): core reaches the worker, the worker its pod,
    nothing else reaches it and it reaches nothing."""
    from launchforge_core.pipeline.sandbox import kubernetes_serve

    config = core_config(manifests)
    assert config["CORE_SANDBOX_MODE"] == "kubernetes"
    assert config["CORE_PREVIEW_INTERNAL_PORT"] == "8010"
    assert config["CORE_SANDBOX_K8S_PREVIEW_PORT"] == "8080"
    assert int(config["CORE_PREVIEW_MAX_PER_WORKER"]) > 0
    container = one(manifests, "Deployment", "worker")["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"] == [{"name": "preview", "containerPort": 8010, "protocol": "TCP"}]

    # the preview pod: ingress only from the release's worker pods on the app port, no egress
    policy = one(manifests, "NetworkPolicy", "sandbox-preview")
    spec = policy["spec"]
    job = kubernetes_serve.preview_manifest("lf-preview-x", PipelineSettings(), 60)
    pod_labels = job["spec"]["template"]["metadata"]["labels"]
    assert spec["podSelector"]["matchLabels"].items() <= pod_labels.items()
    # the run pods' deny-all policy does not select it (and this one no run pod)
    run_policy = one(manifests, "NetworkPolicy", "sandbox")["spec"]
    assert not run_policy["podSelector"]["matchLabels"].items() <= pod_labels.items()
    assert set(spec["policyTypes"]) == {"Ingress", "Egress"}
    assert spec["egress"] == []
    (ingress,) = spec["ingress"]
    assert ingress["ports"] == [{"port": 8080, "protocol": "TCP"}]
    namespace, labels = _preview_peer(ingress)
    assert namespace == "apps"  # the release's
    assert labels["app.kubernetes.io/component"] == "worker"
    assert labels["app.kubernetes.io/instance"] == "lf"
    assert policy["metadata"]["namespace"] == config["CORE_SANDBOX_K8S_NAMESPACE"]

    # the worker's egress to them: that port, those pods, in the sandbox namespace
    egress = one(manifests, "NetworkPolicy", "worker")["spec"]["egress"]
    to_previews = [r for r in egress if r.get("ports") == [{"port": 8080, "protocol": "TCP"}]]
    (rule,) = to_previews
    assert _preview_peer(rule) == (
        config["CORE_SANDBOX_K8S_NAMESPACE"],
        {kubernetes_serve.PREVIEW_LABEL: "true"},
    )
    # and core's to the worker's preview server
    core_out = one(manifests, "NetworkPolicy", "core")["spec"]["egress"]
    assert any(
        rule.get("ports") == [{"port": 8010, "protocol": "TCP"}]
        and rule["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "worker"
        for rule in core_out
    )


def test_preview_pods_in_a_sandbox_namespace_of_their_own(render: Any) -> None:
    manifests = render("--set", "sandbox.namespace=lf-runs", "--set", "sandbox.previewPort=9090")
    assert core_config(manifests)["CORE_SANDBOX_K8S_PREVIEW_PORT"] == "9090"
    policy = one(manifests, "NetworkPolicy", "sandbox-preview")
    assert policy["metadata"]["namespace"] == "lf-runs"
    (ingress,) = policy["spec"]["ingress"]
    assert ingress["ports"] == [{"port": 9090, "protocol": "TCP"}]
    assert _preview_peer(ingress)[0] == "apps"  # the workers stay in the release's namespace
    egress = one(manifests, "NetworkPolicy", "worker")["spec"]["egress"]
    (rule,) = [r for r in egress if r.get("ports") == [{"port": 9090, "protocol": "TCP"}]]
    assert _preview_peer(rule)[0] == "lf-runs"


def test_bubblewrap_mode_has_no_preview_pods(render: Any) -> None:
    manifests = render("--set", "sandbox.mode=bubblewrap")
    policies = {component(p) for p in of_kind(manifests, "NetworkPolicy")}
    assert "sandbox-preview" not in policies
    egress = one(manifests, "NetworkPolicy", "worker")["spec"]["egress"]
    assert not any(rule.get("ports") == [{"port": 8080, "protocol": "TCP"}] for rule in egress)


def test_auth_trusts_no_address_range_but_the_gateways_token(
    default_manifests: list[Manifest],
) -> None:
    """Auth believes the client address the gateway vouches for with the shared token."""
    auth_config = next(
        m
        for m in of_kind(default_manifests, "ConfigMap")
        if component(m) == "auth" and "helm.sh/hook" not in annotations(m)
    )["data"]
    assert json.loads(auth_config["AUTH_TRUSTED_PROXIES"]) == []
    refs = {
        comp: secret_refs(
            one(default_manifests, "Deployment", comp)["spec"]["template"]["spec"]["containers"][0]
        )
        for comp in ("gateway", "auth")
    }
    assert refs["gateway"]["GATEWAY_INTERNAL_TOKEN"] == refs["auth"]["AUTH_INTERNAL_TOKEN"]
