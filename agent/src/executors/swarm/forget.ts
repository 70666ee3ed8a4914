/**
 * swarm.forget, on a manager: the entries of members that left the stack's swarm (found by their
 * plan name, the kombify.node label). A node that left shows "down" after a heartbeat or two; it
 * is removed then, never while it is still ready (that would cut off a node that did not leave:
 * the job fails and says so). A manager still in Raft is demoted first, judged against the quorum.
 * Idempotent: a node already gone is "absent".
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { SwarmForgetParams, SwarmForgetResult } from '@kombify/proto/jobs';
import { asJobFailure, dockerClient, dockerStatus } from '../../docker.ts';
import type { ExecContext } from '../context.ts';
import { LABEL } from '../converge/labels.ts';
import { JobFailure } from '../job-error.ts';
import { updateNode } from './node-update.ts';
import { membersNow, quorumRefusal, type SwarmNode } from './quorum.ts';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

export async function swarmForget(params: SwarmForgetParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
    if (info.Swarm?.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable)
      throw new JobFailure('not_a_manager', 'swarm.forget runs on a manager of the stack’s swarm');
    const out: SwarmForgetResult['nodes'] = [];
    const deadline = Date.now() + params.timeout_s * 1000;
    for (const name of params.nodes) {
      const find = async () =>
        ((await docker.listNodes()) as SwarmNode[]).find(
          (n) => n.Spec.Labels?.[LABEL.stack] === params.stack && n.Spec.Labels?.[LABEL.node] === name,
        );
      let node = await find();
      if (!node) {
        out.push({ node: name, node_id: null, action: 'absent' });
        continue;
      }
      if (node.Spec.Role === 'manager') {
        const all = (await docker.listNodes()) as SwarmNode[];
        const refusal = quorumRefusal(membersNow(all), [{ id: node.ID, role: 'worker' }]);
        if (refusal) throw new JobFailure('quorum_loss', refusal);
        await updateNode(docker, node.ID, (spec) => ({ ...spec, Role: 'worker' }));
      }
      ctx.progress(`waiting for ${name} to show down`);
      while (node && node.Status?.State !== 'down') {
        if (Date.now() > deadline || ctx.signal.aborted)
          throw new JobFailure(
            'node_still_up',
            `${name} is still ${node.Status?.State ?? 'unknown'} in the swarm after ${params.timeout_s} s: it did not leave (run \`docker swarm leave\` on it), so its entry is kept`,
            true,
          );
        await sleep(1000, ctx.signal);
        node = await find();
      }
      if (!node) {
        out.push({ node: name, node_id: null, action: 'absent' });
        continue;
      }
      await docker
        .getNode(node.ID)
        .remove({})
        .catch((e: unknown) => {
          if (dockerStatus(e) !== 404) throw e;
        });
      ctx.log('system', `removed ${name} (node ${node.ID}) from the swarm`);
      out.push({ node: name, node_id: node.ID, action: 'removed' });
    }
    return { nodes: out } satisfies SwarmForgetResult as unknown as JsonObject;
  } catch (error) {
    asJobFailure(error);
  }
}
