import { query } from '@solidjs/router';

/**
 * Whether someone is signed in, for the public pages' header (Sign in or Dashboard). Rendered on
 * the server through the server function; in the browser (a later navigation between public
 * pages) a plain `GET /api/me` on this origin answers it. Not a server function there on purpose:
 * calling one would bring the server-function client (seroval, ~13 KB gzip) to every public page
 * for a yes/no question. `import.meta.env.SSR` is a build-time constant, so the browser build
 * drops the server branch and its import.
 */
export const getSignedIn = query(async (): Promise<boolean> => {
  if (import.meta.env.SSR) {
    const { fetchSession } = await import('./server.ts');
    return (await fetchSession()) !== null;
  }
  try {
    const res = await fetch('/api/me', { headers: { accept: 'application/json' } });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false; // unreachable: offer sign-in, which says what is wrong
  }
}, 'signed-in');
