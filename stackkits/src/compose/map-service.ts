/**
 * One compose service → one kombination.yaml service: image, command/entrypoint, environment
 * (+ env_file, secret-looking values as secret:// references), ports, volumes, depends_on →
 * needs, healthcheck, restart, labels, networks (aliases), user, deploy, secrets and configs.
 * Everything else is reported where it stands (map-extras.ts).
 */
import { envNamePattern, imagePattern, labelKeyPattern, userPattern } from '../spec/formats.ts';
import type { ServiceType } from '../spec/vocabulary.ts';
import { composeInt, shellSplit, specDuration } from './compose-values.ts';
import { parseEnvText } from './interpolate.ts';
import { mapDeploy, mapSecretsAndConfigs, reportFields } from './map-extras.ts';
import { mapPort } from './map-ports.ts';
import { mapTmpfs, mapVolume, type VolumeContext } from './map-volumes.ts';
import { listToMap } from './merge.ts';
import {
  type Data,
  isMap,
  type Path,
  proposeSecret,
  type ServiceContext,
  type ServiceInput,
  secretName,
} from './service-context.ts';

/** Names whose values are secrets; `*_FILE` / `*_PATH` name a file holding one, not the secret. */
const secretKey =
  /(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH_?KEY|SALT)(?:_|$)|(?:^|_)PASS$/i;
const notSecret = /_(?:FILE|PATH|DIR|URL_FILE|LENGTH|MIN_LENGTH)$/i;

const typeByImage: [RegExp, ServiceType][] = [
  [
    /(^|\/)(postgres|postgis|pgvecto-rs|mysql|mariadb|mongo|timescaledb|couchdb|influxdb|clickhouse)[^/]*$/,
    'database',
  ],
  [/(^|\/)(redis|valkey|memcached|keydb|dragonfly)[^/]*$/, 'cache'],
  [/(^|\/)(rabbitmq|nats|mosquitto|eclipse-mosquitto|kafka)[^/]*$/, 'queue'],
];

function imageName(image: string): string {
  return image.split('@')[0]!.replace(/:[^/]*$/, '');
}

export function mapService(composeName: string, svc: Data, ctx: ServiceContext): ServiceInput {
  const at: Path = ['services', composeName];
  const out: ServiceInput = { name: ctx.names.get(composeName) ?? composeName };
  reportFields(svc, at, ctx);
  mapImage(svc, at, ctx, out);
  for (const key of ['entrypoint', 'command'] as const) {
    const value = svc[key];
    if (value === null || value === undefined) continue;
    const words = typeof value === 'string' ? shellSplit(value) : (value as string[]);
    if (!words) ctx.report.error([...at, key], 'invalid_value', `${key} has an unclosed quote`);
    else out[key] = words;
  }
  mapEnvironment(svc, at, ctx, out);
  mapPorts(svc, at, ctx, out);
  mapMounts(svc, at, ctx, out);
  mapNeeds(svc, at, ctx, out);
  mapHealth(svc, at, ctx, out);
  mapRestart(svc, at, ctx, out);
  mapLabels(svc, at, ctx, out);
  mapNetworks(svc, at, ctx, out);
  if (typeof svc.user === 'string') {
    if (userPattern.test(svc.user)) out.user = svc.user;
    else
      ctx.report.error(
        [...at, 'user'],
        'invalid_value',
        `user ${JSON.stringify(svc.user)} must look like 1000, 1000:1000 or app:app`,
      );
  }
  mapDeploy(svc, at, ctx, out);
  mapSecretsAndConfigs(svc, at, ctx, out);
  return out;
}

