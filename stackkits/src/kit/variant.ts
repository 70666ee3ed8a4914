/**
 * Variant checks shared by the kits: the name must be the kit's, node-count and domain
 * requirements of the variant must hold.
 */
import type { Spec } from '../spec/defaults.ts';
import { type PendingError, pending } from '../spec/errors.ts';
import { isPublicDomain } from '../spec/formats.ts';
import type { VariantName } from '../spec/vocabulary.ts';
import type { KitVariant } from './types.ts';

/** The explicit variant if the kit has it; errors otherwise. Undefined when none was given. */
export function explicitVariant(
  spec: Spec,
  variants: readonly KitVariant[],
  errors: PendingError[],
): KitVariant | undefined {
  if (spec.variant === undefined) return undefined;
  const found = variants.find((v) => v.name === spec.variant);
  if (!found) {
    errors.push(
      pending(
        ['variant'],
        'kit_constraint',
        `${spec.kit} has no variant "${spec.variant}"; its variants are ${variants.map((v) => v.name).join(', ')}`,
      ),
    );
  }
  return found;
}

/** Node-count and domain requirements of the chosen variant. */
export function checkVariant(
  spec: Spec,
  variant: KitVariant,
  nodeCount: number,
  errors: PendingError[],
): void {
  if (variant.minNodes !== undefined && nodeCount < variant.minNodes) {
    errors.push(
      pending(
        ['variant'],
        'kit_constraint',
        `variant ${variant.name} of ${spec.kit} needs at least ${variant.minNodes} Swarm nodes (main or worker); the spec has ${nodeCount}`,
      ),
    );
  }
  if (variant.needsPublicDomain && !isPublicDomain(spec.network.domain)) {
    errors.push(
      pending(
        ['network', 'domain'],
        'kit_constraint',
        `variant ${variant.name} needs a real domain (a public name like example.com that certificates can be issued for); network.domain is "${spec.network.domain}"`,
      ),
    );
  }
}

export function variantByName(variants: readonly KitVariant[], name: VariantName): KitVariant {
  const found = variants.find((v) => v.name === name);
  if (!found) throw new Error(`kit has no variant ${name}`);
  return found;
}
