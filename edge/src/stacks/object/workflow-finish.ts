/** A run's end: its status, the steps it never reached, and what the stack is now. */
import { type EngineDeps, event, type StackStatus, setStackStatus } from './engine-deps.ts';
import type { WorkflowRecord } from './stack-store.ts';
import * as store from './stack-store.ts';

export async function finishWorkflow(
  deps: EngineDeps,
  wf: WorkflowRecord,
  status: 'succeeded' | 'failed' | 'cancelled' | 'rejected',
  error: { code: string; message: string } | null,
): Promise<void> {
  store.updateWorkflow(deps.sql, wf.id, { status, finishedAt: deps.now(), error });
  // Steps that never ran are marked so the history reads cleanly.
  for (const s of store.listSteps(deps.sql, wf.id)) {
    if (s.status === 'pending' || s.status === 'waiting' || s.status === 'running') {
      store.updateStep(deps.sql, wf.id, s.index, {
        status: status === 'succeeded' ? 'skipped' : 'cancelled',
        finishedAt: deps.now(),
      });
    }
  }
  event(
    deps,
    wf.id,
    `workflow.${status}`,
    error ? `${wf.kind} ${status}: ${error.message}` : `${wf.kind} ${status}`,
    {
      ...(error ? { data: { error } } : {}),
    },
  );
  const mutating = (wf.kind === 'deploy' || wf.kind === 'provision') && !wf.options.dry_run;
  if (mutating) {
    if (status === 'succeeded') {
      store.setSetting(
        deps.sql,
        'deployed',
        JSON.stringify({
          version: wf.version,
          workers: wf.workers,
          workflow_id: wf.id,
          secret_versions: wf.artifacts?.secret_versions ?? {},
          // What the next run compares its members with, to find the ones that must leave.
          swarm_members: wf.artifacts?.swarm?.members.map((m) => m.node) ?? [],
        }),
      );
      await setStackStatus(deps, 'deployed');
    } else await setStackStatus(deps, status === 'failed' ? 'failed' : previousStatus(deps));
  } else if (wf.kind === 'destroy') {
    if (status === 'succeeded') {
      store.setSetting(deps.sql, 'deployed', null);
      await setStackStatus(deps, 'destroyed');
    } else await setStackStatus(deps, status === 'failed' ? 'failed' : previousStatus(deps));
  }
}

/** What a cancelled or rejected run leaves the stack as: deployed if a deploy is on record. */
function previousStatus(deps: EngineDeps): StackStatus {
  return store.getSetting(deps.sql, 'deployed') ? 'deployed' : 'created';
}
