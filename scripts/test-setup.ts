/**
 * `npm test`'s first step (the `pretest` script): provisions what the tests need on this machine,
 * so a fresh Debian or Ubuntu machine needs nothing but `npm install && npm test`. In order, each
 * with a progress line:
 *  1. system packages from Debian when missing: the Docker engine (docker.io), Chromium (browser
 *     tests), debootstrap (the installer test's Debian image), shellcheck (install.sh lint);
 *  2. the Docker engine, started when it does not answer;
 *  3. the test images (scripts/build-*-image.*): each is skipped when present and current.
 * PostgreSQL is not here: the tests start a real one from npm (test/harness/postgres-global.ts)
 * unless KOMBIFY_TEST_POSTGRES_URL points at one.
 *
 * Installing needs root and apt-get; without them this stops at once and prints the command to
 * run. `KOMBIFY_TEST_SETUP=0` skips it all (for a machine someone provisioned by hand).
 * Exit codes: 0 ready, 1 something could not be provisioned.
 */
import { type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/service.ts';

const log = (line: string) => process.stdout.write(`[test:setup] ${line}\n`);
const started = Date.now();

function fail(message: string): never {
  process.stderr.write(`[test:setup] ${message}\n`);
  process.exit(1);
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): number {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: repoRoot, ...opts });
  if (result.error) fail(`${cmd} could not run: ${result.error.message}`);
  return result.status ?? 1;
}

const quiet = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
// sbin is often not on a user's PATH although dockerd and debootstrap live there.
const onPath = (cmd: string) =>
  quiet('sh', ['-c', `command -v ${cmd}`]) || existsSync(`/usr/sbin/${cmd}`) || existsSync(`/sbin/${cmd}`);

if (process.env.KOMBIFY_TEST_SETUP === '0') {
  log('skipped (KOMBIFY_TEST_SETUP=0)');
  process.exit(0);
}

// 1. System packages: what each is for, how to tell it is there.
const packages = [
  { name: 'docker.io', for: 'the Docker engine', present: () => onPath('dockerd') && onPath('docker') },
  { name: 'chromium', for: 'the browser tests', present: () => existsSync('/usr/bin/chromium') },
  { name: 'debootstrap', for: "the installer test's Debian image", present: () => onPath('debootstrap') },
  { name: 'shellcheck', for: 'the install.sh lint', present: () => onPath('shellcheck') },
];
const missing = packages.filter((p) => !p.present());
const isRoot = process.getuid?.() === 0;
if (missing.length > 0) {
  const names = missing.map((p) => p.name).join(' ');
  const command = `sudo apt-get update && sudo apt-get install -y ${names}`;
  for (const p of missing) log(`missing: ${p.name} (${p.for})`);
  if (!isRoot) fail(`installing needs root; run this, then npm test again:\n  ${command}`);
  if (!onPath('apt-get')) fail(`this machine has no apt-get; install ${names} with its package manager`);
  log(`installing ${names} from Debian (a minute or two)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update', '-qq'], { env }) !== 0) fail('apt-get update failed (see above)');
  if (run('apt-get', ['install', '-y', '-qq', ...missing.map((p) => p.name)], { env }) !== 0)
    fail(`apt-get install ${names} failed (see above)`);
  const still = missing.filter((p) => !p.present());
  if (still.length > 0) fail(`still missing after apt-get: ${still.map((p) => p.name).join(' ')}`);
} else {
  log('system packages present: docker.io, chromium, debootstrap, shellcheck');
}

// 2. The Docker engine: started here the way .ci/run used to (detached, log under .kombify/).
if (quiet('docker', ['info'])) {
  log('Docker engine answering');
} else {
  if (!isRoot)
    fail(
      'the Docker engine does not answer this user: start it (sudo systemctl start docker) or add yourself to ' +
        'the docker group (sudo usermod -aG docker $USER, then log in again), then npm test again',
    );
  const logDir = join(repoRoot, '.kombify');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'dockerd.log');
  log(`starting the Docker engine (log: ${logFile})`);
  const fd = openSync(logFile, 'a');
  spawn('dockerd', ['--storage-driver=overlay2'], { detached: true, stdio: ['ignore', fd, fd] }).unref();
  closeSync(fd);
  const deadline = Date.now() + 60_000;
  while (!quiet('docker', ['info'])) {
    if (Date.now() > deadline) fail(`the Docker engine did not answer within 60 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  log('Docker engine started');
}

// 3. Test images; each build script says "already present" / "current" when there is nothing to do.
const images: Array<[string, string[], string]> = [
  ['sh', ['scripts/build-test-image.sh'], 'busybox test image'],
  ['sh', ['scripts/build-debian-image.sh'], "installer test's Debian image (about a minute the first time)"],
  // The node image (Debian + sshd, iproute2, Debian's docker.io for the node's own engine, Node and
  // the agent; ~35 s the first time) and the registry mirror's image (Debian's docker-registry).
  // The service images are built by test/e2e/service-images.e2e.test.ts itself (`npm run images`).
  [
    process.execPath,
    ['scripts/build-sim-image.ts', '--image', 'kombify/sim-node:test'],
    'KombiSim node and registry mirror images',
  ],
];
for (const [cmd, args, what] of images) {
  log(what);
  if (run(cmd, args) !== 0) fail(`building the ${what} failed (see above)`);
}

log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
