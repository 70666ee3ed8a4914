/**
 * The gateway chain on a real edge: exact per-consumer rate limits with the contract's headers,
 * and security headers on every response, errors included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPlan } from '../../scripts/lib/seed.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
const LIMIT = 8;

beforeAll(async () => {
  stack = await startStack({ vars: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
});

afterAll(async () => {
  await stack?.stop();
});

async function raw(path: string, token?: string) {
  return fetch(`${stack.edgeUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

describe('rate limits', () => {
  it('let exactly the limit through when many requests arrive at once, and say when to retry', async () => {
    const { token } = await stack.newTenant('burst');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => raw('/v1/orchestrator/workers', token)),
    );
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    expect(ok).toHaveLength(LIMIT);
    expect(limited).toHaveLength(20 - LIMIT);
    const remaining = ok.map((r) => Number(r.headers.get('ratelimit-remaining'))).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: LIMIT }, (_, i) => i));
    for (const r of ok) {
      expect(r.headers.get('ratelimit-limit')).toBe(String(LIMIT));
      expect(r.headers.get('x-ratelimit-limit-minute')).toBe(String(LIMIT));
      expect(Number(r.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    const refused = limited[0]!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-remaining-minute')).toBe('0');
    const body = (await refused.json()) as any;
    expect(body.error.code).toBe('RATE_LIMITED');
  });

  it('count each consumer separately', async () => {
    const a = await stack.newTenant('a');
    const b = await stack.newTenant('b');
    for (let i = 0; i < LIMIT; i++) expect((await raw('/v1/orchestrator/workers', a.token)).status).toBe(200);
    expect((await raw('/v1/orchestrator/workers', a.token)).status).toBe(429);
    expect((await raw('/v1/orchestrator/workers', b.token)).status).toBe(200);
  });

  it("are raised by the org's plan", async () => {
    const pro = await stack.newTenant('pro');
    await setPlan(stack.db.config, pro.orgId, 'pro');
    const res = await raw('/v1/orchestrator/workers', pro.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe(String(LIMIT * 5));
  });

  it('leave /health alone', async () => {
    for (let i = 0; i < LIMIT + 2; i++) expect((await raw('/health')).status).toBe(200);
  });
});

describe('security headers', () => {
  it('are on successful and error responses', async () => {
    for (const res of [await raw('/health'), await raw('/v1/orchestrator/workers'), await raw('/nope')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    }
  });

  it('allow no cross-origin browser calls unless origins are configured', async () => {
    const res = await fetch(`${stack.edgeUrl}/health`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
