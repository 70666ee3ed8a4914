/**
 * A summary of the local state file tofu keeps in the deployment directory (the generated
 * configuration has no backend block, so state is `terraform.tfstate` there). Read-only: the file
 * format is the tool's (version 4), and only its stable top-level fields are used.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const stateFile = 'terraform.tfstate';

export interface StateSummary {
  file: string;
  terraformVersion: string | null;
  serial: number | null;
  /** Managed resource instances. */
  resources: number;
  /** Instances per resource type, e.g. docker_container: 5. */
  byType: Record<string, number>;
  /** Output values; sensitive ones as "(sensitive)". */
  outputs: Record<string, unknown>;
  /** The kombify.stack label found on the resources, if any. */
  stack: string | null;
}

interface RawState {
  terraform_version?: string;
  serial?: number;
  outputs?: Record<string, { value?: unknown; sensitive?: boolean }>;
  resources?: {
    mode?: string;
    type?: string;
    instances?: { attributes?: { labels?: unknown } }[];
  }[];
}

function stackLabel(labels: unknown): string | null {
  if (!Array.isArray(labels)) return null;
  for (const l of labels as { label?: unknown; value?: unknown }[]) {
    if (l?.label === 'kombify.stack' && typeof l.value === 'string') return l.value;
  }
  return null;
}

/** The state's summary, or undefined when there is no (readable) state file. */
export function readState(dir: string): StateSummary | undefined {
  const file = join(dir, stateFile);
  let raw: RawState;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as RawState;
  } catch {
    return undefined;
  }
  const byType: Record<string, number> = {};
  let resources = 0;
  let stack: string | null = null;
  for (const r of raw.resources ?? []) {
    if (r.mode !== 'managed' || !r.type) continue;
    const n = r.instances?.length ?? 0;
    resources += n;
    byType[r.type] = (byType[r.type] ?? 0) + n;
    for (const i of r.instances ?? []) stack ??= stackLabel(i.attributes?.labels);
  }
  const outputs = Object.fromEntries(
    Object.entries(raw.outputs ?? {}).map(([k, v]) => [k, v.sensitive ? '(sensitive)' : v.value]),
  );
  return {
    file,
    terraformVersion: raw.terraform_version ?? null,
    serial: raw.serial ?? null,
    resources,
    byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
    outputs,
    stack,
  };
}
