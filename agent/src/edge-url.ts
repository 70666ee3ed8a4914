/**
 * Which edge URLs the agent talks to (issue 20, L9). Its token, the jobs it runs (with their
 * params) and their results travel to and from the edge, so the connection is TLS everywhere but
 * on this machine itself. Plain http to another machine needs KOMBIFY_ALLOW_HTTP_EDGE=1, said on
 * purpose (a simulated node reaching the host's local edge over a Docker bridge, say).
 */
export const ALLOW_HTTP_ENV = 'KOMBIFY_ALLOW_HTTP_EDGE';

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Why the agent refuses this edge URL, or null when it may use it. */
export function edgeUrlProblem(url: URL, env: NodeJS.ProcessEnv = process.env): string | null {
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return `the edge URL must be https://, got ${url.protocol}`;
  if (isLoopbackHost(url.hostname) || env[ALLOW_HTTP_ENV] === '1') return null;
  return (
    `the edge ${url.origin} is plain http on another machine: this node's token and its jobs would ` +
    `cross the network unencrypted. Use https://, or set ${ALLOW_HTTP_ENV}=1 on a network you trust.`
  );
}
