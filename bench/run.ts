/**
 * `npm run bench` runs every benchmark; `npm run bench -- <name>…` runs the named ones. Each
 * writes `bench-results/<name>.json` (shape in /work/shared/BENCHMARKS.md) and prints a table.
 *
 * Exit codes: 0 when every benchmark ran (whatever the figures: speed never fails the run),
 * 1 when a benchmark crashed, 2 for an unknown benchmark name (the available ones are listed).
 */
import { agents } from './agents.ts';
import { compose } from './compose.ts';
import { deploy } from './deploy.ts';
import { dispatch } from './dispatch.ts';
import { gateway } from './gateway.ts';
import { install } from './install.ts';
import { multinode } from './multinode.ts';
import { type Benchmark, formatTable, toResult, writeResult } from './result.ts';
import { simulation } from './simulation.ts';
import { spec } from './spec.ts';
import { unifier } from './unifier.ts';
import { web } from './web.ts';
import { webhooks } from './webhooks.ts';

const benchmarks: readonly Benchmark[] = [
  agents,
  compose,
  deploy,
  dispatch,
  gateway,
  install,
  multinode,
  simulation,
  spec,
  unifier,
  web,
  webhooks,
];

function list(): string {
  return benchmarks.map((b) => `  ${b.name.padEnd(12)} ${b.description}`).join('\n');
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(`Usage: npm run bench [-- <name>…]\n\nBenchmarks:\n${list()}\n`);
    return 0;
  }
  const unknown = argv.filter((name) => !benchmarks.some((b) => b.name === name));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark: ${unknown.join(', ')}\n\nAvailable:\n${list()}\n`);
    return 2;
  }
  const selected = argv.length ? benchmarks.filter((b) => argv.includes(b.name)) : benchmarks;
  let crashed = 0;
  for (const bench of selected) {
    process.stdout.write(`\n== ${bench.name}: ${bench.description}\n`);
    try {
      const { notes, cases } = await bench.run();
      const result = toResult(bench.name, notes, cases);
      const path = writeResult(result);
      process.stdout.write(`${formatTable(result.cases)}\n\n`);
      process.stdout.write(`machine: ${result.machine.cpus} CPUs, Node ${result.machine.node}\n`);
      process.stdout.write(`notes: ${notes}\n`);
      process.stdout.write(`written to ${path}\n`);
    } catch (error) {
      crashed += 1;
      process.stderr.write(`benchmark ${bench.name} crashed: ${(error as Error).stack ?? String(error)}\n`);
    }
  }
  return crashed ? 1 : 0;
}

const code = await main(process.argv.slice(2));
// Exit explicitly: idle keep-alive sockets to the stopped edge must not keep the process waiting.
process.exit(code);
