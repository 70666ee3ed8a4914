/** The input schemas of KombiSim's operations (REST and Connect check bodies with them). */
import { z } from 'zod';
import { simNodeTypes } from './templates.ts';

const dnsLabel = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$|^[a-z]$/, 'must be a DNS label: lower-case letters, digits and "-"');
const publicKey = z
  .string()
  .max(16_384)
  .regex(
    /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+) [A-Za-z0-9+/=]+( .*)?$/,
    'must be an OpenSSH public key line',
  );
const memory = z.string().regex(/^\d+(Mi|Gi)$/, 'must be a size like 512Mi or 2Gi');
const disk = z.string().regex(/^\d+(Gi|Ti)$/, 'must be a size like 20Gi or 1Ti');

export const nodeSpecSchema = z
  .object({
    name: dnsLabel,
    type: z.enum(simNodeTypes).default('local'),
    resources: z
      .object({
        cpu: z.number().min(0.1).max(64).optional(),
        memory: memory.optional(),
        disk: disk.optional(),
      })
      .strict()
      .optional(),
    network: z
      .object({
        latency_ms: z.number().int().min(0).max(10_000).optional(),
        loss_percent: z.number().min(0).max(100).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const common = {
  worker_id: z.string().min(1).optional(),
  auto_start: z.boolean().default(true),
  ssh_public_keys: z.array(publicKey).max(32).default([]),
  /** Nodes run the kombify agent, enrolled as simulated workers (a deploy target). */
  deploy_target: z.boolean().default(false),
};

export const createSimulationSchema = z
  .object({ name: dnsLabel, nodes: z.array(nodeSpecSchema).max(100).default([]), ...common })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Map<string, number>();
    body.nodes.forEach((n, i) => {
      if (seen.has(n.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', i, 'name'],
          message: `duplicate node name (first used at nodes[${seen.get(n.name)}])`,
        });
      } else seen.set(n.name, i);
    });
  });

/** deploy_target unset: the template's default (true for the multi-node ones). */
export const applyTemplateSchema = z
  .object({ simulation_name: dnsLabel, ...common, deploy_target: z.boolean().optional() })
  .strict();

export const createNodeSchema = nodeSpecSchema
  .extend({
    simulation_id: z.string().min(1),
    auto_start: z.boolean().default(true),
    ssh_public_keys: common.ssh_public_keys,
  })
  .strict();

export type CreateSimulationInput = z.output<typeof createSimulationSchema>;
export type ApplyTemplateInput = z.output<typeof applyTemplateSchema>;
export type CreateNodeInput = z.output<typeof createNodeSchema>;
export type NodeSpec = z.output<typeof nodeSpecSchema>;

/** `POST /api/v1/nodes/{id}/faults` */
export const faultSchema = z
  .object({
    kind: z.enum(['kill', 'pause', 'partition']),
    duration_s: z.number().int().min(1).max(86_400).optional(),
    from: z.array(dnsLabel).min(1).max(100).optional(),
    /** Kept for when the kernel has sch_netem; recorded as not injected here. */
    latency_ms: z.number().int().min(0).max(10_000).optional(),
    loss_percent: z.number().min(0).max(100).optional(),
  })
  .strict();
export type FaultInput = z.output<typeof faultSchema>;
