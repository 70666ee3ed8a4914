import { secureHeaders } from 'hono/secure-headers';

/**
 * Security headers on every response. The edge serves JSON and scripts, never pages, so the
 * content security policy forbids everything and framing entirely. HSTS is sent by secureHeaders;
 * browsers ignore it over plain http (local development).
 */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
  strictTransportSecurity: 'max-age=63072000; includeSubDomains',
  crossOriginResourcePolicy: false,
});
