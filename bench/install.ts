/**
 * Install time: from running the agent installer one-liner in a fresh Debian container to the
 * worker showing online in the API, against downloading the same bytes with curl in the same
 * container in the same run. The issue's target (issue 19, item 5): online within 2 s of the
 * download finishing, median, i.e. p50 of (one-liner → online) − (curl of the same bytes) ≤ 2000 ms
 * (it was 5 s before; the p90 and max are reported against the same figure).
 *
 * One real local stack (wrangler dev + embedded PGlite, R2 simulated), a real agent release
 * (esbuild bundle + Node runtime, this machine's architecture), one container from the locally
 * built Debian image (scripts/build-debian-image.sh) sharing the host network and Docker socket.
 * Each sample: uninstall → curl the bytes (baseline) → one-liner with a fresh token → poll the
 * workers API every 20 ms until the new worker is online. Both clocks are the host's (the
 * container shares it), so the start is stamped inside the container and the end on the host.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgentRelease, readBuildManifest } from '../scripts/lib/agent-build.ts';
import { makeReleaseSigningKey } from '../scripts/lib/release-key.ts';
import { publishRelease } from '../scripts/lib/release-publish.ts';
import { requireDebianImage } from '../test/harness/debian-image.ts';
import { removeContainer, requireDocker } from '../test/harness/docker.ts';
import { startStack } from '../test/harness/stack.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round, sleep } from './stats.ts';

const WARMUP = 1;
const SAMPLES = 12;
const TARGET_AFTER_DOWNLOAD_MS = 2000;
const ONLINE_TIMEOUT_MS = 60_000;

const progress = (line: string) => process.stderr.write(`[install] ${line}\n`);

function docker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`docker ${args.slice(0, 2).join(' ')}: ${stderr || error.message}`))
        : resolve(stdout),
    );
  });
}

export const install: Benchmark = {
  name: 'install',
  description: 'installer one-liner → worker online, against curl of the same bytes (fresh Debian container)',
  async run() {
    const engine = await requireDocker();
    const image = await requireDebianImage(engine);
    const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
    const scratch = mkdtempSync(join(tmpdir(), 'kombify-bench-install-'));
    progress(`building the agent release for linux-${arch}…`);
    const { manifestPath } = await buildAgentRelease({ outDir: scratch, arches: [arch] });
    const release = readBuildManifest(manifestPath);
    const bytes = release.files.reduce((sum, f) => sum + f.size, 0);
    progress('starting the stack (PGlite + wrangler dev) and publishing the release…');
    const stack = await startStack({ vars: { RELEASE_SIGNING_KEY: await makeReleaseSigningKey() } });
    const container = `kombify-bench-install-${process.pid}`;
    try {
      await publishRelease({ edgeUrl: stack.edgeUrl, adminToken: stack.adminToken, manifestPath });
      await removeContainer(engine, container);
      await docker([
        'run',
        '-d',
        '--name',
        container,
        '--network',
        'host',
        '-v',
        '/var/run/docker.sock:/var/run/docker.sock',
        image,
        'sleep',
        'infinity',
      ]);
      const edge = stack.edgeUrl;
      const oneLiner = (token: string, name: string) =>
        `curl -fsSL ${edge}/install.sh | sh -s -- --token ${token} --no-service --name ${name}`;
      // The same requests the installer makes, one curl each, to the same place on disk.
      const urls = [
        `${edge}/install.sh`,
        `${edge}/agent/manifest.json`,
        `${edge}/agent/releases/${release.version}/manifest.json.sig`,
        ...release.files.map((f) => `${edge}/agent/files/${f.name}`),
      ];
      const curlAll = urls.map((u, i) => `curl -fsSL -o /tmp/bench-dl-${i} ${u}`).join(' && ');

      const installMs: number[] = [];
      const downloadMs: number[] = [];
      const afterDownloadMs: number[] = [];
      for (let i = 0; i < WARMUP + SAMPLES; i++) {
        await docker([
          'exec',
          container,
          'sh',
          '-c',
          `curl -fsSL ${edge}/install.sh | sh -s -- --uninstall >/dev/null; rm -f /tmp/bench-dl-*`,
        ]);
        const download = Number(
          (
            await docker([
              'exec',
              container,
              'sh',
              '-c',
              `s=$(date +%s%3N); ${curlAll}; e=$(date +%s%3N); rm -f /tmp/bench-dl-*; echo $((e - s))`,
            ])
          ).trim(),
        );
        const token = await stack.enrollmentToken();
        const name = `bench-install-${i}`;
        const started = Number(
          (
            await docker([
              'exec',
              container,
              'sh',
              '-c',
              `date +%s%3N; (${oneLiner(token, name)} >/tmp/bench-install.log 2>&1 &)`,
            ])
          ).trim(),
        );
        const deadline = Date.now() + ONLINE_TIMEOUT_MS;
        let online = 0;
        while (Date.now() < deadline) {
          const res = await stack.api('/v1/orchestrator/workers?per_page=100');
          if (res.body.data?.some((w: any) => w.name === name && w.status === 'online')) {
            online = Date.now();
            break;
          }
          await sleep(20);
        }
        if (!online) {
          const log = await docker(['exec', container, 'cat', '/tmp/bench-install.log']).catch(() => '');
          throw new Error(`worker ${name} did not come online within ${ONLINE_TIMEOUT_MS} ms:\n${log}`);
        }
        const total = online - started;
        progress(
          `${i < WARMUP ? 'warm-up' : `sample ${i - WARMUP + 1}/${SAMPLES}`}: online after ${total} ms, curl of the same bytes ${download} ms`,
        );
        if (total - download > TARGET_AFTER_DOWNLOAD_MS) {
          // Show where a slow sample spent its time (the installer's steps and the agent's log).
          const log = await docker(['exec', container, 'cat', '/tmp/bench-install.log']).catch(() => '');
          progress(
            `slow sample; its log:\n${log
              .split('\n')
              .filter((l) => /==>|INFO|WARN|ERROR/.test(l))
              .join('\n')}`,
          );
        }
        if (i < WARMUP) continue;
        installMs.push(total);
        downloadMs.push(download);
        afterDownloadMs.push(total - download);
      }
      const downloadP50 = percentile(downloadMs, 50);
      const metric = (name: string, values: number[], p: number, target: number | null): BenchCase => {
        const value = round(percentile(values, p));
        return {
          case: 'fresh install',
          metric: name,
          value,
          baseline_metric: 'curl_download_p50_ms',
          baseline: round(downloadP50),
          ratio: round(value / downloadP50),
          target,
          samples: values.length,
        };
      };
      const cases: BenchCase[] = [
        {
          case: 'baseline',
          metric: 'curl_download_p50_ms',
          value: round(downloadP50),
          baseline_metric: null,
          baseline: null,
          ratio: null,
          target: null,
          samples: downloadMs.length,
        },
        {
          case: 'baseline',
          metric: 'download_bytes',
          value: bytes,
          baseline_metric: null,
          baseline: null,
          ratio: null,
          target: null,
          samples: 1,
        },
        metric('install_to_online_p50_ms', installMs, 50, null),
        metric('install_to_online_max_ms', installMs, 100, null),
        metric('online_after_download_p50_ms', afterDownloadMs, 50, TARGET_AFTER_DOWNLOAD_MS),
        metric('online_after_download_p90_ms', afterDownloadMs, 90, TARGET_AFTER_DOWNLOAD_MS),
        metric('online_after_download_max_ms', afterDownloadMs, 100, TARGET_AFTER_DOWNLOAD_MS),
      ];
      const notes = [
        'wrangler dev (workerd, R2 simulated) + embedded PGlite; everything on one machine over loopback',
        `container from ${image} (debootstrap bookworm), --network host, Docker socket mounted; installer with --no-service`,
        `release: agent ${release.version} bundle + Node ${release.node_version} linux-${arch} runtime, ${(bytes / 1048576).toFixed(1)} MB`,
        `${SAMPLES} samples after ${WARMUP} warm-up (each sample downloads ${(bytes / 1048576).toFixed(0)} MB and unpacks 120 MB, so not 200); max instead of p99`,
        'install_to_online: one-liner started (stamped in the container) → worker online in GET /v1/orchestrator/workers (polled every 20 ms from the host)',
        'online_after_download = install_to_online − curl of the same bytes (install.sh, manifest, signature, bundle, runtime; one curl each, as the installer does) in the same sample',
      ].join('; ');
      return { notes, cases };
    } finally {
      progress('stopping…');
      await removeContainer(engine, container);
      await stack.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
