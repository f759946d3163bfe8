// The versions API (list, restore, download, diff) and how a unified diff's
// lines are told apart for display. Kept out of api.ts so the versions part
// stays one small module.

import { authorizedFetch, errorFromResponse, request, type Build, type Page } from "./api";

export interface SpecSummary {
  entities: string[];
  entity_count: number;
  field_count: number;
  relation_count: number;
}

export interface Version {
  version: number;
  build_id: string;
  origin: string;
  parent_version: number | null;
  request: string;
  status: string;
  spec_summary: SpecSummary | null;
  is_current: boolean;
  created_at: string;
  finished_at: string | null;
  download_url: string | null;
}

export interface FileDiff {
  path: string;
  status: "added" | "removed" | "changed";
  diff: string | null;
}

export interface VersionDiff {
  from: { build_id: string; version: number };
  to: { build_id: string; version: number };
  files: FileDiff[];
  unchanged: number;
  truncated: boolean;
}

const base = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}`;

export const versionsApi = {
  list: (projectId: string, cursor?: string | null, limit = 10) =>
    request<Page<Version>>(
      `${base(projectId)}/versions?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    ),
  restore: (projectId: string, version: number) =>
    request<Build & { version: number }>(`${base(projectId)}/versions/${version}/restore`, {
      method: "POST",
    }),
  diff: (projectId: string, fromVersion: number, toVersion: number) =>
    request<VersionDiff>(
      `${base(projectId)}/diff?from_version=${fromVersion}&to_version=${toVersion}`,
    ),
  async download(projectId: string, version: number): Promise<{ blob: Blob; filename: string }> {
    const response = await authorizedFetch(`${base(projectId)}/versions/${version}/download`, {
      headers: { accept: "application/zip, */*;q=0.1" },
    });
    if (!response.ok) throw await errorFromResponse(response);
    const disposition = response.headers.get("content-disposition") ?? "";
    const match = /filename="?([^";]+)"?/i.exec(disposition);
    return { blob: await response.blob(), filename: match?.[1] ?? `version-${version}.zip` };
  },
};

export type DiffLineKind = "add" | "del" | "hunk" | "meta" | "context";

/** What a line of a unified diff is, so it can be styled (its text is shown as text). */
export function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith("+++ ") || line.startsWith("--- ")) return "meta";
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "del";
  return "context";
}

/** "Book, Note · 2 entities, 3 fields, 1 relation" */
export function describeSummary(summary: SpecSummary | null): string {
  if (!summary) return "no spec yet";
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const names = summary.entities.slice(0, 6).join(", ") + (summary.entities.length > 6 ? ", …" : "");
  return (
    `${names} · ${count(summary.entity_count, "entity", "entities")}, ` +
    `${count(summary.field_count, "field", "fields")}, ` +
    `${count(summary.relation_count, "relation", "relations")}`
  );
}
