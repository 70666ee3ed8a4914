/**
 * The public ConnectRPC service `kombify.orchestrator.v1.OrchestratorService`, behind the same
 * gate as the REST routes. Each method calls the same function its REST route calls
 * (stacks/service.ts) and returns the same JSON view.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ConnectRouter } from '@connectrpc/connect';
import { OrchestratorService, type SpecInput, StackAction } from '@kombify/proto/orchestrator/v1';
import { type Context, Hono } from 'hono';
import { gate, operatorRoles } from '../accounts/index.ts';
import { serveConnect } from '../platform/connect.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { connectPage } from '../platform/validate.ts';
import { orchContext } from './context.ts';
import type { WorkflowKind } from './object/stack-store.ts';
import * as orch from './service.ts';
import { listOrgWorkflows } from './workflow-list.ts';

export const orchestratorRpcPrefix = `/${OrchestratorService.typeName}`;
export const orchestratorRpc = new Hono<AppEnv>();
orchestratorRpc.use(gate(operatorRoles, 'orchestrator'));

/** A view as a Struct: JSON values only (no undefined). */
const struct = (value: unknown): JsonObject => JSON.parse(JSON.stringify(value)) as JsonObject;

function specInput(input: SpecInput | undefined) {
  const source = input?.source;
  if (source?.case === 'yaml') return orch.readSpecInput('application/yaml', source.value);
  if (source?.case === 'json') return orch.readSpecInput('application/json', JSON.stringify(source.value));
  throw new ApiError('VALIDATION_FAILED', 'input: send the spec as yaml text or json {"spec": {…}}');
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
      listStacks: async (req) => {
        const pg = connectPage(req);
        const { rows, total } = await orch.listStacks(ctx(), pg);
        return { stacks: rows.map(struct), pagination: { page: pg.page, perPage: pg.perPage, total } };
      },
      getStack: async (req) => ({ stack: struct(await orch.getStack(ctx(), req.stackId)) }),
      createStack: async (req) => ({ stack: struct(await orch.createStack(ctx(), specInput(req.input))) }),
      deleteStack: async (req) => {
        await orch.deleteStack(ctx(), req.stackId, req.force);
        return { stackId: req.stackId };
      },
      addSpecVersion: async (req) => {
        await orch.assertStack(ctx(), req.stackId);
        return { version: struct(await orch.addSpecVersion(ctx(), req.stackId, specInput(req.input))) };
      },
      listSpecVersions: async (req) => ({
        versions: (await orch.listVersions(ctx(), req.stackId)).map(struct),
      }),
      rollbackStack: async (req) => ({
        version: struct(await orch.rollback(ctx(), req.stackId, req.version)),
      }),
      getStackPlan: async (req) => ({ plan: struct(await orch.getPlan(ctx(), req.stackId)) }),
      runStackAction: async (req) => {
        const kind = actions[req.action];
        if (!kind) throw new ApiError('VALIDATION_FAILED', 'action: one of PROVISION, DEPLOY, PLAN, DESTROY');
        const options =
          kind === 'destroy'
            ? { force: req.force, auto_approve: req.autoApprove, volumes: req.volumes }
            : { dry_run: req.dryRun, auto_approve: req.autoApprove };
        return { workflow: struct(await orch.runAction(ctx(), req.stackId, kind, options)) };
      },
      listWorkflows: async (req) => {
        const pg = connectPage(req);
        const { stackId: stack_id, kind, status, since, until } = req;
        const { rows, total } = await listOrgWorkflows(ctx(), { stack_id, kind, status, since, until }, pg);
        return { workflows: rows.map(struct), pagination: { page: pg.page, perPage: pg.perPage, total } };
      },
      getWorkflow: async (req) => ({ workflow: struct(await orch.getWorkflow(ctx(), req.workflowId)) }),
      approveWorkflow: async (req) => ({
        workflow: struct(await orch.approveWorkflow(ctx(), req.workflowId)),
      }),
      rejectWorkflow: async (req) => ({
        workflow: struct(await orch.rejectWorkflow(ctx(), req.workflowId, req.reason || null)),
      }),
      cancelWorkflow: async (req) => ({ workflow: struct(await orch.cancelWorkflow(ctx(), req.workflowId)) }),
      async *watchWorkflow(req, handlerCtx) {
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
      },
    });
}

orchestratorRpc.post('/:method', (c) => serveConnect(c.req.raw, routes(c)));
