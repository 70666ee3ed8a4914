/**
 * The parts of a compose service that are not one field each: `deploy` (and the older top-level
 * limits), secrets and configs (→ files in the container), and the table of fields kombify
 * cannot run or does not keep, each reported at its own line.
 */
import { placementPattern } from '../spec/formats.ts';
import { composeBytes, composeCpus, composeInt, specDuration, specSize } from './compose-values.ts';
import {
  type Data,
  isMap,
  type Path,
  proposeSecret,
  type ServiceContext,
  type ServiceInput,
  secretName,
} from './service-context.ts';

/** Fields that make the service impossible to run as kombify runs it: errors. */
const unsupported: Record<string, string> = {
  privileged: 'privileged containers are not supported: they can take over the node',
  devices: 'device access is not supported (the spec has no devices)',
  device_cgroup_rules: 'device cgroup rules are not supported',
  gpus: 'GPU access is not supported yet',
  runtime: 'another container runtime is not supported',
  userns_mode: 'user namespace modes are not supported',
  volumes_from: 'volumes_from is not supported: name the volumes the service mounts',
  extends: 'extends is not supported: write the service out in full',
  external_links: 'external_links are not supported: everything the stack reaches must be in it',
  cap_add: 'extra capabilities (cap_add) are not supported',
  sysctls: 'sysctls are not supported',
  isolation: 'isolation is not supported',
  cgroup_parent: 'cgroup_parent is not supported',
  credential_spec: 'credential_spec is not supported',
  post_start: 'lifecycle hooks (post_start) are not supported',
  pre_stop: 'lifecycle hooks (pre_stop) are not supported',
};

/** Namespace sharing with the host: an error only for the host (or another container). */
const namespaces = ['pid', 'ipc', 'uts', 'cgroup'] as const;

/** Fields that are dropped with a warning: the service runs, without this. */
const notKept: Record<string, string> = {
  container_name: 'containers are named <stack>-<service> by kombify',
  hostname: 'the container keeps the service name as its host name',
  domainname: 'domainname is not kept',
  working_dir: "working_dir is not kept: the image's applies",
  stop_grace_period: 'stop_grace_period is not kept (Docker default 10s)',
  stop_signal: "stop_signal is not kept: the image's applies",
  init: 'init is not kept',
  tty: 'tty is not kept',
  stdin_open: 'stdin_open is not kept',
  read_only: 'read_only is not kept: the root file system stays writable',
  cap_drop: 'cap_drop is not kept: the container keeps Docker default capabilities',
  security_opt: 'security_opt is not kept',
  shm_size: 'shm_size is not kept (Docker default 64MiB)',
  ulimits: 'ulimits are not kept',
  logging: 'logging is not kept: kombify rotates json-file logs (observability.logs)',
  dns: 'dns is not kept: the node uses network.dns.servers',
  dns_opt: 'dns_opt is not kept',
  dns_search: 'dns_search is not kept',
  extra_hosts: 'extra_hosts are not kept',
  mac_address: 'mac_address is not kept',
  pull_policy: 'pull_policy is not kept: images are pulled when missing',
  platform: 'platform is not kept: the node pulls its own architecture',
  annotations: 'annotations are not kept',
  label_file: 'label_file is not kept',
  group_add: 'group_add is not kept',
  cpu_shares: 'cpu_shares is not kept',
  cpu_quota: 'cpu_quota is not kept',
  cpu_period: 'cpu_period is not kept',
  cpu_rt_period: 'cpu_rt_period is not kept',
  cpu_rt_runtime: 'cpu_rt_runtime is not kept',
  cpu_count: 'cpu_count is not kept',
  cpu_percent: 'cpu_percent is not kept',
  cpuset: 'cpuset is not kept',
  mem_reservation: 'mem_reservation is not kept',
  mem_swappiness: 'mem_swappiness is not kept',
  memswap_limit: 'memswap_limit is not kept',
  oom_kill_disable: 'oom_kill_disable is not kept',
  oom_score_adj: 'oom_score_adj is not kept',
  pids_limit: 'pids_limit is not kept',
  blkio_config: 'blkio_config is not kept',
  storage_opt: 'storage_opt is not kept',
  links: 'links are not needed: services reach each other by name on the stack network',
  expose: 'expose is not needed: services reach every port of each other on the stack network',
  attach: 'attach is ignored',
  develop: 'develop (compose watch) is ignored',
};

