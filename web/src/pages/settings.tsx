// Settings: provider keys, API keys, sessions and plan usage and model spending. Each section
// loads on its own, so one unavailable endpoint does not blank the page.

import { useState } from "preact/hooks";
import { api, itemsOf, type ApiKey, type ModelSpend, type ProviderKey, type SessionInfo } from "../api";
import { ErrorBox, Field, Notice, formatDate, useAction, useLoad } from "../components";
import { PROVIDERS } from "./projects";

export function Settings() {
  return (
    <section>
      <h1>Settings</h1>
      <nav aria-label="Settings sections" class="subnav">
        <a href="#provider-keys">Provider keys</a> <a href="#api-keys">API keys</a>{" "}
        <a href="#sessions">Sessions</a> <a href="#usage">Plan usage</a>
      </nav>
      <ProviderKeys />
      <ApiKeys />
      <Sessions />
      <UsagePanel />
    </section>
  );
}

// How an OpenAI-compatible server is asked for JSON (the API's response_format; see the
// core README "Providers"): servers differ, and auto asks once and remembers what worked.
const RESPONSE_FORMATS: { id: string; label: string }[] = [
  { id: "auto", label: "Detect on the first call" },
  { id: "json_schema", label: "JSON schema (OpenAI, vLLM)" },
  { id: "json_object_schema", label: "JSON object with a schema (llama.cpp)" },
  { id: "json_object", label: "JSON mode, no schema" },
  { id: "none", label: "Plain text" },
];

function formatLabel(id: string | null | undefined): string {
  return RESPONSE_FORMATS.find((f) => f.id === (id ?? "auto"))?.label ?? String(id);
}

