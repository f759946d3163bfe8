"""Limits and switches of the pipeline; the worker fills these from ``CoreSettings``."""

from __future__ import annotations

import sys
from typing import Literal

from pydantic import BaseModel, Field


class KubernetesSandbox(BaseModel):
    """Where and how ``sandbox_mode=kubernetes`` creates a Job per run."""

    # The API server; empty: in-cluster (KUBERNETES_SERVICE_HOST/PORT).
    api_url: str = ""
    token_file: str = "/var/run/secrets/kubernetes.io/serviceaccount/token"  # noqa: S105 - a path
    ca_file: str = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
    # The namespace the runs go to: its NetworkPolicy denies all traffic.
    namespace: str = "launchforge-sandbox"
    # An image with the interpreter and the packages generated apps use (core's image).
    image: str = "launchforge/core:latest"
    python: str = "/app/.venv/bin/python"
    # gVisor ("gvisor") or Kata where the cluster has them; empty: the default runtime.
    runtime_class: str = ""
    cpu_limit: str = "1"
    poll_seconds: float = Field(default=1.0, gt=0)
    # The TCP port a preview's app listens on inside its pod (non-root: 1024 and up).
    preview_port: int = Field(default=8080, ge=1024, le=65535)
    # Largest gzipped project a ConfigMap carries (the API's limit is 1 MiB).
    max_archive_bytes: int = Field(default=900 * 1024, ge=1024, le=1000 * 1024)


class PipelineSettings(BaseModel):
    """Plain defaults so tests and the benchmark can use ``PipelineSettings()``."""

    # validate stage
    run_validation: bool = True
    python_executable: str = Field(default_factory=lambda: sys.executable)
    validate_timeout: float = Field(default=120.0, gt=0)
    memory_limit_bytes: int = Field(default=1024 * 1024 * 1024, ge=64 * 1024 * 1024)
    # Largest file the tests may write (RLIMIT_FSIZE) and most open files.
    file_size_limit_bytes: int = Field(default=64 * 1024 * 1024, ge=1024 * 1024)
    open_files_limit: int = Field(default=256, ge=32)
    # Processes per run (RLIMIT_NPROC; bubblewrap and kubernetes count them per run).
    process_limit: int = Field(default=256, ge=16)
    # Where generated code runs (see pipeline/sandbox): "bubblewrap" (a sandbox
    # of its own per run: user, PID, network, IPC and mount namespaces),
    # "kubernetes" (a Job per run), "process" (a confined child process with
    # no namespaces, development only), "auto" (bubblewrap where it works,
    # else process unless ``allow_unisolated`` is false).
    sandbox_mode: Literal["auto", "bubblewrap", "kubernetes", "process"] = "auto"
    # False in production: running generated code without isolation is refused.
    allow_unisolated: bool = True
    bwrap_path: str = "bwrap"
    # Size of each private tmpfs of a bubblewrap run (the project + HOME, and /tmp).
    sandbox_tmpfs_bytes: int = Field(default=256 * 1024 * 1024, ge=16 * 1024 * 1024)
    # As root, each bubblewrap run gets a uid of its own from this range.
    sandbox_uid_base: int = Field(default=200_000, ge=1000)
    sandbox_uid_count: int = Field(default=100_000, ge=1)
    # process mode only: when running as root, run the tests as this user.
    sandbox_user: str | None = "nobody"
    kubernetes: KubernetesSandbox = Field(default_factory=lambda: KubernetesSandbox())
    # Parent of the temporary working directories (None: the system default).
    work_dir: str | None = None
    # Bytes of test output kept (the tail) and log lines emitted per run.
    max_output_bytes: int = Field(default=64 * 1024, ge=1024)
    max_log_lines: int = Field(default=30, ge=1)

    # generated project
    max_files: int = Field(default=200, ge=10)
    max_file_bytes: int = Field(default=256 * 1024, ge=1024)
    max_total_bytes: int = Field(default=5 * 1024 * 1024, ge=64 * 1024)
    max_entities: int = Field(default=20, ge=1)
    max_fields_per_entity: int = Field(default=40, ge=1)

    # LLM stages
    llm_temperature: float = Field(default=0.2, ge=0, le=2)
    llm_max_tokens: int = Field(default=8192, ge=256)
    spec_repair_rounds: int = Field(default=1, ge=0, le=3)
    fix_rounds: int = Field(default=2, ge=0, le=5)
    # Max extra files a model may add.
    max_extra_files: int = Field(default=20, ge=0)
