/** Worker entry: the Hono app and the Durable Object classes wrangler binds. */
import { app } from './app.ts';

export { RateLimiterObject } from './accounts/rate-limit/rate-limiter-object.ts';
export { AgentObject } from './jobs/agent-object.ts';
export { StackObject } from './stacks/object/stack-object.ts';
export { AgentStatusObject } from './workers/status/agent-status-object.ts';

export default app;
