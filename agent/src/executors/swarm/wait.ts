/**
 * Waiting for a Swarm service: done when its update (if any) completed and every task it should
 * run is running (with a health check, Swarm reports a task running only once it is healthy).
 * A rolled back or paused update fails with Swarm's own reason; a timeout names the tasks'
 * errors (e.g. "no suitable node"), so the run's steps say why.
 */
import type Docker from 'dockerode';
import { JobFailure } from '../job-error.ts';

export type ServiceProgress = (line: string) => void;

interface Task {
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string; Err?: string; Message?: string };
}

export interface TaskCount {
  running: number;
  desired: number;
  errors: string[];
  nodes: string[];
}

/** Running vs desired tasks (a global service wants one per eligible node: its tasks meant to run). */
export function countTasks(tasks: readonly Task[], replicas: number | null): TaskCount {
  const meant = tasks.filter((t) => t.DesiredState === 'running');
  const running = meant.filter((t) => t.Status?.State === 'running');
  const errors = [
    ...new Set(
      tasks
        .filter((t) => t.Status?.Err)
        .map((t) => t.Status?.Err as string)
        .slice(0, 5),
    ),
  ];
  return {
    running: running.length,
    desired: replicas ?? meant.length,
    errors,
    nodes: running.map((t) => t.NodeID ?? ''),
  };
}

const failedUpdate = new Set(['rollback_completed', 'paused', 'rollback_paused']);

export async function serviceTasks(docker: Docker, name: string): Promise<Task[]> {
  return (await docker.listTasks({ filters: { service: [name] } })) as Task[];
}

export async function waitForService(
  docker: Docker,
  name: string,
  timeoutS: number,
  signal: AbortSignal,
  progress: ServiceProgress,
  /**
   * For an update: the UpdateStatus.StartedAt before it ('' when none; the new update's status replaces it);
   * null for a service this job did not change; undefined for one it created.
   */
  updatedSince?: string | null,
  /** For an update: whether it replaces the tasks (then a new update status must come); unknown: guess. */
  replacesTasks?: boolean,
): Promise<string> {
  const started = Date.now();
  const deadline = started + timeoutS * 1000;
  let last = '';
  for (;;) {
    const info = (await docker.getService(name).inspect()) as {
      Spec?: { Mode?: { Replicated?: { Replicas?: number } } };
      UpdateStatus?: { State?: string; Message?: string; StartedAt?: string };
    };
    // Right after an update call Swarm has cleared the old status (or still shows it); this
    // update's own status comes with a new start time. An update that replaces the tasks always
    // gets one; one that replaces none (labels only) gets none, so it is judged by its tasks alone;
    // without the task hash, a bound guesses.
    const startedAt = info.UpdateStatus?.StartedAt ?? '';
    const fresh =
      updatedSince === undefined ||
      (startedAt !== '' && startedAt !== updatedSince) ||
      (replacesTasks === undefined && Date.now() - started > 5000);
    // An unchanged service is judged by its tasks: an earlier update's end is not this job's.
    const state =
      updatedSince === null || (updatedSince !== undefined && replacesTasks === false)
        ? undefined
        : fresh
          ? info.UpdateStatus?.State
          : 'pending';
    if (state && failedUpdate.has(state)) {
      throw new JobFailure(
        state === 'rollback_completed' ? 'swarm_update_rolled_back' : 'swarm_update_paused',
        `${name}: the update ${state === 'rollback_completed' ? 'was rolled back' : 'paused'}: ${info.UpdateStatus?.Message ?? 'no reason given'}`,
      );
    }
    const replicas = info.Spec?.Mode?.Replicated ? (info.Spec.Mode.Replicated.Replicas ?? 1) : null;
    const count = countTasks(await serviceTasks(docker, name), replicas);
    const summary = `${count.running}/${count.desired}`;
    if (summary !== last) progress(`${summary} tasks running${state ? ` (update ${state})` : ''}`);
    last = summary;
    const settled = !state || state === 'completed';
    if (settled && count.desired > 0 && count.running >= count.desired) return summary;
    if (Date.now() > deadline) {
      throw new JobFailure(
        'swarm_service_timeout',
        `${name}: ${summary} tasks running after ${timeoutS} s${count.desired === 0 ? ' (no node is eligible for it)' : ''}${count.errors.length > 0 ? `: ${count.errors.join('; ')}` : ''}`,
      );
    }
    if (signal.aborted) throw new JobFailure('cancelled', `${name}: cancelled while waiting for its tasks`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
