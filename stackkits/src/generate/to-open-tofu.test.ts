/**
 * The generated OpenTofu JSON has the structure OpenTofu expects. `terraform validate` needs the
 * kreuzwerker/docker provider, which cannot be installed offline, so instead:
 *
 * 1. a structural check here: top-level blocks, one aliased provider per node, only attributes the
 *    provider's resources have (an allowlist of kreuzwerker/docker 3.x), every `${…}` a reference
 *    to something declared, every literal `${` escaped;
 * 2. `terraform providers` on the real files: the configuration loads and requires
 *    kreuzwerker/docker ~> 3.0 (this parses every block without the provider);
 * 3. `terraform validate` on a shadow copy where each docker resource becomes a built-in
 *    `terraform_data` holding the same body: checks every template expression, reference,
 *    depends_on, variable and output with the real parser, offline.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/validate.ts';
import { resolve } from '../unifier/resolve.ts';
import { lit, tfName, toOpenTofu } from './to-open-tofu.ts';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function filesFor(example: string): Record<string, string> {
  const { spec, errors } = parseSpec(readFileSync(join(root, 'examples', example), 'utf8'));
  expect(errors).toEqual([]);
  return toOpenTofu(resolve(spec!));
}

type Shape = { [key: string]: 1 | Shape };
const labels: Shape = { label: 1, value: 1 };
const healthcheck: Shape = { test: 1, interval: 1, timeout: 1, retries: 1, start_period: 1 };
const updateConfig: Shape = { parallelism: 1, delay: 1, failure_action: 1, monitor: 1, order: 1 };
/** Attributes and nested blocks of the kreuzwerker/docker 3.x resources the generator uses. */
const resourceShapes: Record<string, Shape> = {
  docker_network: {
    provider: 1,
    name: 1,
    driver: 1,
    attachable: 1,
    ipam_config: { subnet: 1 },
    labels,
    depends_on: 1,
  },
  docker_volume: { provider: 1, name: 1, labels, depends_on: 1 },
  docker_image: { provider: 1, name: 1, keep_locally: 1 },
  docker_container: {
    provider: 1,
    name: 1,
    image: 1,
    command: 1,
    entrypoint: 1,
    user: 1,
    memory: 1,
    cpus: 1,
    env: 1,
    restart: 1,
    must_run: 1,
    ports: { internal: 1, external: 1, protocol: 1, ip: 1 },
    volumes: { volume_name: 1, host_path: 1, container_path: 1, read_only: 1 },
    mounts: { target: 1, type: 1 },
    labels,
    networks_advanced: { name: 1, aliases: 1 },
    healthcheck,
    log_driver: 1,
    log_opts: 1,
    upload: { file: 1, content: 1 },
    depends_on: 1,
  },
  docker_service: {
    provider: 1,
    name: 1,
    labels,
    task_spec: {
      container_spec: {
        image: 1,
        command: 1,
        args: 1,
        user: 1,
        env: 1,
        labels,
        mounts: { target: 1, type: 1, source: 1, read_only: 1 },
        healthcheck,
      },
      placement: { constraints: 1 },
      networks_advanced: { name: 1, aliases: 1 },
      resources: { limits: { nano_cpus: 1, memory_bytes: 1 } },
      restart_policy: { condition: 1 },
      log_driver: { name: 1, options: 1 },
    },
    mode: { global: 1, replicated: { replicas: 1 } },
    update_config: updateConfig,
    rollback_config: updateConfig,
    endpoint_spec: { ports: { target_port: 1, published_port: 1, protocol: 1, publish_mode: 1 } },
    depends_on: 1,
  },
};

