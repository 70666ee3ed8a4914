/**
 * Issue 16 item 4 on a simulated machine: base-homelab `default` with `network.proxy.provider:
 * caddy` and a public domain (lab.example.net), deployed onto a `single-node` KombiSim simulation:
 * no public CA reaches a simulation, so the edge resolves a stack bound only to simulated workers
 * with Caddy's internal CA (a real server with that domain would get ACME). Caddy (the
 * mirror's Debian-built caddy under `caddy:2.8.4`) runs the Caddyfile the plan generated, as a file
 * the agent placed on the node and bind-mounted read-only. Two routes with real backends: the kit's
 * whoami (kombify's, answering with its container's host name) and kombify's echo app (its own
 * answer). The kit's Dokploy, Uptime Kuma and Dozzle are disabled, so nothing here is a stand-in.
 *
 * From inside the node: each host answers over HTTPS with a certificate from Caddy's internal CA
 * (its root read out of the caddy container), chosen by SNI; without that root curl refuses the
 * certificate; port 80 redirects; 443/udp (HTTP/3, which Caddy advertises) is published. A new spec
 * version without the echo app's route re-creates only Caddy (new Caddyfile path, the old one
 * pruned, the CA kept in caddy-data), after which that host no longer answers and whoami still
 * does. A proxy domain that is not a host name is a 400 naming the field, and nothing is stored.
 * Every Caddyfile shape the generator writes is also run through the real Caddy's adapter.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServiceImages } from '../../scripts/lib/service-images.ts';
import { caddyfile } from '../../stackkits/platforms/docker/caddy.ts';
import type { PlanRoute } from '../../stackkits/src/unifier/plan.ts';
import { removeStackResources, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { nodePassword, removeSimulations, ssh2Exec, startSimStack } from '../harness/sim.ts';
import { poll, type Stack } from '../harness/stack.ts';

const SIM_IMAGE = 'kombify/sim-node:caddy-routing';
const SSH_FIRST = 2420;
const run = `cr${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const DOMAIN = 'lab.example.net';
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

/**
 * An HTTPS request from inside the node to Caddy on 127.0.0.1:443 with the host's SNI: the body,
 * status, curl's exit code and its verbose stderr (which shows the certificate it was given).
 */
async function https(host: string, opts: { trust?: boolean } = {}) {
  const ca = opts.trust === false ? '' : '--cacert /tmp/caddy-root.crt';
  const out = await inNode(
    `curl -sSv --max-time 10 --resolve ${host}:443:127.0.0.1 ${ca} -w '\\n%{http_code}' https://${host}/ 2>/tmp/curl.err; echo " $?"; cat /tmp/curl.err`,
  );
  // stdout: body, "\n<status> <curl exit>", then curl's stderr.
  const match = /\n(\d{3}) (\d+)\n([\s\S]*)$/.exec(out.stdout);
  if (!match) throw new Error(`unexpected curl output: ${out.stdout}`);
  return {
    body: out.stdout.slice(0, match.index),
    status: Number(match[1]),
    exit: Number(match[2]),
    log: match[3] ?? '',
  };
}

