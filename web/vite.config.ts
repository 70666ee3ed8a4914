import { solidStart } from '@solidjs/start/config';
import { defineConfig } from 'vite';

/**
 * Loopback by default: the dashboard talks to the edge with the admin token, so it is not meant to be
 * exposed. `PORT` (or `--port`) moves it, e.g. for end-to-end tests that run several at once.
 */
const port = Number(process.env.PORT ?? 3000);

export default defineConfig({
  plugins: [solidStart()],
  optimizeDeps: {
    // SolidStart 2.0.5's dev error overlay imports @jridgewell/trace-mapping, whose dependency
    // resolve-uri is UMD; unless pre-bundled, Vite serves it raw and every dev page logs
    // "does not provide an export named 'default'" (same regression as solidjs/solid-start#2282).
    // The server-function client is otherwise discovered on first page load, and Vite then reloads
    // the page mid-visit, which makes browser tests flaky.
    include: ['@solidjs/start > @jridgewell/trace-mapping', '@solidjs/start/fns/client'],
  },
  server: { host: '127.0.0.1', port, strictPort: true },
  preview: { host: '127.0.0.1', port, strictPort: true },
});