function ProviderKeys() {
  const keys = useLoad(async () => itemsOf<ProviderKey>(await api.listProviderKeys(), "keys"), []);
  const [provider, setProvider] = useState("openai");
  const [apiKey, setApiKey] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const [responseFormat, setResponseFormat] = useState("auto");
  const save = useAction();
  const remove = useAction();
  const stored = new Map((keys.data ?? []).map((k) => [k.provider, k]));

  return (
    <section class="panel" id="provider-keys" aria-labelledby="provider-keys-title">
      <h2 id="provider-keys-title">Provider keys</h2>
      <p class="muted">
        Your own LLM keys. They are stored encrypted and never shown again; only the last four
        characters are.
      </p>
      <ErrorBox error={keys.error} />
      {keys.data && keys.data.length === 0 && <p>No keys stored. Offline builds need none.</p>}
      {keys.data && keys.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Stored provider keys</caption>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Key</th>
              <th scope="col">Server</th>
              <th scope="col">Added</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.provider}>
                <td>{key.provider}</td>
                <td>
                  <code>••••{key.last4 ?? key.last_four ?? ""}</code>
                </td>
                <td>
                  {key.provider === "openai_compatible" ? (
                    <>
                      {key.base_url ?? ""}
                      <br />
                      <span class="muted">{formatLabel(key.response_format)}</span>
                    </>
                  ) : (
                    "\u2014"
                  )}
                </td>
                <td>{formatDate(key.updated_at ?? key.created_at)}</td>
                <td>
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Delete the ${key.provider} key`}
                    disabled={remove.busy}
                    onClick={() =>
                      void remove.run(async () => {
                        await api.deleteProviderKey(key.provider);
                        keys.reload();
                      })
                    }
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={remove.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save.run(async () => {
            const compatible = provider === "openai_compatible";
            await api.putProviderKey(
              provider,
              apiKey.trim(),
              (compatible && baseUrl.trim()) || undefined,
              compatible ? responseFormat : undefined,
            );
            setApiKey("");
            keys.reload();
          });
        }}
      >
        <div class="row">
          <div class="field">
            <label for="field-key-provider">Provider</label>
            <select id="field-key-provider" value={provider} onChange={(e) => setProvider(e.currentTarget.value)}>
              {PROVIDERS.filter((p) => p.id !== "offline").map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </div>
          <Field label="API key" name="provider-api-key" type="password" value={apiKey} onInput={setApiKey} required autoComplete="off" />
          {provider === "openai_compatible" && (
            <Field label="Base URL" name="provider-base-url" type="url" value={baseUrl} onInput={setBaseUrl} placeholder="http://localhost:11434/v1" />
          )}
          {provider === "openai_compatible" && (
            <div class="field">
              <label for="field-key-format">Structured output</label>
              <select
                id="field-key-format"
                value={responseFormat}
                onChange={(e) => setResponseFormat(e.currentTarget.value)}
              >
                {RESPONSE_FORMATS.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.label}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
        <ErrorBox error={save.error} />
        <button type="submit" disabled={save.busy}>
          {stored.has(provider) ? "Replace key" : "Save key"}
        </button>
      </form>
    </section>
  );
}

// What a new key may do (the scopes core enforces per route; see README "API keys").
const KEY_ACCESS: { id: string; label: string; scopes: string[] }[] = [
  { id: "read", label: "Read only", scopes: ["projects:read", "builds:read", "usage:read"] },
  {
    id: "build",
    label: "Read and build",
    scopes: ["projects:read", "projects:write", "builds:read", "builds:write", "usage:read"],
  },
  { id: "all", label: "Full access (provider keys too)", scopes: ["*"] },
];

function ApiKeys() {
  const keys = useLoad(async () => itemsOf<ApiKey>(await api.listApiKeys(), "keys"), []);
  const [name, setName] = useState("");
  const [access, setAccess] = useState("build");
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useAction();
  const revoke = useAction();

  return (
    <section class="panel" id="api-keys" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <p class="muted">For scripts and CI: send as <code>Authorization: Bearer lf_…</code>.</p>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run(async () => {
            const scopes = KEY_ACCESS.find((a) => a.id === access)?.scopes ?? [];
            const key = await api.createApiKey(name.trim(), scopes);
            setCreated(key.key ?? key.api_key ?? key.secret ?? null);
            setCopied(false);
            setName("");
            keys.reload();
          });
        }}
      >
        <Field label="Key name" name="api-key-name" value={name} onInput={setName} required maxLength={100} />
        <div class="field">
          <label for="field-key-access">Access</label>
          <select id="field-key-access" value={access} onChange={(e) => setAccess(e.currentTarget.value)}>
            {KEY_ACCESS.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={create.busy}>
          Create key
        </button>
      </form>
      <ErrorBox error={create.error} />
      {created && (
        <Notice>
          <p>
            <strong>Copy this key now.</strong> It is shown only once.
          </p>
          <p>
            <code class="secret" data-testid="new-api-key">{created}</code>{" "}
            <button
              type="button"
              class="secondary"
              onClick={() =>
                void navigator.clipboard.writeText(created).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? "Copied" : "Copy"}
            </button>{" "}
            <button type="button" class="secondary" onClick={() => setCreated(null)}>
              Done
            </button>
          </p>
        </Notice>
      )}
      <ErrorBox error={keys.error} />
      {keys.data && keys.data.length === 0 && <p>No API keys.</p>}
      {keys.data && keys.data.length > 0 && (
        <ul class="list">
          {keys.data.map((key) => (
            <li key={key.id}>
              <strong>{key.name}</strong> <code>{key.prefix ? `lf_${key.prefix.replace(/^lf_/, "")}…` : ""}</code>{" "}
              <span class="muted">
                created {formatDate(key.created_at)}, last used {formatDate(key.last_used_at ?? key.last_used)}
              </span>{" "}
              <button
                type="button"
                class="danger"
                aria-label={`Revoke the key ${key.name}`}
                disabled={revoke.busy}
                onClick={() =>
                  void revoke.run(async () => {
                    await api.revokeApiKey(key.id);
                    keys.reload();
                  })
                }
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorBox error={revoke.error} />
    </section>
  );
}

function Sessions() {
  const sessions = useLoad(async () => itemsOf<SessionInfo>(await api.listSessions(), "sessions"), []);
  const revoke = useAction();
  return (
    <section class="panel" id="sessions" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <ErrorBox error={sessions.error} />
      {sessions.data && (
        <ul class="list">
          {sessions.data.map((session) => (
            <li key={session.id}>
              <span>{session.user_agent || "Unknown device"}</span>{" "}
              {session.current && <strong>(this session)</strong>}{" "}
              <span class="muted">
                started {formatDate(session.created_at)}, last used {formatDate(session.last_used_at)}
              </span>{" "}
              <button
                type="button"
                class="danger"
                aria-label={`Revoke the session from ${session.user_agent || "an unknown device"}`}
                disabled={revoke.busy}
                onClick={() =>
                  void revoke.run(async () => {
                    await api.revokeSession(session.id);
                    sessions.reload();
                  })
                }
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorBox error={revoke.error} />
    </section>
  );
}

function UsagePanel() {
  const usage = useLoad(() => api.usage(), []);
  const data = usage.data;
  const limit = typeof data?.limit === "number" ? data.limit : null;
  const used = typeof data?.used === "number" ? data.used : null;
  const remaining =
    typeof data?.remaining === "number" ? data.remaining : limit !== null && used !== null ? limit - used : null;
  const resets = data?.resets_at ?? data?.period_end;
  return (
    <section class="panel" id="usage" aria-labelledby="usage-title">
      <h2 id="usage-title">Plan usage</h2>
      <ErrorBox error={usage.error} />
      {data && (
        <>
          <p>
            Plan: <strong>{data.plan ?? "unknown"}</strong>
          </p>
          <p>
            Builds this month: <strong>{used ?? "?"}</strong> used,{" "}
            <strong>{remaining === null ? "unlimited" : remaining}</strong> remaining
            {limit !== null && ` of ${limit}`}.
          </p>
          {limit !== null && used !== null && (
            <>
              <label for="usage-meter">Monthly builds used</label>
              <meter id="usage-meter" min={0} max={limit} value={used} />
            </>
          )}
          {resets && <p class="muted">Resets on {formatDate(resets)}.</p>}
          {data.models && <ModelSpendPanel spend={data.models} />}
        </>
      )}
    </section>
  );
}

const tokens = (n: number) => n.toLocaleString("en-US");
const usd = (n: number) => `$${n.toFixed(4)}`;

/** Model tokens and cost this month against the plan's budgets, per provider. */
function ModelSpendPanel({ spend }: { spend: ModelSpend }) {
  return (
    <div id="model-spend">
      <h3>Model spending this month</h3>
      <p data-testid="model-tokens">
        Tokens: <strong>{tokens(spend.tokens_used)}</strong> of{" "}
        {spend.token_budget === null ? "unlimited" : tokens(spend.token_budget)}
      </p>
      {spend.token_budget !== null && (
        <>
          <label for="token-meter">Monthly tokens used</label>
          <meter id="token-meter" min={0} max={spend.token_budget} value={spend.tokens_used} />
        </>
      )}
      <p data-testid="model-cost">
        Cost: <strong>{usd(spend.cost_usd)}</strong> of{" "}
        {spend.cost_budget_usd === null ? "unlimited" : `$${spend.cost_budget_usd.toFixed(2)}`}
      </p>
      <p class="muted">
        A build may use at most{" "}
        {spend.build_max_tokens === null ? "unlimited" : tokens(spend.build_max_tokens)} tokens.
        {spend.builds_stopped > 0 && ` Builds stopped by a budget this month: ${spend.builds_stopped}.`}
      </p>
      {spend.providers.length > 0 ? (
        <table aria-label="Model spending per provider">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Calls</th>
              <th scope="col">Tokens</th>
              <th scope="col">Cost</th>
              <th scope="col">Builds stopped</th>
            </tr>
          </thead>
          <tbody>
            {spend.providers.map((p) => (
              <tr key={p.provider}>
                <th scope="row">{p.provider}</th>
                <td>{p.calls}</td>
                <td>{tokens(p.tokens)}</td>
                <td>{usd(p.cost_usd)}</td>
                <td>{p.builds_stopped}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No model calls this month.</p>
      )}
    </div>
  );
}
