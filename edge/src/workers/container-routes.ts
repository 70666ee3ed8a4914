/**
 * `/v1/orchestrator/workers/{id}/containers`: the containers kombify manages on a worker, one
 * container's logs (a bounded tail, or followed as Server-Sent Events while the caller listens),
 * and start / stop / restart — operators only, as every worker route.
 */
import { isTerminal } from '@kombify/proto/jobs';
import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { gate, operatorRoles } from '../accounts/index.ts';
import { agentQueue } from '../jobs/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { readQuery } from '../platform/validate.ts';
import { orchContext } from '../stacks/index.ts';
import { ASK_WAIT_MS, askWorker, containerAction, listContainers } from './container-service.ts';
import { runOnWorker } from './service.ts';

export const containers = new Hono<AppEnv>();
containers.use(gate(operatorRoles, 'orchestrator'));

/** `?wait_seconds=` (1–60, default 20): how long to wait for the worker's answer. */
export const waitQuery = z.object({
  wait_seconds: z.coerce
    .number()
    .int()
    .min(1)
    .max(60)
    .default(ASK_WAIT_MS / 1000),
});
const waitMs = (c: Context<AppEnv>) => readQuery(waitQuery, c.req.query()).wait_seconds * 1000;

containers.get('/:id/containers', async (c) =>
  c.json({ data: await listContainers(orchContext(c), c.req.param('id'), waitMs(c)) }),
);

export const logQuery = waitQuery.extend({
  tail: z.coerce.number().int().min(0).max(10_000).default(200),
  since: z.coerce.number().int().min(0).optional(),
  follow: z.enum(['true', 'false', '1', '0']).default('false'),
  max_seconds: z.coerce.number().int().min(1).max(1800).default(600),
});

containers.get('/:id/containers/:name/logs', async (c) => {
  const ctx = orchContext(c);
  const id = c.req.param('id');
  const name = c.req.param('name');
  const q = readQuery(logQuery, c.req.query());
  const follow = q.follow === 'true' || q.follow === '1';
  const params = { name, tail: q.tail, ...(q.since !== undefined ? { since: q.since } : {}) };
  if (!follow) {
    const job = await askWorker(ctx, id, {
      type: 'docker.logs',
      params,
      what: `reading the logs of ${name}`,
    });
    const lines = await agentQueue(ctx.env, id).jobLogs(job.id, 0, 10_000);
    return c.json({
      data: {
        name,
        lines: lines
          .filter((l) => l.stream !== 'system')
          .map((l) => ({ at: new Date(l.at).toISOString(), stream: l.stream, text: l.text })),
      },
    });
  }
  // Followed: the job reads while it runs; its log lines go out as they arrive, and a caller who
  // leaves cancels it.
  const { job } = await runOnWorker(
    ctx,
    id,
    {
      type: 'docker.logs',
      params: { ...params, follow: true, max_seconds: q.max_seconds },
      what: `following ${name}`,
    },
    0,
  );
  const queue = agentQueue(ctx.env, id);
  const signal = c.req.raw.signal;
  return streamSSE(c, async (stream) => {
    let seq = 0;
    let ended = false;
    // Whatever ends the stream — the viewer leaving (request signal, or a write to a closed
    // connection), the time running out — cancels the job unless it ended on its own.
    const cancel = async (why: string): Promise<void> => {
      if (!ended) await queue.cancelJob(job.id, why).catch(() => null);
    };
    signal.addEventListener('abort', () => void cancel('the viewer left'), { once: true });
    stream.onAbort(() => cancel('the viewer left'));
    // A worker that never takes the job (offline) must not hold the stream open for ever.
    const deadline = Date.now() + (q.max_seconds + 30) * 1000;
    // A first event at once: proxies on the way (the web app's, a dev server's) pass the answer on
    // as soon as bytes flow, and the first log line may be seconds away.
    await stream.writeSSE({ event: 'start', data: JSON.stringify({ job_id: job.id }) });
    try {
      while (!signal.aborted && !stream.aborted) {
        if (Date.now() > deadline) {
          await cancel('the follow outlived its time');
          await stream.writeSSE({ event: 'end', data: JSON.stringify({ status: 'timeout', error: null }) });
          return;
        }
        const lines = await queue.jobLogs(job.id, seq, 500);
        for (const l of lines) {
          seq = l.seq;
          if (l.stream === 'system') continue;
          await stream.writeSSE({
            id: String(l.seq),
            event: 'line',
            data: JSON.stringify({ at: new Date(l.at).toISOString(), stream: l.stream, text: l.text }),
          });
        }
        if (lines.length === 500) continue;
        const now = await queue.getJob(job.id);
        if (!now || isTerminal(now.status)) {
          if ((await queue.jobLogs(job.id, seq, 1)).length > 0) continue;
          ended = true;
          await stream.writeSSE({
            event: 'end',
            data: JSON.stringify({ status: now?.status ?? 'gone', error: now?.error ?? null }),
          });
          return;
        }
        await stream.sleep(300);
      }
    } finally {
      await cancel('the viewer left');
    }
  });
});

containers.post('/:id/containers/:name/:action{start|stop|restart}', async (c) =>
  c.json({
    data: await containerAction(
      orchContext(c),
      c.req.param('id'),
      c.req.param('name'),
      c.req.param('action'),
    ),
  }),
);
