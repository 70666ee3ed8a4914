import { describe, expect, it } from 'vitest';
import { evaluateFlag, type FlagDefinition } from './flag-evaluate.ts';

const flag = (over: Partial<FlagDefinition> = {}): FlagDefinition => ({
  key: 'new-dashboard',
  enabled: true,
  rolloutPercent: 30,
  targeting: {},
  ...over,
});

describe('evaluateFlag', () => {
  it('answers the same for the same user every time', () => {
    const f = flag();
    for (let i = 0; i < 100; i++) {
      const sub = `user-${i}`;
      const first = evaluateFlag(f, { sub });
      for (let j = 0; j < 5; j++) expect(evaluateFlag(f, { sub })).toBe(first);
    }
  });

  it('splits close to the rollout percentage over 10,000 ids', () => {
    for (const pct of [1, 10, 30, 50, 90]) {
      const f = flag({ rolloutPercent: pct });
      let on = 0;
      for (let i = 0; i < 10_000; i++) if (evaluateFlag(f, { sub: `usr_${i.toString(36)}` })) on++;
      expect(Math.abs(on / 100 - pct)).toBeLessThan(2.5);
    }
  });

  it('only adds users when the percentage rises', () => {
    const low = flag({ rolloutPercent: 20 });
    const high = flag({ rolloutPercent: 60 });
    for (let i = 0; i < 2000; i++) {
      if (evaluateFlag(low, { sub: `u${i}` })) expect(evaluateFlag(high, { sub: `u${i}` })).toBe(true);
    }
  });

  it('lets a user override beat an org override beat the platform switch', () => {
    const f = flag({ enabled: false, targeting: { orgs: { org_a: true }, users: { alice: false } } });
    expect(evaluateFlag(f, { sub: 'bob', orgId: 'org_a' })).toBe(true);
    expect(evaluateFlag(f, { sub: 'alice', orgId: 'org_a' })).toBe(false);
    expect(evaluateFlag(f, { sub: 'carol', orgId: 'org_b' })).toBe(false);
    expect(evaluateFlag(flag({ rolloutPercent: 100 }), { sub: 'x' })).toBe(true);
    expect(evaluateFlag(flag({ rolloutPercent: 0 }), { sub: 'x' })).toBe(false);
  });
});
