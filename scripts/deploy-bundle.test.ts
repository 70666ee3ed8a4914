/**
 * Builds the Worker exactly as `wrangler deploy` would (without uploading) and checks the bundle
 * against the Workers size limits, so a deploy never fails on size. The limit checked is the
 * Free plan's (3 MiB gzip); the Paid plan allows 10 MiB.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { repoRoot } from './lib/service.ts';

const run = promisify(execFile);
const FREE_PLAN_GZIP_LIMIT = 3 * 1024 * 1024;

it('bundles the Worker for deploy within the Workers size limit', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'kombify-bundle-'));
  const { stdout, stderr } = await run(
    process.execPath,
    [
      join(repoRoot, 'node_modules/wrangler/bin/wrangler.js'),
      'deploy',
      '--dry-run',
      '--outdir',
      out,
      '--config',
      join(repoRoot, 'wrangler.toml'),
    ],
    { cwd: repoRoot, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
  );
  expect(`${stdout}${stderr}`).toContain('--dry-run: exiting now.');
  const files = readdirSync(out).filter((f) => f.endsWith('.js'));
  expect(files.length).toBeGreaterThan(0);
  let raw = 0;
  let gzipped = 0;
  for (const file of files) {
    const path = join(out, file);
    raw += statSync(path).size;
    gzipped += gzipSync(readFileSync(path)).length;
  }
  expect(gzipped).toBeLessThan(FREE_PLAN_GZIP_LIMIT);
  // Both Durable Object classes are in the bundle wrangler will upload.
  const code = files.map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
  expect(code).toContain('AgentObject');
  expect(code).toContain('StackObject');
  console.log(`worker bundle: ${(raw / 1024).toFixed(0)} KiB raw, ${(gzipped / 1024).toFixed(0)} KiB gzip`);
});
