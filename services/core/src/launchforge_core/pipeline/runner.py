"""``run_pipeline``: spec -> generate -> validate -> fix -> package, with events.

The worker awaits this in a task and cancels the task to stop a build; the
validate subprocess is then killed and its directory removed (see sandbox).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from launchforge_core.pipeline.checks import size_problems, syntax_errors
from launchforge_core.pipeline.extractor import extract
from launchforge_core.pipeline.failures import failure_signature
from launchforge_core.pipeline.generator import TEMPLATE_VERSION, render_project
from launchforge_core.pipeline.llm import Usage, llm_extra_files, llm_fix, llm_spec
from launchforge_core.pipeline.llm_change import llm_change_spec
from launchforge_core.pipeline.packaging import build_manifest, build_zip
from launchforge_core.pipeline.sandbox import ValidationOutcome, run_project_tests
from launchforge_core.pipeline.settings import PipelineSettings
from launchforge_core.pipeline.spec import AppModel, SpecError, build_model, normalised_spec
from launchforge_core.pipeline.types import (
    PROVIDERS,
    THEMES,
    BudgetExceededError,
    BuildInput,
    Emit,
    PipelineConfigError,
    PipelineError,
    PipelineEvent,
    PipelineResult,
    StageRecord,
)
from launchforge_core.providers.base import LLMProvider, ProviderError
from launchforge_core.providers.factory import estimate_cost

logger = logging.getLogger(__name__)
MAX_DETAIL = 4000


def _now() -> datetime:
    return datetime.now(UTC)


class _Run:
    """State of one pipeline run: stage records, usage, the emit callback."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self.stages: list[StageRecord] = []
        self.usage = Usage()

    async def log(self, stage: str, message: str, **data: Any) -> None:
        await self.emit(PipelineEvent(kind="log", stage=stage, message=message[:1000], data=data))

    async def skip(self, name: str, reason: str) -> None:
        now = _now()
        self.stages.append(StageRecord(name, now, now, "skipped", reason))
        await self.emit(PipelineEvent("stage", name, "skipped", reason))

    @asynccontextmanager
    async def stage(self, name: str) -> AsyncIterator[StageRecord]:
        record = StageRecord(name, _now(), None, "running", None)
        self.stages.append(record)
        await self.emit(PipelineEvent("stage", name, "started"))
        try:
            yield record
        except ProviderError as exc:
            error = PipelineError(f"{exc.provider}: {exc.message}")
            await self._finish(record, "failed", error.message)
            raise error from None
        except PipelineError as exc:
            if isinstance(exc, BudgetExceededError):
                # A budget, not the model or the app, stopped the build: say so in the log.
                await self.log(record.name, exc.message, budget=True)
            await self._finish(record, "failed", exc.message, exc.detail)
            raise
        except BaseException:
            record.finished_at, record.outcome = _now(), "failed"
            raise
        else:
            # a body may mark its stage failed without aborting the run (validate -> fix)
            outcome = "failed" if record.outcome == "failed" else "succeeded"
            await self._finish(record, outcome, record.detail)

    async def _finish(
        self, record: StageRecord, outcome: str, message: str | None, detail: str | None = None
    ) -> None:
        record.finished_at, record.outcome = _now(), outcome
        text = detail or message
        # the detail keeps the end of long output (pytest puts its summary last)
        record.detail = text[-MAX_DETAIL:] if text else None
        await self.emit(
            PipelineEvent(
                "stage",
                record.name,
                outcome,  # type: ignore[arg-type]
                message or "",
            )
        )


def _check_input(inp: BuildInput, llm: LLMProvider | None) -> None:
    if inp.provider not in PROVIDERS:
        raise PipelineConfigError(f"unknown provider {inp.provider!r}")
    if inp.provider != "offline" and llm is None:
        raise PipelineConfigError(
            f"provider {inp.provider!r} needs an LLM client (an API key); "
            "the pipeline never falls back to the offline generator"
        )
    if inp.theme not in THEMES:
        raise PipelineConfigError(f"unknown theme {inp.theme!r}")
    if not 5 <= len(inp.idea.strip()) <= 5000 and inp.spec is None:
        raise PipelineConfigError("idea must be 5 to 5000 characters")


async def _validate(
    run: _Run, stage: str, files: dict[str, bytes], settings: PipelineSettings
) -> ValidationOutcome:
    errors = syntax_errors(files)
    if errors:
        for line in errors[: settings.max_log_lines]:
            await run.log(stage, line)
        return ValidationOutcome(False, "syntax errors", None, "\n".join(errors), errors)

    async def log(line: str) -> None:
        await run.log(stage, line)

    outcome = await run_project_tests(files, settings, log)
    await run.log(stage, f"tests: {outcome.reason}")
    return outcome


