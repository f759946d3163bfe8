// Vite build of the LaunchForge web app.
//
// The gateway serves web/dist with a strict CSP (script-src 'self',
// style-src 'self'), so the build must not emit inline scripts or styles:
// CSS goes to files, and the module-preload polyfill (an inline helper in
// older Vite) is off; every browser the app targets supports modulepreload.
import { defineConfig } from "vite";

const gateway = process.env.LAUNCHFORGE_GATEWAY ?? "http://127.0.0.1:8000";
// Everything the gateway answers itself or proxies; the dev server serves the rest.
const apiPrefixes = ["/v1", "/.well-known", "/livez", "/readyz"];

export default defineConfig({
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    // No inlined data: URLs for assets: img-src allows data:, but keeping
    // every asset a hashed file keeps caching simple.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(
      apiPrefixes.map((prefix) => [prefix, { target: gateway, changeOrigin: false }]),
    ),
  },
});
