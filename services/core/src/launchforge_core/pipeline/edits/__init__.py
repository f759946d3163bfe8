"""Change a spec by asking: a deterministic grammar of edits ("add a priority to tasks").

``edit_spec(spec, request)`` reads the request clause by clause, applies each
edit to a copy of the spec, checks the result exactly as a build would
(``spec.build_model``), and returns the new spec with the edits it made. A
request with a part it cannot apply raises :class:`EditError` naming what it
understood and what failed: never a silent no-op. No model, no network, no
randomness: the same spec and request always give the same result.

The phrasings (also in the README, "Change it by asking"):

- fields: "add a priority to tasks", "add a due date and an estimate (hours) to
  tasks", "give tasks a status of open, blocked or done", "tasks have a due date",
  "remove the phone field", "remove phone from customers", "rename title to name in
  tasks", "make email required" / "optional", "change price to an integer",
  "make age a number"
- entities: "add a Tag entity with name and color", "remove the Note entity",
  "rename Customer to Client"
- relations: "tasks belong to a project", "each recipe has tags", "link tasks to
  projects" (a missing entity is made, with a name, as the extractor makes one)
- summaries: "add a count of tasks by status", "add the total cost per project"

Several edits go in one request, one per line or sentence, or joined with "and".
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from launchforge_core.pipeline.edits.apply import SpecDraft
from launchforge_core.pipeline.edits.grammar import COMMANDS, HELP
from launchforge_core.pipeline.edits.model import Edit, EditError, Unapplied
from launchforge_core.pipeline.edits.phrases import clauses
from launchforge_core.pipeline.spec import SpecError, build_model, normalised_spec

__all__ = ["MAX_REQUEST", "Edit", "EditError", "EditResult", "edit_spec"]

MAX_REQUEST = 2000


@dataclass
class EditResult:
    spec: dict[str, Any]
    edits: list[Edit]

    def renames(self) -> dict[str, dict[str, str]]:
        """What the edits renamed, for the spec diff: entities, and fields per entity."""
        entities: dict[str, str] = {}
        fields: dict[str, str] = {}
        for edit in self.edits:
            if edit.op == "rename_entity" and edit.entity and edit.to:
                entities[edit.entity] = edit.to
            elif edit.op == "rename_field" and edit.entity and edit.field and edit.to:
                fields[f"{edit.entity}.{edit.field}"] = edit.to
        return {"entities": entities, "fields": fields}


def _defaults(spec: dict[str, Any]) -> bool:
    """Whether the spec's routes and pages are the ones a build fills in (then they are
    made again for the edited spec, rather than edited)."""
    if "routes" not in spec and "pages" not in spec:
        return True
    bare = {k: v for k, v in spec.items() if k not in ("routes", "pages")}
    try:
        filled = normalised_spec(bare, build_model(bare))
    except SpecError:
        return False
    return bool(spec.get("routes") == filled["routes"] and spec.get("pages") == filled["pages"])


def edit_spec(spec: dict[str, Any], request: str) -> EditResult:
    """The spec with the request's edits applied, validated; or :class:`EditError`."""
    work = copy.deepcopy(spec)
    regenerate = _defaults(work)
    if regenerate:
        work.pop("routes", None)
        work.pop("pages", None)
    draft = SpecDraft(work)
    understood: list[Edit] = []
    failed: list[dict[str, str]] = []
    for clause in clauses(request[:MAX_REQUEST]):
        try:
            for command in COMMANDS:
                edits = command(draft, clause)
                if edits is not None:
                    understood += edits
                    break
            else:
                failed.append({"text": clause, "reason": HELP})
        except Unapplied as exc:
            failed.append({"text": clause, "reason": str(exc)})
    if failed or not understood:
        raise EditError(understood, failed or [{"text": request.strip()[:200], "reason": HELP}])
    try:
        app = build_model(work)
    except SpecError as exc:
        raise EditError(
            understood,
            [
                {"text": request.strip()[:200], "reason": "the changed spec is invalid: " + e}
                for e in exc.errors[:5]
            ],
        ) from None
    out = normalised_spec(work, app) if regenerate else work
    return EditResult(out, understood)
