/**
 * The web app's own security headers (issue 20, L4): a Content-Security-Policy whose scripts
 * need this response's nonce (SolidStart puts it on its hydration scripts; entry-server.tsx on
 * the theme script), no framing by other sites, and HSTS over TLS. The edge's answers that pass
 * through the proxy carry the edge's headers.
 */
export function securityHeaders(opts: {
  nonce: string;
  overTls: boolean;
  dev: boolean;
}): Record<string, string> {
  const script = opts.dev
    ? // Vite's dev client and HMR need their own inline and eval'd modules; the nonce still applies in builds.
      "script-src 'self' 'unsafe-inline' 'unsafe-eval'"
    : `script-src 'self' 'nonce-${opts.nonce}'`;
  const csp = [
    "default-src 'self'",
    script,
    // Components set inline styles (style attributes); no script runs from them.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    `connect-src 'self'${opts.dev ? ' ws: wss:' : ''}`,
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    ...(opts.overTls ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** A fresh nonce per response (CSP Level 3: at least 128 bits, base64). */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
