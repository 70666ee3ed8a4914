#!/usr/bin/env node
// Entry point. Node ≥ 24 runs the TypeScript sources directly (type stripping); the packaged
// agent bundle (esbuild) replaces this for installs. On an installed node `run` starts the small
// supervisor first, without loading the agent (the dynamic import keeps it lazy in the bundle).
import { shouldSupervise, superviseMain } from '../src/upgrade/supervisor.ts';

const args = process.argv.slice(2);
if (shouldSupervise(args)) {
  process.exitCode = await superviseMain(args);
} else {
  const { main } = await import('../src/cli.ts');
  process.exitCode = await main(args);
}
