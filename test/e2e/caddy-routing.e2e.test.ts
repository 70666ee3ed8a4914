/**
 * Issue 16 item 4 on a simulated machine: base-homelab `default` with `network.proxy.provider:
 * caddy` and a `.internal` domain, deployed onto a `single-node` KombiSim simulation. Caddy (the
 * mirror's Debian-built caddy under `caddy:2.8.4`) runs the Caddyfile the plan generated, as a file
 * the agent placed on the node and bind-mounted read-only. Two routes with real backends: the kit's
 * whoami (kombify's, answering with its container's host name) and kombify's echo app (its own
 * answer). The kit's Dokploy, Uptime Kuma and Dozzle are disabled, so nothing here is a stand-in.
 *
 * From inside the node: each host answers over HTTPS with a certificate from Caddy's internal CA
 * (its root read out of the caddy container), chosen by SNI; without that root curl refuses the
 * certificate. A new spec version without the echo app's route re-creates only Caddy, after which
 * that host no longer answers and whoami still does. A proxy domain that is not a host name is a
 * 400 naming the field, and no stack is stored.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServiceImages } from '../../scripts/lib/service-images.ts';
import { removeStackResources, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { nodePassword, removeSimulations, ssh2Exec, startSimStack } from '../harness/sim.ts';
import { poll, type Stack } from '../harness/stack.ts';

const SIM_IMAGE = 'kombify/sim-node:caddy-routing';
const SSH_FIRST = 2420;
const run = `cr${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const DOMAIN = 'lab.internal';
const ROOT_CA = '/data/caddy/pki/authorities/local/root.crt';

let docker: Docker;
let stack: Stack;
let sim: any;
let node: any;
let password: string;
let stackId: string;
const sims = new Set<string>();

const inNode = (command: string) => ssh2Exec({ port: node.ssh_port, password }, command);

/** The spec; `echoRouted: false` is the next version, with the echo app's route switched off. */
const spec = (opts: { echoRouted?: boolean; echoDomain?: string } = {}) => `name: ${run}
kit: base-homelab
variant: default
nodes:
  - name: server
    type: main
    provider: local
    resources: { cpu: 4, memory: 8Gi, disk: 200Gi }
network:
  domain: ${DOMAIN}
  proxy: { provider: caddy }
services:
  - { name: dokploy, enabled: false }
  - { name: uptime-kuma, enabled: false }
  - { name: dozzle, enabled: false }
  - name: app
    image: kombify/echo-app:1
    ports: [{ container: 8080 }]
    network:
      proxy: { enabled: ${opts.echoRouted ?? true}, domain: ${JSON.stringify(opts.echoDomain ?? `echo.${DOMAIN}`)} }
`;

