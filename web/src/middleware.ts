import { createMiddleware } from '@solidjs/start/middleware';
import { newNonce, securityHeaders } from './server/security-headers.ts';

/** Every response of the web server gets its security headers; each page its own script nonce. */
export default createMiddleware({
  onRequest: (event) => {
    event.locals.nonce = newNonce();
  },
  onBeforeResponse: (event) => {
    const url = new URL(event.request.url);
    const overTls =
      url.protocol === 'https:' ||
      (event.request.headers.get('x-forwarded-proto') ?? '').toLowerCase() === 'https';
    const headers = securityHeaders({
      nonce: String(event.locals.nonce ?? ''),
      overTls,
      dev: import.meta.env.DEV,
    });
    for (const [name, value] of Object.entries(headers)) event.response.headers.set(name, value);
  },
});
