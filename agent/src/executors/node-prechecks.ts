/** node.prechecks: can this node take a stack? Always succeeds; the checks say what is wrong. */
import type { JsonObject } from '@bufbuild/protobuf';
import type { NodePrechecksParams } from '@kombify/proto/jobs';
import { dockerClient } from '../docker.ts';
import type { ExecContext } from './context.ts';
import { judgePrechecks } from './prechecks/judge.ts';
import { probeNode } from './prechecks/probe.ts';

export async function nodePrechecks(params: NodePrechecksParams, ctx: ExecContext): Promise<JsonObject> {
  ctx.progress('checking the node', 0);
  const result = judgePrechecks(params, await probeNode(dockerClient(), params));
  for (const c of result.checks)
    ctx.log('system', `${c.name}: ${c.status}${c.blocking ? ' (blocking)' : ''} — ${c.message}`);
  ctx.progress('checked', 100);
  return result;
}
