// The API client: every call to the platform goes through `request`.
//
// - Authorization: the in-memory access token; when it is missing or
//   expired, or the API answers 401, the refresh token is exchanged once
//   (POST /v1/auth/refresh, rotating) and the call retried. With no refresh
//   token (or a refused one) the session ends and the app asks for a login.
// - Errors: every non-2xx answer becomes an ApiError built from the RFC 9457
//   problem+json body (title, detail, field errors), plus Retry-After for
//   429 and the reset date for a 402 quota answer.

import {
  clearTokens,
  getAccessToken,
  getRefreshToken,
  setTokens,
  type TokenSet,
} from "./session";

export interface FieldError {
  loc: string[];
  msg: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | null;
  readonly errors: FieldError[];
  /** Seconds to wait before retrying (429, 503), when the server said. */
  readonly retryAfter: number | null;
  /** When a monthly quota starts again (402), when the server said. */
  readonly resetsAt: Date | null;

  constructor(init: {
    status: number;
    title: string;
    detail?: string | null;
    errors?: FieldError[];
    retryAfter?: number | null;
    resetsAt?: Date | null;
  }) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title);
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail ?? null;
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter ?? null;
    this.resetsAt = init.resetsAt ?? null;
  }
}

/** The session ended (no usable refresh token): the app shows the login page. */
export class SessionExpiredError extends ApiError {
  constructor() {
    super({ status: 401, title: "Your session has ended", detail: "Please log in again." });
  }
}

type Json = Record<string, unknown>;

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value); // HTTP-date form
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function parseDate(value: unknown): Date | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const STATUS_TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Not logged in",
  402: "Quota used up",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  413: "Too large",
  422: "Invalid input",
  429: "Too many requests",
  500: "Server error",
  502: "Service unavailable",
  503: "Service unavailable",
  504: "Service did not answer in time",
};

/** An ApiError from any error response, problem+json or not. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: Json = {};
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    try {
      const parsed: unknown = await response.json();
      if (parsed && typeof parsed === "object") body = parsed as Json;
    } catch {
      // not JSON after all: keep the status-based title
    }
  }
  const title =
    typeof body.title === "string" && body.title
      ? body.title
      : (STATUS_TITLES[response.status] ?? `Error ${response.status}`);
  const errors: FieldError[] = Array.isArray(body.errors)
    ? body.errors
        .filter((e): e is Json => !!e && typeof e === "object")
        .map((e) => ({
          loc: Array.isArray(e.loc) ? e.loc.map(String) : [],
          msg: String(e.msg ?? e.message ?? ""),
        }))
    : [];
  return new ApiError({
    status: response.status,
    title,
    detail: typeof body.detail === "string" ? body.detail : null,
    errors,
    retryAfter: parseRetryAfter(response.headers.get("retry-after")),
    resetsAt:
      parseDate(body.resets_at) ??
      parseDate(body.reset_at) ??
      parseDate(body.reset_date) ??
      parseDate(body.resets_on),
  });
}

let refreshing: Promise<boolean> | null = null;

// A refresh refused for a while (rate limit, auth or Redis briefly down) is
// waited out and tried again: the token was not spent (the gateway or auth
// refused it before rotating), and the person's session is still good.
const REFRESH_BUSY = new Set([429, 503]);
const REFRESH_TRIES = 3;
const REFRESH_MAX_WAIT_S = 5;

/**
 * Exchange the refresh token for a new pair. Concurrent callers share one
 * exchange: the token is single-use, and a second use of the same token after
 * auth's short grace window would look like theft and revoke the whole session.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      for (let attempt = 1; ; attempt++) {
        const refreshToken = getRefreshToken();
        if (!refreshToken) return false;
        let response: Response;
        try {
          response = await fetch("/v1/auth/refresh", {
            method: "POST",
            headers: { "content-type": "application/json", accept: "application/json" },
            body: JSON.stringify({ refresh_token: refreshToken }),
          });
        } catch {
          return false; // network error: keep the refresh token for the next try
        }
        if (response.ok) {
          setTokens((await response.json()) as TokenSet);
          return true;
        }
        if (response.status === 400 || response.status === 401 || response.status === 404) {
          clearTokens();
          return false;
        }
        if (!REFRESH_BUSY.has(response.status) || attempt >= REFRESH_TRIES) return false;
        const wait = parseRetryAfter(response.headers.get("retry-after")) ?? 1;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(Math.max(wait, 1), REFRESH_MAX_WAIT_S) * 1000),
        );
      }
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** A refresh that failed but left the session (busy server, network): try again later. */
class SessionKeptError extends ApiError {
  constructor() {
    super({
      status: 503,
      title: "Could not reach the server",
      detail: "You are still logged in; try again in a moment.",
    });
  }
}

