import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeEdge, fakeTofu, removeTempDirs, runCli, runOnTerminal, tempDir } from './testing.ts';

afterAll(removeTempDirs);

const terraform = '/usr/local/bin/terraform';

/** PATH with the fake tofu first; no real tofu/terraform behind it matters (tofu is preferred). */
const fakePath = (bin: string) => `${bin}:/usr/bin:/bin`;

async function project(kit = 'base-homelab'): Promise<string> {
  const cwd = tempDir();
  const r = await runCli(['init', kit, '--name', 'lab'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return cwd;
}

describe('plan/apply/destroy with tofu on this machine', { timeout: 60_000 }, () => {
  it.skipIf(!existsSync(terraform))(
    'plan with the real terraform and no registry: the provider message, exit 1, fast',
    async () => {
      const cwd = await project();
      // No tofu on this PATH: terraform is used. -input=false and no checkpoint call keep it fast.
      const r = await runCli(['plan'], { cwd, env: { PATH: `/usr/local/bin:/usr/bin:/bin` } });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('terraform init');
      expect(r.stderr).toContain('provider kreuzwerker/docker could not be installed: no registry reachable');
      expect(r.stderr).toContain('TF_CLI_CONFIG_FILE');
      expect(r.stderr).toContain('--plugin-dir');
      expect(r.ms).toBeLessThan(30_000);
      // generate ran first
      expect(existsSync(join(cwd, 'deploy', 'main.tf.json'))).toBe(true);

      const json = await runCli(['plan', '--json', '--init-timeout', '20'], {
        cwd,
        env: { PATH: `/usr/local/bin:/usr/bin:/bin` },
      });
      expect(json.code).toBe(1);
      const doc = JSON.parse(json.stdout);
      expect(doc).toMatchObject({
        ok: false,
        error: { code: 'provider_unavailable' },
        command: 'plan',
        mode: 'local',
        tool: { name: 'terraform' },
        steps: [{ step: 'init', ok: false, exitCode: 1 }],
      });
    },
  );

  it('apply and destroy without a terminal and without --auto-approve: exit 2, nothing run', async () => {
    const cwd = await project();
    const { bin, log } = fakeTofu(cwd);
    for (const command of ['apply', 'destroy']) {
      const r = await runCli([command], { cwd, env: { PATH: fakePath(bin) } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${command} asks you to type yes, but stdin is not a terminal`);
      expect(r.stderr).toContain('--auto-approve');
    }
    expect(readFileSync(log, 'utf8')).toBe('');
  });

  it('plan → apply --auto-approve → status → destroy --auto-approve, with -input=false everywhere', async () => {
    const cwd = await project();
    const { bin, log } = fakeTofu(cwd);
    const env = { PATH: fakePath(bin) };

    const plan = await runCli(['plan'], { cwd, env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('  + docker_container.server_traefik');
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    expect(plan.stderr).toContain('✓ tofu init');

    const apply = await runCli(['apply', '--auto-approve', '--json'], { cwd, env });
    expect(apply.code, apply.stderr).toBe(0);
    const doc = JSON.parse(apply.stdout);
    expect(doc).toMatchObject({
      ok: true,
      command: 'apply',
      tool: { name: 'tofu', version: '1.8.0' },
      changes: { add: 1, change: 0, remove: 0 },
      outputs: { traefik_url: 'http://server:8080' },
    });
    expect(doc.steps.map((s: { step: string }) => s.step)).toEqual(['init', 'plan', 'apply']);
    expect(existsSync(join(cwd, 'deploy', '.stackkit.tfplan'))).toBe(false);

    const status = await runCli(['status', '--json'], { cwd });
    expect(JSON.parse(status.stdout).state).toMatchObject({
      resources: 1,
      byType: { docker_container: 1 },
      outputs: { traefik_url: 'http://server:8080' },
      stack: 'lab',
    });

    const destroy = await runCli(['destroy', '--auto-approve'], { cwd, env });
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(destroy.stdout).toContain('  - docker_container.server_traefik');
    const again = await runCli(['destroy', '--auto-approve'], { cwd, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to destroy');

    const calls = readFileSync(log, 'utf8').trim().split('\n');
    for (const call of calls.filter((c) => /^(init|plan|apply)/.test(c)))
      expect(call).toContain('-input=false');
    expect(calls.filter((c) => c.startsWith('plan')).at(-1)).toContain('-destroy');
  });

  it('-v shows the commands run; -q hides the progress', async () => {
    const cwd = await project();
    const { bin } = fakeTofu(cwd);
    const verbose = await runCli(['plan', '-v'], { cwd, env: { PATH: fakePath(bin) } });
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stderr).toContain('$ (cd deploy && tofu init -input=false -no-color)');
    expect(verbose.stderr).toContain('OpenTofu has been successfully initialized!');
    const quiet = await runCli(['plan', '-q'], { cwd, env: { PATH: fakePath(bin) } });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('Plan: 1 to add');
  });

  it('stops an init that hangs after --init-timeout and says why (exit 1)', async () => {
    const cwd = await project();
    const { bin } = fakeTofu(cwd);
    const r = await runCli(['plan', '--init-timeout', '1'], {
      cwd,
      env: { PATH: fakePath(bin), FAKE_INIT_SLEEP: '30' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tofu init did not finish within 1s');
    expect(r.ms).toBeLessThan(15_000);
  });

  it('refuses to run with secrets that have no value, naming them (exit 1)', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'kombination.yaml'),
      `name: lab
nodes:
  - { name: server, type: main, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
services:
  - name: db
    type: database
    image: postgres:16-alpine
    environmentSecrets: { POSTGRES_PASSWORD: secret://db/password }
`,
    );
    const { bin, log } = fakeTofu(cwd);
    const r = await runCli(['plan'], { cwd, env: { PATH: fakePath(bin) } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 secret(s) have no value: secret_db-x2f-password');
    expect(readFileSync(log, 'utf8')).toBe('');
    writeFileSync(join(cwd, 'deploy', 'secrets.auto.tfvars.json'), '{"secret_db-x2f-password": "s3cret"}');
    expect((await runCli(['plan'], { cwd, env: { PATH: fakePath(bin) } })).code).toBe(0);
  });

  it('says when neither tofu nor terraform is installed (exit 1)', async () => {
    const cwd = await project();
    const r = await runCli(['plan', '--json'], { cwd, env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('tool_missing');
  });
});

describe('plan/apply/destroy through the edge', { timeout: 60_000 }, () => {
  it('posts the YAML, then provision with dry_run for plan', async () => {
    const cwd = await project();
    const e = await fakeEdge((req) =>
      req.url === '/v1/orchestrator/stacks'
        ? {
            status: 201,
            body: { data: { id: 'stk_1', name: 'lab', kit: 'base-homelab', status: 'created' } },
          }
        : { status: 202, body: { data: { id: 'wf_1', status: 'queued', dry_run: true } } },
    );
    try {
      const r = await runCli(['plan', '--edge', e.url, '--json'], { cwd, env: { KOMBIFY_TOKEN: 'tok' } });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        ok: true,
        mode: 'edge',
        stack: { id: 'stk_1' },
        action: { id: 'wf_1', status: 'queued' },
      });
      expect(e.seen.map((s) => [s.method, s.url, s.type, s.auth])).toEqual([
        ['POST', '/v1/orchestrator/stacks', 'application/yaml', 'Bearer tok'],
        ['POST', '/v1/orchestrator/stacks/stk_1/provision', 'application/json', 'Bearer tok'],
      ]);
      expect(e.seen[0]!.body).toBe(readFileSync(join(cwd, 'kombination.yaml'), 'utf8'));
      expect(JSON.parse(e.seen[1]!.body)).toEqual({ dry_run: true });
    } finally {
      e.server.close();
    }
  });

  it('an edge without the stack routes (404): says so, exit 1', async () => {
    const cwd = await project();
    const e = await fakeEdge(() => ({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no route' } },
    }));
    try {
      const r = await runCli(['apply', '--auto-approve'], {
        cwd,
        env: { KOMBIFY_EDGE_URL: e.url, KOMBIFY_TOKEN: 'tok' },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`the edge at ${e.url} does not offer stack deployment yet`);
    } finally {
      e.server.close();
    }
  });

  it('--edge without a token is a usage error (exit 2)', async () => {
    const cwd = await project();
    const r = await runCli(['plan', '--edge', 'http://127.0.0.1:9'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--edge needs --token');
  });
});

/** Runs apply/destroy/status on a terminal and answers the yes prompt, if there is one. */
const onTerminal = (
  args: string[],
  cwd: string,
  path: string,
  answer: string,
  env: Record<string, string> = {},
) => runOnTerminal(args, { cwd, path, env, waitFor: "Only 'yes' will be accepted", answer: `${answer}\n` });

describe.skipIf(!existsSync('/usr/bin/script'))('confirmation on a terminal', { timeout: 60_000 }, () => {
  it('apply asks to type yes: "no" cancels (exit 1), Ctrl-C exits 130, "yes" applies; spinner and colours on a terminal', async () => {
    const cwd = await project();
    const { bin, log } = fakeTofu(cwd);
    const no = await onTerminal(['apply'], cwd, bin, 'no');
    expect(no.code).toBe(1);
    expect(no.out).toContain('Apply these changes to lab?');
    expect(no.out).toContain('apply cancelled; nothing was changed');
    expect(no.out).toContain('\u001b[32m'); // green ✓ on a terminal
    expect(readFileSync(log, 'utf8')).not.toMatch(/^apply/m);

    const interrupted = await onTerminal(['destroy'], cwd, bin, '\u0003');
    expect(interrupted.code).toBe(0); // nothing in the state yet: destroy does not ask
    const ctrlC = await onTerminal(['apply'], cwd, bin, '\u0003');
    expect(ctrlC.code).toBe(130);
    expect(ctrlC.out).toContain('interrupted; nothing was changed');

    const bold = await onTerminal(['status'], cwd, bin, '');
    expect(bold.out).toContain('\u001b[1mSpec');
    for (const off of [['status', '--no-color'], ['status']]) {
      const env: Record<string, string> = off.length === 1 ? { NO_COLOR: '1' } : {};
      const plain = await onTerminal(off, cwd, bin, '', env);
      expect(plain.out).toContain('Spec');
      expect(plain.out).not.toContain('\u001b[');
    }

    const yes = await onTerminal(['apply'], cwd, bin, 'yes');
    expect(yes.code, yes.out).toBe(0);
    expect(yes.out).toContain('traefik_url = http://server:8080');
    expect(readFileSync(log, 'utf8')).toMatch(/^apply -input=false -json/m);
  });
});
