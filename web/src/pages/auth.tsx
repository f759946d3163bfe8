// Account pages: sign up, verify email, log in, forgot and reset password.

import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { ErrorBox, Field, Notice, useAction } from "../components";
import { navigate, type Location } from "../router";
import { isLoggedIn } from "../session";

/** Only same-site paths are followed after login (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/projects";
}

export function SignUp() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();

  if (done) {
    return (
      <section class="narrow">
        <h1>Check your email</h1>
        <Notice>
          We sent a verification link to <strong>{email}</strong>. Open it to verify your
          address, then log in. (In development the link is in the outbox: see the auth
          service's log.)
        </Notice>
        <p>
          <a href="/login">Go to log in</a>
        </p>
      </section>
    );
  }
  return (
    <section class="narrow">
      <h1>Create your account</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await api.register(email, password);
            setDone(true);
          });
        }}
      >
        <Field label="Email" name="email" type="email" value={email} onInput={setEmail} required autoComplete="email" />
        <Field
          label="Password"
          name="password"
          type="password"
          value={password}
          onInput={setPassword}
          required
          minLength={8}
          maxLength={128}
          autoComplete="new-password"
          hint="8 to 128 characters. A long phrase is best."
        />
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Sign up"}
        </button>
      </form>
      <p>
        Already have an account? <a href="/login">Log in</a>
      </p>
    </section>
  );
}

export function VerifyEmail({ location }: { location: Location }) {
  const token = location.query.get("token");
  const [state, setState] = useState<"working" | "done" | "failed">("working");
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  const resend = useAction();
  const [resent, setResent] = useState(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    // The token is single-use and must not linger in history or referrers.
    window.history.replaceState(null, "", "/verify-email");
    if (!token) {
      setState("failed");
      return;
    }
    api.verifyEmail(token).then(
      () => setState("done"),
      (err: unknown) => {
        setError(err);
        setState("failed");
      },
    );
  }, [token]);

  return (
    <section class="narrow">
      <h1>Verify your email</h1>
      {state === "working" && <p role="status">Verifying…</p>}
      {state === "done" && (
        <Notice>
          Your email address is verified. <a href="/login">Log in</a> to start building.
        </Notice>
      )}
      {state === "failed" && (
        <>
          {error ? <ErrorBox error={error} /> : <p>This page needs the link from your email.</p>}
          {isLoggedIn() ? (
            <>
              <ErrorBox error={resend.error} />
              {resent && <Notice>If your address is not verified yet, a new link is on its way.</Notice>}
              <button
                type="button"
                disabled={resend.busy}
                onClick={() =>
                  void resend.run(async () => {
                    await api.resendVerification();
                    setResent(true);
                  })
                }
              >
                Send a new link
              </button>
            </>
          ) : (
            <p>
              Links work once and expire after 24 hours. <a href="/login?next=%2Fverify-email">Log in</a>{" "}
              to ask for a new one.
            </p>
          )}
        </>
      )}
    </section>
  );
}

export function Login({ location }: { location: Location }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, run } = useAction();
  const expired = location.query.get("expired") === "1";
  return (
    <section class="narrow">
      <h1>Log in</h1>
      {expired && <Notice>Your session has ended. Please log in again.</Notice>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await api.login(email, password);
            navigate(safeNext(location.query.get("next")), { replace: true });
          });
        }}
      >
        <Field label="Email" name="email" type="email" value={email} onInput={setEmail} required autoComplete="username" />
        <Field
          label="Password"
          name="password"
          type="password"
          value={password}
          onInput={setPassword}
          required
          autoComplete="current-password"
        />
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
      <p>
        <a href="/forgot-password">Forgot your password?</a> · New here? <a href="/signup">Sign up</a>
      </p>
    </section>
  );
}

export function ForgotPassword() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useAction();
  return (
    <section class="narrow">
      <h1>Reset your password</h1>
      {sent ? (
        <Notice>
          If <strong>{email}</strong> has an account, a reset link is on its way. It works once,
          for one hour.
        </Notice>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api.forgotPassword(email);
              setSent(true);
            });
          }}
        >
          <Field label="Email" name="email" type="email" value={email} onInput={setEmail} required autoComplete="email" />
          <ErrorBox error={error} />
          <button type="submit" disabled={busy}>
            Send reset link
          </button>
        </form>
      )}
      <p>
        <a href="/login">Back to log in</a>
      </p>
    </section>
  );
}

export function ResetPassword({ location }: { location: Location }) {
  // Read once, then drop the single-use token from the address bar.
  const [token] = useState(() => location.query.get("token"));
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();
  useEffect(() => {
    if (token) window.history.replaceState(null, "", "/reset-password");
  }, [token]);

  return (
    <section class="narrow">
      <h1>Choose a new password</h1>
      {!token && !done && <p>This page needs the link from your reset email.</p>}
      {done ? (
        <Notice>
          Your password is changed and every session was signed out. <a href="/login">Log in</a>{" "}
          with the new one.
        </Notice>
      ) : (
        token && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                await api.resetPassword(token, password);
                setDone(true);
              });
            }}
          >
            <Field
              label="New password"
              name="password"
              type="password"
              value={password}
              onInput={setPassword}
              required
              minLength={8}
              maxLength={128}
              autoComplete="new-password"
              hint="8 to 128 characters."
            />
            <ErrorBox error={error} />
            <button type="submit" disabled={busy}>
              Set password
            </button>
          </form>
        )
      )}
    </section>
  );
}
