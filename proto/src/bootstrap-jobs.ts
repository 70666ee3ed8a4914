/**
 * The `node.bootstrap` job type: a node's layer-1 setup (the plan's `BootstrapStep`s for time
 * zone, unattended upgrades, SSH hardening, firewall and Docker daemon settings), applied
 * idempotently by the agent; `dry_run` reports the diff without changing anything. Re-exported by
 * jobs.ts, which registers it with the other job types.
 *
 * VPN, Swarm and backup steps are not part of this job: they need secrets and other nodes.
 */
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

/**
 * `Area/City` (up to three parts, as `America/Argentina/Buenos_Aires`) or one name like `UTC`:
 * the names of files under /usr/share/zoneinfo. No dots, so never `..`, and no leading slash.
 * The same names the spec accepts for `system.timezone`.
 */
export const bootstrapTimezone = z
  .string()
  .max(64)
  .regex(
    /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/,
    'must be a time zone like UTC or Europe/Berlin',
  );

export const bootstrapStepNames = ['timezone', 'packages', 'ssh-hardening', 'firewall', 'docker'] as const;

const timezoneStep = z.object({ step: z.literal('timezone'), timezone: bootstrapTimezone }).strict();

/** Unattended upgrades on or off (APT::Periodic in /etc/apt/apt.conf.d/20auto-upgrades). */
const packagesStep = z.object({ step: z.literal('packages'), auto_updates: z.boolean() }).strict();

const sshStep = z
  .object({
    step: z.literal('ssh-hardening'),
    port,
    password_authentication: z.boolean(),
    permit_root_login: z.enum(['no', 'prohibit-password', 'yes']),
  })
  .strict();

export const firewallRule = z
  .object({
    port,
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    /** Why the port is open (a service name, `ssh`, …): a comment in the ruleset. */
    reason: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9_.:/ -]*$/, 'must be letters, digits, spaces or "_.:/-"')
      .default(''),
  })
  .strict();

/**
 * Incoming traffic is dropped except for the allow list and the SSH port(s). Swarm ingress ports
 * are in the allow list (toBootstrapJobs puts them there), so the agent needs no plan.
 */
const firewallStep = z
  .object({
    step: z.literal('firewall'),
    enabled: z.boolean(),
    default_incoming: z.literal('deny').default('deny'),
    allow: z.array(firewallRule).max(256).default([]),
  })
  .strict();

/** Merged into /etc/docker/daemon.json; takes effect when the Docker daemon restarts. */
const dockerStep = z
  .object({
    step: z.literal('docker'),
    /** DNS servers of containers; empty: the node's `dns` setting is left as it is. */
    dns: z
      .array(z.union([z.ipv4(), z.ipv6()]))
      .max(8)
      .default([]),
    log_driver: z.literal('json-file').default('json-file'),
    log_options: z
      .object({
        'max-file': z.string().regex(/^[1-9][0-9]{0,2}$/, 'must be a number of files like "3"'),
        'max-size': z.string().regex(/^[1-9][0-9]{0,5}[kmg]$/, 'must be a size like 10m'),
      })
      .strict(),
  })
  .strict();

export const bootstrapStep = z.discriminatedUnion('step', [
  timezoneStep,
  packagesStep,
  sshStep,
  firewallStep,
  dockerStep,
]);

export const nodeBootstrapParams = z
  .object({
    /** Applied in this order; each step at most once. */
    steps: z.array(bootstrapStep).min(1).max(bootstrapStepNames.length),
    dry_run: z.boolean().default(false),
    /**
     * The SSH port the operator reaches the node through now. sshd keeps listening on it and the
     * firewall keeps it open, so moving SSH to another port never cuts the way in.
     */
    ssh_keep_port: port.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.steps.forEach((s, i) => {
      if (seen.has(s.step))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'step'], message: `duplicate step "${s.step}"` });
      seen.add(s.step);
    });
    const firewall = p.steps.findIndex((s) => s.step === 'firewall' && s.enabled);
    const ssh = p.steps.some((s) => s.step === 'ssh-hardening');
    if (firewall >= 0 && !ssh && p.ssh_keep_port === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['steps', firewall],
        message:
          'an enabled firewall needs an ssh-hardening step or ssh_keep_port, so the SSH port stays open',
      });
  });

export const nodeBootstrapResult = z.object({
  steps: z.array(
    z.object({
      step: z.enum(bootstrapStepNames),
      /** Differs from the node's state (dry run: would change). */
      changed: z.boolean(),
      /** The managed state before and after, as text (file contents, mostly): the diff to show. */
      before: z.string(),
      after: z.string(),
      detail: z.string().optional(),
    }),
  ),
  /** How many steps changed (or would). */
  changed: z.number().int().min(0),
});

/** Params after defaults (what the agent gets); `…Input` is what callers may send. */
export type NodeBootstrapParams = z.output<typeof nodeBootstrapParams>;
export type NodeBootstrapInput = z.input<typeof nodeBootstrapParams>;
export type BootstrapStepParams = z.output<typeof bootstrapStep>;
export type BootstrapStepName = (typeof bootstrapStepNames)[number];
export type FirewallRuleParams = z.output<typeof firewallRule>;
export type NodeBootstrapResult = z.output<typeof nodeBootstrapResult>;
