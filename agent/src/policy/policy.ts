/**
 * The node's job policy (issue 20, H2): a file the machine's owner keeps on the node, which says
 * what the edge may make this agent do. Nothing the edge sends can change it; the agent reads it
 * again for every job, so an edit takes effect with the next job, without a restart.
 *
 * A missing file means the built-in default (the same as the file the installer writes). A file
 * that cannot be read or is not valid is never replaced by the default: the agent then refuses
 * every job, and says which field is wrong, until the owner fixes it.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { jobTypes } from '@kombify/proto/job-types';
import { z } from 'zod';

/** OpenTofu jobs run whatever configuration they carry: they are switched by `opentofu` alone. */
export const tofuJobTypes = ['tofu.plan', 'tofu.apply'] as const;
const otherJobTypes = jobTypes.filter((t) => !(tofuJobTypes as readonly string[]).includes(t));

/**
 * What a stack's workflow sends (pre-checks, bootstrap, converge, verify, remove, and a swarm's
 * init, join, services, verify, remove and leave) and the edge's own typed actions (facts, the
 * dashboard's container list, logs and restart, signed upgrades, a swarm's status).
 * Not: `docker.run`/`docker.remove` (only ever raw jobs) and `sim.*` (only a KombiSim host).
 */
export const defaultJobTypes = [
  'node.facts',
  'node.prechecks',
  'node.bootstrap',
  'stack.converge',
  'stack.verify',
  'stack.remove',
  'swarm.init',
  'swarm.join',
  'swarm.services',
  'swarm.verify',
  'swarm.remove',
  'swarm.leave',
  'swarm.forget',
  'swarm.status',
  'docker.containers',
  'docker.logs',
  'docker.container.action',
  'agent.upgrade',
] as const satisfies readonly (typeof otherJobTypes)[number][];

/**
 * The kit services that need the Docker socket for what they do (stackkits' Docker catalog: a
 * proxy reading container labels, log and host viewers, Docker UIs), each with its image's
 * repository, so a custom service given one of these names still cannot have the socket.
 */
export const defaultDockerSocket = [
  { service: 'traefik', image: 'traefik' },
  { service: 'dozzle', image: 'amir20/dozzle' },
  { service: 'dozzle-agent', image: 'amir20/dozzle' },
  { service: 'netdata', image: 'netdata/netdata' },
  { service: 'portainer', image: 'portainer/portainer-ce' },
  { service: 'dockge', image: 'louislam/dockge' },
  { service: 'dokploy', image: 'dokploy/dokploy' },
  { service: 'coolify', image: 'ghcr.io/coollabsio/coolify' },
] as const;

