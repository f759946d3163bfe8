// Syntax highlighting with highlight.js core and only the languages a
// generated project contains (the full bundle is ~1 MB; this is ~60 kB).

import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import css from "highlight.js/lib/languages/css";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import ini from "highlight.js/lib/languages/ini";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

const languages = {
  bash,
  css,
  dockerfile,
  ini,
  javascript,
  json,
  markdown,
  plaintext,
  python,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);

const BY_EXTENSION: Record<string, string> = {
  py: "python",
  js: "javascript",
  mjs: "javascript",
  ts: "typescript",
  tsx: "typescript",
  json: "json",
  html: "xml",
  htm: "xml",
  jinja: "xml",
  j2: "xml",
  xml: "xml",
  svg: "xml",
  css: "css",
  md: "markdown",
  yml: "yaml",
  yaml: "yaml",
  toml: "ini",
  ini: "ini",
  cfg: "ini",
  sh: "bash",
  sql: "sql",
  txt: "plaintext",
};

export function languageOf(path: string): string {
  const name = path.split("/").pop()?.toLowerCase() ?? "";
  if (name === "dockerfile" || name.endsWith(".dockerfile")) return "dockerfile";
  if (name === "makefile") return "bash";
  const ext = name.includes(".") ? name.split(".").pop() ?? "" : "";
  return BY_EXTENSION[ext] ?? "plaintext";
}

/** HTML of the highlighted code (highlight.js escapes the source text). */
export function highlight(code: string, path: string): string {
  return hljs.highlight(code, { language: languageOf(path), ignoreIllegals: true }).value;
}
