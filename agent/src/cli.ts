/**
 * kombify-agent: the node agent's command line.
 *
 *   kombify-agent enroll --edge <url> --token <enrollment token> [--name <name>] [--force] [--init-policy]
 *   kombify-agent run
 *   kombify-agent status [--json]
 *   kombify-agent upgrade [--version <v>]
 *   kombify-agent policy [init] [--json]
 *   kombify-agent version
 *
 * Common: --data-dir <dir> (KOMBIFY_AGENT_DATA_DIR; default /var/lib/kombify-agent as root,
 * ~/.kombify-agent otherwise), --policy <file> (KOMBIFY_AGENT_POLICY; default
 * /etc/kombify/policy.json as root, <data dir>/policy.json otherwise). Exit codes: 0 ok,
 * 1 failure, 2 usage, 3 enrollment refused.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Code, ConnectError } from '@connectrpc/connect';
import { createAgentClient } from './edge-client.ts';
import { edgeUrlProblem } from './edge-url.ts';
import { collectFacts } from './facts.ts';
import { loadIdentity, makeKeyPair, saveIdentity } from './identity.ts';
import { configureLog, log } from './log.ts';
import { Outbox } from './outbox.ts';
import { defaultPolicyPath, initPolicy, loadPolicy } from './policy/policy.ts';
import { EXIT_RESTART, setAgentRuntime } from './upgrade/runtime.ts';
import { AGENT_VERSION } from './version.ts';

const usage = `kombify-agent ${AGENT_VERSION} — runs jobs from the kombify edge on this node

Usage:
  kombify-agent enroll --edge <url> --token <token> [--name <name>] [--force] [--init-policy]
      Make a key pair, enroll with a one-time enrollment token, store the identity (mode 0600).
      --init-policy also does \`policy init\` once enrolled (the installer: one Node start less).
  kombify-agent run
      Dial out to the edge, keep the job stream open, run jobs. Reconnects by itself.
  kombify-agent status [--json]
      Show this node's identity and how many job outcomes wait in the outbox.
  kombify-agent upgrade [--version <v>]
      Install the edge's current (or the given) release, verified against its signed manifest,
      and restart on it; it rolls back if the new version does not come online (installed nodes).
  kombify-agent policy [--json]
      Check this node's job policy file and show what it allows (exit 1 when it is not valid:
      the agent then refuses every job). Edit the file to change it; the next job reads it.
  kombify-agent policy init
      Write the default policy file unless one exists (an existing file is never replaced).
  kombify-agent version

Options:
  --data-dir <dir>     where identity and outbox live (env KOMBIFY_AGENT_DATA_DIR)
  --policy <file>      this node's job policy (env KOMBIFY_AGENT_POLICY; default
                       /etc/kombify/policy.json as root, <data dir>/policy.json otherwise)
  --log-format <fmt>   text (default) or json (env KOMBIFY_AGENT_LOG_FORMAT)
  -h, --help           this help

Exit codes: 0 ok, 1 failure, 2 usage error, 3 enrollment refused.
`;

class UsageError extends Error {}

function defaultDataDir(): string {
  if (process.env.KOMBIFY_AGENT_DATA_DIR) return process.env.KOMBIFY_AGENT_DATA_DIR;
  return process.getuid?.() === 0 ? '/var/lib/kombify-agent' : join(os.homedir(), '.kombify-agent');
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${name} must be a positive number, got ${raw}`);
  return value;
}

async function enroll(values: Record<string, unknown>, dataDir: string): Promise<number> {
  const edge = values.edge as string | undefined;
  const token = values.token as string | undefined;
  if (!edge || !token) throw new UsageError('enroll needs --edge <url> and --token <enrollment token>');
  let edgeUrl: URL;
  try {
    edgeUrl = new URL(edge);
  } catch {
    throw new UsageError(`--edge is not a URL: ${edge}`);
  }
  const problem = edgeUrlProblem(edgeUrl);
  if (problem) throw new UsageError(`--edge refused: ${problem}`);
  const existing = loadIdentity(dataDir);
  if (existing && !values.force) {
    process.stderr.write(
      `This node is already enrolled as ${existing.name} (${existing.agent_id}) with ${existing.edge_url}.\n` +
        'Use --force to enroll it again with a new identity.\n',
    );
    return 1;
  }
  const { privateJwk, publicJwk } = await makeKeyPair();
  const facts = await collectFacts(existsSync(dataDir) ? dataDir : '/');
  const client = createAgentClient(edgeUrl.origin);
  try {
    const res = await client.enroll({
      enrollmentToken: token,
      publicKeyJwk: JSON.stringify(publicJwk),
      name: (values.name as string | undefined) ?? '',
      facts,
    });
    saveIdentity(dataDir, {
      agent_id: res.agentId,
      org_id: res.orgId,
      name: res.name,
      edge_url: edgeUrl.origin,
      audience: res.audience,
      heartbeat_interval_seconds: res.heartbeatIntervalSeconds,
      private_key_jwk: privateJwk,
      public_key_jwk: publicJwk,
      enrolled_at: new Date().toISOString(),
    });
    process.stdout.write(`Enrolled ${res.name} as worker ${res.agentId}. Identity saved in ${dataDir}.\n`);
    if (values['init-policy']) {
      const path = policyPathOf(values, dataDir);
      process.stdout.write(
        initPolicy(path) ? `Wrote the default job policy to ${path}.\n` : `Kept the job policy in ${path}.\n`,
      );
    }
    process.stdout.write('Start it with: kombify-agent run\n');
    return 0;
  } catch (error) {
    if (
      error instanceof ConnectError &&
      [Code.Unauthenticated, Code.InvalidArgument, Code.PermissionDenied, Code.ResourceExhausted].includes(
        error.code,
      )
    ) {
      process.stderr.write(`Enrollment refused: ${error.rawMessage}\n`);
      return 3;
    }
    const reason = error instanceof ConnectError ? error.rawMessage : (error as Error).message;
    process.stderr.write(`Could not reach the edge at ${edgeUrl.origin}: ${reason}\n`);
    return 1;
  }
}

function policyPathOf(values: Record<string, unknown>, dataDir: string): string {
  return (values.policy as string | undefined) ?? defaultPolicyPath(dataDir);
}

/** Shows the policy the next job will be judged by; exit 1 when the file is not valid. */
function policyCommand(values: Record<string, unknown>, dataDir: string, action: string | undefined): number {
  const path = policyPathOf(values, dataDir);
  if (action === 'init') {
    const wrote = initPolicy(path);
    process.stdout.write(
      wrote ? `Wrote the default job policy to ${path}.\n` : `Kept the job policy in ${path}.\n`,
    );
    return 0;
  }
  if (action !== undefined)
    throw new UsageError(`unknown policy action "${action}" (init, or none to show it)`);
  const loaded = loadPolicy(path);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(loaded)}\n`);
    return loaded.ok ? 0 : 1;
  }
  if (!loaded.ok) {
    process.stderr.write(`${loaded.error}\nUntil it is fixed, this agent refuses every job.\n`);
    return 1;
  }
  const from = loaded.source === 'file' ? loaded.path : `built-in default (no file at ${loaded.path})`;
  process.stdout.write(`Policy: ${from}\n${JSON.stringify(loaded.policy, null, 2)}\n`);
  return 0;
}

async function run(dataDir: string, values: Record<string, unknown>): Promise<number> {
  const identity = loadIdentity(dataDir);
  if (!identity) {
    process.stderr.write(
      `This node is not enrolled (no identity in ${dataDir}). Run: kombify-agent enroll --edge <url> --token <token>\n`,
    );
    return 1;
  }
  const edgeUrl = process.env.KOMBIFY_EDGE_URL || identity.edge_url;
  let problem: string | null;
  try {
    problem = edgeUrlProblem(new URL(edgeUrl));
  } catch {
    problem = `the edge URL is not a URL: ${edgeUrl}`;
  }
  if (problem) {
    process.stderr.write(`Not connecting: ${problem}\n`);
    return 2;
  }
  // The job machinery (executors, Docker, Swarm, OpenTofu) is loaded here, not at the top, so
  // enroll, status and version start without it: the installer's enroll is on its critical path.
  const [{ createTokenSource }, { EdgeConnection }, { JobRunner }, { confirmUpgrade }] = await Promise.all([
    import('./agent-token.ts'),
    import('./connection.ts'),
    import('./job-runner.ts'),
    import('./upgrade/upgrade-state.ts'),
  ]);
  const client = createAgentClient(edgeUrl, createTokenSource(identity));
  const outbox = new Outbox(dataDir);
  const policyPath = policyPathOf(values, dataDir);
  const policy = loadPolicy(policyPath);
  if (policy.ok) log.info('job policy', { file: policyPath, source: policy.source });
  else
    log.error('the job policy is not valid: every job is refused until it is fixed', {
      reason: policy.error,
    });
  const runner = new JobRunner(client, outbox, () => loadPolicy(policyPath));
  const connection = new EdgeConnection(client, runner, {
    heartbeatSeconds: envInt('KOMBIFY_AGENT_HEARTBEAT_SECONDS', identity.heartbeat_interval_seconds || 30),
    idleTimeoutMs: envInt('KOMBIFY_AGENT_IDLE_TIMEOUT_MS', 30_000),
    backoffBaseMs: envInt('KOMBIFY_AGENT_BACKOFF_BASE_MS', 500),
    backoffCapMs: envInt('KOMBIFY_AGENT_BACKOFF_CAP_MS', 5_000),
    dataDir,
    onConnected: () => {
      if (confirmUpgrade(dataDir, AGENT_VERSION)) log.info('upgrade confirmed', { version: AGENT_VERSION });
    },
  });
  const shutdown = (signal: string) => {
    log.info(`received ${signal}; stopping`);
    void connection.stop();
  };
  // `on`, not `once`: under systemd the supervisor forwards the SIGTERM the agent also got.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  setAgentRuntime({
    dataDir,
    edgeUrl,
    restart: () => {
      log.info('restarting for an upgrade');
      // The upgrade job is still open (it finishes on its next delivery); exit even though its
      // lease timer would keep the process alive.
      void connection.stop().finally(() => process.exit(EXIT_RESTART));
    },
  });
  log.info('agent starting', {
    agent: identity.agent_id,
    name: identity.name,
    edge: edgeUrl,
    version: AGENT_VERSION,
  });
  await runner.flushPending().catch(() => {});
  await connection.run();
  return 0;
}

function status(dataDir: string, json: boolean): number {
  const identity = loadIdentity(dataDir);
  const pending = identity ? new Outbox(dataDir).count() : 0;
  const view = identity
    ? {
        enrolled: true,
        agent_id: identity.agent_id,
        name: identity.name,
        org_id: identity.org_id,
        edge_url: identity.edge_url,
        enrolled_at: identity.enrolled_at,
        outbox: pending,
        data_dir: dataDir,
        version: AGENT_VERSION,
      }
    : { enrolled: false, data_dir: dataDir, version: AGENT_VERSION };
  if (json) process.stdout.write(`${JSON.stringify(view)}\n`);
  else if (!identity) process.stdout.write(`Not enrolled (data dir ${dataDir}).\n`);
  else
    process.stdout.write(
      `Worker ${identity.name} (${identity.agent_id})\nEdge:    ${identity.edge_url}\nEnrolled ${identity.enrolled_at}\nOutbox:  ${pending} job(s)\n`,
    );
  return identity ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        edge: { type: 'string' },
        token: { type: 'string' },
        name: { type: 'string' },
        force: { type: 'boolean' },
        'init-policy': { type: 'boolean' },
        'data-dir': { type: 'string' },
        policy: { type: 'string' },
        'log-format': { type: 'string' },
        json: { type: 'boolean' },
        version: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(usage);
    return command || values.help ? 0 : 2;
  }
  const format = values['log-format'];
  if (format !== undefined && format !== 'text' && format !== 'json') {
    process.stderr.write('--log-format must be text or json\n');
    return 2;
  }
  if (format) configureLog({ format });
  const dataDir = (values['data-dir'] as string | undefined) ?? defaultDataDir();
  try {
    switch (command) {
      case 'enroll':
        return await enroll(values, dataDir);
      case 'run':
        return await run(dataDir, values);
      case 'status':
        return status(dataDir, Boolean(values.json));
      case 'policy':
        return policyCommand(values, dataDir, positionals[1]);
      case 'version':
        process.stdout.write(`${AGENT_VERSION}\n`);
        return 0;
      case 'upgrade':
        return await (await import('./upgrade/upgrade-command.ts')).upgradeCommand(
          dataDir,
          values.version as string | undefined,
        );
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${usage}`);
      return 2;
    }
    process.stderr.write(`kombify-agent: ${(error as Error).message}\n`);
    return 1;
  }
}
