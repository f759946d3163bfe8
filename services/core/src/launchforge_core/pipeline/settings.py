"""Limits and switches of the pipeline; the worker fills these from ``CoreSettings``."""

from __future__ import annotations

import sys
from typing import Literal

from pydantic import BaseModel, Field


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
    # Processes of the sandbox user (RLIMIT_NPROC; only meaningful after dropping root).
    process_limit: int = Field(default=256, ge=16)
    # When running as root, run the tests as this user (if it exists).
    sandbox_user: str | None = "nobody"
    # The generated code's network: "isolated" runs it in a network namespace of
    # its own (no interface but a down loopback: it cannot reach PostgreSQL,
    # Redis, other services or the internet) and fails the stage when that is
    # impossible; "auto" isolates when the machine allows it (root, or
    # unprivileged user namespaces) and otherwise shares the worker's network,
    # logging it once; "shared" never isolates.
    sandbox_network: Literal["isolated", "auto", "shared"] = "auto"
    # A bytecode cache (PYTHONPYCACHEPREFIX) shared by validation runs, filled once by
    # this process and only read by the sandbox user; used only when privileges are
    # dropped (else a build could poison it for the next). None: no cache.
    bytecode_cache_dir: str | None = None
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
