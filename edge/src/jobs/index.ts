/**
 * The jobs domain's public surface: submitting a job to a worker (`submitJob`), reaching a
 * worker's queue (`agentQueue`), and the shapes of jobs and of the notice a submitter gets when
 * its job ends. The AgentObject class itself is not exported here (the Worker entry imports it
 * directly): importing this surface must never load the Durable Object's module, because the
 * StackObject and the simulations use it.
 */
export { type AgentQueue, agentQueue } from './agent-queue.ts';
export { findJobIndex } from './index-store.ts';
export { type JobEnd, type JobNotify, jobEnd } from './job-notice.ts';
export { type JobStatus, terminalStatuses } from './job-store.ts';
export type { JobView, JsonFields } from './job-view.ts';
export { jobs } from './routes.ts';
export { type JobSubmission, type SubmitRefusal, submitJob } from './submit-job.ts';
