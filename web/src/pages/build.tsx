// One build: live progress (stages, log, elapsed time, final status) over
// the event stream, then its data model (readable, editable, rebuilt from),
// the generated files with a static preview of the generated page, and the
// zip download.

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, type Build } from "../api";
import { ErrorBox, formatDuration, useAction, useLoad } from "../components";
import { followBuild, type BuildEvent } from "../events";
import { highlight } from "../highlight";
import { LivePreview } from "./live";
import { Preview } from "./preview";
import { SpecPanel } from "./spec";
import { AskForChange, ChangeSummary } from "./change";

const STAGES = ["spec", "generate", "validate", "fix", "package"] as const;
const STAGE_LABELS: Record<string, string> = {
  spec: "Spec",
  generate: "Generate",
  validate: "Validate",
  fix: "Fix",
  package: "Package",
};
const TERMINAL = new Set([
  "succeeded",
  "success",
  "completed",
  "complete",
  "done",
  "failed",
  "error",
  "cancelled",
  "canceled",
]);
const SUCCESS = new Set(["succeeded", "success", "completed", "complete", "done"]);
const TERMINAL_EVENTS = new Set(["done", "end", "complete", "completed", "final", "finished", "terminal"]);

type Data = Record<string, unknown>;
const asData = (value: unknown): Data =>
  value && typeof value === "object" ? (value as Data) : { message: value };
const str = (value: unknown): string | null =>
  typeof value === "string" && value ? value : null;

function statusOf(data: Data): string | null {
  const status = str(data.status) ?? str(data.state) ?? str(data.outcome);
  return status ? status.toLowerCase() : null;
}

export function isTerminalEvent(event: BuildEvent): boolean {
  const data = asData(event.data);
  if (TERMINAL_EVENTS.has(event.event)) return true;
  const status = statusOf(data);
  return status !== null && TERMINAL.has(status) && !str(data.stage) && event.event !== "stage";
}

interface StageState {
  status: string;
}

interface Progress {
  stages: Record<string, StageState>;
  log: { id: string | null; text: string; level: string }[];
  status: string | null;
  error: string | null;
}

const EMPTY: Progress = { stages: {}, log: [], status: null, error: null };
const MAX_KEPT_EVENTS = 2000;

/** Fold one event into the progress shown on screen. */
function apply(progress: Progress, event: BuildEvent): Progress {
  const data = asData(event.data);
  const next: Progress = { ...progress };
  const stage = str(data.stage) ?? str(data.name);
  const status = statusOf(data);
  const message = str(data.message) ?? str(data.line) ?? str(data.text) ?? str(data.log);

  if (stage && (event.event === "stage" || (status && event.event !== "log"))) {
    next.stages = { ...progress.stages, [stage]: { status: status ?? "running" } };
  }
  if (event.event === "stage" && stage) {
    // "Validate succeeded: 56 passed" rather than the stage and its message apart.
    const label = `${STAGE_LABELS[stage] ?? stage} ${status ?? "started"}`;
    const text = message && message !== status ? `${label}: ${message}` : label;
    next.log = [...progress.log, { id: event.id, text, level: status === "failed" ? "error" : "info" }];
  } else if (message || event.event === "log") {
    const level = str(data.level) ?? (event.event === "error" ? "error" : "info");
    const prefix = stage ? `[${stage}] ` : "";
    next.log = [...progress.log, { id: event.id, text: prefix + (message ?? JSON.stringify(data)), level }];
  }
  if (isTerminalEvent(event)) {
    next.status = status ?? "completed";
    next.error =
      str(data.error) ?? str(data.detail) ?? (SUCCESS.has(next.status) ? null : message);
    if (next.log.at(-1)?.id !== event.id || !message) {
      next.log = [...next.log, { id: event.id, text: `Build ${next.status}`, level: "info" }];
    }
  }
  return next;
}

const eventsKey = (id: string) => `lf.build.${id}.events`;

function loadKept(id: string): BuildEvent[] {
  try {
    const raw = window.sessionStorage.getItem(eventsKey(id));
    return raw ? (JSON.parse(raw) as BuildEvent[]) : [];
  } catch {
    return [];
  }
}

function keep(id: string, events: BuildEvent[]): void {
  try {
    window.sessionStorage.setItem(eventsKey(id), JSON.stringify(events.slice(-MAX_KEPT_EVENTS)));
  } catch {
    // full or unavailable: the log just starts fresh after a reload
  }
}

function stagesFromBuild(build: Build | null): Record<string, StageState> {
  const out: Record<string, StageState> = {};
  const raw = build?.stages;
  const list = Array.isArray(raw)
    ? raw
    : raw && typeof raw === "object"
      ? Object.entries(raw as Data).map(([name, value]) => ({ name, ...asData(value) }))
      : [];
  for (const item of list) {
    const data = asData(item);
    const name = str(data.name) ?? str(data.stage);
    const status = statusOf(data);
    if (name && status) out[name] = { status };
  }
  return out;
}

