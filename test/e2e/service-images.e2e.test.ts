/**
 * The simulations' service images (`npm run images`, scripts/lib/service-images.ts): built from
 * Debian's packages, pushed into KombiSim's registry mirror under their upstream names, and
 * honouring the upstream contracts the kits use — run for real on the host's engine, pulled back
 * from the mirror by their upstream names. Stand-ins say what they stand in for.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServiceImages } from '../../scripts/lib/service-images.ts';
import { ensureMirror } from '../../scripts/lib/sim-registry.ts';
import { requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { poll } from '../harness/stack.ts';

const run = promisify(execFile);
const tag = `si${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const made: string[] = [];
let mirror: string;

const docker = async (...args: string[]) =>
  (await run('docker', args, { maxBuffer: 16 << 20 })).stdout.trim();

/** Runs an image pulled from the mirror by its upstream name (as a node's engine would name it). */
async function start(name: string, upstream: string, ...args: string[]): Promise<string> {
  const image = `${mirror}/${upstream.includes('/') ? upstream : `library/${upstream}`}`;
  await docker('pull', '-q', image);
  const container = `${tag}-${name}`;
  made.push(container);
  await docker('run', '-d', '--name', container, ...args, image);
  return container;
}

beforeAll(async () => {
  await requireDocker();
  mirror = await ensureMirror();
  await buildServiceImages({
    testImage: TEST_IMAGE,
    only: [
      'postgres:16-alpine',
      'redis:7-alpine',
      'nginx:1.27',
      'traefik/whoami:latest',
      'traefik:v3.1',
      'kombify/echo-app:1',
    ],
    progress: (line) => process.stdout.write(`[images] ${line}\n`),
  });
}, 600_000);

const networks: string[] = [];

afterAll(async () => {
  if (made.length > 0) await docker('rm', '-f', '-v', ...made).catch(() => {});
  for (const n of networks) await docker('network', 'rm', n).catch(() => {});
});

