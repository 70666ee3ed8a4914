/**
 * The StackKits by name, and their public description (GET /v1/stackkits).
 */
import { baseHomelab } from '../../base-homelab/index.ts';
import { haHomelab } from '../../ha-homelab/index.ts';
import { modernHomelab } from '../../modern-homelab/index.ts';
import { catalog } from '../../platforms/docker/catalog.ts';
import type { KitName, VariantName } from '../spec/vocabulary.ts';
import type { KitDefinition, KitRequirements } from './types.ts';

export const kits: Readonly<Record<KitName, KitDefinition>> = {
  'base-homelab': baseHomelab,
  'modern-homelab': modernHomelab,
  'ha-homelab': haHomelab,
};

export interface KitInfo {
  name: KitName;
  summary: string;
  defaultVariant: VariantName;
  defaultSubnet: string;
  variants: {
    name: VariantName;
    summary: string;
    services: { name: string; image: string; summary: string }[];
    minNodes: number | null;
    needsPublicDomain: boolean;
  }[];
  requirements: KitRequirements;
}

/** Every kit with its variants, their services and the kit's requirements. */
export function listKits(): KitInfo[] {
  return Object.values(kits).map((kit) => ({
    name: kit.name,
    summary: kit.summary,
    defaultVariant: kit.defaultVariant,
    defaultSubnet: kit.defaultSubnet,
    variants: kit.variants.map((v) => ({
      name: v.name,
      summary: v.summary,
      services: v.services.map((name) => {
        const t = catalog.get(name);
        return { name, image: t?.image ?? '', summary: t?.summary ?? '' };
      }),
      minNodes: v.minNodes ?? null,
      needsPublicDomain: v.needsPublicDomain ?? false,
    })),
    requirements: kit.requirements,
  }));
}
