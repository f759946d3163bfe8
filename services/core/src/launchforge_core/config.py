"""Settings of the core service (environment variables prefixed ``CORE_``)."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Literal

from launchforge_common.crypto import KeyRing
from launchforge_common.settings import (
    DatabaseSettings,
    ListenerSettings,
    OptionalCidrList,
    Port,
    ServiceSettings,
    TokenVerifierSettings,
)
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from launchforge_core.providers.factory import PRICES_PER_MTOK

LOOPBACK_NETWORKS = ("127.0.0.0/8", "::1/128")

# USD per million tokens (input, output) of the budgets' cost estimate: by
# default the manifest's table (list prices of the default models), override
# with CORE_MODEL_PRICES.
DEFAULT_MODEL_PRICES: dict[str, tuple[float, float]] = dict(PRICES_PER_MTOK)


class CoreSettings(ServiceSettings, DatabaseSettings, ListenerSettings, TokenVerifierSettings):
    """Everything core reads from its environment.

    ``REDIS_URL`` is shared by every service and read without the prefix (see
    :class:`ServiceSettings`); everything else is ``CORE_<FIELD>``. Listener and
    token checks (``CORE_AUTH_URL``, ``CORE_JWT_*``, ``CORE_JWKS_*``,
    ``CORE_INTERNAL_TOKEN``, ``CORE_INTROSPECTION_CACHE_TTL``) are the shared
    mixins of ``launchforge_common.settings``.
    """

    model_config = SettingsConfigDict(env_prefix="CORE_", extra="ignore", populate_by_name=True)

    service_name: str = "core"
    port: Port = 8002

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/launchforge_core"

    # Access tokens are issued by auth and verified here with its JWKS
    # (TokenVerifierSettings); seconds a JWKS or introspection call may take.
    jwks_timeout: float = Field(default=3.0, gt=0)

    # Seconds a project read by id stays in Redis (writes invalidate it).
    project_cache_ttl: float = Field(default=30.0, gt=0)

    # Seconds a build read by id stays in Redis (API and worker writes invalidate it).
    build_cache_ttl: float = Field(default=10.0, gt=0)

    # Provider-key encryption: "id:base64key,..." newest first (see KeyRing).
    key_encryption_keys: SecretStr | None = None

    # Builds per calendar month (UTC) by plan; null means unlimited. Unknown
    # plans get the "free" limit.
    plan_limits: dict[str, int | None] = Field(
        default_factory=lambda: {"free": 3, "pro": 100, "enterprise": None}
    )

    # Model spending (README "Budgets"): monthly tokens and USD per plan (null:
    # unlimited; unknown plans get "free"), tokens one build may use (null:
    # unlimited), and USD per million (input, output) tokens by "provider/model"
    # or "model"; a model not listed costs 0 (its tokens still count).
    plan_token_budgets: dict[str, int | None] = Field(
        default_factory=lambda: {"free": 1_000_000, "pro": 20_000_000, "enterprise": None}
    )
    plan_cost_budgets_usd: dict[str, float | None] = Field(
        default_factory=lambda: {"free": 5.0, "pro": 100.0, "enterprise": None}
    )
    build_max_tokens: int | None = Field(default=300_000, ge=1)

    @field_validator("build_max_tokens", mode="before")
    @classmethod
    def _unlimited(cls, value: object) -> object:
        """``CORE_BUILD_MAX_TOKENS=null`` (or empty): no per-build maximum."""
        if isinstance(value, str) and value.strip().lower() in ("", "null", "none"):
            return None
        return value

    model_prices: dict[str, tuple[float, float]] = Field(
        default_factory=lambda: dict(DEFAULT_MODEL_PRICES)
    )

    # Largest zip a build may store (bytes); a bigger one fails the build.
    max_artifact_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)

    # Workers (``launchforge-core worker``).
    worker_concurrency: int = Field(default=2, ge=1, le=64)
    worker_lease_seconds: float = Field(default=30.0, gt=0)
    worker_heartbeat_seconds: float = Field(default=10.0, gt=0)
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    worker_grace_seconds: float = Field(default=20.0, ge=0)
    # A build whose lease expired this many times is failed, not re-run forever.
    worker_max_attempts: int = Field(default=3, ge=1)
    # Passed to the pipeline: seconds the validate stage may run the app's tests.
    pipeline_validate_timeout: float = Field(default=120.0, gt=0)
    # A build ends by this deadline whatever it waits on; each call to a user's
    # model server by its own, and its answer is read up to the byte cap.
    build_deadline_seconds: float = Field(default=1800.0, gt=0)
    provider_call_deadline_seconds: float = Field(default=300.0, gt=0)
    provider_max_response_bytes: int = Field(default=8 * 1024 * 1024, ge=64 * 1024)
    # Most tokens a model may write per call: a small local model that loops stops here
    # (its answer is then invalid and repaired or reported, like any other).
    llm_max_tokens: int = Field(default=8192, ge=256)

    # The sandbox generated code runs in (README "Security"): "auto" (bubblewrap
    # where it works; in production the worker refuses to start without it),
    # "bubblewrap", "kubernetes" (a Job per run) or "process" (no isolation,
    # refused in production).
    sandbox_mode: Literal["auto", "bubblewrap", "kubernetes", "process"] = "auto"
    sandbox_memory_bytes: int = Field(default=1024 * 1024 * 1024, ge=64 * 1024 * 1024)
    sandbox_processes: int = Field(default=256, ge=16)
    sandbox_file_size_bytes: int = Field(default=64 * 1024 * 1024, ge=1024 * 1024)
    sandbox_open_files: int = Field(default=256, ge=32)
    sandbox_tmpfs_bytes: int = Field(default=256 * 1024 * 1024, ge=16 * 1024 * 1024)
    sandbox_uid_base: int = Field(default=200_000, ge=1000)
    sandbox_user: str = "nobody"
    sandbox_bwrap: str = "bwrap"
    sandbox_k8s_namespace: str = "launchforge-sandbox"
    sandbox_k8s_image: str = "launchforge/core:latest"
    sandbox_k8s_python: str = "/app/.venv/bin/python"
    sandbox_k8s_runtime_class: str = ""
    sandbox_k8s_api_url: str = ""
    sandbox_k8s_cpu: str = "1"
    # The port a preview's app listens on in its pod (the chart's NetworkPolicies open it).
    sandbox_k8s_preview_port: int = Field(default=8080, ge=1024, le=65535)

    # Live previews (README "Live preview"): a succeeded build's app served from
    # a worker's sandbox. Limits: running or queued previews per user and per
    # worker, minutes without a request before one stops, and its hard maximum.
    preview_max_per_user: int = Field(default=2, ge=1, le=100)
    preview_max_per_worker: int = Field(default=4, ge=0, le=256)
    preview_idle_minutes: float = Field(default=15.0, gt=0)
    preview_max_minutes: float = Field(default=60.0, gt=0)
    # Seconds a preview may wait in the queue for a worker's free slot before it
    # fails with stop_reason no_capacity (freeing the owner's slot): there is no
    # registry of live workers to count, so a full fleet is found by waiting.
    preview_queue_seconds: float = Field(default=60.0, gt=0)
    # Seconds an app may take to seed its sample data and listen before it fails.
    preview_start_timeout: float = Field(default=60.0, gt=0)
    # Seconds a preview URL's signed token stays valid (the GET mints a fresh one,
    # but the web app's frame keeps its first URL for the whole run, so this is
    # at least preview_max_minutes: a shorter one would 404 a preview in use).
    preview_token_ttl_seconds: int = Field(default=3600, ge=60)
    # HMAC key of preview tokens; every API replica needs the same one. Unset: one
    # derived from internal_token, or without it a random key per process (a
    # restart then invalidates open preview URLs).
    preview_token_secret: SecretStr | None = None
    # The worker's internal preview server (proxy to each preview's socket):
    # where it listens (port 0: a free one) and the host core's API uses to reach it.
    preview_internal_host: str = "127.0.0.1"
    preview_internal_port: int = Field(default=0, ge=0, le=65535)
    preview_advertise_host: str = ""
    # Bytes of a preview's output kept (its logs).
    preview_log_bytes: int = Field(default=32 * 1024, ge=1024, le=1024 * 1024)
    # Records seeded per entity before the app serves.
    preview_seed_records: int = Field(default=3, ge=0, le=20)

    # Non-public networks a user's model server URL (openai_compatible) may
    # resolve to, e.g. ["10.0.4.0/24"] where a self-hosted Ollama runs. Public
    # addresses are always allowed. Unset: loopback outside production, none
    # in production (see providers/egress.py: an SSRF guard).
    provider_allowed_networks: OptionalCidrList = None

    # Server-Sent Events: heartbeat comment interval, and the table-polling
    # interval used when Redis pub/sub is unavailable.
    sse_heartbeat_seconds: float = Field(default=15.0, gt=0)
    sse_poll_seconds: float = Field(default=1.0, gt=0)

    @property
    def allowed_provider_networks(self) -> list[IPv4Network | IPv6Network]:
        """``provider_allowed_networks``, or its environment's default when unset."""
        if self.provider_allowed_networks is not None:
            return list(self.provider_allowed_networks)
        if self.is_production:
            return []
        return [ip_network(net) for net in LOOPBACK_NETWORKS]


def keyring_from(settings: CoreSettings) -> KeyRing:
    """The provider-key ring (CORE_KEY_ENCRYPTION_KEYS, newest first), for the API and workers."""
    keys = settings.key_encryption_keys
    return KeyRing.from_settings(
        keys.get_secret_value() if keys else None, environment=settings.environment
    )
