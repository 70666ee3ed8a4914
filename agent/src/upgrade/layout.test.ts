import { mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activate, installLayout, linkedVersion, prune, rollBack } from './layout.ts';
import { confirmUpgrade, readUpgradeState, writeUpgradeState } from './upgrade-state.ts';

let prefix: string;

function version(v: string, runtime: string) {
  mkdirSync(join(prefix, 'versions', v), { recursive: true });
  mkdirSync(join(prefix, 'runtimes', runtime), { recursive: true });
  symlinkSync(`../../runtimes/${runtime}`, join(prefix, 'versions', v, 'runtime'));
}

beforeEach(() => {
  prefix = mkdtempSync(join(tmpdir(), 'kombify-layout-'));
  version('1.0.0', 'node-a');
  symlinkSync('versions/1.0.0', join(prefix, 'current'));
  process.env.KOMBIFY_AGENT_PREFIX = prefix;
});

afterEach(() => {
  delete process.env.KOMBIFY_AGENT_PREFIX;
  rmSync(prefix, { recursive: true, force: true });
});

describe('the installed layout', () => {
  it('is found through KOMBIFY_AGENT_PREFIX, and only when it has a current version', () => {
    expect(installLayout()).toEqual({ prefix });
    process.env.KOMBIFY_AGENT_PREFIX = join(prefix, 'nothing-here');
    expect(installLayout()).toBeNull();
  });

  it('activates a version (old one becomes previous) and rolls back', () => {
    const layout = { prefix };
    version('1.1.0', 'node-a');
    expect(activate(layout, '1.1.0')).toBe('1.0.0');
    expect(linkedVersion(layout, 'current')).toBe('1.1.0');
    expect(linkedVersion(layout, 'previous')).toBe('1.0.0');
    rollBack(layout, '1.0.0');
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/1.0.0');
    expect(linkedVersion(layout, 'previous')).toBe('1.1.0');
  });

  it('prunes versions other than current and previous, and runtimes nobody uses', () => {
    const layout = { prefix };
    version('1.1.0', 'node-b');
    version('1.2.0', 'node-b');
    activate(layout, '1.1.0');
    activate(layout, '1.2.0');
    prune(layout);
    expect(linkedVersion(layout, 'previous')).toBe('1.1.0');
    expect(() => readlinkSync(join(prefix, 'versions/1.0.0/runtime'))).toThrow();
    expect(() => readlinkSync(join(prefix, 'runtimes/node-a'))).toThrow();
  });
});

describe('the upgrade state', () => {
  it('is confirmed only by the version it upgrades to', () => {
    writeUpgradeState(prefix, { from: '1.0.0', to: '1.1.0', state: 'pending', started_at: 'now' });
    expect(confirmUpgrade(prefix, '1.0.0')).toBe(false);
    expect(readUpgradeState(prefix)?.state).toBe('pending');
    expect(confirmUpgrade(prefix, '1.1.0')).toBe(true);
    expect(readUpgradeState(prefix)?.state).toBe('confirmed');
    expect(confirmUpgrade(prefix, '1.1.0')).toBe(false);
  });
});