function mapImage(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  const image = typeof svc.image === 'string' ? svc.image.trim() : undefined;
  if (svc.build !== undefined) {
    const how = 'build it, push it to a registry the nodes can pull from, and name it in image:';
    if (image)
      ctx.report.warn(
        [...at, 'build'],
        'ignored',
        `kombify does not build images: ${image} is pulled instead (${how})`,
        'key',
      );
    else ctx.report.error([...at, 'build'], 'unsupported', `kombify does not build images: ${how}`, 'key');
  }
  if (image === undefined) {
    if (svc.build === undefined) ctx.report.error(at, 'invalid_value', 'the service has no image');
    return;
  }
  if (!imagePattern.test(image) || image.length > 384) {
    ctx.report.error(
      [...at, 'image'],
      'invalid_value',
      `${JSON.stringify(image)} is not an image reference like nginx:1.27`,
    );
    return;
  }
  out.image = image;
  if (!/:[\w][\w.-]*$/.test(image.split('@')[0]!.split('/').at(-1)!) && !image.includes('@')) {
    ctx.report.warn(
      [...at, 'image'],
      'invalid_value',
      `${image} has no tag, so Docker pulls :latest; pin a version`,
    );
  } else if (/:latest$/.test(image)) {
    ctx.report.warn(
      [...at, 'image'],
      'invalid_value',
      `${image} follows :latest; pin a version so updates are deliberate`,
    );
  }
  const type = typeByImage.find(([re]) => re.test(imageName(image)))?.[1];
  if (type) out.type = type;
}

function mapEnvironment(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  const env: Record<string, string> = {};
  const where = new Map<string, Path>();
  // env_file first: `environment` overrides it (Compose's precedence).
  const files = svc.env_file === undefined ? [] : Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file];
  files.forEach((item, i) => {
    const path = typeof item === 'string' ? item : isMap(item) ? String(item.path) : '';
    const required = isMap(item) ? item.required !== false && item.required !== 'false' : true;
    const fileAt = typeof svc.env_file === 'string' ? [...at, 'env_file'] : [...at, 'env_file', i];
    const text = ctx.readFile?.(path);
    if (text === undefined) {
      if (required)
        ctx.report.error(
          fileAt,
          'invalid_reference',
          `env_file ${path} could not be read${ctx.readFile ? '' : ' (give its content)'}`,
        );
      return;
    }
    const parsed = parseEnvText(text);
    for (const p of parsed.problems)
      ctx.report.warn(fileAt, 'invalid_value', `${path}:${p.line}: ${p.message}`);
    for (const [k, v] of parsed.vars) {
      env[k] = v;
      where.set(k, fileAt);
    }
  });
  const own = listToMap(svc.environment);
  for (const [k, v] of Object.entries(own)) {
    const keyAt = [...at, 'environment', k];
    if (v === null || v === undefined) {
      const value = ctx.vars.get(k);
      if (value === undefined) {
        ctx.report.warn(
          keyAt,
          'not_kept',
          `${k} takes its value from the shell, and .env does not set it: left out`,
        );
        continue;
      }
      env[k] = value;
    } else env[k] = String(v);
    where.set(k, Array.isArray(svc.environment) ? [...at, 'environment'] : keyAt);
  }
  const environment: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const keyAt = where.get(k) ?? [...at, 'environment'];
    if (!envNamePattern.test(k)) {
      ctx.report.error(
        keyAt,
        'invalid_value',
        `environment name ${JSON.stringify(k)} must be letters, digits and "_", not starting with a digit`,
      );
      continue;
    }
    if (v !== '' && secretKey.test(k) && !notSecret.test(k) && !v.startsWith('/run/secrets/')) {
      const ref = `secret://${secretName(out.name, k)}`;
      secrets[k] = ref;
      proposeSecret(ctx, ref, `services.${out.name}.environment.${k}`, v);
      ctx.report.warn(
        keyAt,
        'secret',
        `${k} looks like a secret: it becomes ${ref}, its value goes to the secret store, not the spec`,
      );
    } else environment[k] = v;
  }
  if (Object.keys(environment).length > 0) out.environment = environment;
  if (Object.keys(secrets).length > 0) out.environmentSecrets = secrets;
}

