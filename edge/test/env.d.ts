import type { Env as EdgeEnv } from '../src/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {}
  }
}
