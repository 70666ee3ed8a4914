/**
 * Child process for the benchmarks: the embedded PGlite server (scripts/lib/embedded-postgres.ts).
 * It runs apart from the benchmark so that PGlite's single-threaded WASM query work does not
 * delay the measuring process's event loop (and with it the agents' receive timestamps). Prints
 * one JSON line `{"url": …}` when ready; exits on SIGTERM or when its parent goes away (stdin
 * closes).
 */
import { startEmbeddedPostgres } from '../scripts/lib/embedded-postgres.ts';

const pg = await startEmbeddedPostgres({});
process.stdout.write(`${JSON.stringify({ url: pg.url })}\n`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await pg.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.stdin.on('end', () => void shutdown());
process.stdin.resume();
