/**
 * The public ConnectRPC service `kombify.orchestrator.v1.OrchestratorService`, behind the same
 * gate as the REST routes. Each method calls the same function its REST route calls
 * (stacks/service.ts) and returns the same JSON view.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type ConnectRouter, createConnectRouter } from '@connectrpc/connect';
import {
  type UniversalHandler,
  universalServerRequestFromFetch,
  universalServerResponseToFetch,
} from '@connectrpc/connect/protocol';
import { OrchestratorService, type SpecInput, StackAction } from '@kombify/proto/orchestrator/v1';
import { type Context, Hono } from 'hono';
import { gate, operatorRoles } from '../accounts/api-auth.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError, toConnectError } from '../platform/errors.ts';
import { orchContext } from './context.ts';
import type { WorkflowKind } from './object/stack-store.ts';
import * as orch from './service.ts';

export const orchestratorRpcPrefix = `/${OrchestratorService.typeName}`;
export const orchestratorRpc = new Hono<AppEnv>();
orchestratorRpc.use(gate(operatorRoles, 'orchestrator'));

/** A view as a Struct: JSON values only (no undefined). */
const struct = (value: unknown): JsonObject => JSON.parse(JSON.stringify(value)) as JsonObject;

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toConnectError(error);
  }
}

function specInput(input: SpecInput | undefined) {
  const source = input?.source;
  if (source?.case === 'yaml') return orch.readSpecInput('application/yaml', source.value);
  if (source?.case === 'json') return orch.readSpecInput('application/json', JSON.stringify(source.value));
  throw new ApiError('VALIDATION_FAILED', 'input: send the spec as yaml text or json {"spec": {…}}');
}

function page(p: number, perPage: number) {
  const pg = p || 1;
  const per = perPage || 50;
  if (pg < 1 || per < 1 || per > 100)
    throw new ApiError('VALIDATION_FAILED', 'page ≥ 1 and per_page from 1 to 100');
  return { page: pg, perPage: per, limit: per, offset: (pg - 1) * per };
}

const actions: Record<StackAction, WorkflowKind | null> = {
  [StackAction.UNSPECIFIED]: null,
  [StackAction.PROVISION]: 'provision',
  [StackAction.DEPLOY]: 'deploy',
  [StackAction.PLAN]: 'plan',
  [StackAction.DESTROY]: 'destroy',
};

function routes(c: Context<AppEnv>) {
  const ctx = () => orchContext(c);
  return (router: ConnectRouter) =>
    router.service(OrchestratorService, {
      listStacks: (req) =>
        mapped(async () => {
          const pg = page(req.page, req.perPage);
          const { rows, total } = await orch.listStacks(ctx(), pg);
          return { stacks: rows.map(struct), pagination: { page: pg.page, perPage: pg.perPage, total } };
        }),
      getStack: (req) => mapped(async () => ({ stack: struct(await orch.getStack(ctx(), req.stackId)) })),
      createStack: (req) =>
        mapped(async () => ({ stack: struct(await orch.createStack(ctx(), specInput(req.input))) })),
      deleteStack: (req) =>
        mapped(async () => {
          await orch.deleteStack(ctx(), req.stackId, req.force);
          return { stackId: req.stackId };
        }),
      addSpecVersion: (req) =>
        mapped(async () => {
          await orch.assertStack(ctx(), req.stackId);
          return { version: struct(await orch.addSpecVersion(ctx(), req.stackId, specInput(req.input))) };
        }),
      listSpecVersions: (req) =>
        mapped(async () => ({ versions: (await orch.listVersions(ctx(), req.stackId)).map(struct) })),
      rollbackStack: (req) =>
        mapped(async () => ({ version: struct(await orch.rollback(ctx(), req.stackId, req.version)) })),
      getStackPlan: (req) => mapped(async () => ({ plan: struct(await orch.getPlan(ctx(), req.stackId)) })),
      runStackAction: (req) =>
        mapped(async () => {
          const kind = actions[req.action];
          if (!kind)
            throw new ApiError('VALIDATION_FAILED', 'action: one of PROVISION, DEPLOY, PLAN, DESTROY');
          const options =
            kind === 'destroy'
              ? { force: req.force, auto_approve: req.autoApprove, volumes: req.volumes }
              : { dry_run: req.dryRun, auto_approve: req.autoApprove };
          return { workflow: struct(await orch.runAction(ctx(), req.stackId, kind, options)) };
        }),
      listWorkflows: (req) =>
        mapped(async () => {
          const pg = page(req.page, req.perPage);
          const { rows, total } = await orch.listWorkflows(ctx(), req.stackId, pg);
          return { workflows: rows.map(struct), pagination: { page: pg.page, perPage: pg.perPage, total } };
        }),
      getWorkflow: (req) =>
        mapped(async () => ({ workflow: struct(await orch.getWorkflow(ctx(), req.workflowId)) })),
      approveWorkflow: (req) =>
        mapped(async () => ({ workflow: struct(await orch.approveWorkflow(ctx(), req.workflowId)) })),
      rejectWorkflow: (req) =>
        mapped(async () => ({
          workflow: struct(await orch.rejectWorkflow(ctx(), req.workflowId, req.reason || null)),
        })),
      cancelWorkflow: (req) =>
        mapped(async () => ({ workflow: struct(await orch.cancelWorkflow(ctx(), req.workflowId)) })),
      async *watchWorkflow(req, handlerCtx) {
        try {
          for await (const item of orch.watchWorkflow(ctx(), req.workflowId, req.after || null, {
            signal: handlerCtx.signal,
          })) {
            if (item.kind === 'event') {
              const e = item.event;
              yield {
                cursor: item.id,
                item: {
                  case: 'event' as const,
                  value: {
                    seq: BigInt(e.seq),
                    at: timestampFromDate(new Date(e.at)),
                    kind: e.kind,
                    step: e.step ?? '',
                    message: e.message,
                    ...(e.data ? { data: struct(e.data) } : {}),
                  },
                },
              };
            } else if (item.kind === 'log') {
              yield {
                cursor: item.id,
                item: {
                  case: 'log' as const,
                  value: {
                    jobId: item.job_id,
                    node: item.node,
                    seq: BigInt(item.line.seq),
                    at: timestampFromDate(new Date(item.line.at)),
                    stream: item.line.stream,
                    text: item.line.text,
                  },
                },
              };
            } else yield { cursor: item.id, item: { case: 'end' as const, value: { status: item.status } } };
          }
        } catch (error) {
          throw toConnectError(error);
        }
      },
    });
}

orchestratorRpc.post('/:method', async (c) => {
  const router = createConnectRouter();
  routes(c)(router);
  const handler = router.handlers.find(
    (h: UniversalHandler) => h.requestPath === new URL(c.req.url).pathname,
  );
  if (!handler) return c.json({ code: 'unimplemented', message: `no method ${c.req.param('method')}` }, 404);
  return universalServerResponseToFetch(await handler(universalServerRequestFromFetch(c.req.raw, {})));
});
