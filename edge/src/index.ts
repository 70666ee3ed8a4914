/** Worker entry: the Hono app and the Durable Object classes wrangler binds. */
import { app } from './app.ts';

export { AgentObject } from './agent-object/agent-object.ts';
export { AgentStatusObject } from './agent-status/agent-status-object.ts';
export { RateLimiterObject } from './rate-limit/rate-limiter-object.ts';
export { StackObject } from './stack-object/stack-object.ts';

export default app;
