/**
 * Adds a catalog app to a spec (new or existing): its services, with the route's host name under
 * the spec's domain, and its secrets generated now. The spec only holds secret:// references; the
 * generated values are returned for the caller to store (the CLI writes a 0600 tfvars file, the
 * edge its secret store) and must never be logged.
 */
import { secretVariableName } from '../generate/to-open-tofu.ts';
import type { SpecError } from '../spec/errors.ts';
import type { KombinationInput, ServiceInput } from '../spec/schema.ts';
import { validateSpec } from '../spec/validate.ts';
import type { KitName } from '../spec/vocabulary.ts';
import { addServices, openTarget } from '../spec-edit/target.ts';
import { getApp } from './catalog.ts';

export interface AddAppInput {
  app: string;
  /** An existing kombination.yaml; default a new spec. */
  into?: string;
  kit?: KitName;
  node?: string;
  name?: string;
}

export interface GeneratedSecret {
  ref: string;
  variable: string;
  description: string;
}

export interface AddAppResult {
  spec?: KombinationInput;
  yaml?: string;
  errors: SpecError[];
  services: string[];
  secrets: GeneratedSecret[];
  /** ref → generated value. Sensitive: store it, never log it. */
  secretValues: Record<string, string>;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random value of letters and digits (Web Crypto: Node and Workers alike), without modulo bias. */
export function generateSecret(length: number): string {
  let out = '';
  const buffer = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(buffer);
    for (const byte of buffer) {
      if (byte < 248 && out.length < length) out += alphabet[byte % 62];
    }
  }
  return out;
}

export function addApp(input: AddAppInput): AddAppResult {
  const none = { errors: [] as SpecError[], services: [], secrets: [], secretValues: {} };
  const app = getApp(input.app);
  if (!app)
    return {
      ...none,
      errors: [
        { path: '', code: 'invalid_reference', message: `no app named "${input.app}" in the catalog` },
      ],
    };
  const target = openTarget(input);
  if (target.errors.length > 0) return { ...none, errors: target.errors };
  if (!app.kits.includes(target.kit)) {
    return {
      ...none,
      errors: [
        {
          path: 'kit',
          code: 'kit_constraint',
          message: `${app.name} is made for ${app.kits.join(', ')}, not ${target.kit}`,
        },
      ],
    };
  }
  const clash = app.services.find((s) => target.taken.has(s.name));
  if (clash) {
    return {
      ...none,
      errors: [
        {
          path: 'services',
          code: 'duplicate',
          message: `the spec already has a service "${clash.name}" (is ${app.name} added already?)`,
        },
      ],
    };
  }
  const network = target.data.network as { domain?: unknown } | undefined;
  const domain = typeof network?.domain === 'string' ? network.domain : 'local';
  const services: ServiceInput[] = app.services.map((s) => {
    const service: ServiceInput = structuredClone(s);
    if (s.name === app.route.service) {
      service.network = {
        ...service.network,
        proxy: { ...service.network?.proxy, domain: `${app.route.subdomain}.${domain}` },
      };
    }
    return service;
  });
  const { data, yaml } = addServices(target, services);
  const checked = validateSpec(data);
  if (checked.errors.length > 0) return { ...none, errors: checked.errors };
  const secrets = app.secrets.map((s) => {
    const ref = `secret://${app.name}/${s.name}`;
    return { ref, variable: secretVariableName(ref), description: s.description, length: s.length };
  });
  const secretValues: Record<string, string> = {};
  for (const s of secrets) secretValues[s.ref] = generateSecret(s.length);
  return {
    spec: data as KombinationInput,
    yaml,
    errors: [],
    services: services.map((s) => s.name),
    secrets: secrets.map(({ ref, variable, description }) => ({ ref, variable, description })),
    secretValues,
  };
}
