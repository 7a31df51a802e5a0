// Stands in for the npm package whatwg-url in our bundles (esbuild.mjs aliases it here). Its one
// importer, node-fetch 2 (under @kubernetes/client-node), takes Node's own `url.URL` and falls back
// to whatwg-url's only where Node has none, which no Node we run on lacks; the package would add
// its Unicode tables (tr46, ~260 KB minified) to every bundle that talks to Kubernetes.
export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;