function mapPorts(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  if (!Array.isArray(svc.ports)) return;
  const ports = svc.ports.flatMap((p, i) => mapPort(p, [...at, 'ports', i], ctx.report));
  const seen = new Set<string>();
  const unique = ports.filter((p) => {
    const key = `${p.container}/${p.host}/${p.protocol}/${p.hostIp}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length > 64)
    ctx.report.error([...at, 'ports'], 'unsupported', `${unique.length} ports; at most 64 per service`);
  else if (unique.length > 0) out.ports = unique;
}

function mapMounts(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  const vctx: VolumeContext = {
    report: ctx.report,
    declared: ctx.top.volumes,
    projectDir: ctx.projectDir,
    used: new Set(),
  };
  const volumes = Array.isArray(svc.volumes)
    ? svc.volumes.flatMap((v, i) => mapVolume(v, [...at, 'volumes', i], vctx) ?? [])
    : [];
  volumes.push(...mapTmpfs(svc.tmpfs, [...at, 'tmpfs'], vctx));
  if (volumes.length > 64)
    ctx.report.error([...at, 'volumes'], 'unsupported', 'at most 64 mounts per service');
  else if (volumes.length > 0) out.volumes = volumes;
}

function mapNeeds(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  const deps = isMap(svc.depends_on) ? svc.depends_on : listToMap(svc.depends_on);
  const needs: string[] = [];
  for (const [name, cond] of Object.entries(deps)) {
    const depAt = Array.isArray(svc.depends_on)
      ? [...at, 'depends_on', (svc.depends_on as unknown[]).indexOf(name)]
      : [...at, 'depends_on', name];
    const target = ctx.names.get(name);
    if (!target) {
      const why = ctx.excluded.has(name)
        ? 'is in a profile that is not active'
        : 'is not a service of the file(s)';
      ctx.report.error(depAt, 'invalid_reference', `depends on "${name}", which ${why}`);
      continue;
    }
    needs.push(target);
    if (!isMap(cond)) continue;
    if (cond.condition === 'service_healthy' || cond.condition === 'service_completed_successfully') {
      const wait = cond.condition === 'service_healthy' ? 'to be healthy' : 'to finish';
      ctx.report.warn(
        [...depAt, 'condition'],
        'not_kept',
        `${name} is started first, but kombify does not wait for it ${wait}`,
      );
    }
    if (cond.required === false)
      ctx.report.warn([...depAt, 'required'], 'not_kept', `required: false is not kept: ${name} must exist`);
    if (cond.restart !== undefined)
      ctx.report.warn([...depAt, 'restart'], 'not_kept', 'restart on dependency change is not kept');
  }
  if (needs.length > 0) out.needs = needs;
}

function mapHealth(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  if (!isMap(svc.healthcheck)) return;
  const h = svc.healthcheck;
  const hAt = [...at, 'healthcheck'];
  let command: string[] | undefined;
  if (h.disable === true || h.disable === 'true') command = ['NONE'];
  else if (typeof h.test === 'string') command = ['CMD-SHELL', h.test];
  else if (Array.isArray(h.test) && h.test.length > 0) {
    const [first, ...rest] = h.test as string[];
    if (first === 'NONE') command = ['NONE'];
    else if ((first === 'CMD' || first === 'CMD-SHELL') && rest.length > 0) command = [first, ...rest];
    else ctx.report.error([...hAt, 'test'], 'invalid_value', 'test must start with CMD, CMD-SHELL or NONE');
  }
  if (!command) {
    if (h.test === undefined && h.disable === undefined)
      ctx.report.warn(hAt, 'not_kept', "no test: the image's own health check applies, with its own timing");
    return;
  }
  const check: NonNullable<ServiceInput['healthCheck']> = { command };
  for (const [key, field] of [
    ['interval', 'interval'],
    ['timeout', 'timeout'],
    ['start_period', 'startPeriod'],
  ] as const) {
    if (typeof h[key] !== 'string') continue;
    const value = specDuration(h[key] as string);
    if (value) check[field] = value;
    else
      ctx.report.warn(
        [...hAt, key],
        'not_kept',
        `${JSON.stringify(h[key])} is not a duration kombify can keep (default used)`,
      );
  }
  const retries = composeInt(h.retries);
  if (retries !== undefined && retries >= 1 && retries <= 100) check.retries = retries;
  else if (h.retries !== undefined)
    ctx.report.warn([...hAt, 'retries'], 'not_kept', 'retries must be 1-100 (default 3 used)');
  if (h.start_interval !== undefined)
    ctx.report.warn([...hAt, 'start_interval'], 'not_kept', 'start_interval is not kept');
  out.healthCheck = check;
}

function mapRestart(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  const deploy =
    isMap(svc.deploy) && isMap(svc.deploy.restart_policy) ? svc.deploy.restart_policy : undefined;
  if (deploy && ctx.swarm && typeof deploy.condition === 'string') {
    const map: Record<string, ServiceInput['restartPolicy']> = {
      none: 'no',
      'on-failure': 'on-failure',
      any: 'always',
    };
    const policy = map[deploy.condition];
    if (policy) out.restartPolicy = policy;
    else
      ctx.report.error(
        [...at, 'deploy', 'restart_policy', 'condition'],
        'invalid_value',
        'condition must be none, on-failure or any',
      );
  } else if (deploy) {
    ctx.report.warn(
      [...at, 'deploy', 'restart_policy'],
      'not_kept',
      `deploy.restart_policy applies to Swarm; ${ctx.kitLabel} uses restart:`,
    );
  }
  if (typeof svc.restart !== 'string' || out.restartPolicy) return;
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(svc.restart.trim());
  if (!m) {
    ctx.report.error(
      [...at, 'restart'],
      'invalid_value',
      'restart must be no, always, unless-stopped or on-failure[:N]',
    );
    return;
  }
  out.restartPolicy = m[1] as ServiceInput['restartPolicy'];
  if (m[2])
    ctx.report.warn(
      [...at, 'restart'],
      'not_kept',
      `the retry limit ${m[2]} is not kept: Docker retries on failure without a limit`,
    );
}

function mapLabels(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(listToMap(svc.labels))) {
    const keyAt = Array.isArray(svc.labels) ? [...at, 'labels'] : [...at, 'labels', k];
    if (k.startsWith('traefik.')) {
      const host = /Host\(`([^`]+)`\)/.exec(String(v ?? ''))?.[1];
      if (host && /\.rule$/.test(k)) {
        out.network = { ...out.network, proxy: { enabled: true, domain: host.toLowerCase() } };
        ctx.report.warn(
          keyAt,
          'changed',
          `routed through the kit's Traefik as ${host} (network.proxy); the traefik labels themselves are not kept`,
        );
      } else if (k !== 'traefik.enable') {
        ctx.report.warn(
          keyAt,
          'not_kept',
          `${k}: kombify routes through its own Traefik (network.proxy); traefik labels are not kept`,
          'key',
        );
      }
      continue;
    }
    if (k.startsWith('kombify.')) {
      ctx.report.warn(keyAt, 'not_kept', `${k}: labels starting with kombify. are kombify's own`, 'key');
      continue;
    }
    if (!labelKeyPattern.test(k)) {
      ctx.report.warn(
        keyAt,
        'not_kept',
        `label ${JSON.stringify(k)} is not a label key kombify accepts`,
        'key',
      );
      continue;
    }
    labels[k] = v === null || v === undefined ? '' : String(v);
  }
  if (Object.keys(labels).length > 0) out.labels = labels;
}

function mapNetworks(svc: Data, at: Path, ctx: ServiceContext, out: ServiceInput): void {
  const mode = svc.network_mode;
  if (typeof mode === 'string' && mode !== 'bridge' && mode !== 'default') {
    const why =
      mode === 'host'
        ? 'kombify runs every service on the stack network: publish the ports the service needs instead'
        : 'kombify runs every service on the stack network, with its own network stack';
    ctx.report.error(
      [...at, 'network_mode'],
      'unsupported',
      `network_mode: ${mode} is not supported: ${why}`,
    );
  }
  const networks = isMap(svc.networks) ? svc.networks : listToMap(svc.networks);
  const names = Object.keys(networks);
  if (names.length > 1) {
    ctx.report.warn(
      [...at, 'networks'],
      'changed',
      `${names.join(', ')} become the one stack network: services are not kept apart`,
    );
  }
  const aliases: string[] = [];
  for (const [name, settings] of Object.entries(networks)) {
    if (!isMap(settings)) continue;
    if (Array.isArray(settings.aliases))
      aliases.push(...settings.aliases.filter((a): a is string => typeof a === 'string'));
    for (const key of [
      'ipv4_address',
      'ipv6_address',
      'link_local_ips',
      'mac_address',
      'driver_opts',
      'priority',
    ] as const) {
      if (settings[key] !== undefined)
        ctx.report.warn(
          [...at, 'networks', name, key],
          'not_kept',
          `${key} is not kept: Docker assigns addresses`,
        );
    }
  }
  if (aliases.length > 0) out.network = { ...out.network, aliases: [...new Set(aliases)] };
}