describe('service images in the mirror', () => {
  it('are listed under their upstream names', async () => {
    const tags = async (repo: string) =>
      ((await (await fetch(`http://${mirror}/v2/${repo}/tags/list`)).json()) as { tags: string[] }).tags;
    expect(await tags('library/postgres')).toEqual(
      expect.arrayContaining(['16-alpine', '16.4-alpine', '16']),
    );
    expect(await tags('library/redis')).toEqual(expect.arrayContaining(['7-alpine']));
    expect(await tags('traefik/whoami')).toEqual(expect.arrayContaining(['latest']));
  });

  it('PostgreSQL refuses to start without POSTGRES_PASSWORD, like upstream', async () => {
    const c = await start('pg-nopass', 'postgres:16-alpine');
    const exited = await poll(
      async () => {
        const state = await docker('inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', c);
        return state.startsWith('exited') ? state : null;
      },
      30_000,
      'the password-less postgres to exit',
    );
    expect(exited).toBe('exited 1');
    const { stderr } = await run('docker', ['logs', c]);
    expect(stderr).toContain('superuser password is not specified');
  });

  it('PostgreSQL starts with POSTGRES_PASSWORD, POSTGRES_USER and POSTGRES_DB and takes password logins', async () => {
    const c = await start(
      'pg',
      'postgres:16-alpine',
      '-e',
      'POSTGRES_PASSWORD=s3cret-pw',
      '-e',
      'POSTGRES_USER=app',
      '-e',
      'POSTGRES_DB=appdb',
    );
    await poll(
      async () =>
        (await run('docker', ['exec', c, 'pg_isready', '-h', '127.0.0.1', '-U', 'app']).catch(() => null)) !==
        null,
      60_000,
      'pg_isready',
    );
    const sql = (password: string) =>
      run('docker', [
        'exec',
        '-e',
        `PGPASSWORD=${password}`,
        c,
        'psql',
        '-h',
        '127.0.0.1',
        '-U',
        'app',
        '-d',
        'appdb',
        '-tAc',
        'select current_user, current_database()',
      ]);
    expect((await sql('s3cret-pw')).stdout.trim()).toBe('app|appdb');
    await expect(sql('wrong')).rejects.toThrow(/password authentication failed/);
    // Data where the upstream image keeps it.
    expect(await docker('exec', c, 'ls', '/var/lib/postgresql/data/PG_VERSION')).toBe(
      '/var/lib/postgresql/data/PG_VERSION',
    );
  });

  it('the echo app makes a real SQL round trip with the password it is given, and fails with a wrong one', async () => {
    const net = `${tag}-echo`;
    await docker('network', 'create', net);
    networks.push(net);
    const pg = await start(
      'echo-pg',
      'postgres:16-alpine',
      '--network',
      net,
      '-e',
      'POSTGRES_PASSWORD=pw-1',
      '-e',
      'POSTGRES_DB=app',
    );
    await poll(
      async () =>
        (await run('docker', ['exec', pg, 'pg_isready', '-h', '127.0.0.1']).catch(() => null)) !== null,
      60_000,
      'pg_isready',
    );
    const echo = async (name: string, password: string) => {
      const c = await start(
        name,
        'kombify/echo-app:1',
        '--network',
        net,
        '-p',
        '127.0.0.1::8080',
        '-e',
        `PGHOST=${pg}`,
        '-e',
        'PGUSER=postgres',
        '-e',
        'PGDATABASE=app',
        '-e',
        `PGPASSWORD=${password}`,
      );
      const port = (await docker('port', c, '8080/tcp')).split(':').at(-1);
      return poll(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/db`).catch(() => null);
          return res ? { status: res.status, text: await res.text() } : null;
        },
        30_000,
        `${name} to answer`,
      );
    };
    expect(await echo('echo-ok', 'pw-1')).toEqual({ status: 200, text: 'connected as postgres to app\n' });
    const wrong = await echo('echo-bad', 'not-it');
    expect(wrong.status).toBe(503);
    expect(wrong.text).toMatch(/password authentication failed/);
  });

  it('Redis answers and keeps its data in /data', async () => {
    const c = await start('redis', 'redis:7-alpine');
    await poll(
      async () =>
        (await run('docker', ['exec', c, 'redis-cli', 'ping']).catch(() => null))?.stdout.trim() === 'PONG',
      30_000,
      'redis PONG',
    );
    await docker('exec', c, 'redis-cli', 'set', 'k', 'v');
    await docker('exec', c, 'redis-cli', 'save');
    expect(await docker('exec', c, 'ls', '/data')).toContain('dump.rdb');
  });

  it('nginx serves /usr/share/nginx/html and whoami echoes the request', async () => {
    const nginx = await start('nginx', 'nginx:1.27', '-p', '127.0.0.1::80');
    const whoami = await start(
      'whoami',
      'traefik/whoami:latest',
      '-p',
      '127.0.0.1::80',
      '--hostname',
      'echo-me',
    );
    const port = async (c: string) => (await docker('port', c, '80/tcp')).split(':').at(-1);
    const get = async (c: string, path: string) =>
      poll(
        async () => {
          const res = await fetch(`http://127.0.0.1:${await port(c)}${path}`).catch(() => null);
          return res?.ok ? res.text() : null;
        },
        30_000,
        `${c} to answer`,
      );
    expect(await get(nginx, '/')).toContain('nginx');
    const echo = await get(whoami, '/hello?x=1');
    expect(echo).toContain('Hostname: echo-me');
    expect(echo).toContain('GET /hello?x=1 HTTP/1.1');
  });

  it('a stand-in says what it stands in for, on the ports the kits use, and answers health checks', async () => {
    const c = await start('traefik', 'traefik:v3.1', '-p', '127.0.0.1::8080');
    const port = (await docker('port', c, '8080/tcp')).split(':').at(-1);
    const page = await poll(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/ping`).catch(() => null);
        return res?.ok ? res.text() : null;
      },
      30_000,
      'the stand-in to answer',
    );
    expect(page).toContain('kombify stand-in for traefik (not the real software');
    expect(await docker('inspect', '--format', '{{ index .Config.Labels "kombify.standin" }}', c)).toBe(
      'traefik',
    );
  });
});