function checkShape(value: unknown, shape: Shape, path: string, problems: string[]): void {
  for (const item of Array.isArray(value) ? value : [value]) {
    if (typeof item !== 'object' || item === null) {
      problems.push(`${path} must be a block`);
      continue;
    }
    for (const [key, inner] of Object.entries(item)) {
      const expected = shape[key];
      if (expected === undefined) problems.push(`${path}.${key} is not an attribute of this resource`);
      else if (expected !== 1) checkShape(inner, expected, `${path}.${key}`, problems);
    }
  }
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** Problems with a generated configuration; empty when it has the expected structure. */
function structureProblems(files: Record<string, string>): string[] {
  const problems: string[] = [];
  const main = JSON.parse(files['main.tf.json']!);
  const variables = files['variables.tf.json'] ? JSON.parse(files['variables.tf.json']).variable : {};
  for (const key of Object.keys(main)) {
    if (!['//', 'terraform', 'provider', 'resource', 'output'].includes(key))
      problems.push(`top-level ${key}`);
  }
  if (main.terraform?.required_providers?.docker?.source !== 'kreuzwerker/docker')
    problems.push('provider source');
  const aliases = new Set<string>();
  for (const p of main.provider?.docker ?? []) {
    if (!/^[a-z][a-z0-9-]*$/.test(p.alias)) problems.push(`alias ${p.alias}`);
    if (!/^(ssh:\/\/[^@]+@.+:\d+|unix:\/\/\/.+)$/.test(p.host)) problems.push(`host ${p.host}`);
    aliases.add(p.alias);
  }
  const declared = new Set<string>();
  for (const [type, resources] of Object.entries<Record<string, unknown>>(main.resource ?? {})) {
    const shape = resourceShapes[type];
    if (!shape) {
      problems.push(`unknown resource type ${type}`);
      continue;
    }
    for (const [name, body] of Object.entries(resources)) {
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) problems.push(`resource name ${name}`);
      declared.add(`${type}.${name}`);
      checkShape(body, shape, `${type}.${name}`, problems);
      const provider = (body as { provider?: string }).provider ?? '';
      if (!aliases.has(provider.replace(/^docker\./, '')))
        problems.push(`${type}.${name}: provider ${provider}`);
    }
  }
  for (const [type, resources] of Object.entries<Record<string, { depends_on?: string[] }>>(
    main.resource ?? {},
  )) {
    for (const [name, body] of Object.entries(resources)) {
      for (const dep of body.depends_on ?? [])
        if (!declared.has(dep)) problems.push(`${type}.${name} depends on ${dep}`);
    }
  }
  for (const text of strings(main)) {
    for (const match of text.matchAll(/\$+\{([^}]*)\}/g)) {
      const dollars = match[0].indexOf('{');
      if (dollars % 2 === 0) continue; // $${ is an escaped literal
      const ref = match[1]!;
      const resource = /^(docker_[a-z_]+\.[A-Za-z0-9_-]+)\.(image_id|name|id)$/.exec(ref);
      const variable = /^var\.([A-Za-z0-9_-]+)$/.exec(ref);
      if (resource ? !declared.has(resource[1]!) : !(variable && variables[variable[1]!])) {
        problems.push(`unresolved reference \${${ref}}`);
      }
    }
    if (/(^|[^%])%\{/.test(text)) problems.push(`unescaped %{ in ${text.slice(0, 40)}`);
  }
  return problems;
}

/** The shadow configuration: same bodies, built-in terraform_data resources, no provider needed. */
function shadow(files: Record<string, string>): Record<string, string> {
  const main = JSON.parse(files['main.tf.json']!);
  const rename = (text: string) =>
    text.replace(
      /\$\{(docker_[a-z_]+)\.([A-Za-z0-9_-]+)\./g,
      (_m, t, n) => `\${terraform_data.${t}__${n}.output.`,
    );
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') return rename(value);
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    }
    return value;
  };
  const data: Record<string, unknown> = {};
  for (const [type, resources] of Object.entries<Record<string, Record<string, unknown>>>(
    main.resource ?? {},
  )) {
    for (const [name, body] of Object.entries(resources)) {
      const { provider: _p, depends_on: dependsOn, ...rest } = body;
      data[`${type}__${name}`] = {
        input: rewrite(rest),
        ...(Array.isArray(dependsOn)
          ? { depends_on: dependsOn.map((d: string) => `terraform_data.${d.replace('.', '__')}`) }
          : {}),
      };
    }
  }
  const out: Record<string, string> = {
    'main.tf.json': JSON.stringify({
      resource: { terraform_data: data },
      output: rewrite(main.output ?? {}),
    }),
  };
  if (files['variables.tf.json']) out['variables.tf.json'] = files['variables.tf.json'];
  return out;
}

const terraform = '/usr/local/bin/terraform';

