/** The Worker as deployed (wrangler.toml), without a database configured: what must still hold. */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('edge app', () => {
  it('reports itself unhealthy (503) with the reason when the database is not configured', async () => {
    const res = await SELF.fetch('http://edge/health');
    expect(res.status).toBe(503);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({
      status: 'unhealthy',
      version: '0.1.0',
      checks: { database: { status: 'unhealthy' } },
    });
    expect(body.checks.database.message).toContain('DATABASE_URL');
    expect((await SELF.fetch('http://edge/ready')).status).toBe(503);
  });

  it('answers unknown routes with the contract error shape and a request id', async () => {
    const res = await SELF.fetch('http://edge/v1/nothing-here');
    expect(res.status).toBe(404);
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(res.headers.get('x-request-id')).toBe(body.error.requestId);
    expect(body.error.requestId).toMatch(/^req_/);
  });

  it('keeps a well-formed incoming request id and replaces one that is not', async () => {
    const kept = await SELF.fetch('http://edge/v1/nothing-here', {
      headers: { 'x-request-id': 'trace-123_abc' },
    });
    expect(kept.headers.get('x-request-id')).toBe('trace-123_abc');
    expect(((await kept.json()) as any).error.requestId).toBe('trace-123_abc');
    for (const bad of ['<script>', 'a b', 'x'.repeat(129)]) {
      const res = await SELF.fetch('http://edge/v1/nothing-here', { headers: { 'x-request-id': bad } });
      await res.body?.cancel();
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    }
  });

  it('checks credentials before anything else on the job API', async () => {
    const res = await SELF.fetch('http://edge/v1/orchestrator/jobs', { method: 'POST', body: 'not json' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('AUTH_REQUIRED');
  });

  it('refuses agent calls without a token in the Connect protocol', async () => {
    const res = await SELF.fetch('http://edge/kombify.agent.v1.AgentService/Heartbeat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      code: 'unauthenticated',
      message: expect.stringContaining('agent token required'),
    });
  });
});
