// Change it by asking: on a succeeded build, a person types a change ("add a
// priority to tasks"), sees what it will change in the data model (POST
// /v1/specs/edit), then builds it as a new version (POST .../changes). A
// change build's page shows its request, its spec diff (/spec-diff) and the
// files it changed (the versions' file diff, GET /v1/projects/{id}/diff).

import { useState } from "preact/hooks";
import { ApiError, authorizedFetch, errorFromResponse, request, type Build } from "../api";
import { ErrorBox, useAction, useLoad } from "../components";
import { navigate } from "../router";

/** A build with the version fields (present on every build the API answers). */
type Versioned = Build & {
  version?: number;
  origin?: string;
  parent_id?: string | null;
  change_request?: string | null;
};

interface Edit {
  op: string;
  text: string;
}

interface FieldBrief {
  name: string;
  type?: string;
}

interface FieldsDiff {
  added: FieldBrief[];
  removed: FieldBrief[];
  renamed: { from: string; to: string }[];
  changed: { name: string; before: Record<string, unknown>; after: Record<string, unknown> }[];
}

interface SpecDiff {
  entities: {
    added: { name: string; fields?: FieldBrief[] }[];
    removed: { name: string }[];
    renamed: { from: string; to: string }[];
    changed: { name: string; fields: FieldsDiff }[];
  };
  relations: { added: { from: string; to: string }[]; removed: { from: string; to: string }[] };
  summaries: {
    added: { name: string; entity: string; kind: string }[];
    removed: { name: string; entity: string; kind: string }[];
    changed: { name: string }[];
  };
  empty: boolean;
}

/** A 422 that names what the request was understood as, and what could not be applied. */
class NotApplicable extends Error {
  constructor(
    readonly detail: string,
    readonly understood: Edit[],
    readonly failed: { text: string; reason: string }[],
  ) {
    super(detail);
  }
}

async function postChange<T>(path: string, body: unknown): Promise<T> {
  const response = await authorizedFetch(path, {
    method: "POST",
    body,
    headers: { accept: "application/json, application/problem+json" },
  });
  if (response.status === 422) {
    const problem = (await response.clone().json().catch(() => ({}))) as Record<string, unknown>;
    if (Array.isArray(problem.failed)) {
      throw new NotApplicable(
        String(problem.detail ?? "The change cannot be applied."),
        (problem.understood as Edit[]) ?? [],
        problem.failed as { text: string; reason: string }[],
      );
    }
  }
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as T;
}

const typeOf = (f: FieldBrief) => (f.type ? ` (${f.type})` : "");

function describe(value: Record<string, unknown>): string {
  return Object.entries(value)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join("; ");
}

/** The spec diff as a list of plain sentences, + added, − removed, ~ changed. */
export function SpecDiffView({ diff }: { diff: SpecDiff }) {
  const lines: { kind: "added" | "removed" | "changed"; text: string }[] = [];
  for (const e of diff.entities.added)
    lines.push({
      kind: "added",
      text: `entity ${e.name}${e.fields?.length ? ` with ${e.fields.map((f) => f.name).join(", ")}` : ""}`,
    });
  for (const e of diff.entities.removed) lines.push({ kind: "removed", text: `entity ${e.name}` });
  for (const r of diff.entities.renamed)
    lines.push({ kind: "changed", text: `entity ${r.from} renamed to ${r.to}` });
  for (const c of diff.entities.changed) {
    for (const f of c.fields.added) lines.push({ kind: "added", text: `${c.name}.${f.name}${typeOf(f)}` });
    for (const f of c.fields.removed)
      lines.push({ kind: "removed", text: `${c.name}.${f.name}${typeOf(f)}` });
    for (const r of c.fields.renamed)
      lines.push({ kind: "changed", text: `${c.name}.${r.from} renamed to ${r.to}` });
    for (const f of c.fields.changed)
      lines.push({
        kind: "changed",
        text: `${c.name}.${f.name}: ${describe(f.before)} → ${describe(f.after)}`,
      });
  }
  for (const r of diff.relations.added) lines.push({ kind: "added", text: `relation ${r.from} → ${r.to}` });
  for (const r of diff.relations.removed)
    lines.push({ kind: "removed", text: `relation ${r.from} → ${r.to}` });
  for (const s of diff.summaries.added)
    lines.push({ kind: "added", text: `summary ${s.name} (${s.kind} of ${s.entity})` });
  for (const s of diff.summaries.removed) lines.push({ kind: "removed", text: `summary ${s.name}` });
  for (const s of diff.summaries.changed) lines.push({ kind: "changed", text: `summary ${s.name}` });
  if (lines.length === 0) return <p class="muted">The data model does not change.</p>;
  const mark = { added: "+", removed: "−", changed: "~" } as const;
  return (
    <ul class="spec-diff" aria-label="Data model changes" data-testid="spec-diff">
      {lines.map((line, i) => (
        <li key={i} class={`diff-${line.kind}`}>
          <span aria-hidden="true">{mark[line.kind]} </span>
          <span class="visually-hidden">{line.kind}: </span>
          {line.text}
        </li>
      ))}
    </ul>
  );
}

function NotApplicableBox({ error }: { error: NotApplicable }) {
  return (
    <div class="error" role="alert" data-testid="change-refused">
      <strong>This change cannot be applied.</strong>
      <ul>
        {error.failed.map((f, i) => (
          <li key={i}>
            “{f.text}”: {f.reason}
          </li>
        ))}
      </ul>
      {error.understood.length > 0 && (
        <p>Understood: {error.understood.map((e) => e.text).join("; ")}</p>
      )}
    </div>
  );
}

