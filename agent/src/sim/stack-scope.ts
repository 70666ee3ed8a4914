/**
 * A stack's part for a KombiSim node, as the node's agent deploys it onto the host engine: every
 * name the stack uses (containers, networks, volumes) gets the node container's name as a prefix
 * (two nodes, or a node and the host, may run the same stack), and published ports become
 * `kombify.sim-ports` labels that the node's agent publishes inside the node (port-relay.ts)
 * instead of host port bindings — a service's port belongs to the node, as on a real machine. A
 * service without a stack network shares the node's namespace (as docker.run does in a node).
 * Labels (`kombify.simulation`, `kombify.sim-node`) come with labels.ts.
 */
import type { StackConvergeParams } from '@kombify/proto/jobs';
import { encodePorts, LOCAL_LABEL, PORTS_LABEL } from './port-relay.ts';
import { type SimScope, scopedName } from './scope.ts';

export function scopeConvergeParams(
  params: StackConvergeParams,
  scope: SimScope | null,
): StackConvergeParams {
  if (!scope) return params;
  const name = (n: string) => scopedName(n, scope);
  return {
    ...params,
    networks: params.networks.map((n) => ({ ...n, name: name(n.name) })),
    volumes: params.volumes.map((v) => ({ ...v, name: name(v.name) })),
    services: params.services.map(({ ports, ...s }) => {
      const labels: Record<string, string> = { ...(s.labels ?? {}) };
      if (ports && ports.length > 0) labels[PORTS_LABEL] = encodePorts(ports);
      if (!s.networks || s.networks.length === 0) labels[LOCAL_LABEL] = 'true';
      return {
        ...s,
        name: name(s.name),
        labels,
        ...(s.networks ? { networks: s.networks.map(name) } : {}),
        ...(s.mounts
          ? {
              mounts: s.mounts.map((m) =>
                m.type === 'volume' && m.source ? { ...m, source: name(m.source) } : m,
              ),
            }
          : {}),
      };
    }),
  };
}
