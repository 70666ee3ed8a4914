/** Collects the node facts the edge shows for a worker. Each probe fails soft: a missing tool is an empty field. */
import { execFile } from 'node:child_process';
import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import { create } from '@bufbuild/protobuf';
import { type NodeFacts, NodeFactsSchema } from '@kombify/proto/agent/v1';
import { dockerClient } from './docker.ts';
import { AGENT_VERSION } from './version.ts';

const run = promisify(execFile);

async function osRelease(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
    return match?.[1] ?? '';
  } catch {
    return '';
  }
}

async function dockerVersion(): Promise<string> {
  try {
    const version = await dockerClient().version();
    return version.Version ?? '';
  } catch {
    return '';
  }
}

/** OpenTofu first, then Terraform (the same CLI contract). */
export async function findTofu(): Promise<{ binary: string; version: string } | null> {
  for (const binary of ['tofu', 'terraform']) {
    try {
      const { stdout } = await run(binary, ['version', '-json'], { timeout: 10_000 });
      const parsed = JSON.parse(stdout) as { terraform_version?: string; version?: string };
      return { binary, version: parsed.terraform_version ?? parsed.version ?? '' };
    } catch {}
  }
  return null;
}

async function disk(path: string): Promise<{ total: bigint; free: bigint }> {
  try {
    const s = await statfs(path);
    return { total: BigInt(s.blocks) * BigInt(s.bsize), free: BigInt(s.bavail) * BigInt(s.bsize) };
  } catch {
    return { total: 0n, free: 0n };
  }
}

export async function collectFacts(dataDir = '/'): Promise<NodeFacts> {
  const [release, docker, tofu, space] = await Promise.all([
    osRelease(),
    dockerVersion(),
    findTofu(),
    disk(dataDir),
  ]);
  const cpus = os.cpus();
  return create(NodeFactsSchema, {
    hostname: os.hostname(),
    os: os.platform(),
    osRelease: release,
    arch: os.arch(),
    cpuCount: cpus.length,
    cpuModel: cpus[0]?.model ?? '',
    memoryTotalBytes: BigInt(os.totalmem()),
    memoryFreeBytes: BigInt(os.freemem()),
    diskTotalBytes: space.total,
    diskFreeBytes: space.free,
    loadAverage1m: os.loadavg()[0] ?? 0,
    dockerVersion: docker,
    tofuVersion: tofu?.version ?? '',
    tofuBinary: tofu?.binary ?? '',
    agentVersion: AGENT_VERSION,
    uptimeSeconds: BigInt(Math.floor(os.uptime())),
  });
}
