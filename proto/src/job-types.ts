/**
 * The job types by name, apart from their params' schemas (jobs.ts, which must have exactly
 * these keys): what needs only the names, the agent's policy file for one, loads without zod's
 * schemas for every job (the agent's `enroll` starts faster: it is on the installer's path).
 */
export const jobTypes = [
  'node.facts',
  'docker.run',
  'docker.remove',
  'docker.containers',
  'docker.logs',
  'docker.container.action',
  'agent.upgrade',
  'stack.converge',
  'stack.remove',
  'stack.verify',
  'node.prechecks',
  'node.bootstrap',
  'tofu.plan',
  'tofu.apply',
  'sim.node.create',
  'sim.node.start',
  'sim.node.stop',
  'sim.node.delete',
  'sim.node.logs',
  'sim.node.fault',
  'swarm.init',
  'swarm.join',
  'swarm.services',
  'swarm.verify',
  'swarm.remove',
  'swarm.leave',
  'swarm.forget',
  'swarm.status',
] as const;

export type JobType = (typeof jobTypes)[number];
