import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../app.ts';

const preflight = (origin: string) =>
  new Request('http://edge.test/health', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST' },
  });

describe('CORS', () => {
  it('answers only the configured origins, on every request of the same config', async () => {
    const configured = { ...env, CORS_ORIGINS: 'https://app.example, https://admin.example' };
    for (let i = 0; i < 2; i++) {
      const ok = await app.fetch(preflight('https://admin.example'), configured);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://admin.example');
      expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
      const evil = await app.fetch(preflight('https://evil.example'), configured);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('allows no cross-origin call when no origin is configured', async () => {
    const res = await app.fetch(
      new Request('http://edge.test/health', { headers: { origin: 'https://app.example' } }),
      env,
    );
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