/** After a failed refresh: the session ended (no refresh token left), or it is kept. */
function refreshFailed(): never {
  if (getRefreshToken()) throw new SessionKeptError();
  clearTokens(true);
  throw new SessionExpiredError();
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Send no Authorization header (login, register, ...). */
  anonymous?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** A valid access token, refreshing first when needed; throws when the session is over. */
export async function accessToken(): Promise<string> {
  let token = getAccessToken();
  if (!token && (await refreshSession())) token = getAccessToken();
  if (!token) refreshFailed();
  return token;
}

/** The raw Response of an authenticated call (for streams and downloads). */
export async function authorizedFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const send = async (token: string | null): Promise<Response> => {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: BodyInit | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    return fetch(path, { method: options.method ?? "GET", headers, body, signal: options.signal });
  };

  if (options.anonymous) return send(null);
  let response = await send(await accessToken());
  if (response.status === 401) {
    // The token may have been revoked or the signing key rotated: one refresh, one retry.
    if (!(await refreshSession())) refreshFailed();
    response = await send(getAccessToken());
    if (response.status === 401) {
      clearTokens(true);
      throw new SessionExpiredError();
    }
  }
  return response;
}

/** A JSON API call; resolves to the parsed body (undefined for 204). */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await authorizedFetch(path, options);
  if (!response.ok) throw await errorFromResponse(response);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) return (await response.text()) as T;
  return (await response.json()) as T;
}

/** Items of a list answer, whether it is a bare array or {items: [...]}. */
export function itemsOf<T>(body: unknown, ...keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === "object") {
    for (const key of ["items", ...keys]) {
      const value = (body as Json)[key];
      if (Array.isArray(value)) return value as T[];
    }
  }
  return [];
}

// ---- typed endpoints -------------------------------------------------------

export interface User {
  id: string;
  email: string;
  email_verified?: boolean;
  plan?: string;
}

export interface Project {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Build {
  id: string;
  project_id?: string;
  status: string;
  provider?: string | null;
  model?: string | null;
  idea?: string;
  target_users?: string | null;
  features?: string[];
  theme?: string;
  /** The spec the build was asked to use (null when it started from the idea alone). */
  spec?: Record<string, unknown> | null;
  created_at?: string;
  started_at?: string | null;
  finished_at?: string | null;
  error?: string | null;
  stages?: unknown;
}

export interface BuildCreate {
  idea: string;
  target_users?: string;
  features?: string[];
  theme?: string;
  provider?: string;
  model?: string;
  spec?: unknown;
}

export interface ProviderKey {
  provider: string;
  last4?: string;
  last_four?: string;
  base_url?: string | null;
  response_format?: string | null;
  created_at?: string;
  updated_at?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix?: string;
  scopes?: string[];
  created_at?: string;
  last_used_at?: string | null;
  last_used?: string | null;
}

export interface SessionInfo {
  id: string;
  created_at?: string;
  last_used_at?: string | null;
  user_agent?: string | null;
  current?: boolean;
}

export interface ProviderSpend {
  provider: string;
  input_tokens: number;
  output_tokens: number;
  tokens: number;
  cost_usd: number;
  calls: number;
  builds_stopped: number;
}

/** This month's model spending against the budgets (null budget: unlimited). */
export interface ModelSpend {
  tokens_used: number;
  cost_usd: number;
  token_budget: number | null;
  cost_budget_usd: number | null;
  build_max_tokens: number | null;
  builds_stopped: number;
  providers: ProviderSpend[];
}

export interface Usage {
  models?: ModelSpend;
  plan?: string;
  used?: number;
  limit?: number | null;
  remaining?: number | null;
  resets_at?: string;
  period_end?: string;
  [key: string]: unknown;
}

export const api = {
  register: (email: string, password: string) =>
    request<User>("/v1/auth/register", {
      method: "POST",
      body: { email, password },
      anonymous: true,
    }),
  async login(email: string, password: string): Promise<void> {
    const tokens = await request<TokenSet>("/v1/auth/login", {
      method: "POST",
      body: { email, password },
      anonymous: true,
    });
    setTokens(tokens, email);
  },
  async logout(): Promise<void> {
    const refreshToken = getRefreshToken();
    const token = getAccessToken();
    try {
      if (token || refreshToken) {
        await fetch("/v1/auth/logout", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(refreshToken ? { refresh_token: refreshToken } : {}),
        });
      }
    } catch {
      // Offline: forget the tokens anyway; the refresh token expires on its own.
    } finally {
      clearTokens();
    }
  },
  verifyEmail: (token: string) =>
    request<unknown>("/v1/auth/verify-email", { method: "POST", body: { token }, anonymous: true }),
  /** A new verification link for the logged-in user (auth needs the session). */
  resendVerification: () => request<unknown>("/v1/auth/verify-email/resend", { method: "POST" }),
  forgotPassword: (email: string) =>
    request<unknown>("/v1/auth/password/forgot", {
      method: "POST",
      body: { email },
      anonymous: true,
    }),
  resetPassword: (token: string, password: string) =>
    request<unknown>("/v1/auth/password/reset", {
      method: "POST",
      body: { token, password },
      anonymous: true,
    }),
  me: () => request<User>("/v1/auth/me"),

