import { startStack } from '../test/harness/stack.ts';
const stack = await startStack();
const { agent, workerId } = await stack.onlineAgent('dbg');
const created = await stack.api('/v1/orchestrator/jobs', { body: { worker_id: workerId, type: 'node.facts' } });
await stack.waitForJob(created.body.data.id, ['succeeded']);
console.log('online');
const t = Date.now();
await agent.stop();
console.log('stopped', Date.now() - t, agent.output().slice(-300));
for (let i = 0; i < 60; i++) {
  const r = await stack.api(`/v1/orchestrator/workers/${workerId}`);
  await new Promise((r) => setTimeout(r, 500));
  if (r.body.data.status === 'offline') { console.log('offline after', Date.now() - t); break; }
}
console.log(stack.edge.output().slice(-3000));
await stack.stop();
