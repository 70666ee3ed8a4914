/** The API's views of a stack's spec versions and workflows: snake_case, ISO times. */
import type { EventRecord, SpecVersion, StepRecord, WfJobRecord, WorkflowRecord } from './stack-store.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function versionView(v: SpecVersion, current: number) {
  return {
    version: v.version,
    current: v.version === current,
    name: v.name,
    kit: v.kit,
    format: v.format,
    note: v.note,
    options: v.options,
    tofu_files: v.tofu ? Object.keys(v.tofu.files) : [],
    created_at: iso(v.createdAt)!,
  };
}

export type VersionView = ReturnType<typeof versionView>;

export function eventView(e: EventRecord) {
  return { seq: e.seq, at: iso(e.at)!, kind: e.kind, step: e.step, message: e.message, data: e.data };
}

export type EventView = ReturnType<typeof eventView>;

export function jobView(j: WfJobRecord, steps: StepRecord[]) {
  return {
    id: j.id,
    step: steps.find((s) => s.index === j.stepIndex)?.name ?? null,
    node: j.node,
    worker_id: j.workerId,
    type: j.type,
    status: j.status,
    result: j.result,
    error: j.error,
    created_at: iso(j.createdAt)!,
    dispatched_at: iso(j.dispatchedAt),
    finished_at: iso(j.finishedAt),
  };
}

export function workflowSummary(stackId: string, w: WorkflowRecord, steps: StepRecord[]) {
  return {
    id: w.id,
    stack_id: stackId,
    kind: w.kind,
    status: w.status,
    spec_version: w.version,
    options: w.options,
    workers: w.workers,
    current_step: steps.find((s) => s.index === w.stepIndex)?.name ?? null,
    error: w.error,
    requested_by: w.requestedBy,
    created_at: iso(w.createdAt)!,
    started_at: iso(w.startedAt),
    finished_at: iso(w.finishedAt),
  };
}

export type WorkflowSummary = ReturnType<typeof workflowSummary>;

export function workflowView(
  stackId: string,
  w: WorkflowRecord,
  steps: StepRecord[],
  jobs: WfJobRecord[],
  events: EventRecord[],
) {
  return {
    ...workflowSummary(stackId, w, steps),
    steps: steps.map((s) => ({
      name: s.name,
      status: s.status,
      started_at: iso(s.startedAt),
      finished_at: iso(s.finishedAt),
      detail: s.detail,
      error: s.error,
    })),
    jobs: jobs.map((j) => jobView(j, steps)),
    events: events.map(eventView),
  };
}

export type WorkflowView = ReturnType<typeof workflowView>;