  listProjects: (cursor?: string | null) =>
    request<Page<Project>>(
      `/v1/projects?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    ),
  getProject: (id: string) => request<Project>(`/v1/projects/${encodeURIComponent(id)}`),
  createProject: (name: string, description?: string) =>
    request<Project>("/v1/projects", {
      method: "POST",
      body: description ? { name, description } : { name },
    }),
  renameProject: (id: string, name: string) =>
    request<Project>(`/v1/projects/${encodeURIComponent(id)}`, {
      method: "PATCH",
      body: { name },
    }),
  deleteProject: (id: string) =>
    request<void>(`/v1/projects/${encodeURIComponent(id)}`, { method: "DELETE" }),

  listBuilds: (projectId: string) =>
    request<unknown>(`/v1/projects/${encodeURIComponent(projectId)}/builds?limit=20`),
  createBuild: (projectId: string, body: BuildCreate) =>
    request<Build>(`/v1/projects/${encodeURIComponent(projectId)}/builds`, {
      method: "POST",
      body,
    }),
  getBuild: (id: string) => request<Build>(`/v1/builds/${encodeURIComponent(id)}`),
  cancelBuild: (id: string) =>
    request<Build>(`/v1/builds/${encodeURIComponent(id)}/cancel`, { method: "POST" }),
  retryBuild: (id: string) =>
    request<Build>(`/v1/builds/${encodeURIComponent(id)}/retry`, { method: "POST" }),
  listFiles: (id: string) => request<unknown>(`/v1/builds/${encodeURIComponent(id)}/files`),
  /** Check a spec without building: the normalised spec, or an ApiError 422 locating each problem. */
  validateSpec: (spec: unknown, theme?: string, signal?: AbortSignal) =>
    request<{ spec: unknown }>("/v1/specs/validate", {
      method: "POST",
      body: theme ? { spec, theme } : { spec },
      signal,
    }),
  async fileContent(id: string, path: string): Promise<string> {
    const encoded = path.split("/").map(encodeURIComponent).join("/");
    const response = await authorizedFetch(
      `/v1/builds/${encodeURIComponent(id)}/files/${encoded}`,
      { headers: { accept: "text/plain, application/json;q=0.9, */*;q=0.1" } },
    );
    if (!response.ok) throw await errorFromResponse(response);
    const type = response.headers.get("content-type") ?? "";
    if (type.includes("json")) {
      const body = (await response.json()) as unknown;
      if (body && typeof body === "object" && typeof (body as Json).content === "string") {
        return (body as Json).content as string;
      }
      return JSON.stringify(body, null, 2);
    }
    return response.text();
  },
  async download(id: string): Promise<{ blob: Blob; filename: string }> {
    const response = await authorizedFetch(`/v1/builds/${encodeURIComponent(id)}/download`, {
      headers: { accept: "application/zip, */*;q=0.1" },
    });
    if (!response.ok) throw await errorFromResponse(response);
    const disposition = response.headers.get("content-disposition") ?? "";
    const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    const filename = match?.[1] ? decodeURIComponent(match[1]) : `launchforge-${id}.zip`;
    return { blob: await response.blob(), filename };
  },

  listProviderKeys: () => request<unknown>("/v1/provider-keys"),
  putProviderKey: (provider: string, apiKey: string, baseUrl?: string, responseFormat?: string) =>
    request<ProviderKey>(`/v1/provider-keys/${encodeURIComponent(provider)}`, {
      method: "PUT",
      body: {
        api_key: apiKey,
        ...(baseUrl ? { base_url: baseUrl } : {}),
        ...(responseFormat ? { response_format: responseFormat } : {}),
      },
    }),
  deleteProviderKey: (provider: string) =>
    request<void>(`/v1/provider-keys/${encodeURIComponent(provider)}`, { method: "DELETE" }),

  listApiKeys: () => request<unknown>("/v1/auth/api-keys"),
  createApiKey: (name: string, scopes: string[]) =>
    request<ApiKey & { key?: string; api_key?: string; secret?: string }>("/v1/auth/api-keys", {
      method: "POST",
      body: { name, scopes },
    }),
  revokeApiKey: (id: string) =>
    request<void>(`/v1/auth/api-keys/${encodeURIComponent(id)}`, { method: "DELETE" }),

  listSessions: () => request<unknown>("/v1/auth/sessions"),
  revokeSession: (id: string) =>
    request<void>(`/v1/auth/sessions/${encodeURIComponent(id)}`, { method: "DELETE" }),

  usage: () => request<Usage>("/v1/usage"),
};
