/**
 * swarm.verify, on the leader: the swarm has every member Ready in its role (managers reachable,
 * one leader), every planned service runs all its tasks, and every published port answers on
 * each node that should serve it — every node with the routing mesh, else each node running a
 * task (host mode). Each check retries until the job's timeout; any that never passes fails the
 * job with all of them listed, so a run never succeeds while a planned service is not running.
 */
import { existsSync } from 'node:fs';
import type { JsonObject } from '@bufbuild/protobuf';
import type { SwarmVerifyParams, SwarmVerifyResult } from '@kombify/proto/jobs';
import { asJobFailure, dockerClient } from '../../docker.ts';
import type { ExecContext } from '../context.ts';
import { JobFailure } from '../job-error.ts';
import { runCheck } from '../stack-verify.ts';
import { hasRoutingMesh } from './service-spec.ts';
import { countTasks, serviceTasks } from './wait.ts';

type Check = SwarmVerifyResult['checks'][number];

interface SwarmNode {
  ID: string;
  Spec?: { Role?: string; Labels?: Record<string, string> };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string };
}

async function until<T>(deadline: number, signal: AbortSignal, attempt: () => Promise<T & { ok: boolean }>) {
  for (;;) {
    const r = await attempt();
    if (r.ok || Date.now() > deadline || signal.aborted) return r;
    await new Promise((res) => setTimeout(res, 1000));
  }
}

function nodesCheck(nodes: SwarmNode[], params: SwarmVerifyParams): Check {
  const ready = nodes.filter((n) => n.Status?.State === 'ready');
  const managers = ready.filter(
    (n) => n.Spec?.Role === 'manager' && n.ManagerStatus?.Reachability === 'reachable',
  );
  const workers = ready.filter((n) => n.Spec?.Role === 'worker');
  const leaders = nodes.filter((n) => n.ManagerStatus?.Leader).length;
  const ok = managers.length === params.managers && workers.length === params.workers && leaders === 1;
  return {
    service: 'swarm',
    kind: 'nodes',
    target: `${params.managers} managers, ${params.workers} workers`,
    ok,
    message: `${managers.length} managers reachable, ${workers.length} workers ready, ${leaders} leader(s) of ${nodes.length} nodes`,
  };
}

export async function swarmVerify(params: SwarmVerifyParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  const deadline = Date.now() + params.timeout_s * 1000;
  try {
    const listNodes = async () => (await docker.listNodes()) as SwarmNode[];
    ctx.progress('checking the swarm’s nodes', 0);
    const nodes = await until(deadline, ctx.signal, async () => nodesCheck(await listNodes(), params));
    const checks: Check[] = [nodes];
    const all = await listNodes();
    const address = new Map(all.map((n) => [n.ID, n.Status?.Addr ?? '']));
    const mesh = hasRoutingMesh(existsSync);
    for (const s of params.services) {
      ctx.progress(`checking ${s.name}`);
      const info = (await docker.getService(s.name).inspect()) as {
        Spec?: { Mode?: { Replicated?: { Replicas?: number } } };
      };
      const replicas = info.Spec?.Mode?.Replicated ? (info.Spec.Mode.Replicated.Replicas ?? 1) : null;
      const tasks = await until(deadline, ctx.signal, async () => {
        const c = countTasks(await serviceTasks(docker, s.name), replicas);
        return { ...c, ok: c.desired > 0 && c.running >= c.desired };
      });
      checks.push({
        service: s.service,
        kind: 'tasks',
        target: s.name,
        ok: tasks.ok,
        message: `${tasks.running}/${tasks.desired} tasks running${tasks.errors.length > 0 ? `: ${tasks.errors.join('; ')}` : ''}`,
      });
      const hosts = [
        ...new Set((mesh ? all.map((n) => n.ID) : tasks.nodes).map((id) => address.get(id) ?? '')),
      ];
      for (const p of s.ports.filter((p) => p.protocol === 'tcp')) {
        const results = await Promise.all(
          hosts.map((host) =>
            runCheck(
              {
                service: s.service,
                kind: 'tcp',
                host,
                port: p.port,
                path: '/',
                timeout_s: Math.max(1, (deadline - Date.now()) / 1000),
                interval_s: 1,
              },
              ctx.signal,
            ),
          ),
        );
        for (const r of results)
          checks.push({
            service: s.service,
            kind: 'endpoint',
            target: r.target,
            ok: r.ok,
            message: r.message,
          });
      }
    }
    for (const c of checks)
      ctx.log('system', `${c.ok ? 'ok' : 'FAILED'} ${c.service} ${c.kind} ${c.target}: ${c.message}`);
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new JobFailure(
        'verify_failed',
        `${failed.length} of ${checks.length} swarm checks failed: ${failed.map((c) => `${c.service} ${c.kind} ${c.target}: ${c.message}`).join('; ')}`,
      );
    }
    ctx.progress('all swarm checks passed', 100);
    const result: SwarmVerifyResult = { checks };
    return result as unknown as JsonObject;
  } catch (error) {
    asJobFailure(error);
  }
}