/** Where the node keeps the caddy container's Caddyfile (the bind's source), and how it is mounted. */
async function caddyfileMount() {
  const out = await inNode(
    `docker inspect ${run}-caddy --format '{{range .Mounts}}{{if eq .Destination "/etc/caddy/Caddyfile"}}{{.Type}} {{.RW}} {{.Source}}{{end}}{{end}}'`,
  );
  const [type, rw, source] = out.stdout.trim().split(' ');
  return { type, rw, source: source ?? '' };
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
        yaml: spec({ echoDomain: `echo ${DOMAIN} {` }),
        bindings: { server: { simulation: sim.id, node: 'server' } },
      },
    });
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path)).toContain('services[3].network.proxy.domain');
    const after = (await stack.api('/v1/orchestrator/stacks?per_page=100')).body.data as any[];
    expect(after.length).toBe(before.length);
    expect(after.some((s) => s.name === run)).toBe(false);
    // The spec's own domain, which every default host name is made from, likewise.
    const badDomain = await stack.api('/v1/orchestrator/stacks', {
      body: { yaml: spec().replace(`domain: ${DOMAIN}`, 'domain: "lab example net"') },
    });
    expect(badDomain.status, JSON.stringify(badDomain.body)).toBe(400);
    expect(badDomain.body.error.details.map((d: any) => d.path)).toEqual(['network.domain']);
    expect(((await stack.api('/v1/orchestrator/stacks?per_page=100')).body.data as any[]).length).toBe(
      before.length,
    );
  });

  it('deploys: each host answers over HTTPS from its own backend, signed by Caddy’s internal CA, chosen by SNI', async () => {
    const created = await stack.api('/v1/orchestrator/stacks', {
      body: { yaml: spec(), bindings: { server: { simulation: sim.id, node: 'server' } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    stackId = created.body.data.id;
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/provision`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');
    // The verify step made a real HTTPS request per route, by SNI, and saw each host's certificate.
    const verified = wf.steps
      .find((st: any) => st.name === 'verify')
      .detail.results.flatMap((r: any) => r.checks)
      .filter((c: any) => c.kind === 'https');
    expect(verified.map((c: any) => [c.service, c.ok]).sort()).toEqual([
      ['app', true],
      ['whoami', true],
    ]);
    // The stack says so, and its export carries the Caddyfile the node runs (internal CA).
    expect((await stack.api(`/v1/orchestrator/stacks/${stackId}`)).body.data.proxy_tls).toBe('internal');
    const exported = (await stack.api(`/v1/orchestrator/stacks/${stackId}/export`)).body.data.jobs.converge;
    const caddyFiles = exported.flatMap((j: any) =>
      j.params.services.filter((sv: any) => sv.service === 'caddy'),
    );
    expect(caddyFiles[0].files[0].content).toContain(`whoami.${DOMAIN} {\n\ttls internal`);
    for (const c of verified)
      expect(c.message).toMatch(
        /^HTTPS \d+, certificate for \S+\.lab\.example\.net from CN=Caddy Local Authority/,
      );

    const ids = await containerIds();
    expect(Object.keys(ids).sort()).toEqual(['app', 'caddy', 'whoami']);
    // The Caddyfile is the plan's, bind-mounted read-only from the agent's files directory.
    const mount = await caddyfileMount();
    expect(mount).toMatchObject({ type: 'bind', rw: 'false' });
    expect(mount.source).toMatch(
      new RegExp(`^/var/lib/kombify/stacks/${stackId}/files/[0-9a-f]{64}/Caddyfile$`),
    );
    // Read-only for Caddy, and on the node a file nobody may change in place (0444).
    expect((await inNode(`stat -c %a ${mount.source}`)).stdout.trim()).toBe('444');
    expect((await inNode(`docker exec ${run}-caddy sh -c 'echo x >>/etc/caddy/Caddyfile'`)).code).not.toBe(0);
    const caddyfile = (await inNode(`docker exec ${run}-caddy cat /etc/caddy/Caddyfile`)).stdout;
    expect(caddyfile).toContain(`whoami.${DOMAIN} {\n\ttls internal\n\treverse_proxy ${run}-whoami:80\n}`);
    expect(caddyfile).toContain(`echo.${DOMAIN} {\n\ttls internal\n\treverse_proxy ${run}-app:8080\n}`);

    // Caddy makes its CA on start; its root is in the data volume.
    await poll(
      async () => (await inNode(`docker cp ${run}-caddy:${ROOT_CA} /tmp/caddy-root.crt`)).code === 0,
      60_000,
      'Caddy’s internal root certificate',
    );
    const whoami = await poll(
      async () => {
        const r = await https(`whoami.${DOMAIN}`);
        return r.status === 200 ? r : null;
      },
      60_000,
      `https://whoami.${DOMAIN}/ answering`,
    );
    expect(whoami.exit).toBe(0);
    // Caddy offers HTTP/3 on 443/udp, and the node publishes that port (else clients try in vain).
    expect(whoami.log).toMatch(/< alt-svc: h3=":443"/i);
    expect((await inNode(`docker port ${run}-caddy 443/udp`)).stdout).toMatch(/:443$/m);
    // Port 80 sends a browser to HTTPS (Caddy's automatic redirect for an https site).
    const redirect = await inNode(
      `curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: whoami.${DOMAIN}' http://127.0.0.1/x`,
    );
    expect(redirect.stdout).toBe(`308 https://whoami.${DOMAIN}/x`);
    // kombify's whoami names its container (host name = container id prefix) and sees the Host.
    const whoamiHost = (
      await inNode(`docker inspect ${run}-whoami --format '{{.Config.Hostname}}'`)
    ).stdout.trim();
    expect(whoami.body).toContain(`Hostname: ${whoamiHost}`);
    expect(whoami.body).toMatch(new RegExp(`^Host: whoami\\.${DOMAIN.replaceAll('.', '\\.')}$`, 'mi'));

    const echo = await https(`echo.${DOMAIN}`);
    expect(echo).toMatchObject({ status: 200, exit: 0 });
    const appHost = (await inNode(`docker inspect ${run}-app --format '{{.Config.Hostname}}'`)).stdout.trim();
    expect(echo.body.trim()).toBe(`echo app on ${appHost}: GET /`);
    expect(echo.body).not.toContain('Hostname:');
    // Caddy's own account (both hosts served by now): certificates from its local CA, no errors.
    const logs = (await inNode(`docker logs ${run}-caddy 2>&1`)).stdout;
    for (const host of [`whoami.${DOMAIN}`, `echo.${DOMAIN}`])
      expect(logs).toContain(`"msg":"certificate obtained successfully","identifier":"${host}"`);
    expect(logs).not.toMatch(/"level":"(error|fatal|panic)"/);

    // The certificate is real TLS: without Caddy's root, curl refuses it (60: peer certificate).
    const untrusted = await https(`whoami.${DOMAIN}`, { trust: false });
    expect(untrusted.exit, untrusted.log).toBe(60);
    expect(untrusted.log).toMatch(/unable to get local issuer certificate|self.signed/);
    expect(untrusted.status).toBe(0);
    expect(untrusted.body).toBe('');
    // Each SNI got its own certificate, issued by Caddy's local CA.
    for (const [host, r] of [
      [`whoami.${DOMAIN}`, whoami],
      [`echo.${DOMAIN}`, echo],
    ] as const) {
      expect(r.log).toMatch(/issuer: CN=Caddy Local Authority/);
      expect(r.log).toMatch(new RegExp(`subjectAltName: host "${host}" matched cert's "${host}"`));
    }
  }, 600_000);

  it('a version without the echo app’s route re-creates only Caddy; that host stops answering, whoami still does', async () => {
    // A bad next version is refused the same way and leaves version 1 current.
    const refused = await stack.api(`/v1/orchestrator/stacks/${stackId}/spec`, {
      body: { yaml: spec({ echoRouted: false, echoDomain: `echo..${DOMAIN}` }) },
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.error.details.map((d: any) => d.path)).toContain('services[3].network.proxy.domain');
    expect((await stack.api(`/v1/orchestrator/stacks/${stackId}/spec`)).body.data.version).toBe(1);

    const before = await containerIds();
    const fileBefore = (await caddyfileMount()).source;
    const rootBefore = (await inNode('sha256sum </tmp/caddy-root.crt')).stdout;
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
    // A new file at a new path; the old one is pruned, as no container mounts it any more.
    const fileAfter = (await caddyfileMount()).source;
    expect(fileAfter).not.toBe(fileBefore);
    expect((await inNode(`ls /var/lib/kombify/stacks/${stackId}/files`)).stdout.trim().split('\n')).toEqual([
      fileAfter.split('/').at(-2),
    ]);
    // The new container has the old CA (it is in the caddy-data volume).
    expect((await inNode(`docker exec ${run}-caddy cat ${ROOT_CA} | sha256sum`)).stdout).toBe(rootBefore);
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
    // No site for that name any more: Caddy has no certificate to offer, the handshake fails (35).
    expect(echo.status, JSON.stringify(echo)).not.toBe(200);
    expect(echo.exit, echo.log).toBe(35);
    expect(echo.body).not.toContain('echo app on');
    // The app itself still runs: only its route is gone.
    const direct = await inNode(
      `docker exec ${run}-app node -e "fetch('http://127.0.0.1:8080/').then(r=>r.text()).then(t=>process.stdout.write(t))"`,
    );
    expect(direct.stdout).toMatch(/^echo app on /);
  }, 600_000);

  it('every shape of Caddyfile the plan writes is one the real Caddy adapts without a warning', async () => {
    const route = (host: string, upstream: string, tls: PlanRoute['tls'] = 'auto'): PlanRoute => ({
      service: host.split('.')[0] as string,
      host,
      url: `https://${host}`,
      entrypoint: 'websecure',
      tls,
      port: Number(upstream.split(':').at(-1)),
      node: 'server',
      upstream: { kind: 'url', url: `http://${upstream}` },
    });
    /** `caddy adapt --validate` in the running caddy container: exit code and warn/error messages. */
    const adapt = async (text: string) => {
      const b64 = Buffer.from(text).toString('base64');
      // Named Caddyfile: Caddy checks the formatting only of files called that.
      const out = await inNode(
        `echo ${b64} | base64 -d | docker exec -i ${run}-caddy sh -c 'mkdir -p /tmp/shape && cat >/tmp/shape/Caddyfile && caddy adapt --config /tmp/shape/Caddyfile --adapter caddyfile --validate >/dev/null' 2>&1`,
      );
      const messages = out.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; msg: string })
        .filter((l) => l.level !== 'info' && l.level !== 'debug')
        .map((l) => `${l.level}: ${l.msg}`);
      return { code: out.code, messages, output: out.stdout };
    };
    // Controls: the check sees a formatting warning and a syntax error.
    expect((await adapt('a.example.com {\n  reverse_proxy x:1\n}\n')).messages).toEqual([
      "warn: Caddyfile input is not formatted; run the 'caddy fmt' command to fix inconsistencies",
    ]);
    expect((await adapt('a.example.com {\n\treverse_proxy x:1\n')).code).not.toBe(0);

    const shapes = {
      'no routes': caddyfile([], { email: null, internalTls: false }),
      'ACME with an e-mail, IPv4 and IPv6 upstreams': caddyfile(
        [route('app.example.com', 'lab-app:8080'), route('pi.example.com', '[fd00::30]:8123')],
        { email: 'ops@example.com', internalTls: false },
      ),
      'internal CA': caddyfile([route('logs.home.lan', 'lab-dozzle:8080')], {
        email: null,
        internalTls: true,
      }),
    };
    for (const [shape, text] of Object.entries(shapes)) {
      const r = await adapt(text);
      expect(r.code, `${shape}: ${r.output}`).toBe(0);
      expect(r.messages, shape).toEqual([]);
    }
    // tls disabled: Caddy says, as asked, that this plain-http site gets no automatic HTTPS.
    const plain = await adapt(
      caddyfile([route('plain.example.com', 'lab-plain:80', 'disabled')], {
        email: null,
        internalTls: false,
      }),
    );
    expect(plain.code, plain.output).toBe(0);
    expect(plain.messages).toEqual([
      'warn: server is listening only on the HTTP port, so no automatic HTTPS will be applied to this server',
    ]);
  }, 120_000);
});
