// The build's data model: its spec shown as entities, fields, relations and
// summaries, and an editor that checks each edit with core
// (POST /v1/specs/validate), shows every problem next to the input it
// concerns, and rebuilds from the edited spec (a new build of the same
// project with the `spec` input).

import { createContext, type JSX } from "preact";
import { useContext, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, ApiError, type Build } from "../api";
import { ErrorBox, useAction, useLoad } from "../components";
import { navigate } from "../router";
import {
  asSpec,
  blankEntity,
  blankField,
  blankRelation,
  blankSummary,
  compact,
  DATE_TYPES,
  describePath,
  FIELD_TYPES,
  fieldRules,
  fromDraft,
  identKey,
  NUMERIC_TYPES,
  ON_DELETE,
  PERIODS,
  placeProblems,
  renameEntity,
  renameField,
  SUMMARY_KINDS,
  summaryText,
  TEXT_TYPES,
  toDraft,
  TYPE_LABELS,
  UNIQUE_TYPES,
  withType,
  type Problem,
  type Spec,
  type SpecEntity,
  type SpecField,
  type SpecRelation,
  type SpecSummary,
  specProblems,
} from "../spec";

/** How long the editor waits after the last edit before asking core to check the spec. */
const CHECK_DELAY_MS = 700;

/** The spec a build used: its spec.json when it has files, else the spec it was given. */
async function loadSpec(build: Build, hasFiles: boolean): Promise<Spec | null> {
  if (hasFiles) {
    try {
      const parsed: unknown = JSON.parse(await api.fileContent(build.id, "spec.json"));
      const spec = asSpec(parsed);
      if (spec) return spec;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404) && !(err instanceof SyntaxError)) throw err;
    }
  }
  return asSpec(build.spec);
}

export function SpecPanel({ build, hasFiles }: { build: Build; hasFiles: boolean }) {
  const spec = useLoad(() => loadSpec(build, hasFiles), [build.id, hasFiles]);
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  if (spec.loading && !spec.data) return null;
  if (spec.error) {
    return (
      <div class="panel" aria-labelledby="model-title">
        <h2 id="model-title">Data model</h2>
        <ErrorBox error={spec.error} />
      </div>
    );
  }
  if (!spec.data) return null;
  return (
    <div class="panel" aria-labelledby="model-title">
      <div class="panel-head">
        <h2 id="model-title">Data model</h2>
        {!editing && (
          <button type="button" ref={editButton} onClick={() => setEditing(true)}>
            Edit data model
          </button>
        )}
      </div>
      {editing ? (
        <SpecEditor
          build={build}
          spec={spec.data}
          onClose={() => {
            setEditing(false);
            window.requestAnimationFrame(() => editButton.current?.focus());
          }}
        />
      ) : (
        <SpecView spec={spec.data} />
      )}
    </div>
  );
}

// ---- reading -----------------------------------------------------------------