export function BuildPage({ id }: { id: string }) {
  const build = useLoad(() => api.getBuild(id), [id]);
  // Events seen before a reload come back from sessionStorage; the stream
  // resumes after the last of them (Last-Event-ID).
  const [events, setEvents] = useState<BuildEvent[]>(() => loadKept(id));
  const [connection, setConnection] = useState("connecting");
  const [streamError, setStreamError] = useState<unknown>(null);
  const [now, setNow] = useState(Date.now());
  const [startedAt] = useState(Date.now());
  const logRef = useRef<HTMLOListElement>(null);

  const progress = useMemo(() => events.reduce(apply, EMPTY), [events]);
  const finalStatus = progress.status ?? (TERMINAL.has(build.data?.status ?? "") ? build.data?.status ?? null : null);

  useEffect(() => {
    const controller = new AbortController();
    void followBuild(
      id,
      {
        onEvent: (event) =>
          setEvents((list) => {
            if (event.id && list.some((e) => e.id === event.id)) return list;
            const next = [...list, event];
            keep(id, next);
            return next;
          }),
        onState: (state, detail) => setConnection(detail ? `${state} (${detail})` : state),
        onError: setStreamError,
        isTerminal: isTerminalEvent,
        isOver: async () => {
          const latest = await api.getBuild(id);
          build.setData(latest);
          return TERMINAL.has(latest.status);
        },
      },
      controller.signal,
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  useEffect(() => {
    if (finalStatus) {
      build.reload();
      return;
    }
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finalStatus]);

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [progress.log.length]);

  const stages = { ...stagesFromBuild(build.data), ...progress.stages };
  const shownStages = STAGES.filter((s) => s !== "fix" || stages.fix);
  const doneCount = shownStages.filter((s) => {
    const status = stages[s]?.status ?? "";
    return SUCCESS.has(status) || status === "skipped";
  }).length;
  const begin = Date.parse(build.data?.started_at ?? build.data?.created_at ?? "") || startedAt;
  const end = Date.parse(build.data?.finished_at ?? "") || (finalStatus ? now : Date.now());
  const succeeded = finalStatus !== null && SUCCESS.has(finalStatus);

  return (
    <section>
      <p class="breadcrumbs">
        <a href="/projects">Projects</a> /{" "}
        {build.data?.project_id && <a href={`/projects/${build.data.project_id}`}>Project</a>}
      </p>
      <h1>Build</h1>
      <ErrorBox error={build.error} />
      <div class="panel" aria-labelledby="progress-title">
        <h2 id="progress-title">Progress</h2>
        <p class="build-meta">
          <span>
            Status:{" "}
            <strong class={`status status-${finalStatus ?? "running"}`} data-testid="build-status">
              {finalStatus ?? build.data?.status ?? "starting"}
            </strong>
          </span>
          <span>
            Elapsed: <span data-testid="elapsed">{formatDuration(end - begin)}</span>
          </span>
          {build.data?.provider && <span>Provider: {build.data.provider}</span>}
          {!finalStatus && <span class="muted">Stream: {connection}</span>}
        </p>
        <label for="build-progress">
          Stages completed: {doneCount} of {shownStages.length}
        </label>
        <progress id="build-progress" max={shownStages.length} value={finalStatus && succeeded ? shownStages.length : doneCount} />
        <ol class="stages" aria-label="Stages">
          {shownStages.map((stage) => {
            const status = stages[stage]?.status ?? "pending";
            return (
              <li key={stage} class={`stage stage-${status}`}>
                <span class="stage-name">{STAGE_LABELS[stage]}</span>{" "}
                <span class="stage-status">{status}</span>
              </li>
            );
          })}
        </ol>
        {progress.error && <p class="error" role="alert">{progress.error}</p>}
        <ErrorBox error={streamError} />
        <h3 id="log-title">Log</h3>
        <ol class="log" ref={logRef} aria-labelledby="log-title" aria-live="polite" tabIndex={0}>
          {progress.log.map((line, i) => (
            <li key={i} class={`log-${line.level}`}>
              {line.text}
            </li>
          ))}
        </ol>
        {!finalStatus && build.data && <CancelButton id={id} onDone={build.reload} />}
        {finalStatus && !succeeded && <RetryButton id={id} />}
      </div>
      {build.data && <ChangeSummary build={build.data} />}
      {build.data && <SpecPanel build={build.data} hasFiles={succeeded} />}
      {succeeded && <LivePreview id={id} />}
      {succeeded && build.data && <AskForChange build={build.data} />}
      {succeeded && <Artifacts id={id} />}
    </section>
  );
}

function CancelButton({ id, onDone }: { id: string; onDone: () => void }) {
  const action = useAction();
  return (
    <div>
      <button
        type="button"
        class="secondary"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            await api.cancelBuild(id);
            onDone();
          })
        }
      >
        Cancel build
      </button>
      <ErrorBox error={action.error} />
    </div>
  );
}

function RetryButton({ id }: { id: string }) {
  const action = useAction();
  return (
    <div>
      <button
        type="button"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            const build = await api.retryBuild(id);
            window.location.assign(`/builds/${build.id ?? id}`);
          })
        }
      >
        Retry build
      </button>
      <ErrorBox error={action.error} />
    </div>
  );
}