async def run_pipeline(
    inp: BuildInput,
    *,
    llm: LLMProvider | None,
    emit: Emit,
    settings: PipelineSettings | None = None,
) -> PipelineResult:
    """Run every stage; returns a failed result (never raises) for build problems.

    Raises :class:`PipelineConfigError` for a call that must not run at all (an
    LLM provider with ``llm=None``, an unknown provider or theme).
    """
    settings = settings or PipelineSettings()
    _check_input(inp, llm)
    use_llm = llm if inp.provider != "offline" else None
    model = (inp.model or (use_llm.default_model if use_llm else None)) if use_llm else None
    generator = (
        f"llm:{inp.provider}:{model}+templates/{TEMPLATE_VERSION}"
        if use_llm
        else f"offline-templates/{TEMPLATE_VERSION}"
    )
    run = _Run(emit)
    spec: dict[str, Any] | None = None
    files: dict[str, bytes] = {}

    def failed(message: str) -> PipelineResult:
        return PipelineResult(
            "failed",
            message[:500],
            run.stages,
            spec,
            files,
            None,
            None,
            generator,
            run.usage.as_dict(),
        )

    current = "spec"
    try:
        async with run.stage("spec") as record:
            app: AppModel
            if inp.spec is not None:
                raw = dict(inp.spec)
                try:
                    app = build_model(
                        raw,
                        theme=raw.get("theme", inp.theme),
                        max_entities=settings.max_entities,
                        max_fields=settings.max_fields_per_entity,
                    )
                except SpecError as exc:
                    raise PipelineError(
                        "the spec is invalid: " + "; ".join(exc.errors[:3]),
                        detail="\n".join(exc.errors),
                    ) from None
                source = "caller"
            elif use_llm is not None:

                async def spec_log(line: str) -> None:
                    await run.log("spec", line)

                if inp.base_spec is not None and inp.change_request:
                    raw, app = await llm_change_spec(
                        use_llm, inp, settings, run.usage, log=spec_log
                    )
                    source = "model's change"
                else:
                    raw, app = await llm_spec(use_llm, inp, settings, run.usage, log=spec_log)
                    source = "model"
            else:
                extraction = extract(
                    inp.idea, features=inp.features, target_users=inp.target_users, theme=inp.theme
                )
                raw = extraction.spec
                app = build_model(raw, theme=inp.theme)
                source = "offline extractor"
                for note in extraction.notes[: settings.max_log_lines]:
                    await run.log("spec", f"not placed: {note}")
            spec = normalised_spec(raw, app)
            record.detail = (
                f"{app.name}: "
                + ", ".join(e.class_name for e in app.entities)
                + f" (from the {source})"
            )
            await run.log("spec", record.detail)

        current = "generate"
        async with run.stage("generate") as record:
            backbone = render_project(app, spec, generator=generator)
            files = dict(backbone)
            extra: dict[str, bytes] = {}
            if use_llm is not None:
                added = await llm_extra_files(use_llm, inp, spec, backbone, settings, run.usage)
                for reason in added.refused:
                    await run.log("generate", f"left out a model-written file: {reason}")
                extra = added.files
                files.update(extra)
            problems = size_problems(
                files,
                max_files=settings.max_files,
                max_file_bytes=settings.max_file_bytes,
                max_total_bytes=settings.max_total_bytes,
            )
            if problems:
                raise PipelineError("the generated project is too large: " + problems[0])
            record.detail = f"{len(files)} files ({len(extra)} added by the model)"
            await run.log("generate", record.detail)

        current = "validate"
        if not settings.run_validation:
            await run.skip("validate", "validation disabled by settings")
            await run.skip("fix", "validation disabled")
        else:
            outcome: ValidationOutcome
            async with run.stage("validate") as record:
                outcome = await _validate(run, "validate", files, settings)
                record.detail = outcome.reason
                if not outcome.ok and use_llm is None:
                    raise PipelineError(
                        f"validation failed: {outcome.reason}", detail=outcome.output
                    )
                if not outcome.ok:  # recorded as failed; the fix stage owns the retries
                    record.outcome = "failed"
            if outcome.ok:
                await run.skip("fix", "validation passed")
            elif use_llm is None:  # pragma: no cover - raised above
                return failed(f"validation failed: {outcome.reason}")
            else:
                current = "fix"
                async with run.stage("fix") as record:
                    # Signatures of the failures seen: one that comes back is not sent
                    # to the model again (that round would cost the same and change nothing).
                    seen = {failure_signature(outcome)}
                    for round_no in range(1, settings.fix_rounds + 1):
                        await run.log("fix", f"fix round {round_no}: asking the model")
                        fixed = await llm_fix(
                            use_llm, inp, extra, backbone, outcome.output, settings, run.usage
                        )
                        for reason in fixed.refused:
                            await run.log("fix", f"left out a model-written file: {reason}")
                        extra = fixed.files
                        files = {**backbone, **extra}
                        outcome = await _validate(run, "fix", files, settings)
                        if outcome.ok:
                            record.detail = f"passed after {round_no} fix round(s)"
                            break
                        signature = failure_signature(outcome)
                        if signature in seen:
                            await run.log("fix", "the same failure again: no further fix round")
                            raise PipelineError(
                                f"stopped after {round_no} fix round(s): the same failure "
                                f"repeated ({outcome.reason})",
                                detail=outcome.output,
                            )
                        seen.add(signature)
                    else:
                        raise PipelineError(
                            f"still failing after {settings.fix_rounds} fix round(s): "
                            f"{outcome.reason}",
                            detail=outcome.output,
                        )

        current = "package"
        async with run.stage("package") as record:
            usage = run.usage.as_dict()
            manifest = build_manifest(
                files,
                app=spec.get("name"),
                slug=spec.get("slug"),
                generator=generator,
                provider=inp.provider,
                model=model,
                input_tokens=usage["input_tokens"],
                output_tokens=usage["output_tokens"],
                cost_usd=estimate_cost(model, usage["input_tokens"], usage["output_tokens"]),
                validated=settings.run_validation,
            )
            archive = build_zip(files, manifest)
            record.detail = f"{len(archive)} bytes, {len(files) + 1} entries"
    except PipelineError as exc:
        return failed(exc.message)
    except Exception:
        logger.exception("pipeline stage %s crashed", current)
        return failed(f"internal error during the {current} stage")
    return PipelineResult(
        "succeeded",
        None,
        run.stages,
        spec,
        files,
        archive,
        manifest,
        generator,
        run.usage.as_dict(),
    )
