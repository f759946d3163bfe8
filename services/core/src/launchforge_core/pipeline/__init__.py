"""The generation pipeline: idea -> spec -> project -> validated -> zip.

``run_pipeline`` is what the worker calls; see ``runner`` for the stages and
``sandbox`` for exactly what the validate stage enforces.
"""

from launchforge_core.pipeline.runner import run_pipeline
from launchforge_core.pipeline.sandbox import sweep_stale_workdirs
from launchforge_core.pipeline.settings import PipelineSettings
from launchforge_core.pipeline.spec import SpecError, build_model, schema_errors, spec_schema
from launchforge_core.pipeline.types import (
    PROVIDERS,
    STAGES,
    THEMES,
    BuildInput,
    Emit,
    PipelineConfigError,
    PipelineError,
    PipelineEvent,
    PipelineResult,
    StageRecord,
)
from launchforge_core.providers.base import LLMProvider

__all__ = [
    "PROVIDERS",
    "STAGES",
    "THEMES",
    "BuildInput",
    "Emit",
    "LLMProvider",
    "PipelineConfigError",
    "PipelineError",
    "PipelineEvent",
    "PipelineResult",
    "PipelineSettings",
    "SpecError",
    "StageRecord",
    "build_model",
    "run_pipeline",
    "schema_errors",
    "spec_schema",
    "sweep_stale_workdirs",
]
