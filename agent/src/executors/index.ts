/** The job types this agent runs, each validated against the shared params schema first. */
import type { JsonObject } from '@bufbuild/protobuf';
import { toJson } from '@bufbuild/protobuf';
import { NodeFactsSchema } from '@kombify/proto/agent/v1';
import {
  type AgentUpgradeParams,
  type DockerContainerActionParams,
  type DockerLogsParams,
  type DockerRemoveParams,
  type DockerRunParams,
  type JobType,
  jobTypes,
  type NodeBootstrapParams,
  type NodePrechecksParams,
  parseJobParams,
  type SimNodeCreateParams,
  type SimNodeFaultParams,
  type SimNodeLogsParams,
  type SimNodeRef,
  type StackConvergeParams,
  type StackRemoveParams,
  type StackVerifyParams,
  type SwarmForgetParams,
  type SwarmInitParams,
  type SwarmJoinParams,
  type SwarmLeaveParams,
  type SwarmRemoveParams,
  type SwarmServicesParams,
  type SwarmStatusParams,
  type SwarmVerifyParams,
  type TofuApplyParams,
  type TofuPlanParams,
} from '@kombify/proto/jobs';
import { collectFacts } from '../facts.ts';
import { agentUpgrade } from './agent-upgrade.ts';
import { dockerContainerAction, dockerContainers, dockerLogs } from './containers.ts';
import type { ExecContext } from './context.ts';
import { dockerRemove } from './docker-remove.ts';
import { dockerRun } from './docker-run.ts';
import { JobFailure } from './job-error.ts';
import { nodeBootstrap } from './node-bootstrap.ts';
import { nodePrechecks } from './node-prechecks.ts';
import { simNodeFault } from './sim-fault.ts';
import { simNodeCreate, simNodeDelete, simNodeLogs, simNodeStart, simNodeStop } from './sim-node.ts';
import { stackConverge } from './stack-converge.ts';
import { stackRemove } from './stack-remove.ts';
import { stackVerify } from './stack-verify.ts';
import { swarmForget } from './swarm/forget.ts';
import { swarmInit, swarmJoin, swarmLeave } from './swarm/membership.ts';
import { swarmRemove } from './swarm/remove.ts';
import { swarmServices } from './swarm/services.ts';
import { swarmStatus } from './swarm/status.ts';
import { swarmVerify } from './swarm/verify.ts';
import { tofuApply } from './tofu-apply.ts';
import { tofuPlan } from './tofu-plan.ts';

export const capabilities: readonly JobType[] = jobTypes;

export async function execute(type: string, rawParams: unknown, ctx: ExecContext): Promise<JsonObject> {
  const parsed = parseJobParams(type, rawParams);
  if (!parsed.ok) {
    throw new JobFailure('invalid_params', parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
  switch (type as JobType) {
    case 'node.facts':
      return toJson(NodeFactsSchema, await collectFacts(), { useProtoFieldName: true }) as JsonObject;
    case 'docker.run':
      return dockerRun(parsed.value as DockerRunParams, ctx);
    case 'docker.remove':
      return dockerRemove(parsed.value as DockerRemoveParams, ctx);
    case 'docker.containers':
      return dockerContainers(parsed.value, ctx);
    case 'docker.logs':
      return dockerLogs(parsed.value as DockerLogsParams, ctx);
    case 'docker.container.action':
      return dockerContainerAction(parsed.value as DockerContainerActionParams, ctx);
    case 'agent.upgrade':
      return agentUpgrade(parsed.value as AgentUpgradeParams, ctx);
    case 'stack.converge':
      return stackConverge(parsed.value as StackConvergeParams, ctx);
    case 'stack.remove':
      return stackRemove(parsed.value as StackRemoveParams, ctx);
    case 'stack.verify':
      return stackVerify(parsed.value as StackVerifyParams, ctx);
    case 'node.prechecks':
      return nodePrechecks(parsed.value as NodePrechecksParams, ctx);
    case 'node.bootstrap':
      return nodeBootstrap(parsed.value as NodeBootstrapParams, ctx);
    case 'tofu.plan':
      return tofuPlan(parsed.value as TofuPlanParams, ctx);
    case 'tofu.apply':
      return tofuApply(parsed.value as TofuApplyParams, ctx);
    case 'sim.node.create':
      return simNodeCreate(parsed.value as SimNodeCreateParams, ctx);
    case 'sim.node.start':
      return simNodeStart(parsed.value as SimNodeRef, ctx);
    case 'sim.node.stop':
      return simNodeStop(parsed.value as SimNodeRef, ctx);
    case 'sim.node.delete':
      return simNodeDelete(parsed.value as SimNodeRef, ctx);
    case 'sim.node.logs':
      return simNodeLogs(parsed.value as SimNodeLogsParams);
    case 'sim.node.fault':
      return simNodeFault(parsed.value as SimNodeFaultParams, ctx);
    case 'swarm.init':
      return swarmInit(parsed.value as SwarmInitParams, ctx);
    case 'swarm.join':
      return swarmJoin(parsed.value as SwarmJoinParams, ctx);
    case 'swarm.services':
      return swarmServices(parsed.value as SwarmServicesParams, ctx);
    case 'swarm.verify':
      return swarmVerify(parsed.value as SwarmVerifyParams, ctx);
    case 'swarm.remove':
      return swarmRemove(parsed.value as SwarmRemoveParams, ctx);
    case 'swarm.leave':
      return swarmLeave(parsed.value as SwarmLeaveParams, ctx);
    case 'swarm.forget':
      return swarmForget(parsed.value as SwarmForgetParams, ctx);
    case 'swarm.status':
      return swarmStatus(parsed.value as SwarmStatusParams, ctx);
    default:
      // A type the shared schemas know but this agent build has no executor for (yet).
      throw new JobFailure('unsupported_job_type', `this agent cannot run ${type} jobs`);
  }
}