/** Reports every field of a service that is unsupported or not kept. */
export function reportFields(svc: Data, at: Path, ctx: ServiceContext): void {
  for (const [key, value] of Object.entries(svc)) {
    if (key.startsWith('x-')) {
      ctx.report.warn([...at, key], 'ignored', `extension ${key} is ignored`, 'key');
    } else if (key in unsupported) {
      const off = value === false || value === 'false' || (Array.isArray(value) && value.length === 0);
      if (!off) ctx.report.error([...at, key], 'unsupported', unsupported[key]!, 'key');
    } else if ((namespaces as readonly string[]).includes(key)) {
      if (value === 'host' || (typeof value === 'string' && /^(service|container):/.test(value)))
        ctx.report.error(
          [...at, key],
          'unsupported',
          `${key}: ${value} shares a namespace kombify does not give containers`,
        );
      else if (value !== null && value !== 'private')
        ctx.report.warn([...at, key], 'not_kept', `${key}: ${String(value)} is not kept`);
    } else if (key in notKept) {
      ctx.report.warn(
        [...at, key],
        key === 'links' || key === 'expose' ? 'ignored' : 'not_kept',
        notKept[key]!,
        'key',
      );
    }
  }
}

/** deploy (+ mem_limit, cpus, scale): resources always; replicas, placement, update on Swarm kits. */
export function mapDeploy(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  const deploy = isMap(svc.deploy) ? svc.deploy : {};
  const d = [...at, 'deploy'];
  const limits = isMap(deploy.resources) && isMap(deploy.resources.limits) ? deploy.resources.limits : {};
  const cpus = composeCpus(limits.cpus ?? svc.cpus);
  const bytes = composeBytes(limits.memory ?? svc.mem_limit);
  if (cpus !== undefined || bytes !== undefined) {
    out.resources = {
      ...(cpus !== undefined ? { cpus } : {}),
      ...(bytes !== undefined ? { memory: specSize(bytes) } : {}),
    };
  }
  if (limits.pids !== undefined)
    ctx.report.warn([...d, 'resources', 'limits', 'pids'], 'not_kept', 'a pids limit is not kept');
  if (isMap(deploy.resources) && deploy.resources.reservations !== undefined) {
    ctx.report.warn([...d, 'resources', 'reservations'], 'not_kept', 'reservations are not kept; limits are');
  }
  const replicas = composeInt(deploy.replicas ?? svc.scale);
  const replicasAt = deploy.replicas !== undefined ? [...d, 'replicas'] : [...at, 'scale'];
  if (replicas !== undefined && replicas !== 1) {
    if (!ctx.swarm)
      ctx.report.warn(
        replicasAt,
        'not_kept',
        `${replicas} replicas: ${ctx.kitLabel} runs one container per service; ha-homelab runs replicas`,
      );
    else if (replicas < 1 || replicas > 100)
      ctx.report.error(replicasAt, 'invalid_value', 'replicas must be 1-100');
    else out.replicas = replicas;
  }
  if (deploy.mode === 'global')
    ctx.report.warn([...d, 'mode'], 'not_kept', 'mode: global is not kept: the service runs as replicas');
  const placement = isMap(deploy.placement) ? deploy.placement : {};
  const constraints = Array.isArray(placement.constraints)
    ? placement.constraints.filter((c): c is string => typeof c === 'string')
    : [];
  if (constraints.length > 0) {
    if (!ctx.swarm)
      ctx.report.warn(
        [...d, 'placement'],
        'not_kept',
        `placement constraints need a Swarm kit (ha-homelab); ${ctx.kitLabel} runs the service on its node`,
      );
    else {
      const bad = constraints.find((c) => !placementPattern.test(c));
      if (bad)
        ctx.report.error(
          [...d, 'placement', 'constraints'],
          'invalid_value',
          `${JSON.stringify(bad)} is not a constraint like node.role == manager`,
        );
      else out.placement = constraints;
    }
  }
  for (const key of ['preferences', 'max_replicas_per_node'] as const) {
    if (placement[key] !== undefined)
      ctx.report.warn([...d, 'placement', key], 'not_kept', `placement ${key} is not kept`);
  }
  if (isMap(deploy.update_config)) mapUpdate(deploy.update_config, [...d, 'update_config'], ctx, out);
  for (const key of ['rollback_config', 'endpoint_mode', 'labels'] as const) {
    if (deploy[key] !== undefined) ctx.report.warn([...d, key], 'not_kept', `deploy.${key} is not kept`);
  }
}

