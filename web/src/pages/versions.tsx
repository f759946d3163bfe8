// A project's versions: every build, newest first, with its request, spec
// summary and status; download, restore (a new version, nothing deleted) and
// compare two versions file by file. Diff text is rendered as text nodes,
// never as HTML.

import { useCallback, useEffect, useState } from "preact/hooks";
import { ErrorBox, Notice, formatDate, useAction } from "../components";
import {
  describeSummary,
  diffLineKind,
  versionsApi,
  type Version,
  type VersionDiff,
} from "../versions";

export function Versions({ projectId }: { projectId: string }) {
  const [items, setItems] = useState<Version[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [selected, setSelected] = useState<number[]>([]);
  const [diff, setDiff] = useState<VersionDiff | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const load = useAction();
  const act = useAction();

  const firstPage = useCallback(
    () =>
      load.run(async () => {
        const page = await versionsApi.list(projectId);
        setItems(page.items);
        setCursor(page.next_cursor);
        setLoaded(true);
      }),
    [projectId, load.run],
  );
  useEffect(() => {
    void firstPage();
  }, [firstPage]);

  const toggle = (version: number) =>
    setSelected((now) =>
      now.includes(version) ? now.filter((v) => v !== version) : [...now, version].slice(-2),
    );

  return (
    <section aria-labelledby="versions-title" class="versions">
      <h2 id="versions-title">Versions</h2>
      <ErrorBox error={load.error} />
      <ErrorBox error={act.error} />
      {message && <Notice>{message}</Notice>}
      {loaded && items.length === 0 && <p>No versions yet: every build becomes one.</p>}
      {items.length > 0 && (
        <ol class="list version-list" aria-label="Versions">
          {items.map((item) => (
            <li key={item.version} class="version" data-version={item.version}>
              <div class="version-head">
                <strong>Version {item.version}</strong>{" "}
                {item.is_current && <span class="badge badge-current">current</span>}{" "}
                <span class={`status status-${item.status}`}>{item.status}</span>{" "}
                <span class="muted">
                  {formatDate(item.created_at)}
                  {item.origin === "restore" && item.parent_version !== null
                    ? ` · restored from version ${item.parent_version}`
                    : item.origin !== "idea"
                      ? ` · ${item.origin}`
                      : ""}
                </span>
              </div>
              <p class="version-request">{item.request}</p>
              <p class="muted version-summary">{describeSummary(item.spec_summary)}</p>
              <div class="actions">
                <label class="check">
                  <input
                    type="checkbox"
                    checked={selected.includes(item.version)}
                    disabled={!item.download_url}
                    onChange={() => toggle(item.version)}
                  />{" "}
                  Compare version {item.version}
                </label>
                {item.download_url && (
                  <button
                    type="button"
                    class="secondary"
                    disabled={act.busy}
                    aria-label={`Download version ${item.version}`}
                    onClick={() =>
                      void act.run(async () => {
                        const { blob, filename } = await versionsApi.download(projectId, item.version);
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
                    Download
                  </button>
                )}
                {item.status === "succeeded" && item.download_url && (
                  <button
                    type="button"
                    class="secondary"
                    disabled={act.busy}
                    aria-label={`Restore version ${item.version}`}
                    onClick={() => {
                      if (
                        !window.confirm(
                          `Restore version ${item.version}? This makes a new version, a copy of it, ` +
                            "and makes it current. No version is deleted.",
                        )
                      )
                        return;
                      void act.run(async () => {
                        const made = await versionsApi.restore(projectId, item.version);
                        setMessage(
                          `Restored version ${item.version} as version ${made.version}; it is now current.`,
                        );
                        setSelected([]);
                        setDiff(null);
                        await firstPage();
                      });
                    }}
                  >
                    Restore
                  </button>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
      <div class="actions">
        {cursor && (
          <button
            type="button"
            class="secondary"
            disabled={load.busy}
            onClick={() =>
              void load.run(async () => {
                const page = await versionsApi.list(projectId, cursor);
                setItems((now) => [...now, ...page.items]);
                setCursor(page.next_cursor);
              })
            }
          >
            More versions
          </button>
        )}
        {items.length > 1 && (
          <button
            type="button"
            disabled={selected.length !== 2 || act.busy}
            onClick={() =>
              void act.run(async () => {
                const [a, b] = [...selected].sort((x, y) => x - y);
                if (a === undefined || b === undefined) return;
                setDiff(await versionsApi.diff(projectId, a, b));
              })
            }
          >
            {selected.length === 2
              ? `Compare version ${Math.min(...selected)} with ${Math.max(...selected)}`
              : "Compare (pick two versions)"}
          </button>
        )}
      </div>
      {diff && <DiffView diff={diff} onClose={() => setDiff(null)} />}
    </section>
  );
}

function DiffView({ diff, onClose }: { diff: VersionDiff; onClose: () => void }) {
  return (
    <section class="panel diff" aria-labelledby="diff-title">
      <div class="panel-head">
        <h3 id="diff-title">
          Changes from version {diff.from.version} to version {diff.to.version}
        </h3>
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <p class="muted">
        {diff.files.length} file{diff.files.length === 1 ? "" : "s"} differ, {diff.unchanged} unchanged.
      </p>
      {diff.truncated && (
        <p class="warning">The changes are too large to show in full: some files are listed without their diff.</p>
      )}
      <ul class="diff-files" aria-label="Changed files">
        {diff.files.map((file) => (
          <li key={file.path} class="diff-file" data-path={file.path}>
            <details open={diff.files.length <= 8}>
              <summary>
                <span class={`badge diff-${file.status}`}>{file.status}</span> <code>{file.path}</code>
              </summary>
              {file.diff === null ? (
                <p class="muted">No text diff (a binary or very large file).</p>
              ) : (
                <pre class="diff-text">
                  {file.diff.replace(/\n$/, "").split("\n").map((line, i) => (
                    <span key={i} class={`diff-line diff-line-${diffLineKind(line)}`}>
                      {line}
                      {"\n"}
                    </span>
                  ))}
                </pre>
              )}
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
