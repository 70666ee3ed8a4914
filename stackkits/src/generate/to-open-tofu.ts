/**
 * Plan → OpenTofu JSON configuration (`*.tf.json`) for the kreuzwerker/docker provider: one aliased
 * provider per node (Docker over SSH for remote nodes), then networks, volumes, images, containers
 * and Swarm services, and one output per service URL.
 *
 * In JSON syntax every string value is a template, so literal text is escaped (`${` → `$${`,
 * `%{` → `%%{`); only the references this generator writes itself are left as templates.
 */
import { parseSize } from '../spec/formats.ts';
import type { Plan, PlanContainer, PlanHealthCheck, PlanNode, PlanSwarmService } from '../unifier/plan.ts';

export const dockerProvider = { source: 'kreuzwerker/docker', version: '~> 3.0' } as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Block = Record<string, Json>;

/** Literal text in a JSON-syntax template position. */
export function lit(text: string): string {
  // A function replacement: in a replacement string "$$" would itself mean one "$".
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** A resource or variable name from parts: [a-z0-9-] kept, anything else hex-escaped. */
export function tfName(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^a-zA-Z0-9-]/g, (c) => `-x${c.charCodeAt(0).toString(16)}-`)).join('_');
}

/**
 * The sensitive OpenTofu variable that carries a secret: `secret://db/password` →
 * `secret_db-x2f-password` (set it as TF_VAR_<name> or in a *.auto.tfvars.json).
 */
export function secretVariableName(ref: string): string {
  return tfName('secret', ref.slice('secret://'.length));
}

/** A size like 512Mi → whole MiB (the provider's `memory` is in MB), rounded up. */
function mebibytes(size: string): number {
  return Math.ceil((parseSize(size) ?? 0) / 2 ** 20);
}

function labelBlocks(labels: Record<string, string>): Block[] {
  return Object.entries(labels).map(([label, value]) => ({ label: lit(label), value: lit(value) }));
}

function healthcheck(h: PlanHealthCheck): Block {
  return {
    test: h.test.map(lit),
    interval: h.interval,
    timeout: h.timeout,
    retries: h.retries,
    start_period: h.startPeriod,
  };
}

