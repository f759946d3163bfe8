// A tiny history-API router.
//
// Hand-written rather than a router package: the app has nine flat routes,
// and this (matching, link interception, focus on navigation) is ~80 lines,
// less than any router's bundle. The gateway answers index.html for every
// client route, so deep links and reloads work.

import { useEffect, useState } from "preact/hooks";

export interface Location {
  path: string;
  query: URLSearchParams;
}

type Listener = (location: Location) => void;
const listeners = new Set<Listener>();

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

// Where the focus was when the route changed: focusMainHeading moves it only
// if the person has not put it somewhere else since.
let focusAtNavigation: Element | null = null;

function emit(): void {
  focusAtNavigation = document.activeElement;
  const location = current();
  for (const listener of listeners) listener(location);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.scrollTo(0, 0);
  emit();
}

window.addEventListener("popstate", emit);

// Same-origin <a href="/..."> clicks navigate without a page load; modified
// clicks (new tab, download) keep the browser's behaviour.
document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.("a");
  if (!anchor || anchor.target || anchor.hasAttribute("download")) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    listeners.add(setLocation);
    return () => {
      listeners.delete(setLocation);
    };
  }, []);
  return location;
}

/** Params of `pattern` ("/projects/:id") matched against `path`, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const h = have[i] as string;
    if (w.startsWith(":")) {
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return null;
      }
    } else if (w !== h) {
      return null;
    }
  }
  return params;
}

/**
 * Move focus to the new page's main heading after a route change, so that
 * keyboard and screen-reader users start at the top of the new content (as a
 * full page load would), and announce the new title.
 */
export function focusMainHeading(): void {
  window.requestAnimationFrame(() => {
    const heading = document.querySelector<HTMLElement>("main h1");
    if (!heading) return;
    document.title = `${heading.textContent ?? ""} · LaunchForge`;
    // The heading is focused a frame or two after the new page is drawn; a
    // person quick enough to click or tab into it first keeps that focus
    // (taking it would send their typing nowhere).
    const now = document.activeElement;
    if (now && now !== document.body && now !== focusAtNavigation) return;
    heading.tabIndex = -1;
    heading.focus({ preventScroll: false });
  });
}
