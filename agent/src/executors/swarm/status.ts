/**
 * swarm.status, on a manager: the swarm as it is now — each node (its plan name from the
 * kombify.node label, role, state, availability, reachability, leader) with the stack's tasks on
 * it, and each of the stack's services with its running/desired tasks and its update's state.
 * Read-only; what `GET /stacks/{id}/swarm` shows.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { SwarmStatusParams, SwarmStatusResult } from '@kombify/proto/jobs';
import { asJobFailure, dockerClient } from '../../docker.ts';
import type { ExecContext } from '../context.ts';
import { LABEL } from '../converge/labels.ts';
import { JobFailure } from '../job-error.ts';
import { countTasks } from './wait.ts';

interface SwarmNode {
  ID: string;
  Description?: { Hostname?: string };
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string };
}

interface Task {
  NodeID?: string;
  ServiceID?: string;
  DesiredState?: string;
  Status?: { State?: string; Err?: string };
}

export async function swarmStatus(params: SwarmStatusParams, _ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
    if (info.Swarm?.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable) {
      throw new JobFailure(
        'not_a_manager',
        `this node is not a manager of a swarm (state ${info.Swarm?.LocalNodeState ?? 'unknown'})`,
      );
    }
    const filters = { label: [`${LABEL.managed}=true`, `${LABEL.stack}=${params.stack}`] };
    const [nodes, services] = await Promise.all([
      docker.listNodes() as Promise<SwarmNode[]>,
      docker.listServices({ filters }),
    ]);
    const tasks = (await docker.listTasks({ filters: { 'desired-state': ['running'] } })) as Task[];
    const ours = new Map(services.map((s) => [s.ID, s]));
    const stackTasks = tasks.filter((t) => t.ServiceID && ours.has(t.ServiceID));
    const result: SwarmStatusResult = {
      nodes: nodes.map((n) => ({
        node: n.Spec?.Labels?.[LABEL.node] ?? null,
        hostname: n.Description?.Hostname ?? n.ID,
        node_id: n.ID,
        role: n.Spec?.Role ?? 'unknown',
        state: n.Status?.State ?? 'unknown',
        availability: n.Spec?.Availability ?? 'unknown',
        address: n.Status?.Addr ?? '',
        leader: n.ManagerStatus?.Leader === true,
        reachability: n.ManagerStatus?.Reachability ?? null,
        tasks: stackTasks
          .filter((t) => t.NodeID === n.ID)
          .map((t) => ({
            service:
              ((ours.get(t.ServiceID!)?.Spec?.Labels ?? {}) as Record<string, string>)[LABEL.service] ?? '',
            state: t.Status?.State ?? 'unknown',
          })),
      })),
      services: services.map((s) => {
        const spec = s.Spec as {
          Name?: string;
          Labels?: Record<string, string>;
          Mode?: { Replicated?: { Replicas?: number } };
        };
        const replicas = spec.Mode?.Replicated ? (spec.Mode.Replicated.Replicas ?? 1) : null;
        const count = countTasks(
          stackTasks.filter((t) => t.ServiceID === s.ID),
          replicas,
        );
        const update = (s as { UpdateStatus?: { State?: string; Message?: string } }).UpdateStatus;
        return {
          service: spec.Labels?.[LABEL.service] ?? '',
          name: spec.Name ?? s.ID,
          mode: replicas === null ? ('global' as const) : ('replicated' as const),
          tasks: `${count.running}/${count.desired}`,
          update_state: update?.State ?? null,
          update_message: update?.Message ?? null,
        };
      }),
    };
    return result as unknown as JsonObject;
  } catch (error) {
    asJobFailure(error);
  }
}