async function tf(dir: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: join(dir, '.terraformrc'),
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
  };
  try {
    const { stdout, stderr } = await run(terraform, [...args, '-no-color'], {
      cwd: dir,
      env,
      timeout: 120_000,
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function writeDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kombify-tofu-'));
  writeFileSync(join(dir, '.terraformrc'), '');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('toOpenTofu', () => {
  it.each(examples)('%s has the structure OpenTofu expects', (example) => {
    expect(structureProblems(filesFor(example))).toEqual([]);
  });

  it('the structural check catches what it claims to', () => {
    const files = filesFor('base-homelab-default.yaml');
    const main = JSON.parse(files['main.tf.json']!);
    main.resource.docker_container.server_traefik.restart_policy = 'always';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: OpenTofu template syntax, not a JS template
    main.resource.docker_container.server_traefik.image = '${docker_image.nope.image_id}';
    main.resource.docker_container.server_traefik.depends_on = ['docker_volume.nope'];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: OpenTofu template syntax, not a JS template
    main.resource.docker_container.server_app.command = ['echo ${HOME}'];
    expect(structureProblems({ ...files, 'main.tf.json': JSON.stringify(main) })).toEqual([
      'docker_container.server_traefik.restart_policy is not an attribute of this resource',
      'docker_container.server_traefik depends on docker_volume.nope',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: OpenTofu template syntax, not a JS template
      'unresolved reference ${docker_image.nope.image_id}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: OpenTofu template syntax, not a JS template
      'unresolved reference ${HOME}',
    ]);
  });

  it('escapes template syntax in literal text', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: OpenTofu template syntax, not a JS template
    expect(lit('echo ${HOME} %{ if x }')).toBe('echo $${HOME} %%{ if x }');
    const { spec, errors } = parseSpec(`name: lab
nodes:
  - { name: server, type: main }
services:
  - name: app
    image: alpine:3.20
    command: [sh, -c, 'echo \${HOME} %{x}']
    environment:
      GREETING: "\${USER}"
`);
    expect(errors).toEqual([]);
    const main = JSON.parse(toOpenTofu(resolve(spec!))['main.tf.json']!);
    const app = main.resource.docker_container.server_app;
    expect(app.command).toEqual(['sh', '-c', 'echo $${HOME} %%{x}']);
    expect(app.env).toContain('GREETING=$${USER}');
    expect(structureProblems(toOpenTofu(resolve(spec!)))).toEqual([]);
  });

  it('names resources unambiguously', () => {
    expect(tfName('server', 'traefik')).toBe('server_traefik');
    expect(tfName('server', 'my.vol')).toBe('server_my-x2e-vol');
    expect(tfName('server', 'my.vol')).not.toBe(tfName('server', 'my_vol'));
  });

  it('turns secrets into sensitive variables, never values', () => {
    const files = filesFor('modern-homelab-default.yaml');
    expect(JSON.parse(files['variables.tf.json']!)).toEqual({
      variable: {
        'secret_nextcloud-x2f-db-password': {
          type: 'string',
          sensitive: true,
          description: 'value of secret://nextcloud/db-password',
        },
      },
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: OpenTofu template syntax, not a JS template
    expect(files['main.tf.json']).toContain('POSTGRES_PASSWORD=${var.secret_nextcloud-x2f-db-password}');
  });

  it('gives each node its own aliased provider, over SSH when the node has it', () => {
    const main = JSON.parse(filesFor('modern-homelab-default.yaml')['main.tf.json']!);
    expect(main.provider.docker.map((p: { alias: string; host: string }) => [p.alias, p.host])).toEqual([
      ['home', 'ssh://ubuntu@192.168.1.20:22'],
      ['vps', 'ssh://root@198.51.100.7:22'],
      ['pi', 'ssh://pi@192.168.1.30:22'],
    ]);
    expect(Object.keys(main.output)).toContain('nextcloud_url');
    expect(main.output.nextcloud_url.value).toBe('https://nextcloud.example.org');
  });

  const hasTerraform = existsSync(terraform);

  it.skipIf(!hasTerraform)(
    'loads in terraform (providers) and validates as a shadow configuration',
    async () => {
      const results = await Promise.all(
        examples.map(async (example) => {
          const files = filesFor(example);
          const real = writeDir(files);
          const fake = writeDir(shadow(files));
          try {
            const providers = await tf(real, ['providers']);
            const init = await tf(fake, ['init', '-backend=false', '-input=false']);
            const validate = init.ok ? await tf(fake, ['validate']) : init;
            return { example, providers, validate };
          } finally {
            rmSync(real, { recursive: true, force: true });
            rmSync(fake, { recursive: true, force: true });
          }
        }),
      );
      for (const r of results) {
        expect(r.providers.ok, `${r.example}: ${r.providers.output}`).toBe(true);
        expect(r.providers.output).toContain('provider[registry.terraform.io/kreuzwerker/docker] ~> 3.0');
        expect(r.validate.ok, `${r.example}: ${r.validate.output}`).toBe(true);
        expect(r.validate.output).toContain('The configuration is valid');
      }
    },
    180_000,
  );

  it.skipIf(!hasTerraform)(
    'the terraform checks fail on a broken configuration',
    async () => {
      const files = filesFor('base-homelab-default.yaml');
      const main = JSON.parse(files['main.tf.json']!);
      main.resource.docker_container.server_app.depends_on = ['docker_container.missing'];
      main.output.app_url.value = '${docker_container.server_app.name';
      const fake = writeDir(shadow({ ...files, 'main.tf.json': JSON.stringify(main) }));
      try {
        const init = await tf(fake, ['init', '-backend=false', '-input=false']);
        const validate = init.ok ? await tf(fake, ['validate']) : init;
        expect(validate.ok).toBe(false);
      } finally {
        rmSync(fake, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
