import type { Plugin } from 'vite';

/**
 * SolidStart 2.0.5's client ErrorBoundary imports its dev toolbar unconditionally and uses it only
 * under `import.meta.env.DEV`. The toolbar's modules are not marked side-effect free, so a
 * production build keeps them and what they import: the server-function viewer with seroval and
 * seroval-plugins (~13 KB gzip), terracotta, and the toolbar's CSS — on every page, the landing
 * page included. Marking them side-effect free lets the bundler drop them when nothing uses them
 * (always, in a production build); `vite dev` is untouched (`apply: 'build'`).
 */
export function dropDevToolbar(): Plugin {
  const toolbar = /[\\/]@solidjs[\\/]start[\\/]dist[\\/]shared[\\/]dev-toolbar[\\/]/;
  return {
    name: 'kombify:drop-dev-toolbar',
    apply: 'build',
    transform: {
      filter: { id: toolbar },
      handler(code) {
        return { code, map: null, moduleSideEffects: false };
      },
    },
  };
}
