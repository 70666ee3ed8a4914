/**
 * The Unifier's model types: a service with the kit's and the spec's settings merged and placed.
 * Kept apart from model.ts so the helpers that read them (dependencies, routes, port conflicts)
 * do not import the module that imports them.
 */

import type { ServiceTemplate } from '../../platforms/docker/catalog.ts';
import type { KitConfig, KitDefinition, Placement } from '../kit/types.ts';
import type { Spec } from '../spec/defaults.ts';
import type { PathSegments } from '../spec/errors.ts';
import type { FileSpec, ServiceSpec } from '../spec/schema.ts';
import type { Protocol, RestartPolicy, ServiceType, VolumeType } from '../spec/vocabulary.ts';
import type { PlanHealthCheck, PlanResources, PlanRoute, PlanUpdateConfig } from './plan.ts';

export interface ModelPort {
  container: number;
  host: number | null;
  protocol: Protocol;
  /** Address the port is published on; null = every address. */
  hostIp: string | null;
  /** Spec path of the port's `host` when the spec declared it (for conflict errors). */
  at: PathSegments | null;
}

export interface ModelVolume {
  type: VolumeType;
  name: string;
  source: string | null;
  target: string;
  readOnly: boolean;
}

export interface ModelService {
  name: string;
  /** The kit runs it (possibly customised by the spec). */
  fromKit: boolean;
  /** Index in spec.services when the spec declared or customised it. */
  specIndex: number | null;
  template: ServiceTemplate | null;
  type: ServiceType;
  image: string;
  command: string[] | null;
  entrypoint: string[] | null;
  user: string | null;
  ports: ModelPort[];
  volumes: ModelVolume[];
  env: Record<string, string>;
  secrets: Record<string, string>;
  /** The spec's own container labels (never kombify.*). */
  labels: Record<string, string>;
  files: FileSpec[];
  resources: PlanResources | null;
  aliases: string[];
  restart: RestartPolicy;
  healthcheck: PlanHealthCheck | null;
  needs: string[];
  /** `needs` came from the spec (cycles among those are reported by the raw checks). */
  needsFromSpec: boolean;
  placement: Placement;
  publishMode: 'ingress' | 'host';
  update: PlanUpdateConfig | null;
  enabled: boolean;
  proxySpec: NonNullable<NonNullable<ServiceSpec['network']>['proxy']> | null;
  route: Omit<PlanRoute, 'node'> | null;
}

export interface Model {
  spec: Spec;
  kit: KitDefinition;
  config: KitConfig;
  network: string;
  subnet: string;
  /** Enabled services, dependencies first. */
  services: ModelService[];
  /** Swarm members (managers and workers). */
  members: ReadonlySet<string>;
}