const absolutePath = z
  .string()
  .max(4096)
  .regex(/^\//, 'must be an absolute path')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".."');

const serviceName = z
  .string()
  .regex(/^(\*|[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127})$/, 'must be a service name, or "*" for any service');

export const policySchema = z
  .object({
    version: z.literal(1),
    job_types: z
      .array(
        z.string().superRefine((t, ctx) => {
          if ((tofuJobTypes as readonly string[]).includes(t))
            ctx.addIssue({
              code: 'custom',
              message: `${t} is not listed here: set "opentofu": true instead`,
            });
          else if (!otherJobTypes.includes(t as (typeof otherJobTypes)[number]))
            ctx.addIssue({
              code: 'custom',
              message: `unknown job type "${t}"; known: ${otherJobTypes.join(', ')}`,
            });
        }),
      )
      .default([...defaultJobTypes]),
    /** Jobs sent to POST /v1/orchestrator/jobs (any type, any params), not by a stack's workflow. */
    raw_jobs: z.boolean().default(false),
    /** tofu.plan and tofu.apply: they run the configuration they carry, providers included. */
    opentofu: z.boolean().default(false),
    bind_mounts: z
      .object({
        /** Host paths stack.converge may bind-mount besides the stack's own directory. */
        allowed_prefixes: z.array(absolutePath).max(256).default([]),
        /** Which services may have the Docker socket (root on this node), by name and image. */
        docker_socket: z
          .array(
            z
              .object({
                service: serviceName,
                /** The image's repository (no tag): any tag of it matches. Absent: any image. */
                image: z.string().min(1).max(512).optional(),
              })
              .strict(),
          )
          .max(256)
          .default(defaultDockerSocket.map((e) => ({ ...e }))),
      })
      .strict()
      .prefault({}),
    /** A web terminal on this node (not offered yet; off until the owner says otherwise). */
    terminals: z.boolean().default(false),
  })
  .strict();

export type Policy = z.output<typeof policySchema>;
/** A policy file as written (fields left out take their defaults). */
export type PolicyFile = z.input<typeof policySchema>;

/** The policy of a node whose owner wrote none: what the installer writes. */
export const defaultPolicy: Policy = policySchema.parse({ version: 1 });

/** The default file's text (the installer writes the same; install-script.test.ts holds them equal). */
export function defaultPolicyText(): string {
  return `${JSON.stringify(defaultPolicy, null, 2)}\n`;
}

/**
 * Everything allowed: for a machine where whoever sends jobs is root already — a simulated node
 * (operators log in to it as root over SSH) or a test's throwaway agent. Never a default.
 */
export function unrestrictedPolicy(): PolicyFile {
  return {
    version: 1,
    job_types: [...otherJobTypes],
    raw_jobs: true,
    opentofu: true,
    bind_mounts: { allowed_prefixes: ['/'], docker_socket: [{ service: '*' }] },
  };
}

/** The default plus what a KombiSim host runs: the sim.* jobs that make and drive simulated nodes. */
export function simHostPolicy(): PolicyFile {
  const sim = otherJobTypes.filter((t) => t.startsWith('sim.'));
  return { version: 1, job_types: [...defaultJobTypes, ...sim] };
}

export type LoadedPolicy =
  | { ok: true; policy: Policy; path: string; source: 'file' | 'default' }
  | { ok: false; path: string; error: string };

/**
 * Where the policy lives: KOMBIFY_AGENT_POLICY, else /etc/kombify/policy.json for an agent running
 * as root (the installer's place), else `<data dir>/policy.json` (a user's own agent).
 */
export function defaultPolicyPath(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.KOMBIFY_AGENT_POLICY) return env.KOMBIFY_AGENT_POLICY;
  return process.getuid?.() === 0 ? '/etc/kombify/policy.json' : join(dataDir, 'policy.json');
}

/**
 * Only the node's owner may widen what the edge may do here: a file another user owns, or that
 * group or others may write, is no policy (the agent would take that user's word for root's).
 */
export function writableByOthers(
  path: string,
  st: { mode: number; uid: number },
  agentUid: number,
): string | null {
  const mode = st.mode & 0o777;
  if (mode & 0o022)
    return `${path} can be changed by other users (mode ${mode.toString(8)}); run: chmod go-w ${path}`;
  if (st.uid !== 0 && st.uid !== agentUid)
    return `${path} belongs to user ${st.uid}, not to root or the agent's user (${agentUid}); run: chown ${agentUid} ${path}`;
  return null;
}

/** Reads and checks the policy file; every problem is named by its field path. Never throws. */
export function loadPolicy(path: string): LoadedPolicy {
  if (!existsSync(path)) return { ok: true, policy: defaultPolicy, path, source: 'default' };
  let text: string;
  try {
    const problem = writableByOthers(path, statSync(path), process.getuid?.() ?? 0);
    if (problem) return { ok: false, path, error: problem };
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, path, error: `${path} cannot be read: ${(error as Error).message}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, path, error: `${path} is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`,
    );
    return { ok: false, path, error: `${path} is not a valid policy: ${issues.join('; ')}` };
  }
  return { ok: true, policy: parsed.data, path, source: 'file' };
}

/**
 * Writes the default policy where none is (the installer's step): an existing file is the owner's
 * and is never replaced, not even by a concurrent writer (`wx`). True when it wrote the file.
 */
export function initPolicy(path: string): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  try {
    writeFileSync(path, defaultPolicyText(), { flag: 'wx', mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  return true;
}