/** Returns the configuration files by name: main.tf.json, plus variables.tf.json when secrets are used. */
export function toOpenTofu(plan: Plan): Record<string, string> {
  const providers: Block[] = plan.nodes.map((node) => provider(node));
  const networks: Record<string, Block> = {};
  const volumes: Record<string, Block> = {};
  const images: Record<string, Block> = {};
  const containers: Record<string, Block> = {};
  const services: Record<string, Block> = {};
  const variables: Record<string, Block> = {};
  const stackLabels = (service?: string) =>
    labelBlocks({
      'kombify.managed': 'true',
      ...(service ? { 'kombify.service': service } : {}),
      'kombify.stack': plan.stack.name,
    });

  // Where each service's resources are, for depends_on from `needs`.
  const resourcesOf = new Map<string, string[]>();
  const addResource = (service: string, ref: string) => {
    const list = resourcesOf.get(service);
    if (list) list.push(ref);
    else resourcesOf.set(service, [ref]);
  };
  const networkRef = new Map<string, string>();

  for (const node of plan.nodes) {
    for (const net of node.networks) {
      const name = tfName(node.name, 'net');
      networks[name] = {
        provider: `docker.${node.name}`,
        name: lit(net.name),
        driver: net.driver,
        attachable: net.attachable,
        ...(net.subnet ? { ipam_config: [{ subnet: net.subnet }] } : {}),
        labels: stackLabels(),
      };
      networkRef.set(net.driver === 'overlay' ? '*' : node.name, `docker_network.${name}`);
    }
    for (const vol of node.volumes) {
      volumes[tfName(node.name, vol.name)] = {
        provider: `docker.${node.name}`,
        name: lit(vol.name),
        labels: stackLabels(vol.service),
      };
    }
  }
  const overlay = networkRef.get('*');
  const imageRef = new Map<string, string>();
  const image = (node: string, service: string, ref: string): string => {
    const key = `${node}\0${ref}`;
    let name = imageRef.get(key);
    if (!name) {
      name = tfName(node, service);
      imageRef.set(key, name);
      images[name] = { provider: `docker.${node}`, name: lit(ref), keep_locally: true };
    }
    return `\${docker_image.${name}.image_id}`;
  };
  const declareSecret = (ref: string): string => {
    const variable = secretVariableName(ref);
    variables[variable] = { type: 'string', sensitive: true, description: lit(`value of ${ref}`) };
    return variable;
  };
  const env = (c: { env: Record<string, string>; secrets: Record<string, string> }): [string, string][] => {
    const out: [string, string][] = Object.entries(c.env).map(([k, v]) => [k, lit(v)]);
    for (const [k, ref] of Object.entries(c.secrets)) out.push([k, `\${var.${declareSecret(ref)}}`]);
    return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  };

  for (const node of plan.nodes) {
    const local = networkRef.get(node.name);
    for (const c of node.containers) {
      const name = tfName(node.name, c.service);
      containers[name] = container(node, c, {
        image: image(node.name, c.service, c.image),
        env: env(c).map(([k, v]) => `${k}=${v}`),
        network: local ? `\${${local}.name}` : lit(c.networks[0] ?? ''),
        networkDependency: local ? null : (overlay ?? null),
        volumeDependencies: c.volumes
          .filter((m) => m.type === 'volume' && m.source !== null)
          .map((m) => `docker_volume.${tfName(node.name, m.source as string)}`),
        secretVariable: declareSecret,
      });
      addResource(c.service, `docker_container.${name}`);
    }
  }
  if (plan.swarm) {
    const leader = plan.swarm.leader;
    for (const s of plan.swarm.services) {
      const name = tfName(s.service);
      services[name] = swarmService(s, {
        provider: `docker.${leader}`,
        image: image(leader, s.service, s.image),
        env: Object.fromEntries(env(s)),
        network: overlay ? `\${${overlay}.id}` : lit(s.networks[0] ?? ''),
      });
      addResource(s.service, `docker_service.${name}`);
    }
  }
  // needs → depends_on, in plan order (needs always refer to earlier services).
  const dependsOn = (needs: string[]) => needs.flatMap((n) => resourcesOf.get(n) ?? []);
  for (const node of plan.nodes) {
    for (const c of node.containers)
      addDepends(containers[tfName(node.name, c.service)]!, dependsOn(c.needs));
  }
  for (const s of plan.swarm?.services ?? []) addDepends(services[tfName(s.service)]!, dependsOn(s.needs));

  const resource: Record<string, Json> = {};
  if (Object.keys(networks).length > 0) resource.docker_network = networks;
  if (Object.keys(volumes).length > 0) resource.docker_volume = volumes;
  if (Object.keys(images).length > 0) resource.docker_image = images;
  if (Object.keys(containers).length > 0) resource.docker_container = containers;
  if (Object.keys(services).length > 0) resource.docker_service = services;

  const output: Record<string, Json> = {};
  for (const o of plan.outputs) {
    output[tfName(o.service, 'url')] = { value: lit(o.url), description: lit(`URL of ${o.service}`) };
  }
  const main: Block = {
    '//': lit(
      `Generated by the kombify Unifier from kombination.yaml (stack ${plan.stack.name}, kit ${plan.stack.kit}, variant ${plan.stack.variant}). Do not edit: regenerate.`,
    ),
    terraform: { required_version: '>= 1.6', required_providers: { docker: { ...dockerProvider } } },
    provider: { docker: providers },
    ...(Object.keys(resource).length > 0 ? { resource } : {}),
    ...(Object.keys(output).length > 0 ? { output } : {}),
  };
  const files: Record<string, string> = { 'main.tf.json': `${JSON.stringify(main, null, 2)}\n` };
  if (Object.keys(variables).length > 0) {
    const sortedVars = Object.fromEntries(Object.entries(variables).sort(([a], [b]) => (a < b ? -1 : 1)));
    files['variables.tf.json'] = `${JSON.stringify({ variable: sortedVars }, null, 2)}\n`;
  }
  return files;
}

function provider(node: PlanNode): Block {
  const block: Block = { alias: node.name, host: lit(node.dockerHost) };
  if (node.ssh) {
    const opts = ['-o', 'StrictHostKeyChecking=accept-new'];
    if (node.ssh.keyPath) opts.push('-i', lit(node.ssh.keyPath));
    block.ssh_opts = opts;
  }
  return block;
}

function addDepends(block: Block, refs: string[]): void {
  if (refs.length === 0) return;
  const existing = (block.depends_on as string[] | undefined) ?? [];
  block.depends_on = [...new Set([...existing, ...refs])];
}

