/**
 * The jobs domain's public surface: the job API (`jobsApi`), submitting a job to a worker
 * (`submitJob`), reaching a worker's queue (`agentQueue`), and the shapes of jobs and of the notice
 * a submitter gets when its job ends. The AgentObject class itself (one per agent: its job queue,
 * stream and notices) is not exported here — the Worker entry imports it directly — because
 * importing this surface must never load the Durable Object's module: the StackObject and the
 * simulations use it.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { jobs } from './routes.ts';

export const jobsApi = new Hono<AppEnv>().route('/v1/orchestrator/jobs', jobs);

export { type AgentQueue, agentQueue } from './agent-queue.ts';
export { findJobIndex } from './index-store.ts';
export { type JobEnd, type JobNotify, jobEnd } from './job-notice.ts';
export type { JobStatus } from './job-store.ts';
export type { JobView, JsonFields } from './job-view.ts';
export { type JobSubmission, type SubmitRefusal, submitJob } from './submit-job.ts';
