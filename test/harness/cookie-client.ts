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
