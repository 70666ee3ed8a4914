/**
 * A Swarm node's spec changed from its latest version. Swarm refuses an update against a stale
 * version ("update out of sequence"), and a node's version moves with its status too (a demotion
 * elsewhere, a heartbeat), so it is read right before and the update retried a few times.
 */
import type Docker from 'dockerode';

type NodeSpec = Record<string, unknown> & {
  Role?: string;
  Availability?: string;
  Labels?: Record<string, string>;
};

export async function updateNode(
  docker: Docker,
  id: string,
  change: (spec: NodeSpec) => NodeSpec,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const node = (await docker.getNode(id).inspect()) as { Version: { Index: number }; Spec: NodeSpec };
    try {
      await docker.getNode(id).update({ version: node.Version.Index, ...change(node.Spec) });
      return;
    } catch (error) {
      if (attempt >= 5 || !/out of sequence/.test(error instanceof Error ? error.message : String(error)))
        throw error;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
