/**
 * An agent inside a KombiSim node deploys onto the host's Docker engine (its socket is mounted
 * into the node) but behaves as if the node were the machine: containers join the node's network
 * namespace (so their ports are the node's ports, on the simulation network), carry the
 * simulation's labels (so deleting the node removes them), and get the node's name as a prefix
 * (so two nodes may both run "whoami"). Set by the node's environment (sim.node.create).
 */
export interface SimScope {
  nodeContainer: string;
  simulationId: string;
  nodeId: string;
}

export function simScope(env: NodeJS.ProcessEnv = process.env): SimScope | null {
  const nodeContainer = env.KOMBIFY_SIM_NODE_CONTAINER;
  if (!nodeContainer || !env.KOMBIFY_SIM_ID || !env.KOMBIFY_SIM_NODE_ID) return null;
  return { nodeContainer, simulationId: env.KOMBIFY_SIM_ID, nodeId: env.KOMBIFY_SIM_NODE_ID };
}

/** The name a container gets on the host engine. */
export function scopedName(name: string, scope: SimScope | null): string {
  return scope ? `${scope.nodeContainer}-${name}` : name;
}

export function scopeLabels(scope: SimScope | null): Record<string, string> {
  return scope ? { 'kombify.simulation': scope.simulationId, 'kombify.sim-node': scope.nodeId } : {};
}