async function baseSpec(build: Build): Promise<unknown> {
  if (build.spec) return build.spec;
  const response = await authorizedFetch(
    `/v1/builds/${encodeURIComponent(build.id)}/files/spec.json`,
  );
  if (!response.ok) throw await errorFromResponse(response);
  return JSON.parse(await response.text()) as unknown;
}

/** "Ask for a change" on a succeeded build: preview the spec diff, then build it. */
export function AskForChange({ build }: { build: Versioned }) {
  const [text, setText] = useState("");
  const [preview, setPreview] = useState<{ request: string; edits: Edit[]; diff: SpecDiff } | null>(
    null,
  );
  const show = useAction();
  const create = useAction();
  const refused = show.error instanceof NotApplicable ? show.error : null;
  const refusedBuild = create.error instanceof NotApplicable ? create.error : null;
  const current = preview !== null && preview.request === text.trim();

  return (
    <div class="panel" aria-labelledby="change-title">
      <h2 id="change-title">Ask for a change</h2>
      <form
        aria-label="Ask for a change"
        onSubmit={(event) => {
          event.preventDefault();
          const asked = text.trim();
          void show.run(async () => {
            setPreview(null);
            const spec = await baseSpec(build);
            const edited = await postChange<{ edits: Edit[]; diff: SpecDiff }>("/v1/specs/edit", {
              spec,
              request: asked,
            });
            setPreview({ request: asked, edits: edited.edits, diff: edited.diff });
          });
        }}
      >
        <label for="change-request">What should change?</label>
        <textarea
          id="change-request"
          rows={3}
          maxLength={2000}
          placeholder="add a priority to tasks; remove the phone field; rename Customer to Client"
          value={text}
          onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
        />
        <p class="hint">
          One change per line or sentence: add, remove or rename an entity or a field, change a
          type, make a field required or optional, “each recipe has tags”, “add a count of tasks
          by status”.
        </p>
        <button type="submit" disabled={show.busy || text.trim().length < 3}>
          {show.busy ? "Reading…" : "Show what will change"}
        </button>
      </form>
      {refused ? <NotApplicableBox error={refused} /> : <ErrorBox error={show.error} />}
      {preview && (
        <div data-testid="change-preview">
          <h3>What will change</h3>
          <ol aria-label="Edits">
            {preview.edits.map((e, i) => (
              <li key={i}>{e.text}</li>
            ))}
          </ol>
          <SpecDiffView diff={preview.diff} />
          <button
            type="button"
            disabled={create.busy || !current}
            onClick={() =>
              void create.run(async () => {
                const made = await postChange<Build>(
                  `/v1/projects/${encodeURIComponent(build.project_id ?? "")}/changes`,
                  { request: preview.request, base_build_id: build.id },
                );
                navigate(`/builds/${made.id}`);
              })
            }
          >
            {create.busy ? "Starting…" : "Build this change"}
          </button>
          {!current && <p class="hint">The request was edited: show what it changes again.</p>}
        </div>
      )}
      {refusedBuild ? <NotApplicableBox error={refusedBuild} /> : <ErrorBox error={create.error} />}
    </div>
  );
}

interface FileChange {
  path: string;
  status: "added" | "removed" | "changed";
  diff: string | null;
}

/** A change build: what was asked, the spec diff and the files changed. */
export function ChangeSummary({ build }: { build: Versioned }) {
  const parent = build.parent_id ?? null;
  const isChange = build.origin === "change" && parent !== null;
  const diff = useLoad(
    async () =>
      isChange
        ? request<{ diff: SpecDiff }>(`/v1/builds/${encodeURIComponent(build.id)}/spec-diff`)
        : null,
    // A model's change has no spec until its build made one: asked again when it ends.
    [build.id, build.status, isChange],
  );
  const files = useLoad(async () => {
    if (!isChange || build.status !== "succeeded") return null;
    const query = `from=${encodeURIComponent(parent ?? "")}&to=${encodeURIComponent(build.id)}`;
    return request<{ files: FileChange[] }>(
      `/v1/projects/${encodeURIComponent(build.project_id ?? "")}/diff?${query}`,
    );
  }, [build.id, build.status, isChange]);
  if (!isChange) return null;
  return (
    <div class="panel" aria-labelledby="asked-title" data-testid="change-summary">
      <h2 id="asked-title">
        Change{build.version ? ` (version ${build.version})` : ""}
      </h2>
      <p>
        Asked: <q data-testid="change-request">{build.change_request}</q> of{" "}
        <a href={`/builds/${parent}`}>the previous version</a>
      </p>
      <h3>Data model</h3>
      {diff.data?.diff && <SpecDiffView diff={diff.data.diff} />}
      {diff.error instanceof ApiError && diff.error.status === 409 ? (
        <p class="muted">The data model is known once the build has made it.</p>
      ) : (
        <ErrorBox error={diff.error} />
      )}
      {files.data && files.data.files.length > 0 && (
        <div data-testid="files-changed">
          <h3>Files changed</h3>
          <ul class="files-changed">
            {files.data.files.map((f) => (
              <li key={f.path}>
                <details>
                  <summary>
                    {f.path} <span class={`diff-${f.status}`}>({f.status})</span>
                  </summary>
                  {f.diff && (
                    <pre class="code" tabIndex={0}>
                      <code>{f.diff}</code>
                    </pre>
                  )}
                </details>
              </li>
            ))}
          </ul>
        </div>
      )}
      <ErrorBox error={files.error} />
    </div>
  );
}
