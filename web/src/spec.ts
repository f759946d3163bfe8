// The app spec (core's pipeline/spec_schema.json, v2) as the web app reads
// and edits it: types, readable descriptions, edits that keep references
// right (renaming an entity renames it in its relations and summaries), and
// where each problem core reports belongs in the editor.

export const FIELD_TYPES = [
  "string",
  "text",
  "integer",
  "number",
  "decimal",
  "boolean",
  "date",
  "datetime",
  "time",
  "email",
  "url",
  "phone",
  "enum",
] as const;
export const NUMERIC_TYPES = new Set(["integer", "number", "decimal"]);
export const TEXT_TYPES = new Set(["string", "text"]);
export const DATE_TYPES = new Set(["date", "datetime"]);
/** Types whose values the generated app can hold unique (core ignores it for the others). */
export const UNIQUE_TYPES: ReadonlySet<string> = new Set<string>(
  FIELD_TYPES.filter((t) => !["boolean", "enum", "text"].includes(t)),
);
export const SUMMARY_KINDS = ["count", "sum", "average", "minimum", "maximum", "percent", "streak"] as const;
export const PERIODS = ["day", "week", "month", "year"] as const;
export const ON_DELETE = ["restrict", "cascade"] as const;

/** What each type holds, in words. */
export const TYPE_LABELS: Record<string, string> = {
  string: "short text",
  text: "long text",
  integer: "whole number",
  number: "number",
  decimal: "money, 2 decimals",
  boolean: "yes or no",
  date: "date",
  datetime: "date and time",
  time: "time of day",
  email: "email address",
  url: "web address",
  phone: "phone number",
  enum: "one of a list",
};

export interface SpecField {
  name: string;
  type: string;
  description?: string;
  required?: boolean;
  unique?: boolean;
  min_length?: number;
  max_length?: number;
  minimum?: number;
  maximum?: number;
  choices?: string[];
  /** The editor's key for this row (never sent). */
  _k?: string;
}

export interface SpecEntity {
  name: string;
  description?: string;
  display?: string;
  fields: SpecField[];
  _k?: string;
}

export interface SpecRelation {
  from: string;
  to: string;
  kind?: string;
  field?: string;
  required?: boolean;
  on_delete?: string;
  _k?: string;
}

export interface SpecSummary {
  name: string;
  entity: string;
  kind: string;
  field?: string;
  group_by?: string;
  period?: string;
  date_field?: string;
  _k?: string;
}

