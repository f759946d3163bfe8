// "Run": the build's app live, in a sandboxed frame, with its status and logs (see ../live.ts).

import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorBox, useAction } from "../components";
import { LIVE_SANDBOX, LIVE_STATES, livePreview, STOP_REASONS, type LivePreviewInfo } from "../live";

const POLL_MS = 1500;

export function LivePreview({ id }: { id: string }) {
  const [info, setInfo] = useState<LivePreviewInfo | null>(null);
  // The frame's URL is set once per run: later answers mint fresh tokens, and
  // changing the src would reload the app under the person's hands.
  const [src, setSrc] = useState<string | null>(null);
  const [pollError, setPollError] = useState<unknown>(null);
  const action = useAction();
  const logRef = useRef<HTMLPreElement>(null);
  const live = info !== null && LIVE_STATES.has(info.status);

  const show = (next: LivePreviewInfo | null) => {
    setInfo(next);
    if (!next || !LIVE_STATES.has(next.status)) setSrc(null);
    else if (next.status === "running" && next.url) setSrc((old) => old ?? next.url);
  };

  useEffect(() => {
    let stopped = false;
    livePreview.get(id).then(
      (value) => !stopped && show(value),
      (err: unknown) => !stopped && setPollError(err),
    );
    return () => {
      stopped = true;
    };
  }, [id]);

  useEffect(() => {
    if (!live) return;
    const timer = window.setInterval(() => {
      livePreview.get(id).then(
        (value) => {
          setPollError(null);
          show(value);
        },
        (err: unknown) => setPollError(err),
      );
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [id, live]);

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [info?.logs]);

  const status = info?.status ?? "not running";
  const ended = info && !live ? (STOP_REASONS[info.stop_reason ?? ""] ?? info.status) : null;

  return (
    <div class="panel live-preview" aria-labelledby="live-title">
      <div class="panel-head">
        <h2 id="live-title">Run the app</h2>
        {live ? (
          <button
            type="button"
            class="secondary"
            disabled={action.busy}
            onClick={() => void action.run(async () => show(await livePreview.stop(id)))}
          >
            Stop
          </button>
        ) : (
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                setSrc(null);
                show(await livePreview.start(id));
              })
            }
          >
            {action.busy ? "Starting…" : "Run"}
          </button>
        )}
      </div>
      <p class="hint">
        Runs this version of the app with sample data, isolated from everything else. Only you can
        open it; it stops after a while without use.
      </p>
      <p>
        Status:{" "}
        <strong class={`status status-${status}`} data-testid="live-status" role="status">
          {status}
        </strong>
        {ended && <span class="muted"> ({ended})</span>}
        {info?.status === "queued" && <span class="muted"> (waiting for a free slot to run it)</span>}
        {info?.status === "starting" && <span class="muted"> (adding sample data and starting)</span>}
      </p>
      {info?.error && (
        <p class="error" role="alert" data-testid="live-error">
          {info.error}
        </p>
      )}
      <ErrorBox error={action.error} />
      <ErrorBox error={pollError} />
      {src && (
        <>
          <p>
            <a href={src} target="_blank" rel="noopener noreferrer">
              Open in a new tab
            </a>
          </p>
          <iframe
            class="preview-frame"
            title="The running app"
            // Never allow-same-origin: the app stays an opaque origin.
            sandbox={LIVE_SANDBOX}
            referrerpolicy="no-referrer"
            src={src}
            data-testid="live-frame"
          />
        </>
      )}
      {info && info.logs && (
        <>
          <h3 id="live-logs-title">Logs</h3>
          <pre class="code live-logs" ref={logRef} tabIndex={0} aria-labelledby="live-logs-title" data-testid="live-logs">
            {info.logs}
          </pre>
        </>
      )}
    </div>
  );
}