async function runTo(path: string, body: unknown) {
  const started = await stack.api(path, { body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return poll(
    async () => {
      const wf = (await stack.api(`/v1/orchestrator/workflows/${started.body.data.id}`)).body.data;
      return ['succeeded', 'failed'].includes(wf?.status) ? wf : null;
    },
    300_000,
    `${path} to finish`,
  );
}

/** An HTTPS request from inside the node to Caddy on 127.0.0.1:443 with the host's SNI. */
async function https(host: string, opts: { trust?: boolean } = {}) {
  const ca = opts.trust === false ? '' : '--cacert /tmp/caddy-root.crt';
  const out = await inNode(
    `curl -sS --max-time 10 --resolve ${host}:443:127.0.0.1 ${ca} -w '\\n%{http_code}' https://${host}/ 2>/tmp/curl.err; echo " $?"; cat /tmp/curl.err`,
  );
  // stdout: body, "\n<status> <curl exit>", then curl's error text.
  const match = /\n(\d{3}) (\d+)\n?([\s\S]*)$/.exec(out.stdout);
  if (!match) throw new Error(`unexpected curl output: ${out.stdout}`);
  return {
    body: out.stdout.slice(0, match.index),
    status: Number(match[1]),
    exit: Number(match[2]),
    error: match[3] ?? '',
  };
}

const containerIds = async () =>
  Object.fromEntries(
    (
      await inNode(
        `docker ps --filter label=kombify.stack=${stackId} --format '{{.Label "kombify.service"}} {{.ID}}'`,
      )
    ).stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ')),
  );

beforeAll(async () => {
  docker = await requireDocker();
  await buildServiceImages({
    testImage: TEST_IMAGE,
    only: ['caddy:2.8.4', 'traefik/whoami:latest', 'kombify/echo-app:1'],
    progress: (line) => process.stdout.write(`[images] ${line}\n`),
  });
  stack = await startSimStack({ host: `${run}-host`, image: SIM_IMAGE, sshFirst: SSH_FIRST, sshPorts: 4 });
  const res = await stack.api('/api/v1/templates/single-node/apply', {
    body: { simulation_name: run, deploy_target: true },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  sim = res.body;
  sims.add(sim.id);
  node = sim.nodes[0];
  expect(node.ssh_port).toBeGreaterThanOrEqual(2420);
  expect(node.ssh_port).toBeLessThanOrEqual(2429);
  password = await nodePassword(stack, node.id);
  await poll(
    async () =>
      ((await stack.api('/v1/orchestrator/workers?per_page=100')).body.data as any[]).find(
        (w) => w.simulation_id === sim.id && w.status === 'online',
      ),
    60_000,
    'the node’s worker online',
  );
}, 600_000);

afterAll(async () => {
  if (stackId) await removeStackResources(docker, stackId);
  await stack?.stop();
  if (docker) await removeSimulations(docker, sims);
});

describe('base-homelab with caddy as its proxy on a simulated node', () => {
  it('refuses a proxy domain that is not a host name, naming the field, and stores nothing', async () => {
    const before = (await stack.api('/v1/orchestrator/stacks?per_page=100')).body.data as any[];
    const bad = await stack.api('/v1/orchestrator/stacks', {
      body: {
        yaml: spec({ echoDomain: 'echo lab.internal {' }),
        bindings: { server: { simulation: sim.id, node: 'server' } },
      },
    });
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path)).toContain('services[3].network.proxy.domain');
    const after = (await stack.api('/v1/orchestrator/stacks?per_page=100')).body.data as any[];
    expect(after.length).toBe(before.length);
    expect(after.some((s) => s.name === run)).toBe(false);
  });

  it('deploys: each host answers over HTTPS from its own backend, signed by Caddy’s internal CA, chosen by SNI', async () => {
    const created = await stack.api('/v1/orchestrator/stacks', {
      body: { yaml: spec(), bindings: { server: { simulation: sim.id, node: 'server' } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    stackId = created.body.data.id;
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/provision`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');

    const ids = await containerIds();
    expect(Object.keys(ids).sort()).toEqual(['app', 'caddy', 'whoami']);
    // The Caddyfile is the plan's, bind-mounted read-only from the agent's files directory.
    const mount = await inNode(
      `docker inspect ${run}-caddy --format '{{range .Mounts}}{{if eq .Destination "/etc/caddy/Caddyfile"}}{{.Type}} {{.RW}} {{.Source}}{{end}}{{end}}'`,
    );
    expect(mount.stdout.trim()).toMatch(/^bind false \/\S+\/Caddyfile$/);
    const caddyfile = (await inNode(`docker exec ${run}-caddy cat /etc/caddy/Caddyfile`)).stdout;
    expect(caddyfile).toContain(`whoami.${DOMAIN} {\n\ttls internal\n\treverse_proxy ${run}-whoami:80\n}`);
    expect(caddyfile).toContain(`echo.${DOMAIN} {\n\ttls internal\n\treverse_proxy ${run}-app:8080\n}`);

    // Caddy makes its CA on start; its root is in the data volume.
    await poll(
      async () => (await inNode(`docker cp ${run}-caddy:${ROOT_CA} /tmp/caddy-root.crt`)).code === 0,
      60_000,
      'Caddy’s internal root certificate',
    );
    const issuer = await inNode('openssl x509 -in /tmp/caddy-root.crt -noout -subject 2>&1 || true');
    if (issuer.stdout.includes('subject')) expect(issuer.stdout).toMatch(/Caddy Local Authority/);

    const whoami = await poll(
      async () => {
        const r = await https(`whoami.${DOMAIN}`);
        return r.status === 200 ? r : null;
      },
      60_000,
      `https://whoami.${DOMAIN}/ answering`,
    );
    expect(whoami.exit).toBe(0);
    // kombify's whoami names its container (host name = container id prefix) and sees the Host.
    const whoamiHost = (
      await inNode(`docker inspect ${run}-whoami --format '{{.Config.Hostname}}'`)
    ).stdout.trim();
    expect(whoami.body).toContain(`Hostname: ${whoamiHost}`);
    expect(whoami.body).toMatch(new RegExp(`^Host: whoami\\.${DOMAIN.replace('.', '\\.')}$`, 'mi'));

    const echo = await https(`echo.${DOMAIN}`);
    expect(echo).toMatchObject({ status: 200, exit: 0 });
    const appHost = (await inNode(`docker inspect ${run}-app --format '{{.Config.Hostname}}'`)).stdout.trim();
    expect(echo.body.trim()).toBe(`echo app on ${appHost}: GET /`);
    expect(echo.body).not.toContain('Hostname:');

    // The certificate is real TLS: without Caddy's root, curl refuses it (60: peer certificate).
    const untrusted = await https(`whoami.${DOMAIN}`, { trust: false });
    expect(untrusted.exit, untrusted.error).toBe(60);
    expect(untrusted.status).toBe(0);
    expect(untrusted.body).toBe('');
    // And it is the host's own certificate, issued by Caddy's CA (SNI picked it).
    const cert = await inNode(
      `echo | openssl s_client -connect 127.0.0.1:443 -servername echo.${DOMAIN} -CAfile /tmp/caddy-root.crt 2>/dev/null | openssl x509 -noout -ext subjectAltName 2>&1; true`,
    );
    if (!/command not found|No such file/.test(cert.stdout))
      expect(cert.stdout).toContain(`DNS:echo.${DOMAIN}`);
  }, 600_000);

  it('a version without the echo app’s route re-creates only Caddy; that host stops answering, whoami still does', async () => {
    const before = await containerIds();
    const v2 = await stack.api(`/v1/orchestrator/stacks/${stackId}/spec`, {
      body: { yaml: spec({ echoRouted: false }) },
    });
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/provision`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');

    const after = await containerIds();
    expect(Object.keys(after).sort()).toEqual(['app', 'caddy', 'whoami']);
    expect(after.caddy).not.toBe(before.caddy);
    expect(after.whoami).toBe(before.whoami);
    expect(after.app).toBe(before.app);
    const caddyfile = (await inNode(`docker exec ${run}-caddy cat /etc/caddy/Caddyfile`)).stdout;
    expect(caddyfile).toContain(`whoami.${DOMAIN} {`);
    expect(caddyfile).not.toContain(`echo.${DOMAIN}`);

    // The CA lives in the data volume, so the same root still verifies whoami's certificate.
    const whoami = await poll(
      async () => {
        const r = await https(`whoami.${DOMAIN}`);
        return r.status === 200 ? r : null;
      },
      60_000,
      `https://whoami.${DOMAIN}/ answering after the change`,
    );
    expect(whoami.body).toMatch(/^Hostname: /m);
    const echo = await https(`echo.${DOMAIN}`);
    expect(echo.status, JSON.stringify(echo)).not.toBe(200);
    expect(echo.body).not.toContain('echo app on');
    // The app itself still runs: only its route is gone.
    const direct = await inNode(
      `docker exec ${run}-app node -e "fetch('http://127.0.0.1:8080/').then(r=>r.text()).then(t=>process.stdout.write(t))"`,
    );
    expect(direct.stdout).toMatch(/^echo app on /);
  }, 600_000);
});
