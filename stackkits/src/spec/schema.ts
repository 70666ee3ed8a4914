/**
 * The kombination.yaml schema: the single source for validation (zod), the published JSON Schema
 * (`z.toJSONSchema`, see scripts/build-schema.ts) and the TypeScript types (`z.infer`).
 *
 * Rules a schema cannot state (unique names, references, `needs` cycles, kit rules) live in
 * checks.ts and in the kits. Custom refinements carry their contract code in `params.code`.
 */
import { z } from 'zod';
import { baseDefaults } from './base-defaults.ts';
import {
  aliasPattern,
  cronPattern,
  cronProblem,
  dnsLabelPattern,
  domainPattern,
  durationPattern,
  emailPattern,
  envNamePattern,
  HOST_MAX_LENGTH,
  hasParentSegment,
  hostPattern,
  imagePattern,
  isHost,
  isIP,
  labelKeyPattern,
  logSizePattern,
  maxSizeBytes,
  mirrorPattern,
  parseSize,
  placementPattern,
  secretPrefix,
  secretRefPattern,
  sizePattern,
  taintPattern,
  timezonePattern,
  userPattern,
  versionPattern,
  volumeNamePattern,
} from './formats.ts';
import {
  accessModes,
  kitNames,
  nodeTypes,
  osNames,
  protocols,
  providers,
  proxyProviders,
  restartPolicies,
  serviceTypes,
  tlsModes,
  variantNames,
  volumeTypes,
  vpnKinds,
} from './vocabulary.ts';

/**
 * A string field whose length cap is checked first: `abort` stops zod before any pattern or
 * refinement runs, so an oversized value costs one length comparison, never a regex over a
 * megabyte (issue 20, M3). Every string of the spec is one of these.
 */
const text = (max: number) => z.string().max(max, { abort: true });

const HOST_MAX = HOST_MAX_LENGTH;

const dnsLabel = text(63).regex(dnsLabelPattern, {
  error:
    'must be a DNS label: 2-63 characters, lower-case letters, digits and "-", starting with a letter and not ending with "-"',
});

const port = z.number().int().min(1).max(65535);

/** Keys of user maps. A `__proto__` key is refused by the raw checks (zod skips it silently). */
const safeKey = (pattern: RegExp, what: string) =>
  text(HOST_MAX).regex(pattern, { error: `must be a valid ${what}` });

const size = (what: string, example: string) =>
  text(16)
    .regex(sizePattern, { error: `must be a size like ${example} (units Mi, Gi or Ti)` })
    .refine((v) => (parseSize(v) ?? 0) <= maxSizeBytes, {
      error: `${what} must be at most 1024Ti`,
      params: { code: 'out_of_range' },
    });

const safePath = (what: string) =>
  text(4096)
    .min(1, { error: `${what} must not be empty` })
    .refine((v) => !v.includes('\0'), { error: `${what} must not contain NUL characters` })
    .refine((v) => !hasParentSegment(v), {
      error: `${what} must not contain ".." segments`,
      params: { code: 'security' },
    });

const absolutePath = (what: string) =>
  safePath(what).refine((v) => v.startsWith('/'), { error: `${what} must be an absolute path` });

const freeForm = z
  .record(text(HOST_MAX), z.unknown())
  .meta({ description: 'Free-form; kept with the spec, not read by the Unifier.' });

export const sshSchema = z
  .strictObject({
    host: text(HOST_MAX)
      .refine(isHost, { error: 'must be an IP address or a hostname' })
      // The refinement is exact; the pattern gives editors a first check.
      .meta({ description: 'IP address or hostname the node is reached at.', pattern: hostPattern.source }),
    port: port.default(baseDefaults.sshPort).meta({ description: 'SSH port (1-65535).' }),
    user: text(32)
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: 'must be a Unix user name' })
      .optional()
      .meta({
        description:
          'Login user. Default by provider: local → ubuntu, hetzner → root, aws → ec2-user, gcp → admin, azure → azureuser, others → root.',
      }),
    key_path: safePath('key_path').optional().meta({ description: 'Private key file for the login.' }),
  })
  .meta({ description: 'How to reach the node. Optional: an agent may enroll the node later.' });

export const resourcesSchema = z
  .strictObject({
    cpu: z.number().int().min(1).optional().meta({ description: 'CPU cores (≥ 1).' }),
    memory: size('memory', '4Gi or 512Mi').optional().meta({ description: 'Memory, like 4Gi or 512Mi.' }),
    disk: size('disk', '50Gi or 1Ti').optional().meta({ description: 'Disk, like 50Gi or 1Ti.' }),
  })
  .meta({ description: 'Defaults by node type: main 4/4Gi/50Gi, worker 2/2Gi/20Gi, edge 1/1Gi/10Gi.' });

