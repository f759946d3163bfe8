// Live preview of a succeeded build: the generated app running in a worker's
// sandbox, reached at a signed, short-lived URL (/preview/{build}/{token}/).
//
// The page shows it in an <iframe sandbox="allow-scripts allow-forms">: the
// app's scripts run, its forms submit, but without allow-same-origin the
// frame is an opaque origin (the server's own `CSP: sandbox` says the same),
// so the app can never read this app's storage, cookies or tokens or call
// the platform's API as the person. Its own API calls go to its preview path
// as CORS requests without credentials; the token in the path is the key.

import { ApiError, request } from "./api";

/** The frame's sandbox: scripts and forms, never allow-same-origin. */
export const LIVE_SANDBOX = "allow-scripts allow-forms";
export const LIVE_STATES = new Set(["queued", "starting", "running"]);

export interface LivePreviewInfo {
  id: string;
  build_id: string;
  status: "queued" | "starting" | "running" | "stopped" | "failed";
  url: string | null;
  url_expires_at: number | null;
  error: string | null;
  stop_reason: string | null;
  logs: string;
  started_at: string | null;
  last_active_at: string | null;
  stopped_at: string | null;
}

const path = (buildId: string) => `/v1/builds/${encodeURIComponent(buildId)}/preview`;

export const livePreview = {
  start: (buildId: string) => request<LivePreviewInfo>(path(buildId), { method: "POST" }),
  /** The build's latest preview, or null when it never ran one. */
  get: async (buildId: string): Promise<LivePreviewInfo | null> => {
    try {
      return await request<LivePreviewInfo>(path(buildId));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  },
  stop: (buildId: string) => request<LivePreviewInfo>(path(buildId), { method: "DELETE" }),
};

export const STOP_REASONS: Record<string, string> = {
  idle: "stopped after being idle",
  max: "stopped at its time limit",
  user: "stopped",
  shutdown: "stopped (the server restarted)",
  crashed: "the app crashed",
  worker_lost: "the server running it stopped",
  no_capacity: "no server had room to run it",
};