export function SpecView({ spec }: { spec: Spec }) {
  const relations = spec.relations ?? [];
  const summaries = spec.summaries ?? [];
  return (
    <div data-testid="spec-view">
      <p>
        <strong>{spec.name}</strong>
        {spec.description ? <span class="muted"> · {spec.description}</span> : null}
      </p>
      <ul class="cards model-cards" aria-label="Entities">
        {spec.entities.map((entity, i) => (
          <li key={i} class="card">
            <h3 class="card-title">{entity.name}</h3>
            {entity.description && <p class="muted">{entity.description}</p>}
            <table class="model-table" aria-label={`Fields of ${entity.name}`}>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Type</th>
                  <th scope="col">Rules</th>
                </tr>
              </thead>
              <tbody>
                {entity.fields.map((field, j) => (
                  <tr key={j}>
                    <th scope="row">{field.name}</th>
                    <td>{field.type}</td>
                    <td>{fieldRules(field).join("; ")}</td>
                  </tr>
                ))}
                {relations
                  .filter((r) => r.from === entity.name)
                  .map((r, k) => (
                    <tr key={`r${k}`}>
                      <th scope="row">{r.field ?? `${identKey(r.to)}_id`}</th>
                      <td>→ {r.to}</td>
                      <td>{r.required === false ? "optional" : "required"}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </li>
        ))}
      </ul>
      <h3>Relations</h3>
      {relations.length ? (
        <ul class="list" aria-label="Relations">
          {relations.map((r, k) => (
            <li key={k}>
              {r.from} → {r.to}{" "}
              <span class="muted">
                ({r.required === false ? "optional" : "required"}; on delete: {r.on_delete ?? "restrict"})
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No relations.</p>
      )}
      <h3>Summaries</h3>
      {summaries.length ? (
        <ul class="list" aria-label="Summaries">
          {summaries.map((s, m) => (
            <li key={m}>
              <strong>{s.name}</strong>: {summaryText(s)}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No summaries.</p>
      )}
    </div>
  );
}

// ---- editing -----------------------------------------------------------------

const ProblemsAt = createContext<Map<string, string[]>>(new Map());

type Aria = {
  id: string;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
};

/** A labelled input with the problems core reported at `path` right under it. */
function Labeled(props: {
  id: string;
  label: string;
  path: string;
  check?: boolean;
  children: (aria: Aria) => JSX.Element;
}) {
  const problems = useContext(ProblemsAt).get(props.path) ?? [];
  const errorId = `${props.id}-error`;
  const aria: Aria = problems.length
    ? { id: props.id, "aria-invalid": "true", "aria-describedby": errorId }
    : { id: props.id };
  return (
    <div class={props.check ? "field check" : "field"}>
      {props.check ? (
        <>
          {props.children(aria)}
          <label for={props.id}>{props.label}</label>
        </>
      ) : (
        <>
          <label for={props.id}>{props.label}</label>
          {props.children(aria)}
        </>
      )}
      {problems.length > 0 && (
        <small id={errorId} class="input-error">
          {problems.join(" ")}
        </small>
      )}
    </div>
  );
}

/** Problems about a whole row or section (a relation that makes a cycle). */
function RowProblems({ path }: { path: string }) {
  const problems = useContext(ProblemsAt).get(path) ?? [];
  if (!problems.length) return null;
  return (
    <p class="input-error" data-path={path}>
      {problems.join(" ")}
    </p>
  );
}

const BOUND_LABELS = {
  minimum: "Minimum",
  maximum: "Maximum",
  min_length: "Shortest (characters)",
  max_length: "Longest (characters)",
} as const;

const num = (value: string): number | undefined => {
  if (value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
};

/** What core said of the draft as it was at `version`. */
type Checked = { version: number; outcome: "valid" | "invalid" | "unknown" };

function SpecEditor({ build, spec, onClose }: { build: Build; spec: Spec; onClose: () => void }) {
  const [draft, setDraftState] = useState<Spec>(() => toDraft(spec));
  const [version, setVersion] = useState(0);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [checked, setChecked] = useState<Checked>({ version: 0, outcome: "unknown" });
  const [checkError, setCheckError] = useState<unknown>(null);
  const rebuild = useAction();
  const seq = useRef(0);
  const focusNext = useRef<string | null>(null);

  /** Every edit goes through here: a new version to check; a change of rows drops the old
   * problems (their places moved), a change of values keeps them until the next check. */
  const edit = (next: Spec, rows = false) => {
    setDraftState(next);
    setVersion((v) => v + 1);
    if (rows) setProblems([]);
    rebuild.setError(null);
  };

  useEffect(() => {
    if (version === 0) return;
    const mine = ++seq.current;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      api.validateSpec(fromDraft(draft), build.theme, controller.signal).then(
        () => {
          if (mine !== seq.current) return;
          setProblems([]);
          setCheckError(null);
          setChecked({ version, outcome: "valid" });
        },
        (err: unknown) => {
          if (mine !== seq.current || controller.signal.aborted) return;
          if (err instanceof ApiError && err.status === 422) {
            setProblems(specProblems(err.errors));
            setCheckError(null);
            setChecked({ version, outcome: "invalid" });
          } else {
            setCheckError(err);
            setChecked({ version, outcome: "unknown" });
          }
        },
      );
    }, CHECK_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);

  // A row just added takes the focus.
  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = null;
  });

  const placed = useMemo(() => placeProblems(draft, problems), [draft, problems]);
  const names = draft.entities.map((e) => e.name);
  const relations = draft.relations ?? [];
  const summaries = draft.summaries ?? [];

  const setEntity = (i: number, change: (e: SpecEntity) => SpecEntity, rows = false) =>
    edit({ ...draft, entities: draft.entities.map((e, n) => (n === i ? change(e) : e)) }, rows);
  const setField = (i: number, j: number, change: (f: SpecField) => SpecField, rows = false) =>
    setEntity(i, (e) => ({ ...e, fields: e.fields.map((f, n) => (n === j ? change(f) : f)) }), rows);
  const setRelation = (k: number, change: Partial<SpecRelation>) =>
    edit({ ...draft, relations: relations.map((r, n) => (n === k ? compact({ ...r, ...change }) : r)) });
  const setSummary = (m: number, change: Partial<SpecSummary>) =>
    edit({ ...draft, summaries: summaries.map((s, n) => (n === m ? compact({ ...s, ...change }) : s)) });

  const submit = (event: Event) => {
    event.preventDefault();
    void rebuild.run(async () => {
      try {
        const created = await api.createBuild(build.project_id ?? "", {
          idea: build.idea ?? draft.name,
          ...(build.target_users ? { target_users: build.target_users } : {}),
          ...(build.features?.length ? { features: build.features } : {}),
          ...(build.theme ? { theme: build.theme } : {}),
          ...(build.provider ? { provider: build.provider } : {}),
          ...(build.model ? { model: build.model } : {}),
          spec: fromDraft(draft),
        });
        navigate(`/builds/${created.id}`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 422 && err.errors.some((e) => e.loc[1] === "spec")) {
          setProblems(specProblems(err.errors));
          setChecked({ version, outcome: "invalid" });
          throw new ApiError({
            status: 422,
            title: "The data model has problems",
            detail: "Nothing was built. Each problem is shown next to its input.",
          });
        }
        throw err;
      }
    });
  };

  const count = problems.length;
  // The status always speaks of the draft on screen: an edit not yet checked is "checking".
  const check = version === 0 ? "unknown" : checked.version === version ? checked.outcome : "checking";
  return (
    <ProblemsAt.Provider value={placed.at}>
      <form class="spec-editor" onSubmit={submit} noValidate aria-label="Edit the data model">
        <p class="hint">
          Rename, add or remove entities, fields, relations and summaries, then rebuild: a new build
          of this project from the edited model (it counts as a build). Each change is checked as
          you go.
        </p>
        {placed.general.length > 0 && (
          <div class="error" role="alert">
            <strong>Problems in the model</strong>
            <ul>
              {placed.general.map((p, i) => (
                <li key={i}>
                  {describePath(draft, p.path)}: {p.message}
                </li>
              ))}
            </ul>
          </div>
        )}

        {draft.entities.map((entity, i) => {
          const ek = entity._k ?? `e${i}`;
          const label = entity.name || `entity ${i + 1}`;
          return (
            <fieldset key={ek} class="spec-entity">
              <legend>Entity {label}</legend>
              <RowProblems path={`entities.${i}`} />
              <div class="row">
                <Labeled id={`${ek}-name`} label="Entity name" path={`entities.${i}.name`}>
                  {(aria) => (
                    <input
                      {...aria}
                      value={entity.name}
                      maxLength={64}
                      onInput={(e) => edit(renameEntity(draft, i, e.currentTarget.value))}
                    />
                  )}
                </Labeled>
              </div>
              <RowProblems path={`entities.${i}.fields`} />
              {entity.fields.map((field, j) => (
                <FieldEditor
                  key={field._k ?? `f${j}`}
                  fieldKey={field._k ?? `${ek}-f${j}`}
                  path={`entities.${i}.fields.${j}`}
                  legend={`Field ${j + 1} of ${label}`}
                  field={field}
                  onRename={(name) => edit(renameField(draft, i, j, name))}
                  onChange={(change) => setField(i, j, change)}
                  onRemove={() =>
                    setEntity(i, (e) => ({ ...e, fields: e.fields.filter((_, n) => n !== j) }), true)
                  }
                />
              ))}
              <div class="actions">
                <button
                  type="button"
                  class="secondary"
                  onClick={() => {
                    const added = blankField();
                    focusNext.current = `${added._k}-name`;
                    setEntity(i, (e) => ({ ...e, fields: [...e.fields, added] }), true);
                  }}
                >
                  Add a field to {label}
                </button>
                <button
                  type="button"
                  class="danger"
                  onClick={() =>
                    edit({ ...draft, entities: draft.entities.filter((_, n) => n !== i) }, true)
                  }
                >
                  Remove entity {label}
                </button>
              </div>
            </fieldset>
          );
        })}
        <RowProblems path="entities" />
        <p>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              const added = blankEntity();
              focusNext.current = `${added._k}-name`;
              edit({ ...draft, entities: [...draft.entities, added] }, true);
            }}
          >
            Add an entity
          </button>
        </p>

        <fieldset class="spec-section">
          <legend>Relations</legend>
          <p class="hint">A child belongs to a parent (it holds the parent's id).</p>
          <RowProblems path="relations" />
          {relations.map((relation, k) => {
            const rk = relation._k ?? `r${k}`;
            return (
              <fieldset key={rk} class="spec-row">
                <legend>Relation {k + 1}</legend>
                <RowProblems path={`relations.${k}`} />
                <div class="row">
                  <Labeled id={`${rk}-from`} label="Child" path={`relations.${k}.from`}>
                    {(aria) => (
                      <EntitySelect
                        {...aria}
                        names={names}
                        value={relation.from}
                        onChange={(from) => setRelation(k, { from })}
                      />
                    )}
                  </Labeled>
                  <Labeled id={`${rk}-to`} label="Parent" path={`relations.${k}.to`}>
                    {(aria) => (
                      <EntitySelect
                        {...aria}
                        names={names}
                        value={relation.to}
                        onChange={(to) => setRelation(k, { to })}
                      />
                    )}
                  </Labeled>
                  <Labeled
                    id={`${rk}-on-delete`}
                    label="When the parent is deleted"
                    path={`relations.${k}.on_delete`}
                  >
                    {(aria) => (
                      <select
                        {...aria}
                        value={relation.on_delete ?? "restrict"}
                        onChange={(e) => setRelation(k, { on_delete: e.currentTarget.value })}
                      >
                        {ON_DELETE.map((rule) => (
                          <option key={rule} value={rule}>
                            {rule === "restrict" ? "refuse while it has children" : "delete its children too"}
                          </option>
                        ))}
                      </select>
                    )}
                  </Labeled>
                  <Labeled
                    id={`${rk}-required`}
                    label="Every child needs a parent"
                    path={`relations.${k}.required`}
                    check
                  >
                    {(aria) => (
                      <input
                        {...aria}
                        type="checkbox"
                        checked={relation.required !== false}
                        onChange={(e) => setRelation(k, { required: e.currentTarget.checked })}
                      />
                    )}
                  </Labeled>
                </div>
                <button
                  type="button"
                  class="danger"
                  onClick={() => edit({ ...draft, relations: relations.filter((_, n) => n !== k) }, true)}
                >
                  Remove relation {k + 1}
                </button>
              </fieldset>
            );
          })}
          <button
            type="button"
            class="secondary"
            disabled={names.length < 1}
            onClick={() => {
              const added = blankRelation(names[1] ?? names[0] ?? "", names[0] ?? "");
              focusNext.current = `${added._k}-from`;
              edit({ ...draft, relations: [...relations, added] }, true);
            }}
          >
            Add a relation
          </button>
        </fieldset>

        <fieldset class="spec-section">
          <legend>Summaries</legend>
          <p class="hint">Read-only figures the app computes: counts, totals, averages, streaks.</p>
          <RowProblems path="summaries" />
          {summaries.map((summary, m) => (
            <SummaryEditor
              key={summary._k ?? `s${m}`}
              summaryKey={summary._k ?? `s${m}`}
              index={m}
              summary={summary}
              draft={draft}
              onChange={(change) => setSummary(m, change)}
              onRemove={() => edit({ ...draft, summaries: summaries.filter((_, n) => n !== m) }, true)}
            />
          ))}
          <button
            type="button"
            class="secondary"
            disabled={names.length < 1}
            onClick={() => {
              const added = blankSummary(names[0] ?? "");
              focusNext.current = `${added._k}-name`;
              edit({ ...draft, summaries: [...summaries, added] }, true);
            }}
          >
            Add a summary
          </button>
        </fieldset>

        <p class="spec-check" role="status" data-testid="spec-check">
          {check === "checking"
            ? "Checking the model…"
            : check === "valid"
              ? "The model is valid."
              : check === "invalid"
                ? `${count} problem${count === 1 ? "" : "s"} to fix before rebuilding.`
                : ""}
        </p>
        <ErrorBox error={checkError} />
        <ErrorBox error={rebuild.error} />
        <div class="actions">
          <button type="submit" disabled={rebuild.busy}>
            {rebuild.busy ? "Starting the build…" : "Rebuild from this model"}
          </button>
          <button type="button" class="secondary" onClick={onClose}>
            Discard changes
          </button>
        </div>
      </form>
    </ProblemsAt.Provider>
  );
}

function EntitySelect(props: Aria & { names: string[]; value: string; onChange: (value: string) => void }) {
  const { names, value, onChange, ...aria } = props;
  const options = names.includes(value) || !value ? names : [value, ...names];
  return (
    <select {...aria} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {!value && <option value="">Choose an entity</option>}
      {options.map((name, i) => (
        <option key={i} value={name}>
          {name || "(unnamed entity)"}
        </option>
      ))}
    </select>
  );
}

/** A choice among names, or none of them (`undefined`). */
function NameSelect(
  props: Aria & { none: string; names: string[]; value?: string; onChange: (value?: string) => void },
) {
  const { none, names, value, onChange, ...aria } = props;
  return (
    <select {...aria} value={value ?? ""} onChange={(e) => onChange(e.currentTarget.value || undefined)}>
      <option value="">{none}</option>
      {names.map((name, i) => (
        <option key={i} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}

function FieldEditor(props: {
  fieldKey: string;
  path: string;
  legend: string;
  field: SpecField;
  onRename: (name: string) => void;
  onChange: (change: (f: SpecField) => SpecField) => void;
  onRemove: () => void;
}) {
  const { field, path, fieldKey: fk } = props;
  const [choices, setChoices] = useState(() => (field.choices ?? []).join(", "));
  const setNumber = (key: "minimum" | "maximum" | "min_length" | "max_length", value: string) =>
    props.onChange((f) => {
      const next = { ...f };
      const n = num(value);
      if (n === undefined) delete next[key];
      else next[key] = n;
      return next;
    });
  return (
    <fieldset class="spec-field">
      <legend>{props.legend}</legend>
      <RowProblems path={path} />
      <div class="row">
        <Labeled id={`${fk}-name`} label="Name" path={`${path}.name`}>
          {(aria) => (
            <input
              {...aria}
              value={field.name}
              maxLength={64}
              onInput={(e) => props.onRename(e.currentTarget.value)}
            />
          )}
        </Labeled>
        <Labeled id={`${fk}-type`} label="Type" path={`${path}.type`}>
          {(aria) => (
            <select
              {...aria}
              value={field.type}
              onChange={(e) => {
                const type = e.currentTarget.value;
                if (type === "enum") setChoices("");
                props.onChange((f) => withType(f, type));
              }}
            >
              {!(FIELD_TYPES as readonly string[]).includes(field.type) && (
                <option value={field.type}>{field.type}</option>
              )}
              {FIELD_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}: {TYPE_LABELS[type]}
                </option>
              ))}
            </select>
          )}
        </Labeled>
        {field.type === "enum" && (
          <Labeled id={`${fk}-choices`} label="Choices (comma-separated)" path={`${path}.choices`}>
            {(aria) => (
              <input
                {...aria}
                value={choices}
                onInput={(e) => {
                  const text = e.currentTarget.value;
                  setChoices(text);
                  const list = text
                    .split(",")
                    .map((c) => c.trim())
                    .filter(Boolean);
                  // No choices at all is "choices is required", not an empty list.
                  props.onChange((f) => {
                    const { choices: _old, ...rest } = f;
                    return list.length ? { ...rest, choices: list } : rest;
                  });
                }}
              />
            )}
          </Labeled>
        )}
        {NUMERIC_TYPES.has(field.type) &&
          (["minimum", "maximum"] as const).map((key) => (
            <Labeled key={key} id={`${fk}-${key}`} label={BOUND_LABELS[key]} path={`${path}.${key}`}>
              {(aria) => (
                <input
                  {...aria}
                  type="number"
                  step="any"
                  value={field[key] ?? ""}
                  onInput={(e) => setNumber(key, e.currentTarget.value)}
                />
              )}
            </Labeled>
          ))}
        {TEXT_TYPES.has(field.type) &&
          (["min_length", "max_length"] as const).map((key) => (
            <Labeled key={key} id={`${fk}-${key}`} label={BOUND_LABELS[key]} path={`${path}.${key}`}>
              {(aria) => (
                <input
                  {...aria}
                  type="number"
                  min={key === "min_length" ? 0 : 1}
                  step={1}
                  value={field[key] ?? ""}
                  onInput={(e) => setNumber(key, e.currentTarget.value)}
                />
              )}
            </Labeled>
          ))}
        <Labeled id={`${fk}-required`} label="Required" path={`${path}.required`} check>
          {(aria) => (
            <input
              {...aria}
              type="checkbox"
              checked={!!field.required}
              onChange={(e) => {
                const required = e.currentTarget.checked;
                props.onChange((f) => ({ ...f, required }));
              }}
            />
          )}
        </Labeled>
        {UNIQUE_TYPES.has(field.type) && (
          <Labeled id={`${fk}-unique`} label="Unique" path={`${path}.unique`} check>
            {(aria) => (
              <input
                {...aria}
                type="checkbox"
                checked={!!field.unique}
                onChange={(e) => {
                  const unique = e.currentTarget.checked;
                  props.onChange((f) => ({ ...f, unique }));
                }}
              />
            )}
          </Labeled>
        )}
      </div>
      <button type="button" class="danger" onClick={props.onRemove}>
        Remove field {field.name || "(unnamed)"}
      </button>
    </fieldset>
  );
}

function SummaryEditor(props: {
  summaryKey: string;
  index: number;
  summary: SpecSummary;
  draft: Spec;
  onChange: (change: Partial<SpecSummary>) => void;
  onRemove: () => void;
}) {
  const { summary, draft, summaryKey: sk, index: m } = props;
  const path = `summaries.${m}`;
  const entity = draft.entities.find((e) => e.name === summary.entity);
  const fields = entity?.fields.map((f) => f.name) ?? [];
  const dateFields = entity?.fields.filter((f) => DATE_TYPES.has(f.type)).map((f) => f.name) ?? [];
  const parents = (draft.relations ?? []).filter((r) => r.from === summary.entity).map((r) => r.to);
  const keep = (list: string[], value?: string) => (value && !list.includes(value) ? [value, ...list] : list);
  return (
    <fieldset class="spec-row">
      <legend>Summary {m + 1}</legend>
      <RowProblems path={path} />
      <div class="row">
        <Labeled id={`${sk}-name`} label="Title" path={`${path}.name`}>
          {(aria) => (
            <input
              {...aria}
              value={summary.name}
              maxLength={80}
              onInput={(e) => props.onChange({ name: e.currentTarget.value })}
            />
          )}
        </Labeled>
        <Labeled id={`${sk}-entity`} label="Of" path={`${path}.entity`}>
          {(aria) => (
            <EntitySelect
              {...aria}
              names={draft.entities.map((e) => e.name)}
              value={summary.entity}
              onChange={(value) =>
                props.onChange({ entity: value, field: undefined, group_by: undefined, date_field: undefined })
              }
            />
          )}
        </Labeled>
        <Labeled id={`${sk}-kind`} label="Figure" path={`${path}.kind`}>
          {(aria) => (
            <select
              {...aria}
              value={summary.kind}
              onChange={(e) => {
                const kind = e.currentTarget.value;
                // A count counts rows: it takes no field.
                props.onChange(kind === "count" ? { kind, field: undefined } : { kind });
              }}
            >
              {SUMMARY_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kind}
                </option>
              ))}
            </select>
          )}
        </Labeled>
        {summary.kind !== "count" && (
          <Labeled id={`${sk}-field`} label="Of the field" path={`${path}.field`}>
            {(aria) => (
              <NameSelect
                {...aria}
                none="(none)"
                names={keep(fields, summary.field)}
                value={summary.field}
                onChange={(field) => props.onChange({ field })}
              />
            )}
          </Labeled>
        )}
        <Labeled id={`${sk}-group-by`} label="Grouped by" path={`${path}.group_by`}>
          {(aria) => (
            <NameSelect
              {...aria}
              none="(nothing)"
              names={keep([...parents, ...fields], summary.group_by)}
              value={summary.group_by}
              onChange={(group_by) => props.onChange({ group_by })}
            />
          )}
        </Labeled>
        <Labeled id={`${sk}-period`} label="Per period" path={`${path}.period`}>
          {(aria) => (
            <select
              {...aria}
              value={summary.period ?? ""}
              onChange={(e) => {
                const period = e.currentTarget.value || undefined;
                props.onChange(period ? { period } : { period: undefined, date_field: undefined });
              }}
            >
              <option value="">(none)</option>
              {PERIODS.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          )}
        </Labeled>
        {summary.period && (
          <Labeled id={`${sk}-date-field`} label="Date field" path={`${path}.date_field`}>
            {(aria) => (
              <NameSelect
                {...aria}
                none="(the first date field)"
                names={keep(dateFields, summary.date_field)}
                value={summary.date_field}
                onChange={(date_field) => props.onChange({ date_field })}
              />
            )}
          </Labeled>
        )}
      </div>
      <button type="button" class="danger" onClick={props.onRemove}>
        Remove summary {summary.name || m + 1}
      </button>
    </fieldset>
  );
}