function mapUpdate(u: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  if (!ctx.swarm) {
    ctx.report.warn(
      at,
      'not_kept',
      `update_config needs a Swarm kit (ha-homelab); ${ctx.kitLabel} replaces the container`,
    );
    return;
  }
  const update: NonNullable<ServiceInput['update']> = {};
  const parallelism = composeInt(u.parallelism);
  if (parallelism !== undefined) update.parallelism = parallelism;
  for (const key of ['delay', 'monitor'] as const) {
    if (typeof u[key] !== 'string') continue;
    const value = specDuration(u[key] as string);
    if (value) update[key] = value;
    else
      ctx.report.warn(
        [...at, key],
        'not_kept',
        `${JSON.stringify(u[key])} is not a duration kombify can keep`,
      );
  }
  if (u.failure_action === 'rollback' || u.failure_action === 'pause' || u.failure_action === 'continue')
    update.failureAction = u.failure_action;
  if (u.order === 'start-first' || u.order === 'stop-first') update.order = u.order;
  if (u.max_failure_ratio !== undefined)
    ctx.report.warn([...at, 'max_failure_ratio'], 'not_kept', 'max_failure_ratio is not kept');
  if (Object.keys(update).length > 0) out.update = update;
}

/** secrets → files holding secret:// references; configs → files with their content. */
export function mapSecretsAndConfigs(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  const files: NonNullable<ServiceInput['files']> = [];
  const entries = (kind: 'secrets' | 'configs') => (Array.isArray(svc[kind]) ? (svc[kind] as unknown[]) : []);
  entries('secrets').forEach((entry, i) => {
    const where = [...at, 'secrets', i];
    const { source, target } = reference(entry);
    if (!source) return;
    const def = ctx.top.secrets[source];
    if (!isMap(def)) {
      ctx.report.error(
        where,
        'invalid_reference',
        `secret "${source}" is not declared under the top-level secrets:`,
      );
      return;
    }
    const ref = `secret://${secretName(source)}`;
    let value: string | undefined;
    if (typeof def.file === 'string') value = ctx.readFile?.(def.file);
    else if (typeof def.environment === 'string') value = ctx.vars.get(def.environment);
    const how = def.external
      ? 'it is external'
      : value === undefined
        ? 'its value was not readable here'
        : 'its value goes to the secret store';
    ctx.report.warn(where, 'secret', `secret "${source}" becomes ${ref} (${how}); set it before deploying`);
    proposeSecret(ctx, ref, `secrets.${source}`, def.external ? undefined : value);
    files.push({ path: target ?? `/run/secrets/${source}`, secret: ref });
    reportOwnership(entry, where, ctx);
  });
  entries('configs').forEach((entry, i) => {
    const where = [...at, 'configs', i];
    const { source, target } = reference(entry);
    if (!source) return;
    const def = ctx.top.configs[source];
    if (!isMap(def)) {
      ctx.report.error(
        where,
        'invalid_reference',
        `config "${source}" is not declared under the top-level configs:`,
      );
      return;
    }
    let content: string | undefined;
    if (typeof def.content === 'string') content = def.content;
    else if (typeof def.file === 'string') content = ctx.readFile?.(def.file);
    else if (typeof def.environment === 'string') content = ctx.vars.get(def.environment);
    if (content === undefined) {
      const why = def.external
        ? 'an external config has no content kombify can place'
        : `its content (${String(def.file ?? def.environment)}) could not be read`;
      ctx.report.error(
        ['configs', source],
        def.external ? 'unsupported' : 'invalid_reference',
        `config "${source}": ${why}`,
      );
      return;
    }
    if (content.length > 65536) {
      ctx.report.error(
        ['configs', source],
        'unsupported',
        `config "${source}" is over 64 KiB; mount it from the node instead`,
      );
      return;
    }
    files.push({ path: target ?? `/${source}`, content });
    reportOwnership(entry, where, ctx);
  });
  if (files.length > 0) out.files = files;
}

function reference(entry: unknown): { source?: string; target?: string } {
  if (typeof entry === 'string') return { source: entry };
  if (!isMap(entry) || typeof entry.source !== 'string') return {};
  const t = typeof entry.target === 'string' ? entry.target : undefined;
  return { source: entry.source, ...(t ? { target: t.startsWith('/') ? t : `/run/secrets/${t}` } : {}) };
}

function reportOwnership(entry: unknown, at: Path, ctx: ServiceContext): void {
  if (!isMap(entry)) return;
  for (const key of ['uid', 'gid', 'mode'] as const) {
    if (entry[key] !== undefined) ctx.report.warn([...at, key], 'not_kept', `${key} of the file is not kept`);
  }
}