export interface Spec {
  name: string;
  slug?: string;
  description?: string;
  theme?: string;
  entities: SpecEntity[];
  relations?: SpecRelation[];
  summaries?: SpecSummary[];
  routes?: unknown[];
  pages?: unknown[];
  [key: string]: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === "object" && !Array.isArray(value);

/** A spec read from a build (its spec.json, or the spec it was given), or null. */
export function asSpec(value: unknown): Spec | null {
  if (!isObject(value) || typeof value.name !== "string" || !Array.isArray(value.entities)) return null;
  const entities = value.entities.filter(
    (e): e is SpecEntity => isObject(e) && typeof e.name === "string" && Array.isArray(e.fields),
  );
  if (entities.length !== value.entities.length) return null;
  return value as Spec;
}

// ---- reading -----------------------------------------------------------------

const fmt = (n: number) => n.toLocaleString(undefined, { maximumFractionDigits: 6 });

/** "required, unique, 1 to 7, one of: good, bad" */
export function fieldRules(field: SpecField): string[] {
  const rules: string[] = [];
  if (field.required) rules.push("required");
  if (field.unique && UNIQUE_TYPES.has(field.type)) rules.push("unique");
  const { minimum: lo, maximum: hi } = field;
  if (lo !== undefined && hi !== undefined) rules.push(`${fmt(lo)} to ${fmt(hi)}`);
  else if (lo !== undefined) rules.push(`at least ${fmt(lo)}`);
  else if (hi !== undefined) rules.push(`at most ${fmt(hi)}`);
  const { min_length: minLen, max_length: maxLen } = field;
  if (minLen !== undefined && maxLen !== undefined) rules.push(`${minLen} to ${maxLen} characters`);
  else if (minLen !== undefined) rules.push(`at least ${minLen} characters`);
  else if (maxLen !== undefined) rules.push(`at most ${maxLen} characters`);
  if (field.choices?.length) rules.push(`one of: ${field.choices.join(", ")}`);
  return rules;
}

export function summaryText(summary: SpecSummary): string {
  const what =
    summary.kind === "count"
      ? `count of ${summary.entity}`
      : summary.kind === "percent"
        ? `percent of ${summary.entity} with ${summary.field ?? "?"}`
        : summary.kind === "streak"
          ? `streak of days of ${summary.entity}${summary.field ? ` (${summary.field})` : ""}`
          : `${summary.kind} of ${summary.entity}.${summary.field ?? "?"}`;
  const by: string[] = [];
  if (summary.group_by) by.push(summary.group_by);
  if (summary.period) by.push(`${summary.period}${summary.date_field ? ` of ${summary.date_field}` : ""}`);
  return by.length ? `${what}, by ${by.join(" and ")}` : what;
}

// ---- editing -----------------------------------------------------------------

let counter = 0;
const newKey = () => `k${++counter}`;

/** A copy of `spec` to edit: every row gets a key of its own (for focus and lists). */
export function toDraft(spec: Spec): Spec {
  const copy = JSON.parse(JSON.stringify(spec)) as Spec;
  for (const entity of copy.entities) {
    entity._k = newKey();
    for (const field of entity.fields) field._k = newKey();
  }
  for (const relation of copy.relations ?? []) relation._k = newKey();
  for (const summary of copy.summaries ?? []) summary._k = newKey();
  return copy;
}

/**
 * The spec to send: without the editor's keys, and without `routes` and
 * `pages`: the pipeline derives them from the entities (the templates do not
 * read them), and copies kept from before an entity was renamed would name
 * an entity that no longer exists.
 */
export function fromDraft(draft: Spec): Spec {
  const { routes: _routes, pages: _pages, ...rest } = draft;
  return JSON.parse(JSON.stringify(rest, (key, value: unknown) => (key === "_k" ? undefined : value))) as Spec;
}

export const blankField = (): SpecField => ({ name: "", type: "string", _k: newKey() });
export const blankEntity = (): SpecEntity => ({ name: "", fields: [blankField()], _k: newKey() });
export const blankRelation = (from: string, to: string): SpecRelation => ({
  from,
  to,
  kind: "many_to_one",
  required: true,
  on_delete: "restrict",
  _k: newKey(),
});
export const blankSummary = (entity: string): SpecSummary => ({
  name: "",
  entity,
  kind: "count",
  _k: newKey(),
});

/** Words of a name as core's naming does ("CheckIn", "check-in" and "check_in" are one). */
export function identKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[^\x00-\x7f]/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join("_");
}

const sameName = (a: string | undefined, b: string) =>
  a !== undefined && (a === b || (identKey(a) !== "" && identKey(a) === identKey(b)));

/** The field changed to `type`, keeping only the settings that type takes. */
export function withType(field: SpecField, type: string): SpecField {
  const next: SpecField = { ...field, type };
  if (type !== "enum") delete next.choices;
  if (!NUMERIC_TYPES.has(type)) {
    delete next.minimum;
    delete next.maximum;
  }
  if (!TEXT_TYPES.has(type)) {
    delete next.min_length;
    delete next.max_length;
  }
  if (!UNIQUE_TYPES.has(type)) delete next.unique;
  return next;
}

/** Rename entity `index`; its relations and summaries follow. */
export function renameEntity(spec: Spec, index: number, name: string): Spec {
  const old = spec.entities[index]?.name ?? "";
  const follows = (ref: string | undefined) => old !== "" && sameName(ref, old);
  return {
    ...spec,
    entities: spec.entities.map((e, i) => (i === index ? { ...e, name } : e)),
    relations: spec.relations?.map((r) => ({
      ...r,
      from: follows(r.from) ? name : r.from,
      to: follows(r.to) ? name : r.to,
    })),
    summaries: spec.summaries?.map((s) => ({
      ...s,
      entity: follows(s.entity) ? name : s.entity,
      group_by: s.group_by !== undefined && follows(s.group_by) ? name : s.group_by,
    })),
  };
}

