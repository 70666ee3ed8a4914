import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../app.ts';
import { benchRoutesEnabled, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('reads the vars wrangler.toml declares through the schema (numbers as numbers)', () => {
    const config = loadConfig(env);
    expect(config.JOB_LEASE_SECONDS).toBe(60);
    expect(config.BENCH_ROUTES).toBe(false);
  });

  it('parses an environment once and hands out the same frozen config', () => {
    const own = { ...env, JOB_LEASE_SECONDS: '61' };
    const config = loadConfig(own);
    expect(config.JOB_LEASE_SECONDS).toBe(61);
    expect(loadConfig(own)).toBe(config);
    expect(Object.isFrozen(config)).toBe(true);
    // Another environment object is parsed on its own.
    expect(loadConfig({ ...own, JOB_LEASE_SECONDS: '62' }).JOB_LEASE_SECONDS).toBe(62);
  });

  it('names the var that is wrong', () => {
    expect(() => loadConfig({ ...env, JOB_MAX_ATTEMPTS: 'lots' })).toThrow(/JOB_MAX_ATTEMPTS/);
  });
});

describe('benchRoutesEnabled', () => {
  it('is on only for "1", as the benchmark sets it', () => {
    expect(benchRoutesEnabled(env)).toBe(false);
    expect(benchRoutesEnabled({ ...env, BENCH_ROUTES: '1' })).toBe(true);
    expect(benchRoutesEnabled({ ...env, BENCH_ROUTES: 'true' })).toBe(false);
  });
});

describe('the benchmark probes', () => {
  it('are not there unless BENCH_ROUTES is "1" (wrangler.toml says "0")', async () => {
    expect((await SELF.fetch('http://edge.test/_bench/bare')).status).toBe(404);
    const on = await app.fetch(new Request('http://edge.test/_bench/bare'), { ...env, BENCH_ROUTES: '1' });
    expect(await on.json()).toEqual({ ok: true });
  });
});