export const nodeSchema = z.strictObject({
  name: dnsLabel.meta({ description: 'Unique node name (DNS label).' }),
  type: z.enum(nodeTypes).meta({
    description: 'main (runs the stack core; a Swarm manager in ha-homelab), worker, or edge (at home).',
  }),
  provider: z.enum(providers).default('local').meta({ description: 'Where the machine runs.' }),
  os: z.enum(osNames).optional().meta({ description: 'Operating system; default system.os.' }),
  ssh: sshSchema.optional(),
  resources: resourcesSchema.optional(),
  labels: z
    .record(safeKey(labelKeyPattern, 'label key'), text(256))
    .optional()
    .meta({ description: 'Node labels; become Swarm node labels.' }),
  taints: z
    .array(
      text(512).regex(taintPattern, {
        error: 'must look like key=value:NoSchedule (or PreferNoSchedule, NoExecute)',
      }),
    )
    .optional()
    .meta({ description: 'Taints, like gpu=true:NoSchedule; recorded in the plan.' }),
});

export const portSchema = z.strictObject({
  container: port.meta({ description: 'Port inside the container.' }),
  host: port.optional().meta({ description: 'Port published on the node; none = not published.' }),
  protocol: z.enum(protocols).default('tcp'),
  hostIp: text(64)
    .refine(isIP, { error: 'must be an IP address' })
    .optional()
    .meta({ description: 'Publish only on this address of the node (like 127.0.0.1); default all.' }),
});

export const volumeSchema = z.strictObject({
  name: text(63)
    .regex(volumeNamePattern, { error: 'must be a volume name: letters, digits, "_", "." or "-"' })
    .meta({ description: 'Volume name; the Docker volume is named <stack>-<name>.' }),
  mountPath: absolutePath('mountPath').meta({ description: 'Absolute path inside the container.' }),
  hostPath: absolutePath('hostPath')
    .optional()
    .meta({ description: 'Absolute path on the node (type bind).' }),
  readOnly: z.boolean().default(false),
  type: z.enum(volumeTypes).default('volume'),
});

export const healthCheckSchema = z.strictObject({
  command: z
    .array(text(4096))
    .min(1)
    .max(64)
    .meta({ description: 'Command run inside the container; exit 0 = healthy.' }),
  interval: text(16).regex(durationPattern, { error: 'must be a duration like 30s' }).default('30s'),
  timeout: text(16).regex(durationPattern, { error: 'must be a duration like 5s' }).default('5s'),
  retries: z.number().int().min(1).max(100).default(3),
  startPeriod: text(16).regex(durationPattern, { error: 'must be a duration like 10s' }).default('0s'),
});

const envValue = z.union([text(32768), z.number(), z.boolean()], {
  error: 'must be a string, number or boolean',
});

const secretRef = text(secretPrefix.length + 255)
  .refine((v) => v.startsWith(secretPrefix), {
    error: 'must be a secret reference like secret://name, never the secret itself',
    params: { code: 'security' },
  })
  .refine((v) => !v.startsWith(secretPrefix) || secretRefPattern.test(v), {
    error: 'must be secret://<name> with letters, digits, ".", "_", "-" or "/"',
  })
  .refine((v) => !v.startsWith(secretPrefix) || !hasParentSegment(v), {
    error: 'must not contain ".." segments',
    params: { code: 'security' },
  });

export const proxySchema = z.strictObject({
  enabled: z.boolean().optional().meta({
    description:
      "Route through the stack's reverse proxy (network.proxy.provider). Default: on when network.access is proxy and the service has a port.",
  }),
  domain: text(HOST_MAX)
    .regex(domainPattern, { error: 'must be a domain name like app.example.com' })
    .optional()
    .meta({ description: 'Host name; default <service>.<network.domain>.' }),
  tls: z.enum(tlsModes).default('auto').meta({
    description:
      "auto: Let's Encrypt certificate (Caddy: its internal CA for hosts no public CA issues for, like *.lan); manual: TLS with your certificate (Traefik only); disabled: plain HTTP.",
  }),
});

const swarmConstraint = text(256).regex(placementPattern, {
  error: 'must be a Swarm constraint like node.labels.disk == ssd or node.role != manager',
});

export const resourceLimitsSchema = z
  .strictObject({
    cpus: z.number().gt(0).max(1024).optional().meta({ description: 'CPU limit, like 0.5 or 2.' }),
    memory: size('memory', '512Mi or 2Gi').optional().meta({ description: 'Memory limit, like 512Mi.' }),
  })
  .meta({ description: 'Resource limits of each container of the service.' });

