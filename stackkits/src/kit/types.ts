/**
 * What a StackKit (layer 3) is: its rules, variants and services. The three kits implement this;
 * the Unifier only talks to kits through it.
 */
import type { ServiceTemplate } from '../../platforms/docker/catalog.ts';
import type { Spec } from '../spec/defaults.ts';
import type { PendingError } from '../spec/errors.ts';
import type { ComputeTier, KitName, OsName, VariantName } from '../spec/vocabulary.ts';
import type { PlanNote, PlanUpdateConfig } from '../unifier/plan.ts';

export interface KitVariant {
  name: VariantName;
  summary: string;
  /** Services of the variant (before compute-tier extras). */
  services: readonly string[];
  /** Fewest nodes the variant accepts (e.g. ha-homelab enterprise: 5). */
  minNodes?: number;
  /** The variant only works with a public domain (coolify). */
  needsPublicDomain?: boolean;
}

export interface SwarmTopology {
  leader: string;
  managers: string[];
  workers: string[];
}

export interface Topology {
  /** Node of the stack's core services, and where a user service without `node` runs. */
  primary: string;
  /** Node whose Traefik serves routes (ha-homelab: the leader; Traefik runs on every manager). */
  ingress: string;
  swarm: SwarmTopology | null;
  /** In ha-homelab every service on a Swarm node is a Swarm service. */
  swarmServices: boolean;
}

export interface KitConfig {
  variant: VariantName;
  tier: ComputeTier | null;
  notes: PlanNote[];
  topology: Topology;
}

export type Placement =
  | { kind: 'node'; node: string }
  | { kind: 'each'; nodes: string[] }
  | { kind: 'swarm'; mode: 'replicated'; replicas: number; constraints: string[] }
  | { kind: 'swarm'; mode: 'global'; constraints: string[] };

export interface KitService {
  template: ServiceTemplate;
  placement: Placement;
  needs: string[];
  /** Swarm: how ports are published (host mode for per-node listeners like Traefik). */
  publishMode?: 'ingress' | 'host';
  /** Swarm: overrides the kit's rolling-update policy for this service. */
  update?: PlanUpdateConfig;
}

export interface KitRequirements {
  nodes: { min: number; max: number | null };
  os: readonly OsName[];
  /** Minimum resources by role, as the kit states them. */
  minimums: ReadonlyArray<{ role: string; cpu: number; memoryGi: number; diskGi: number }>;
  /** Allowed Swarm manager counts (ha-homelab). */
  managerCounts?: readonly number[];
  notes: readonly string[];
}

export interface KitContext {
  spec: Spec;
  config: KitConfig;
}

export interface KitDefinition {
  name: KitName;
  summary: string;
  variants: readonly KitVariant[];
  defaultVariant: VariantName;
  defaultSubnet: string;
  requirements: KitRequirements;
  /**
   * Checks the kit's rules (errors with code kit_constraint) and decides variant, compute tier and
   * topology. `config` is null when the spec cannot be laid out at all (e.g. no main node).
   */
  configure(spec: Spec): { config: KitConfig | null; errors: PendingError[] };
  /** The kit's services for a configuration, placed on nodes. */
  services(ctx: KitContext): KitService[];
}
