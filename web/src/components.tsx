// Small shared pieces: the error box, form fields, async-load helper.

import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api";

export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return "never";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes ? `${minutes} min ${seconds} s` : `${seconds} s`;
}

/** Seconds left until `deadline`, ticking each second (for Retry-After). */
function useCountdown(seconds: number | null): number | null {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    setLeft(seconds);
    if (seconds === null) return;
    const end = Date.now() + seconds * 1000;
    const timer = window.setInterval(() => {
      const remaining = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      setLeft(remaining);
      if (remaining === 0) window.clearInterval(timer);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [seconds]);
  return left;
}

/**
 * An API error as a readable message: the problem's title and detail, the
 * fields that were wrong, the time to wait for a 429 and the quota reset date
 * for a 402. role="alert" so screen readers announce it when it appears.
 */
export function ErrorBox({ error }: { error: unknown }) {
  const apiError = error instanceof ApiError ? error : null;
  const left = useCountdown(apiError?.retryAfter ?? null);
  const ref = useRef<HTMLDivElement>(null);
  if (!error) return null;
  if (!apiError) {
    const message = error instanceof Error ? error.message : String(error);
    return (
      <div class="error" role="alert" ref={ref}>
        <strong>Something went wrong.</strong> <span>{message}</span>
      </div>
    );
  }
  return (
    <div class="error" role="alert" ref={ref} data-status={apiError.status}>
      <strong class="error-title">{apiError.title}</strong>
      {apiError.detail && <span class="error-detail"> {apiError.detail}</span>}
      {apiError.errors.length > 0 && (
        <ul class="error-fields">
          {apiError.errors.map((e, i) => (
            <li key={i}>
              {e.loc.filter((p) => p !== "body").join(".") || "input"}: {e.msg}
            </li>
          ))}
        </ul>
      )}
      {apiError.status === 429 && (
        <p class="error-retry">
          {left ? `You can try again in ${left} s.` : "You can try again now."}
        </p>
      )}
      {apiError.status === 402 && (
        <p class="error-quota">
          {apiError.resetsAt
            ? `Your monthly build quota resets on ${formatDate(apiError.resetsAt)}.`
            : "Your monthly build quota is used up."}{" "}
          <a href="/settings#usage">See your plan usage</a>.
        </p>
      )}
    </div>
  );
}

export function Field(props: {
  label: string;
  name: string;
  type?: "text" | "email" | "password" | "url";
  value: string;
  onInput: (value: string) => void;
  required?: boolean;
  autoComplete?: string;
  minLength?: number;
  maxLength?: number;
  hint?: string;
  multiline?: boolean;
  placeholder?: string;
}) {
  const id = `field-${props.name}`;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required,
    minLength: props.minLength,
    maxLength: props.maxLength,
    placeholder: props.placeholder,
    "aria-describedby": hintId,
    onInput: (e: Event) => props.onInput((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={5} />
      ) : (
        <input
          {...common}
          // Preact types `type` as a union discriminating the input's role; the
          // cast keeps one Field for every text-like type.
          type={(props.type ?? "text") as "text"}
          autoComplete={props.autoComplete}
        />
      )}
      {props.hint && (
        <small id={hintId} class="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice" role="status">
      {children}
    </div>
  );
}

/** Load data once (and again on `reload()`), tracking loading and error. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

/** Run a form action, exposing busy and error state. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}