export const updateSchema = z
  .strictObject({
    parallelism: z.number().int().min(0).max(100).optional(),
    delay: text(16).regex(durationPattern, { error: 'must be a duration like 10s' }).optional(),
    failureAction: z.enum(['rollback', 'pause', 'continue']).optional(),
    order: z.enum(['start-first', 'stop-first']).optional(),
    monitor: text(16).regex(durationPattern, { error: 'must be a duration like 30s' }).optional(),
  })
  .meta({ description: "Swarm rolling update; unset fields keep the kit's policy." });

export const fileSchema = z
  .strictObject({
    path: absolutePath('path').meta({ description: 'Absolute path of the file inside the container.' }),
    content: text(65536).optional().meta({ description: 'The file text.' }),
    secret: secretRef.optional().meta({ description: 'The file holds this secret (secret://<name>).' }),
  })
  .meta({ description: 'A file placed in the container before it starts: content or a secret.' });

export const serviceSchema = z.strictObject({
  name: dnsLabel.meta({
    description:
      'Unique service name (DNS label). A name of a kit service (e.g. traefik) customises that service.',
  }),
  type: z.enum(serviceTypes).default('custom'),
  image: text(384)
    .regex(imagePattern, { error: 'must be an image reference like nginx:1.27 or ghcr.io/org/app:tag' })
    .optional()
    .meta({ description: 'Image; required unless the name is a known catalog service.' }),
  command: z.array(text(4096)).max(256).optional(),
  entrypoint: z
    .array(text(4096))
    .max(256)
    .optional()
    .meta({ description: "Replaces the image's entrypoint." }),
  user: text(65)
    .regex(userPattern, { error: 'must be a user like 1000, 1000:1000 or app:app' })
    .optional()
    .meta({ description: "User (and group) the container runs as; default the image's." }),
  node: dnsLabel.optional().meta({ description: 'Node to run on; default the first main node.' }),
  enabled: z.boolean().default(true),
  needs: z.array(dnsLabel).max(256).optional().meta({ description: 'Services that must start first.' }),
  ports: z.array(portSchema).max(64).optional(),
  volumes: z.array(volumeSchema).max(64).optional(),
  environment: z.record(safeKey(envNamePattern, 'environment variable name'), envValue).optional(),
  environmentSecrets: z
    .record(safeKey(envNamePattern, 'environment variable name'), secretRef)
    .optional()
    .meta({ description: 'Environment variables from secrets: values are secret://<name> references.' }),
  restartPolicy: z.enum(restartPolicies).default('unless-stopped'),
  healthCheck: healthCheckSchema.optional(),
  labels: z
    .record(safeKey(labelKeyPattern, 'label key'), text(4096))
    .optional()
    .meta({ description: 'Container labels; keys starting with kombify. are reserved.' }),
  files: z.array(fileSchema).max(32).optional(),
  resources: resourceLimitsSchema.optional(),
  replicas: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Swarm kits: tasks of the service (default 1).' }),
  placement: z
    .array(swarmConstraint)
    .max(16)
    .optional()
    .meta({ description: 'Swarm kits: placement constraints.' }),
  update: updateSchema.optional(),
  network: z
    .strictObject({
      proxy: proxySchema.optional(),
      aliases: z
        .array(text(HOST_MAX).regex(aliasPattern, { error: 'must be a host name like db or cache.internal' }))
        .max(16)
        .optional()
        .meta({ description: 'Extra names the service is reached by on the stack network.' }),
    })
    .optional(),
});

export const systemSchema = z.strictObject({
  timezone: text(64)
    .regex(timezonePattern, { error: 'must be a time zone like UTC or Europe/Berlin' })
    .default(baseDefaults.timezone),
  os: z
    .enum(osNames)
    .default(baseDefaults.os)
    .meta({ description: 'Operating system of every node without its own os.' }),
  registryMirror: text(120)
    .regex(mirrorPattern, { error: 'must be a registry like registry.local:5000 (optionally with a path)' })
    .optional()
    .meta({ description: 'Pull every image through this registry mirror prefix.' }),
});

export const securitySchema = z.strictObject({
  ssh: z
    .strictObject({
      passwordAuthentication: z.boolean().default(false),
      permitRootLogin: z.enum(['no', 'prohibit-password']).default('prohibit-password'),
    })
    .prefault({}),
  firewall: z
    .strictObject({
      enabled: z.boolean().default(true),
      allow: z
        .array(z.strictObject({ port, protocol: z.enum(protocols).default('tcp') }))
        .max(256)
        .default([])
        .meta({ description: 'Extra ports to open; SSH and published ports are opened anyway.' }),
    })
    .prefault({}),
  autoUpdates: z.boolean().default(true).meta({ description: 'Unattended security updates.' }),
});

