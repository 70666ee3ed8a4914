import type { Db } from '../platform/db/client.ts';
import { recentSamples } from './samples-store.ts';

/** The org's heartbeat samples of the last `minutes`, grouped per worker. */
export async function samplesView(db: Db, orgId: string, minutes: number) {
  const rows = await recentSamples(db, orgId, minutes);
  const byWorker = new Map<string, { at: string; cpu: number; memory: number; disk: number }[]>();
  for (const r of rows) {
    const list = byWorker.get(r.agentId) ?? [];
    list.push({ at: r.at.toISOString(), cpu: r.cpu, memory: r.memory, disk: r.disk });
    byWorker.set(r.agentId, list);
  }
  return [...byWorker].map(([worker_id, samples]) => ({ worker_id, samples }));
}