function container(
  node: PlanNode,
  c: PlanContainer,
  o: {
    image: string;
    env: string[];
    network: string;
    networkDependency: string | null;
    volumeDependencies: string[];
    /** Declares the sensitive variable of a secret and returns its name. */
    secretVariable: (ref: string) => string;
  },
): Block {
  const block: Block = {
    provider: `docker.${node.name}`,
    name: lit(c.name),
    image: o.image,
  };
  if (c.command) block.command = c.command.map(lit);
  if (c.entrypoint) block.entrypoint = c.entrypoint.map(lit);
  if (c.user) block.user = lit(c.user);
  if (o.env.length > 0) block.env = o.env;
  if (c.resources?.memory) block.memory = mebibytes(c.resources.memory);
  if (c.resources?.cpus) block.cpus = String(c.resources.cpus);
  block.restart = c.restart;
  block.must_run = true;
  const ports = c.ports.filter((p) => p.host !== null);
  if (ports.length > 0) {
    block.ports = ports.map((p) => ({
      internal: p.container,
      external: p.host,
      protocol: p.protocol,
      ...(p.hostIp ? { ip: p.hostIp } : {}),
    }));
  }
  const volumes = c.volumes.filter((m) => m.type !== 'tmpfs');
  if (volumes.length > 0) {
    block.volumes = volumes.map(
      (m): Block =>
        m.type === 'volume'
          ? { volume_name: lit(m.source ?? ''), container_path: lit(m.target), read_only: m.readOnly }
          : { host_path: lit(m.source ?? ''), container_path: lit(m.target), read_only: m.readOnly },
    );
  }
  const tmpfs = c.volumes.filter((m) => m.type === 'tmpfs');
  if (tmpfs.length > 0) block.mounts = tmpfs.map((m) => ({ target: lit(m.target), type: 'tmpfs' }));
  block.labels = labelBlocks(c.labels);
  block.networks_advanced = [
    { name: o.network, ...(c.aliases.length > 0 ? { aliases: c.aliases.map(lit) } : {}) },
  ];
  if (c.healthcheck) block.healthcheck = healthcheck(c.healthcheck);
  block.log_driver = c.logging.driver;
  block.log_opts = { ...c.logging.options };
  if (c.files.length > 0) {
    block.upload = c.files.map((f) => ({
      file: lit(f.path),
      content: f.secret ? `\${var.${o.secretVariable(f.secret)}}` : lit(f.content),
    }));
  }
  const depends = [...(o.networkDependency ? [o.networkDependency] : []), ...new Set(o.volumeDependencies)];
  if (depends.length > 0) block.depends_on = depends;
  return block;
}

function swarmService(
  s: PlanSwarmService,
  o: { provider: string; image: string; env: Record<string, string>; network: string },
): Block {
  const spec: Block = { image: o.image };
  // Swarm's container spec calls the entrypoint `command` and the command `args`.
  if (s.entrypoint) spec.command = s.entrypoint.map(lit);
  if (s.command) spec.args = s.command.map(lit);
  if (s.user) spec.user = lit(s.user);
  if (Object.keys(o.env).length > 0) spec.env = o.env;
  spec.labels = labelBlocks(s.containerLabels);
  if (s.mounts.length > 0) {
    spec.mounts = s.mounts.map((m) => ({
      target: lit(m.target),
      type: m.type,
      ...(m.source !== null ? { source: lit(m.source) } : {}),
      read_only: m.readOnly,
    }));
  }
  if (s.healthcheck) spec.healthcheck = healthcheck(s.healthcheck);
  const update = (failureAction: string) => ({
    parallelism: s.update.parallelism,
    delay: s.update.delay,
    failure_action: failureAction,
    monitor: s.update.monitor,
    order: s.update.order,
  });
  const block: Block = {
    provider: o.provider,
    name: lit(s.name),
    labels: labelBlocks(s.labels),
    task_spec: {
      container_spec: spec,
      ...(s.constraints.length > 0 ? { placement: { constraints: s.constraints.map(lit) } } : {}),
      networks_advanced: [
        { name: o.network, ...(s.aliases.length > 0 ? { aliases: s.aliases.map(lit) } : {}) },
      ],
      ...(s.resources ? { resources: { limits: swarmLimits(s.resources) } } : {}),
      restart_policy: { condition: s.restart },
      log_driver: { name: s.logging.driver, options: { ...s.logging.options } },
    },
    mode: s.mode === 'global' ? { global: true } : { replicated: { replicas: s.replicas ?? 1 } },
    update_config: update(s.update.failureAction),
    rollback_config: update('pause'),
  };
  if (s.ports.length > 0) {
    block.endpoint_spec = {
      ports: s.ports.map((p) => ({
        target_port: p.container,
        published_port: p.host,
        protocol: p.protocol,
        publish_mode: p.publishMode,
      })),
    };
  }
  return block;
}

function swarmLimits(r: NonNullable<PlanSwarmService['resources']>): Block {
  const limits: Block = {};
  if (r.cpus) limits.nano_cpus = Math.round(r.cpus * 1e9);
  if (r.memory) limits.memory_bytes = parseSize(r.memory) ?? 0;
  return limits;
}
