/**
 * `<data dir>/upgrade.json`: the one upgrade in flight, shared by the agent that starts it, the
 * supervisor that restarts and watches it, and the new version that confirms it is online.
 *
 *   pending ──new version connected──▶ confirmed
 *      └──── no confirmation in time, or it exited ──▶ rolled_back (reason)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../files.ts';

export interface UpgradeState {
  from: string;
  to: string;
  /** The agent.upgrade job that asked for it; absent for `kombify-agent upgrade`. */
  job_id?: string;
  state: 'pending' | 'confirmed' | 'rolled_back';
  reason?: string;
  started_at: string;
  updated_at: string;
}

const file = (dataDir: string) => join(dataDir, 'upgrade.json');

export function readUpgradeState(dataDir: string): UpgradeState | null {
  if (!existsSync(file(dataDir))) return null;
  try {
    return JSON.parse(readFileSync(file(dataDir), 'utf8')) as UpgradeState;
  } catch {
    return null;
  }
}

export function writeUpgradeState(dataDir: string, state: Omit<UpgradeState, 'updated_at'>): void {
  writeFileAtomic(file(dataDir), JSON.stringify({ ...state, updated_at: new Date().toISOString() }), 0o600);
}

/** Called by the agent once its job stream is open: a pending upgrade to this version took. */
export function confirmUpgrade(dataDir: string, runningVersion: string): boolean {
  const state = readUpgradeState(dataDir);
  if (state?.state !== 'pending' || state.to !== runningVersion) return false;
  writeUpgradeState(dataDir, { ...state, state: 'confirmed' });
  return true;
}
