/**
 * The pure parts of how the web server calls the edge (server/edge.ts): where a request goes and
 * which of the browser's headers go along. Kept apart from edge.ts (which is server-only) so
 * tests can reach them.
 */

/**
 * The edge URL for a browser path. Joined as text, never resolved as a URL reference: `new
 * URL('//evil.example/x', edge)` is evil.example (a network-path reference, RFC 3986 §4.2), so a
 * path with leading slashes must stay a path on the edge (issue 20, L8).
 */
export function edgeTarget(edgeBase: string, path: string): URL {
  const base = new URL(edgeBase);
  const target = new URL(`${base.origin}/${path.replace(/^[/\\]+/, '')}`);
  if (target.origin !== base.origin) throw new Error(`refusing to send ${path} anywhere but the edge`);
  return target;
}

/**
 * Headers that name the client's address or the original host. Whatever a browser put there is
 * its own claim, so none is passed on: the edge takes the address from Cloudflare's
 * CF-Connecting-IP, which only Cloudflare sets (issue 20, L7).
 */
export const SPOOFABLE_HEADERS: ReadonlySet<string> = new Set([
  'cf-connecting-ip',
  'cf-connecting-ipv6',
  'true-client-ip',
  'x-real-ip',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-client-ip',
  'forwarded',
]);
