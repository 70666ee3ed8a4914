#!/usr/bin/env node
// Entry point. Node ≥ 24 runs the TypeScript sources directly (type stripping); the packaged
// agent bundle (esbuild) replaces this for installs.
import { main } from '../src/cli.ts';

process.exitCode = await main(process.argv.slice(2));
