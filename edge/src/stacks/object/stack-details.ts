/**
 * A stack's own settings in its StackObject's storage: what creating it writes, and the details
 * the API shows. Plain functions over the stack's SQLite (stack-store.ts).
 */
import { tofuStore } from '../../tofu-state/index.ts';
import * as engine from './engine.ts';
import * as store from './stack-store.ts';

/** How a spec node finds its worker: explicitly, by the worker's name, or by labels on its facts. */
export type Binding =
  | { worker_id: string }
  | { worker_name: string }
  | { labels: Record<string, string> }
  | { simulation: string; node: string };

export interface StackInit {
  id: string;
  orgId: string;
  name: string;
  version: Omit<store.SpecVersion, 'version' | 'createdAt'>;
  bindings: Record<string, Binding>;
  driftIntervalSeconds: number;
  baseUrl: string;
}

/**
 * Writes a new stack with its first spec version, and claims its OpenTofu state for the org: run
 * it in one transaction, so a stack never exists without its state owner, nor the other way round.
 */
export function initStack(sql: store.StackDb, input: StackInit, now: number): void {
  if (!tofuStore.claim(sql, input.orgId, now).claimed) {
    throw new Error(`the OpenTofu state of stack ${input.id} belongs to another org`);
  }
  store.setSetting(sql, 'id', input.id);
  store.setSetting(sql, 'org_id', input.orgId);
  store.setSetting(sql, 'name', input.name);
  store.setSetting(sql, 'base_url', input.baseUrl);
  store.setSetting(sql, 'status', 'created');
  store.setSetting(sql, 'bindings', JSON.stringify(input.bindings));
  store.setSetting(sql, 'drift_interval_s', String(input.driftIntervalSeconds));
  store.setSetting(sql, 'next_drift_at', String(now + input.driftIntervalSeconds * 1000));
  const v = store.addVersion(sql, { ...input.version, createdAt: now });
  store.setSetting(sql, 'current_version', String(v.version));
  store.addEvent(
    sql,
    { workflowId: null, kind: 'stack.created', message: `stack ${input.name} created (version 1)` },
    now,
  );
}

/** The stack as the API shows it (the object must hold a stack). */
export function stackDetails(sql: store.StackDb) {
  const current = Number(store.getSetting(sql, 'current_version'));
  const version = store.getVersion(sql, current)!;
  const active = store.activeWorkflow(sql);
  const drift = store.getSetting(sql, 'last_drift');
  const deployed = JSON.parse(store.getSetting(sql, 'deployed') ?? 'null') as {
    secret_versions?: Record<string, number>;
  } | null;
  const outputs = store.getSetting(sql, 'tofu_outputs');
  return {
    id: store.getSetting(sql, 'id')!,
    name: store.getSetting(sql, 'name')!,
    kit: version.kit,
    status: engine.stackStatus({ sql }),
    current_version: current,
    versions: store.listVersions(sql).length,
    bindings: JSON.parse(store.getSetting(sql, 'bindings') ?? '{}') as Record<string, Binding>,
    active_workflow_id: active?.id ?? null,
    drift: {
      interval_seconds: engine.driftIntervalMs({ sql }) / 1000,
      last: drift ? JSON.parse(drift) : null,
      /** The secret versions the deployed run used (the Worker compares them with the store's). */
      secret_versions: deployed?.secret_versions ?? {},
    },
    /** `internal` after a run onto simulated machines only: Caddy signs its routes with its own CA. */
    proxy_tls: store.getSetting(sql, 'proxy_tls') === 'internal' ? ('internal' as const) : ('auto' as const),
    /** The OpenTofu outputs of the last apply (sensitive values null), or null before any. */
    tofu_outputs: outputs ? (JSON.parse(outputs) as Record<string, unknown>) : null,
  };
}
