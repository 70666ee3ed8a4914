import { solidStart } from '@solidjs/start/config';
import { nitro } from 'nitro/vite';
import { defineConfig } from 'vite';
import { dropDevToolbar } from './build/drop-dev-toolbar.ts';

/**
 * `vite dev` (npm start) and `vite build`: Node server by default (`.output/server/index.mjs`),
 * Cloudflare Workers with NITRO_PRESET=cloudflare_module (`npm run build:web`). `PORT` moves the
 * server, e.g. for end-to-end tests that run several at once.
 */
const port = Number(process.env.PORT ?? 3000);
/** Where `vite build` writes the server and assets (default `.output`); the browser tests build elsewhere. */
const outDir = process.env.KOMBIFY_WEB_OUT_DIR;

export default defineConfig({
  plugins: [
    solidStart({ middleware: './src/middleware.ts' }),
    dropDevToolbar(),
    nitro(outDir ? { output: { dir: outDir } } : {}),
  ],
  optimizeDeps: {
    // SolidStart 2.0.5's dev error overlay imports @jridgewell/trace-mapping, whose dependency
    // resolve-uri is UMD; unless pre-bundled, Vite serves it raw and every dev page logs
    // "does not provide an export named 'default'" (same regression as solidjs/solid-start#2282).
    // The server-function client is otherwise discovered on first page load, and Vite then reloads
    // the page mid-visit (zod: first used by the stack editor's live validation).
    include: ['@solidjs/start > @jridgewell/trace-mapping', '@solidjs/start/fns/client', 'zod'],
  },
  server: { host: '127.0.0.1', port, strictPort: true },
  preview: { host: '127.0.0.1', port, strictPort: true },
});
