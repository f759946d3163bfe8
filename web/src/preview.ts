// A static preview of a build's generated page (app/static/index.html and
// its stylesheet), built from the build's own files fetched through the API.
//
// The generated HTML is hostile until proven otherwise (with a provider of
// their own, a person shapes what the model writes), so nothing in it runs
// and nothing in it loads:
//
// 1. It is parsed with DOMParser (an inert document: no script runs, nothing
//    loads) and rewritten: scripts, <noscript>, frames, objects, <base>,
//    <meta http-equiv>, <link> and every event-handler attribute are
//    removed; every URL attribute (href, src, action, ...) is dropped, so
//    links and forms go nowhere; `style` attributes are kept aside.
//    (Chromium checks the app's CSP while DOMParser builds the document: an
//    inline handler, a `style` attribute or a <base> in the page is reported
//    in the console as blocked. The generated templates have none of them.)
// 2. The result is shown in an <iframe sandbox="allow-same-origin"> by
//    srcdoc. No `allow-scripts`: the browser runs no script of the frame,
//    whatever slipped through step 1 (the browser suite injects one to prove
//    it). No `allow-forms`, `allow-popups` or `allow-top-navigation`: forms
//    do not submit, nothing opens or navigates the app.
// 3. The frame inherits the web app's CSP (srcdoc documents do), so even a
//    script `src` on the app's own origin would need the sandbox to let it
//    run, and a CSP of its own in the frame (a <meta> put first in <head>)
//    forbids every load but data: images.
//
// Why `allow-same-origin` and not an empty sandbox: the web app's CSP
// (style-src 'self', no 'unsafe-inline') is inherited by srcdoc and blob:
// documents, so a <style> in the frame is blocked, and blob: frames are not
// allowed at all (frame-src falls back to 'self'). Loosening the CSP for the
// whole app to style one preview is the wrong trade. With
// `allow-same-origin` the app itself gives the frame its stylesheet through
// CSSOM (a constructed CSSStyleSheet adopted by the frame's document, and
// `style.cssText` for the kept `style` attributes), which CSP does not
// govern. A frame with that flag and without `allow-scripts` runs no script,
// so being same-origin gives its content nothing to act with. The other way
// (the page served by core under its own `CSP: sandbox`) needs the frame's
// request to carry the person's credentials, which the app only ever sends
// in an Authorization header, never in a URL or a cookie.

import { api } from "./api";

export const PAGE_PATH = "app/static/index.html";
/** The sandbox of the preview frame: never add allow-scripts to it. */
export const PREVIEW_SANDBOX = "allow-same-origin";
const FRAME_CSP = "default-src 'none'; img-src data:; style-src 'none'; form-action 'none'; base-uri 'none'";
const MAX_STYLESHEETS = 4;
const MAX_CSS_CHARS = 512 * 1024;

const REMOVED = "script, noscript, iframe, frame, frameset, object, embed, applet, base, link, meta[http-equiv], portal";
const URL_ATTRIBUTES = new Set([
  "href",
  "xlink:href",
  "src",
  "srcset",
  "action",
  "formaction",
  "poster",
  "data",
  "background",
  "ping",
  "cite",
  "longdesc",
  "manifest",
  "codebase",
  "archive",
  "lowsrc",
  "dynsrc",
  "imagesrcset",
]);
export const KEPT_STYLE = "data-preview-style";

export interface PreviewPage {
  html: string;
  css: string;
  title: string;
}

/** Where a stylesheet `href` of the page points in the build: `/static/x.css` -> app/static/x.css. */
export function stylesheetFile(href: string): string | null {
  let url: URL;
  let path: string;
  try {
    // The generated app serves the page at "/" and its files at "/static/...".
    url = new URL(href, "https://generated.invalid/");
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (url.origin !== "https://generated.invalid") return null;
  if (!path.startsWith("/static/") || path.includes("..") || !path.endsWith(".css")) return null;
  return `app${path}`;
}

/** The page made inert (see above), and the build files of its stylesheets. */
export function inertPage(source: string): { html: string; stylesheets: string[]; title: string } {
  const doc = new DOMParser().parseFromString(source, "text/html");
  const stylesheets: string[] = [];
  for (const link of Array.from(doc.querySelectorAll("link[rel~='stylesheet' i][href]"))) {
    const file = stylesheetFile(link.getAttribute("href") ?? "");
    if (file && !stylesheets.includes(file)) stylesheets.push(file);
  }
  for (const element of Array.from(doc.querySelectorAll(REMOVED))) element.remove();
  for (const element of Array.from(doc.querySelectorAll("*"))) {
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on") || URL_ATTRIBUTES.has(name) || name.endsWith(":href")) {
        element.removeAttribute(attribute.name);
      } else if (name === "style") {
        element.setAttribute(KEPT_STYLE, attribute.value);
        element.removeAttribute(attribute.name);
      }
    }
    // SVG animations can set an attribute (href) after the fact.
    if (["animate", "set", "animatetransform", "animatemotion"].includes(element.localName.toLowerCase())) {
      element.remove();
    }
  }
  const csp = doc.createElement("meta");
  csp.setAttribute("http-equiv", "Content-Security-Policy");
  csp.setAttribute("content", FRAME_CSP);
  doc.head.prepend(csp);
  return {
    html: `<!doctype html>\n${doc.documentElement.outerHTML}`,
    stylesheets: stylesheets.slice(0, MAX_STYLESHEETS),
    title: doc.title.trim(),
  };
}

/** The build's page and the stylesheets it links that the build holds, ready for the frame. */
export async function loadPreview(buildId: string, files: string[]): Promise<PreviewPage | null> {
  if (!files.includes(PAGE_PATH)) return null;
  const page = inertPage(await api.fileContent(buildId, PAGE_PATH));
  const sheets = await Promise.all(
    page.stylesheets.filter((f) => files.includes(f)).map((f) => api.fileContent(buildId, f)),
  );
  return { html: page.html, css: sheets.join("\n").slice(0, MAX_CSS_CHARS), title: page.title };
}

/** Give the loaded frame its styles through CSSOM (see above); false when it cannot be reached. */
export function styleFrame(frame: HTMLIFrameElement, css: string): boolean {
  const win = frame.contentWindow as (Window & typeof globalThis) | null;
  const doc = frame.contentDocument;
  if (!win || !doc) return false;
  try {
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(css.replace(/@import[^;]*;/gi, ""));
    doc.adoptedStyleSheets = [sheet];
    for (const element of Array.from(doc.querySelectorAll<HTMLElement>(`[${KEPT_STYLE}]`))) {
      element.style.cssText = element.getAttribute(KEPT_STYLE) ?? "";
    }
  } catch {
    return false; // unstyled, still inert
  }
  return true;
}
