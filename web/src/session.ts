// Where the tokens live.
//
// The access token (short-lived, 15 min) is kept in memory only: a page
// reload drops it and it is minted again from the refresh token. The refresh
// token is kept in sessionStorage: it survives a reload of this tab (so a
// reload does not log the user out) but not the tab itself, and it is never
// shared with other tabs or written to disk-backed localStorage. Auth rotates
// it on every use and revokes the whole family when an old one is replayed,
// so a stolen copy is short-lived and detectable. See web/README.md.

const REFRESH_KEY = "lf.refresh";
const EMAIL_KEY = "lf.email";

type Listener = () => void;

let accessToken: string | null = null;
let accessExpiresAt = 0;
const listeners = new Set<Listener>();

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: memory only, a reload logs out
  }
}

export function getAccessToken(): string | null {
  if (accessToken && Date.now() >= accessExpiresAt) {
    return null; // expired: the client refreshes before using it
  }
  return accessToken;
}

export function getRefreshToken(): string | null {
  return storage()?.getItem(REFRESH_KEY) ?? null;
}

export function getEmail(): string | null {
  return storage()?.getItem(EMAIL_KEY) ?? null;
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string | null;
  expires_in?: number;
}

export function setTokens(tokens: TokenSet, email?: string): void {
  accessToken = tokens.access_token;
  // Refresh 30 s early so a request never leaves with a token about to expire.
  const lifetime = (tokens.expires_in ?? 900) * 1000;
  accessExpiresAt = Date.now() + Math.max(lifetime - 30_000, lifetime / 2);
  const store = storage();
  if (tokens.refresh_token) {
    store?.setItem(REFRESH_KEY, tokens.refresh_token);
  }
  if (email) {
    store?.setItem(EMAIL_KEY, email);
  }
  notify();
}

let expired = false;

/** Forget the tokens; `becauseExpired` makes the login page say why. */
export function clearTokens(becauseExpired = false): void {
  expired = becauseExpired;
  accessToken = null;
  accessExpiresAt = 0;
  const store = storage();
  store?.removeItem(REFRESH_KEY);
  store?.removeItem(EMAIL_KEY);
  notify();
}

/** True when the user is (or can silently become again) logged in. */
export function isLoggedIn(): boolean {
  return getAccessToken() !== null || getRefreshToken() !== null;
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of listeners) listener();
}

/** Whether the last logout was the session ending on its own (read once). */
export function consumeExpired(): boolean {
  const was = expired;
  expired = false;
  return was;
}
