/** The labels the agent puts on everything it creates for a stack (ORCH-CONTRACT.md). */

export const LABEL = {
  managed: 'kombify.managed',
  stack: 'kombify.stack',
  node: 'kombify.node',
  service: 'kombify.service',
  specHash: 'kombify.spec-hash',
  /** A Swarm service's hash of its task template alone: whether an update replaces its tasks. */
  taskHash: 'kombify.task-hash',
  /** Short hashes per part of the spec, so a replacement can say what changed. */
  specParts: 'kombify.spec-parts',
} as const;

export function stackLabels(stack: string, node: string): Record<string, string> {
  return { [LABEL.managed]: 'true', [LABEL.stack]: stack, [LABEL.node]: node };
}

/** Docker label filters for one stack, on one node when given. */
export function stackFilter(stack: string, node?: string): { label: string[] } {
  const label = [`${LABEL.managed}=true`, `${LABEL.stack}=${stack}`];
  if (node !== undefined) label.push(`${LABEL.node}=${node}`);
  return { label };
}
