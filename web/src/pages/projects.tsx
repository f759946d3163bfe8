// Projects: the list (create, rename, delete) and one project's page with
// the build form and its builds.

import { useEffect, useState } from "preact/hooks";
import { api, itemsOf, type Build, type Project, type ProviderKey } from "../api";
import { ErrorBox, Field, Notice, formatDate, useAction, useLoad } from "../components";
import { navigate } from "../router";
import { Versions } from "./versions";

export function Projects() {
  const { data, error, loading, reload } = useLoad(() => api.listProjects(), []);
  const [name, setName] = useState("");
  const create = useAction();

  return (
    <section>
      <h1>Your projects</h1>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run(async () => {
            const project = await api.createProject(name.trim());
            setName("");
            navigate(`/projects/${project.id}`);
          });
        }}
      >
        <Field label="New project name" name="project-name" value={name} onInput={setName} required maxLength={200} />
        <button type="submit" disabled={create.busy}>
          Create project
        </button>
      </form>
      <ErrorBox error={create.error} />
      <ErrorBox error={error} />
      {loading && !data && <p role="status">Loading projects…</p>}
      {data && data.items.length === 0 && <p>No projects yet. Name one above to start.</p>}
      {data && data.items.length > 0 && (
        <ul class="cards" aria-label="Projects">
          {data.items.map((project) => (
            <ProjectRow key={project.id} project={project} onChange={reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ProjectRow({ project, onChange }: { project: Project; onChange: () => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(project.name);
  const action = useAction();
  // Keyboard users land in the field they asked for.
  useEffect(() => {
    if (editing) document.getElementById(`field-rename-${project.id}`)?.focus();
  }, [editing, project.id]);
  return (
    <li class="card">
      {editing ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              await api.renameProject(project.id, name.trim());
              setEditing(false);
              onChange();
            });
          }}
        >
          <Field label={`New name for ${project.name}`} name={`rename-${project.id}`} value={name} onInput={setName} required maxLength={200} />
          <button type="submit" disabled={action.busy}>
            Save
          </button>
          <button type="button" class="secondary" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <h2 class="card-title">
            <a href={`/projects/${project.id}`}>{project.name}</a>
          </h2>
          <p class="muted">Updated {formatDate(project.updated_at)}</p>
          <div class="actions">
            <button type="button" class="secondary" onClick={() => setEditing(true)} aria-label={`Rename ${project.name}`}>
              Rename
            </button>
            <button
              type="button"
              class="danger"
              aria-label={`Delete ${project.name}`}
              disabled={action.busy}
              onClick={() => {
                if (!window.confirm(`Delete the project “${project.name}” and its builds?`)) return;
                void action.run(async () => {
                  await api.deleteProject(project.id);
                  onChange();
                });
              }}
            >
              Delete
            </button>
          </div>
        </>
      )}
      <ErrorBox error={action.error} />
    </li>
  );
}

export const PROVIDERS: { id: string; label: string; model: string }[] = [
  { id: "offline", label: "Offline (built-in generator, no key needed)", model: "" },
  { id: "openai", label: "OpenAI", model: "gpt-4o" },
  { id: "anthropic", label: "Anthropic", model: "claude-3-5-sonnet-latest" },
  { id: "google", label: "Google Gemini", model: "gemini-1.5-pro" },
  { id: "groq", label: "Groq", model: "llama-3.3-70b-versatile" },
  { id: "openai_compatible", label: "OpenAI-compatible server (Ollama, vLLM…)", model: "" },
];

const THEMES = ["modern", "minimal", "corporate", "creative", "dark", "light", "startup"];

export function ProjectPage({ id }: { id: string }) {
  const project = useLoad(() => api.getProject(id), [id]);
  const builds = useLoad(async () => itemsOf<Build>(await api.listBuilds(id)), [id]);
  return (
    <section>
      <p class="breadcrumbs">
        <a href="/projects">Projects</a> /
      </p>
      <h1>{project.data?.name ?? (project.loading ? "Project" : "Project not found")}</h1>
      <ErrorBox error={project.error} />
      {project.data && (
        <>
          {project.data.description && <p>{project.data.description}</p>}
          <BuildForm projectId={id} />
          <Versions projectId={id} />
          <h2>Builds</h2>
          <ErrorBox error={builds.error} />
          {builds.data && builds.data.length === 0 && <p>No builds yet.</p>}
          {builds.data && builds.data.length > 0 && (
            <ul class="list">
              {builds.data.map((build) => (
                <li key={build.id}>
                  <a href={`/builds/${build.id}`}>
                    Build {formatDate(build.created_at)}
                  </a>{" "}
                  <span class={`status status-${build.status}`}>{build.status}</span>{" "}
                  <span class="muted">{build.provider}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function BuildForm({ projectId }: { projectId: string }) {
  const [idea, setIdea] = useState("");
  const [users, setUsers] = useState("");
  const [features, setFeatures] = useState("");
  const [theme, setTheme] = useState("modern");
  const [provider, setProvider] = useState("offline");
  const [model, setModel] = useState("");
  const keys = useLoad(async () => itemsOf<ProviderKey>(await api.listProviderKeys(), "keys"), []);
  const action = useAction();
  const needsKey = provider !== "offline";
  const hasKey = keys.data?.some((k) => k.provider === provider) ?? false;

  return (
    <form
      class="panel"
      aria-labelledby="build-form-title"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const featureList = features
            .split(/\n|,/)
            .map((f) => f.trim())
            .filter(Boolean);
          const build = await api.createBuild(projectId, {
            idea: idea.trim(),
            ...(users.trim() ? { target_users: users.trim() } : {}),
            ...(featureList.length ? { features: featureList } : {}),
            theme,
            provider,
            ...(model.trim() ? { model: model.trim() } : {}),
          });
          navigate(`/builds/${build.id}`);
        });
      }}
    >
      <h2 id="build-form-title">Build an app</h2>
      <Field
        label="Your app idea"
        name="idea"
        value={idea}
        onInput={setIdea}
        multiline
        required
        minLength={5}
        maxLength={5000}
        hint="Describe what the app does, in your own words (5 to 5000 characters)."
      />
      <Field label="Target users (optional)" name="target-users" value={users} onInput={setUsers} maxLength={500} />
      <Field
        label="Features (optional)"
        name="features"
        value={features}
        onInput={setFeatures}
        multiline
        hint="One per line, or separated by commas."
      />
      <div class="row">
        <div class="field">
          <label for="field-theme">Theme</label>
          <select id="field-theme" name="theme" value={theme} onChange={(e) => setTheme(e.currentTarget.value)}>
            {THEMES.map((t) => (
              <option key={t} value={t}>
                {t[0]?.toUpperCase()}
                {t.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="field-provider">Provider</label>
          <select
            id="field-provider"
            name="provider"
            value={provider}
            aria-describedby="provider-key-status"
            onChange={(e) => {
              const next = e.currentTarget.value;
              setProvider(next);
              setModel(PROVIDERS.find((p) => p.id === next)?.model ?? "");
            }}
          >
            {PROVIDERS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="Model"
          name="model"
          value={model}
          onInput={setModel}
          placeholder={provider === "offline" ? "not used" : "provider default"}
        />
      </div>
      <div id="provider-key-status" aria-live="polite">
        {needsKey && keys.data && !hasKey && (
          <p class="warning">
            No API key is stored for this provider, so this build would be refused.{" "}
            <a href="/settings#provider-keys">Add a key in settings</a>, or choose Offline.
          </p>
        )}
        {needsKey && keys.error !== null && (
          <p class="warning">
            Could not check your stored provider keys. <a href="/settings#provider-keys">Open settings</a>.
          </p>
        )}
      </div>
      <ErrorBox error={action.error} />
      {action.busy && <Notice>Starting the build…</Notice>}
      <button type="submit" disabled={action.busy}>
        Start build
      </button>
    </form>
  );
}