/** Rename field `fieldIndex` of entity `index`; the entity's display and summaries follow. */
export function renameField(spec: Spec, index: number, fieldIndex: number, name: string): Spec {
  const entity = spec.entities[index];
  if (!entity) return spec;
  const old = entity.fields[fieldIndex]?.name ?? "";
  const follows = (ref: string | undefined) => old !== "" && sameName(ref, old);
  const rename = (ref: string | undefined) => (ref !== undefined && follows(ref) ? name : ref);
  return {
    ...spec,
    entities: spec.entities.map((e, i) =>
      i === index
        ? {
            ...e,
            display: rename(e.display),
            fields: e.fields.map((f, j) => (j === fieldIndex ? { ...f, name } : f)),
          }
        : e,
    ),
    summaries: spec.summaries?.map((s) =>
      sameName(s.entity, entity.name)
        ? { ...s, field: rename(s.field), group_by: rename(s.group_by), date_field: rename(s.date_field) }
        : s,
    ),
  };
}

/** Without the optional members that are undefined (a select set back to "none"). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== "")) as T;
}

// ---- problems ------------------------------------------------------------------

export interface Problem {
  path: string;
  message: string;
}

/** Problems from a 422's `errors` ({loc: ["body", "spec", "entities", "1", ...], msg}). */
export function specProblems(errors: { loc: string[]; msg: string }[]): Problem[] {
  return errors.map((e) => {
    const loc = e.loc[0] === "body" ? e.loc.slice(1) : e.loc;
    const inSpec = loc[0] === "spec" ? loc.slice(1) : loc;
    return { path: inSpec.join("."), message: e.msg };
  });
}

/** Every place in the editor a problem can be shown, for the draft as it is. */
export function editorPaths(spec: Spec): Set<string> {
  const paths = new Set<string>(["entities", "relations", "summaries"]);
  spec.entities.forEach((entity, i) => {
    paths.add(`entities.${i}`);
    paths.add(`entities.${i}.name`);
    paths.add(`entities.${i}.fields`);
    entity.fields.forEach((field, j) => {
      const keys = ["", ".name", ".type", ".required"];
      if (UNIQUE_TYPES.has(field.type)) keys.push(".unique");
      if (field.type === "enum") keys.push(".choices");
      if (NUMERIC_TYPES.has(field.type)) keys.push(".minimum", ".maximum");
      if (TEXT_TYPES.has(field.type)) keys.push(".min_length", ".max_length");
      for (const key of keys) paths.add(`entities.${i}.fields.${j}${key}`);
    });
  });
  (spec.relations ?? []).forEach((_, k) => {
    for (const key of ["", ".from", ".to", ".required", ".on_delete"]) paths.add(`relations.${k}${key}`);
  });
  (spec.summaries ?? []).forEach((summary, m) => {
    const keys = ["", ".name", ".entity", ".kind", ".group_by", ".period"];
    if (summary.kind !== "count") keys.push(".field");
    if (summary.period) keys.push(".date_field");
    for (const key of keys) paths.add(`summaries.${m}${key}`);
  });
  return paths;
}

/**
 * Each problem at the nearest place the editor shows (the input itself, else
 * the row or section holding it); `general` holds those with no place.
 */
export function placeProblems(spec: Spec, problems: Problem[]): { at: Map<string, string[]>; general: Problem[] } {
  const paths = editorPaths(spec);
  const at = new Map<string, string[]>();
  const general: Problem[] = [];
  for (const problem of problems) {
    const parts = problem.path ? problem.path.split(".") : [];
    let placed = false;
    for (let n = parts.length; n > 0; n--) {
      const path = parts.slice(0, n).join(".");
      if (paths.has(path)) {
        at.set(path, [...(at.get(path) ?? []), problem.message]);
        placed = true;
        break;
      }
    }
    if (!placed) general.push(problem);
  }
  return { at, general };
}

/** "Habit › field 2 (name) › type" for a problem's path. */
export function describePath(spec: Spec, path: string): string {
  const parts = path ? path.split(".") : [];
  const out: string[] = [];
  let entity: SpecEntity | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const next = Number(parts[i + 1]);
    if (part === "entities" && Number.isInteger(next)) {
      entity = spec.entities[next];
      out.push(entity?.name || `entity ${next + 1}`);
      i++;
    } else if (part === "fields" && Number.isInteger(next)) {
      const field = entity?.fields[next];
      out.push(`field ${next + 1}${field?.name ? ` (${field.name})` : ""}`);
      i++;
    } else if ((part === "relations" || part === "summaries") && Number.isInteger(next)) {
      out.push(`${part === "relations" ? "relation" : "summary"} ${next + 1}`);
      i++;
    } else {
      out.push(part.replace(/_/g, " "));
    }
  }
  return out.join(" › ") || "the spec";
}
