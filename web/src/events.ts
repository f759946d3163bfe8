// Live build events over `fetch` streaming.
//
// EventSource cannot send an Authorization header, and a token in the URL
// would end up in logs and history, so the stream is read with fetch and
// parsed here following the WHATWG event-stream rules (fields `event`,
// `data`, `id`, `retry`; an event ends at a blank line). The last event id is
// kept per build in sessionStorage: after a dropped connection or a page
// reload the stream resumes with `Last-Event-ID` and misses nothing.

import { authorizedFetch, errorFromResponse, ApiError, SessionExpiredError } from "./api";

export interface BuildEvent {
  id: string | null;
  event: string;
  data: unknown;
}

export interface StreamCallbacks {
  onEvent: (event: BuildEvent) => void;
  onState: (state: "connecting" | "open" | "reconnecting" | "closed", detail?: string) => void;
  onError: (error: ApiError) => void;
  /** True when this event ends the build (the stream closes after it). */
  isTerminal: (event: BuildEvent) => boolean;
  /** Asked when a stream ends without a terminal event: is the build over anyway? */
  isOver: () => Promise<boolean>;
}

const lastIdKey = (buildId: string) => `lf.build.${buildId}.last-event-id`;

export function lastEventId(buildId: string): string | null {
  try {
    return window.sessionStorage.getItem(lastIdKey(buildId));
  } catch {
    return null;
  }
}

function rememberEventId(buildId: string, id: string): void {
  try {
    window.sessionStorage.setItem(lastIdKey(buildId), id);
  } catch {
    // storage unavailable: resuming still works within this page
  }
}

/** Incremental event-stream parser: feed it text, it calls back per event. */
export class EventStreamParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | null = null;
  retry: number | null = null;
  lastId: string | null = null;

  constructor(private readonly dispatch: (event: BuildEvent) => void) {}

  feed(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith("\r\n", newline) ? 2 : 1;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (width === 1 && this.buffer[newline] === "\r" && newline === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(newline + width);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === "") {
      this.flush();
      return;
    }
    if (line.startsWith(":")) return; // comment / heartbeat
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.data.push(value);
        break;
      case "event":
        this.event = value;
        break;
      case "id":
        if (!value.includes("\0")) this.id = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
    }
  }

  private flush(): void {
    if (this.id !== null) this.lastId = this.id;
    if (this.data.length === 0) {
      this.event = "";
      return;
    }
    const text = this.data.join("\n");
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      // plain-text data stays a string
    }
    const event: BuildEvent = { id: this.lastId, event: this.event || "message", data };
    this.data = [];
    this.event = "";
    this.dispatch(event);
  }
}

/**
 * Follow a build's events until the terminal one (or until `signal` aborts),
 * reconnecting with exponential backoff (1 s doubling to 30 s, with jitter)
 * after a dropped connection.
 */
export async function followBuild(
  buildId: string,
  callbacks: StreamCallbacks,
  signal: AbortSignal,
): Promise<void> {
  let attempt = 0;
  let finished = false;
  let serverRetry: number | null = null;

  while (!signal.aborted && !finished) {
    callbacks.onState(attempt === 0 ? "connecting" : "reconnecting");
    const headers: Record<string, string> = { accept: "text/event-stream" };
    const resumeFrom = lastEventId(buildId);
    if (resumeFrom) headers["last-event-id"] = resumeFrom;
    try {
      const response = await authorizedFetch(`/v1/builds/${encodeURIComponent(buildId)}/events`, {
        headers,
        signal,
      });
      if (!response.ok) {
        const error = await errorFromResponse(response);
        // Client errors other than throttling will not heal by retrying.
        if (error.status < 500 && error.status !== 429) {
          callbacks.onError(error);
          callbacks.onState("closed");
          return;
        }
        throw error;
      }
      if (!response.body) throw new Error("streaming not supported");
      callbacks.onState("open");
      attempt = 0;
      const parser = new EventStreamParser((event) => {
        if (event.id) rememberEventId(buildId, event.id);
        callbacks.onEvent(event);
        if (callbacks.isTerminal(event)) finished = true;
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
        if (finished) {
          await reader.cancel();
          break;
        }
      }
      serverRetry = parser.retry;
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof SessionExpiredError) {
        callbacks.onError(error);
        callbacks.onState("closed");
        return;
      }
      if (error instanceof ApiError) callbacks.onError(error);
    }
    if (finished || signal.aborted) break;
    try {
      if (await callbacks.isOver()) break;
    } catch {
      // unknown: keep trying the stream
    }
    // The stream ended without a terminal event (proxy timeout, restart,
    // network drop): reconnect after a backoff and resume from the last id.
    attempt += 1;
    const base = serverRetry ?? Math.min(30_000, 1000 * 2 ** (attempt - 1));
    const delay = base / 2 + Math.random() * (base / 2);
    callbacks.onState("reconnecting", `retrying in ${Math.ceil(delay / 1000)} s`);
    await sleep(delay, signal);
  }
  callbacks.onState("closed");
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        window.clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
