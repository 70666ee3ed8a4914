/**
 * A tiny browser stand-in for browserless sign-in tests: fetch with a cookie jar per host and
 * manual redirects, so each hop of the OpenID dance can be seen and asserted.
 */
export class CookieClient {
  readonly #jar = new Map<string, Map<string, string>>();

  cookies(url: string): Map<string, string> {
    const host = new URL(url).host;
    let jar = this.#jar.get(host);
    if (!jar) {
      jar = new Map();
      this.#jar.set(host, jar);
    }
    return jar;
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const jar = this.cookies(url);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) jar.delete(name!.trim());
      else jar.set(name!.trim(), value);
    }
    return res;
  }

  /** Follows redirects (303/302/301) until a non-redirect answer; returns it and the hops. */
  async follow(
    url: string,
    init: RequestInit = {},
    max = 15,
  ): Promise<{ res: Response; url: string; hops: string[] }> {
    const hops: string[] = [];
    let current = url;
    let res = await this.fetch(current, init);
    while ([301, 302, 303, 307].includes(res.status) && hops.length < max) {
      const next = new URL(res.headers.get('location')!, current).toString();
      hops.push(next);
      current = next;
      res = await this.fetch(current);
    }
    return { res, url: current, hops };
  }
}

/** Signs in at the edge through the local issuer's login form; returns the final response. */
export async function signInAs(
  client: CookieClient,
  edgeUrl: string,
  email: string,
  password: string,
  returnTo = '/api/me',
) {
  const { res, url } = await client.follow(
    `${edgeUrl}/auth/signin?return_to=${encodeURIComponent(returnTo)}`,
  );
  if (res.status !== 200) throw new Error(`sign-in did not reach the login form (${res.status})`);
  const action = /action="([^"]+)"/.exec(await res.text())?.[1];
  if (!action) throw new Error('no login form');
  return client.follow(new URL(action, url).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }),
  });
}

/** A JSON call with the client's cookies (and our Origin, as a browser on the edge's page sends). */
export async function jsonCall(
  client: CookieClient,
  edgeUrl: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
) {
  const res = await client.fetch(`${edgeUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { origin: edgeUrl, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body };
}
