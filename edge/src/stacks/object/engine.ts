/**
 * The workflow engine, one module per concern (STYLE.md: one concept per file):
 * - engine-deps.ts — what the parts share (deps, events, status, a step's end, the plan);
 * - workflow-run.ts — the loop: queue, advance, the alarm's tick, drift checks;
 * - step-start.ts, step-jobs.ts, step-results.ts — a step by kind: local work, jobs, their results;
 * - workflow-finish.ts, workflow-actions.ts — a run's end, and approve / reject / cancel.
 * Callers (the StackObject, tests) use this module only.
 */
export type { Dispatcher, EngineDeps, JobOutcome, StackStatus, WorkflowOptions } from './engine-deps.ts';
export { stackStatus } from './engine-deps.ts';
export { type ActionResult, approve, cancelWorkflow, reject } from './workflow-actions.ts';
export {
  advance,
  createWorkflow,
  driftIntervalMs,
  jobEnded,
  nextWake,
  stepsFor,
  tick,
} from './workflow-run.ts';
