import type { Env as EdgeEnv } from '../src/platform/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {}
  }
}