// ---- files ------------------------------------------------------------------

interface TreeNode {
  name: string;
  path: string;
  children: Map<string, TreeNode> | null; // null for a file
  size?: number;
}

/** File paths from the tree answer, whatever its exact shape. */
export function filePaths(body: unknown, prefix = ""): { path: string; size?: number }[] {
  if (Array.isArray(body)) {
    return body.flatMap((item) => {
      if (typeof item === "string") return [{ path: prefix + item }];
      const data = asData(item);
      const children = data.children ?? data.files;
      const name = str(data.path) ?? str(data.name) ?? "";
      if (Array.isArray(children)) {
        const base = str(data.path) ? `${name}/` : name ? `${prefix}${name}/` : prefix;
        return filePaths(children, base);
      }
      if (data.type === "directory" || data.type === "dir") return [];
      const path = str(data.path) ?? (name ? prefix + name : "");
      return path ? [{ path, size: typeof data.size === "number" ? data.size : undefined }] : [];
    });
  }
  const data = asData(body);
  for (const key of ["files", "items", "tree", "children", "entries"]) {
    if (Array.isArray(data[key])) return filePaths(data[key], prefix);
  }
  if (data.tree && typeof data.tree === "object") return filePaths([data.tree], prefix);
  return [];
}

function buildTree(files: { path: string; size?: number }[]): TreeNode {
  const root: TreeNode = { name: "", path: "", children: new Map() };
  for (const file of files) {
    const parts = file.path.split("/").filter(Boolean);
    let node = root;
    parts.forEach((part, index) => {
      const path = parts.slice(0, index + 1).join("/");
      const isFile = index === parts.length - 1;
      let child = node.children?.get(part);
      if (!child) {
        child = { name: part, path, children: isFile ? null : new Map(), size: isFile ? file.size : undefined };
        node.children?.set(part, child);
      }
      node = child;
    });
  }
  return root;
}

function sorted(node: TreeNode): TreeNode[] {
  return [...(node.children?.values() ?? [])].sort((a, b) =>
    (a.children ? 0 : 1) - (b.children ? 0 : 1) || a.name.localeCompare(b.name),
  );
}

function Tree({ node, selected, onOpen }: { node: TreeNode; selected: string | null; onOpen: (path: string) => void }) {
  return (
    <ul class="tree">
      {sorted(node).map((child) =>
        child.children ? (
          <li key={child.path}>
            <details open>
              <summary>{child.name}/</summary>
              <Tree node={child} selected={selected} onOpen={onOpen} />
            </details>
          </li>
        ) : (
          <li key={child.path}>
            <button
              type="button"
              class={`file ${selected === child.path ? "selected" : ""}`}
              aria-current={selected === child.path ? "true" : undefined}
              data-path={child.path}
              onClick={() => onOpen(child.path)}
            >
              {child.name}
            </button>
          </li>
        ),
      )}
    </ul>
  );
}

function Artifacts({ id }: { id: string }) {
  const files = useLoad(async () => filePaths(await api.listFiles(id)), [id]);
  const tree = useMemo(() => buildTree(files.data ?? []), [files.data]);
  const paths = useMemo(() => (files.data ?? []).map((f) => f.path), [files.data]);
  const [selected, setSelected] = useState<string | null>(null);
  const [content, setContent] = useState<{ path: string; html: string } | null>(null);
  const open = useAction();
  const download = useAction();
  const viewerRef = useRef<HTMLHeadingElement>(null);

  const openFile = (path: string) => {
    setSelected(path);
    void open.run(async () => {
      const text = await api.fileContent(id, path);
      setContent({ path, html: highlight(text, path) });
      viewerRef.current?.focus();
    });
  };

  return (
    <div class="panel" aria-labelledby="files-title">
      <div class="panel-head">
        <h2 id="files-title">Generated files</h2>
        <button
          type="button"
          disabled={download.busy}
          onClick={() =>
            void download.run(async () => {
              const { blob, filename } = await api.download(id);
              const url = URL.createObjectURL(blob);
              const link = document.createElement("a");
              link.href = url;
              link.download = filename;
              document.body.append(link);
              link.click();
              link.remove();
              window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
            })
          }
        >
          {download.busy ? "Preparing…" : "Download zip"}
        </button>
      </div>
      <ErrorBox error={download.error} />
      <ErrorBox error={files.error} />
      {files.loading && <p role="status">Loading files…</p>}
      <div class="files">
        <nav aria-label="File tree" class="file-tree">
          <Tree node={tree} selected={selected} onOpen={openFile} />
        </nav>
        <div class="viewer">
          <h3 ref={viewerRef} tabIndex={-1} data-testid="viewer-path">
            {content?.path ?? "Choose a file"}
          </h3>
          <ErrorBox error={open.error} />
          {content && (
            <pre class="code" tabIndex={0} aria-label={`Contents of ${content.path}`}>
              <code class="hljs" dangerouslySetInnerHTML={{ __html: content.html }} />
            </pre>
          )}
        </div>
      </div>
      {paths.length > 0 && <Preview id={id} files={paths} />}
    </div>
  );
}