export const networkSchema = z.strictObject({
  vpn: z.enum(vpnKinds).default('none'),
  domain: text(HOST_MAX)
    .regex(domainPattern, { error: 'must be a domain name like home.example.com' })
    .default(baseDefaults.domain),
  access: z.enum(accessModes).optional().meta({
    description:
      'ports: each service on its host port; proxy: host rules of the reverse proxy (network.proxy). Default proxy when domain is set.',
  }),
  proxy: z
    .strictObject({
      provider: z.enum(proxyProviders).default('traefik').meta({
        description:
          'traefik (default; every kit) or caddy (base-homelab and modern-homelab: a Caddyfile generated from the routes).',
      }),
      email: text(254)
        .regex(emailPattern, { error: 'must be an e-mail address like admin@example.com' })
        .optional()
        .meta({ description: "Contact address of the Let's Encrypt account (expiry notices)." }),
    })
    .prefault({})
    .meta({ description: 'The reverse proxy of the stack.' }),
  dns: z
    .strictObject({
      servers: z
        .array(
          text(64)
            .refine(isIP, { error: 'must be an IP address' })
            .meta({ description: 'IPv4 or IPv6 address.' }),
        )
        .min(1)
        .max(8)
        .default([...baseDefaults.dnsServers]),
    })
    .prefault({}),
  internal: z
    .strictObject({
      subnet: z.cidrv4({ error: 'must be an IPv4 CIDR like 10.10.0.0/16' }).optional().meta({
        description:
          'Subnet of the stack network; kit default (base 172.20.0.0/16, modern 10.20.0.0/16, ha 10.10.0.0/16).',
      }),
    })
    .prefault({}),
});

export const observabilitySchema = z.strictObject({
  backup: z
    .strictObject({
      enabled: z.boolean().default(true),
      schedule: text(128)
        .regex(cronPattern, { error: 'must be a cron schedule with five fields, like 0 3 * * *' })
        // The pattern is the shape (and lands in the JSON Schema); croner checks the values.
        .refine((v) => !cronPattern.test(v) || cronProblem(v) === null, {
          error: (issue) => cronProblem(String(issue.input)) ?? 'not a cron schedule',
        })
        .default(baseDefaults.backupSchedule),
      retentionDays: z.number().int().min(1).max(3650).default(baseDefaults.backupRetentionDays),
    })
    .prefault({}),
  logs: z
    .strictObject({
      maxSize: text(16)
        .regex(logSizePattern, { error: 'must be a size like 10m' })
        .default(baseDefaults.logMaxSize),
      maxFiles: z.number().int().min(1).max(100).default(baseDefaults.logMaxFiles),
    })
    .prefault({}),
});

export const kombinationSchema = z
  .strictObject({
    name: dnsLabel.meta({ description: 'Stack name (DNS label).' }),
    version: text(16)
      .regex(versionPattern, { error: 'must look like "1.0" (quote it in YAML)' })
      .default(baseDefaults.version),
    kit: z
      .enum([...kitNames, ''])
      .optional()
      .meta({
        description: 'StackKit; empty = auto-select (cloud node → modern, ≥ 3 main nodes → ha, else base).',
      }),
    variant: z.enum(variantNames).optional().meta({ description: 'Kit variant; each kit has its own list.' }),
    nodes: z.array(nodeSchema).min(1),
    services: z.array(serviceSchema).default([]),
    system: systemSchema.prefault({}),
    security: securitySchema.prefault({}),
    network: networkSchema.prefault({}),
    observability: observabilitySchema.prefault({}),
    intents: freeForm.optional(),
    metadata: freeForm.optional(),
  })
  .meta({
    title: 'kombination.yaml',
    description: 'A kombify stack: nodes, services and the StackKit that runs them.',
  });

/** What a user writes. */
export type KombinationInput = z.input<typeof kombinationSchema>;
/** After schema defaults; node-dependent defaults come from {@link applyDefaults}. */
export type Kombination = z.output<typeof kombinationSchema>;
export type NodeInput = z.output<typeof nodeSchema>;
export type ServiceSpec = z.output<typeof serviceSchema>;
/** A service as written in kombination.yaml (defaults not yet applied). */
export type ServiceInput = z.input<typeof serviceSchema>;
export type PortSpec = z.output<typeof portSchema>;
export type VolumeSpec = z.output<typeof volumeSchema>;
export type HealthCheckSpec = z.output<typeof healthCheckSchema>;
export type FileSpec = z.output<typeof fileSchema>;
export type UpdateSpec = z.output<typeof updateSchema>;
export type SshInput = z.output<typeof sshSchema>;
