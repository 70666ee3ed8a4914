import type { RoutePreloadFuncArgs } from '@solidjs/router';

/**
 * A route's `preload` that imports the feature module it reads from instead of naming it
 * statically. SolidStart puts every route's `route` export into the entry chunk (so the router can
 * preload before a page's code arrives); a static import there would put each feature's server
 * function stubs, and with them the server-function client (seroval, ~13 KB gzip), on every page,
 * the landing page included. The import runs alongside the page's own code, as before.
 *
 * On a link hover (`intent: 'preload'`) only the module is fetched: the router's preload intent
 * is over by the time the import resolves, and a read started without it would follow redirects
 * (a signed-out hover over the dashboard would navigate to sign-in). The route's params are read
 * before the import: during the navigation's transition they are the new page's, after it (where
 * the import resolves) they may still read as the old page's. Failures are left to the page, whose
 * own read shows them.
 */
export function preloadFrom<M>(
  load: () => Promise<M>,
  read: (feature: M, args: RoutePreloadFuncArgs) => unknown[],
): (args: RoutePreloadFuncArgs) => void {
  return (args) => {
    const now = { ...args, params: { ...args.params } };
    const loading = load();
    if (args.intent === 'preload') {
      loading.catch(() => {});
      return;
    }
    void loading.then((feature) => Promise.allSettled(read(feature, now))).catch(() => {});
  };
}
