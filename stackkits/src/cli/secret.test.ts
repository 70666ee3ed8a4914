import { existsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { secretTable } from './secret.ts';
import { fakeEdge, removeTempDirs, runCli, runOnTerminal, type SeenRequest, tempDir } from './testing.ts';

afterAll(removeTempDirs);

const meta = (path: string, version = 1) => ({
  path,
  version,
  updated_at: '2026-12-04T01:26:04.123Z',
  updated_by: 'api_key:key_1',
});

type Edge = Awaited<ReturnType<typeof fakeEdge>>;
const open: Edge[] = [];
afterEach(() => {
  for (const e of open.splice(0)) e.server.close();
});

/** A fake edge with the secret routes: PUT/generate answer 201 (new), DELETE and GET 200. */
async function secretsEdge(
  answer: (req: SeenRequest) => { status: number; body: unknown } | undefined = () => undefined,
): Promise<Edge> {
  const e = await fakeEdge((req) => {
    const given = answer(req);
    if (given) return given;
    const path = req.url.replace(/^\/v1\/orchestrator\/secrets\/?/, '').replace(/\/generate$/, '');
    if (req.method === 'GET') return { status: 200, body: { data: [meta('db/password', 2), meta('a', 1)] } };
    if (req.method === 'DELETE') return { status: 200, body: { data: meta(path, 3) } };
    return { status: 201, body: { data: meta(path) } };
  });
  open.push(e);
  return e;
}

const env = (e: Edge) => ({ KOMBIFY_EDGE_URL: e.url, KOMBIFY_TOKEN: 'tok' });

describe('stackkit secret set', { timeout: 60_000 }, () => {
  it('reads the value from stdin and PUTs it with the token; the value is never printed', async () => {
    const e = await secretsEdge();
    const r = await runCli(['secret', 'set', 'db/password', '-v'], {
      cwd: tempDir(),
      env: env(e),
      input: 'hunter2-very-secret\n',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(e.seen.map((s) => [s.method, s.url, s.type, s.auth])).toEqual([
      ['PUT', '/v1/orchestrator/secrets/db/password', 'application/json', 'Bearer tok'],
    ]);
    expect(JSON.parse(e.seen[0]!.body)).toEqual({ value: 'hunter2-very-secret' });
    expect(r.stdout).toBe('Stored db/password: version 1 (new)\n');
    expect(r.stderr).toContain(`PUT ${e.url}/v1/orchestrator/secrets/db/password`); // -v shows the route
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });

  it('strips exactly one trailing newline (\\n or \\r\\n); --edge/--token flags work too', async () => {
    const e = await secretsEdge();
    const cases: [string, string][] = [
      ['two\n\n', 'two\n'],
      ['crlf\r\n', 'crlf'],
      ['none', 'none'],
      ['multi\nline\n', 'multi\nline'],
      [' spaces kept \n', ' spaces kept '],
    ];
    for (const [input] of cases) {
      const r = await runCli(['secret', 'set', 'x', '--edge', e.url, '--token', 't2'], {
        cwd: tempDir(),
        input,
      });
      expect(r.code, r.stderr).toBe(0);
    }
    expect(e.seen.map((s) => JSON.parse(s.body).value)).toEqual(cases.map(([, stored]) => stored));
    expect(new Set(e.seen.map((s) => s.auth))).toEqual(new Set(['Bearer t2']));
  });

  it('--json: {ok, secret, created, generated}; 200 means an update', async () => {
    const e = await secretsEdge((req) =>
      req.method === 'PUT' ? { status: 200, body: { data: meta('db/password', 4) } } : undefined,
    );
    const r = await runCli(['secret', 'set', 'db/password', '--json'], {
      cwd: tempDir(),
      env: env(e),
      input: 'v',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      secret: meta('db/password', 4),
      created: false,
      generated: false,
    });
  });

  it('refuses a value given as an argument (exit 2), without echoing it or sending anything', async () => {
    const e = await secretsEdge();
    const r = await runCli(['secret', 'set', 'db/password', 'hunter2'], { cwd: tempDir(), env: env(e) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the value is read from stdin, never from the command line');
    expect(r.stderr).not.toContain('hunter2');
    const json = await runCli(['secret', 'set', 'db/password', 'hunter2', 'more', '--json'], {
      cwd: tempDir(),
      env: env(e),
    });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error.code).toBe('usage');
    expect(json.stdout + json.stderr).not.toContain('hunter2');
    expect(e.seen).toEqual([]);
  });

  it('refuses an empty value (exit 1), also a lone newline; nothing is sent', async () => {
    const e = await secretsEdge();
    for (const input of ['', '\n', '\r\n']) {
      const r = await runCli(['secret', 'set', 'db/password'], { cwd: tempDir(), env: env(e), input });
      expect(r.code, JSON.stringify(input)).toBe(1);
      expect(r.stderr).toContain('the value for db/password is empty');
    }
    const json = await runCli(['secret', 'set', 'db/password', '--json'], { cwd: tempDir(), env: env(e) });
    expect(JSON.parse(json.stdout).error.code).toBe('empty_value');
    expect(e.seen).toEqual([]);
  });

  it('refuses a value that is not UTF-8 (exit 1), before sending', async () => {
    const e = await secretsEdge();
    const r = await runCli(['secret', 'set', 'bin', '--json'], {
      cwd: tempDir(),
      env: env(e),
      input: new Uint8Array([0x70, 0xff, 0xfe, 0x0a]),
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toEqual({
      code: 'invalid_value',
      message: 'the value on stdin is not UTF-8 text (encode binary values, e.g. base64)',
    });
    expect(e.seen).toEqual([]);
  });

  it('refuses a bad path before reading stdin or sending anything (exit 2), with the edge rule', async () => {
    const e = await secretsEdge();
    for (const path of ['../etc/passwd', 'a/../b', '/abs', 'a//b', 'a b', 'ä', 'a/', `${'x'.repeat(256)}`]) {
      for (const sub of ['set', 'rm']) {
        const r = await runCli(['secret', sub, path], { cwd: tempDir(), env: env(e), input: 'value' });
        expect(r.code, `${sub} ${path}`).toBe(2);
        expect(r.stderr).toContain('not a secret path');
      }
    }
    expect(e.seen).toEqual([]);
  });

  it('--generate POSTs {path}/generate, with --length when given; the answer has no value', async () => {
    const e = await secretsEdge();
    const a = await runCli(['secret', 'set', 'app/key', '--generate'], { cwd: tempDir(), env: env(e) });
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe('Generated and stored app/key: version 1 (new)\n');
    const b = await runCli(['secret', 'set', 'app/key', '--generate', '--length', '48', '--json'], {
      cwd: tempDir(),
      env: env(e),
    });
    expect(JSON.parse(b.stdout)).toMatchObject({ ok: true, generated: true, secret: { path: 'app/key' } });
    expect(e.seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['POST', '/v1/orchestrator/secrets/app/key/generate', '{}'],
      ['POST', '/v1/orchestrator/secrets/app/key/generate', '{"length":48}'],
    ]);
  });

  it('usage errors (exit 2): no edge, no path, --length without --generate, a bad --length, unknown action', async () => {
    const cwd = tempDir();
    const cases: [string[], string][] = [
      [['secret', 'set', 'a'], 'the secret store is on the kombify edge: give --edge <url>'],
      [['secret', 'list', '--edge', 'http://127.0.0.1:9'], '--edge needs --token'],
      [['secret', 'set', '--edge', 'http://127.0.0.1:9', '--token', 't'], 'a path is required'],
      [['secret', 'set', 'a', '--length', '40'], '--length goes with --generate'],
      [['secret', 'set', 'a', '--generate', '--length', 'long'], '--length wants a whole number'],
      [['secret', 'list', '--generate'], '--generate and --length go with "secret set"'],
      [['secret', 'list', 'extra'], '"secret list" takes no arguments'],
      [['secret'], 'a subcommand is required'],
      [['secret', 'get', 'a'], 'unknown subcommand "secret get"'],
      [['secret', 'list', '--force'], 'option --force does not apply to "secret"'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { cwd });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});

describe('stackkit secret list and rm', { timeout: 60_000 }, () => {
  it('list prints a table: path, version, updated, by', async () => {
    const e = await secretsEdge();
    const r = await runCli(['secret', 'list'], { cwd: tempDir(), env: env(e) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'PATH         VERSION  UPDATED               BY',
        'db/password  2        2026-12-04 01:26:04Z  api_key:key_1',
        'a            1        2026-12-04 01:26:04Z  api_key:key_1',
        '',
      ].join('\n'),
    );
    expect(e.seen.map((s) => [s.method, s.url, s.auth])).toEqual([
      ['GET', '/v1/orchestrator/secrets', 'Bearer tok'],
    ]);
  });

  it('list --json, and an empty store', async () => {
    const e = await secretsEdge();
    const json = await runCli(['secret', 'list', '--json'], { cwd: tempDir(), env: env(e) });
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, secrets: [meta('db/password', 2), meta('a', 1)] });
    const empty = await secretsEdge(() => ({ status: 200, body: { data: [] } }));
    const r = await runCli(['secret', 'list'], { cwd: tempDir(), env: env(empty) });
    expect([r.code, r.stdout]).toEqual([
      0,
      'No secrets in the store. Add one with: stackkit secret set <path>\n',
    ]);
  });

  it('secretTable keeps a time it cannot shorten as given', () => {
    expect(secretTable([{ ...meta('p'), updated_at: 'yesterday' }])).toEqual([
      'PATH  VERSION  UPDATED    BY',
      'p     1        yesterday  api_key:key_1',
    ]);
  });

  it('an answer that is not the metadata is an error, not a crash (exit 1)', async () => {
    const e = await secretsEdge(() => ({ status: 200, body: { data: [{ path: 'a' }] } }));
    const r = await runCli(['secret', 'list', '--json'], { cwd: tempDir(), env: env(e) });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('edge_unexpected');
  });

  it('rm DELETEs the path and says which version went', async () => {
    const e = await secretsEdge();
    const r = await runCli(['secret', 'rm', 'db/password'], { cwd: tempDir(), env: env(e) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Removed db/password (was version 3)\n');
    const json = await runCli(['secret', 'rm', 'db/password', '--json'], { cwd: tempDir(), env: env(e) });
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, removed: meta('db/password', 3) });
    expect(e.seen.map((s) => [s.method, s.url, s.auth])).toEqual([
      ['DELETE', '/v1/orchestrator/secrets/db/password', 'Bearer tok'],
      ['DELETE', '/v1/orchestrator/secrets/db/password', 'Bearer tok'],
    ]);
  });
});

describe('stackkit secret: the edge refusing', { timeout: 60_000 }, () => {
  it('403: the status, the code, the message and a hint about the token (exit 1)', async () => {
    const e = await secretsEdge(() => ({
      status: 403,
      body: { error: { code: 'AUTH_INSUFFICIENT', message: 'this needs the role admin or owner' } },
    }));
    const r = await runCli(['secret', 'set', 'db/password'], {
      cwd: tempDir(),
      env: env(e),
      input: 'zq-pass-9\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'the edge refused PUT /v1/orchestrator/secrets/db/password: HTTP 403 AUTH_INSUFFICIENT: this needs the role admin or owner (check --token / KOMBIFY_TOKEN and your role)',
    );
    expect(r.stdout + r.stderr).not.toContain('zq-pass-9');
  });

  it('400: the field paths the edge objects to, also in --json', async () => {
    const e = await secretsEdge(() => ({
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'invalid request',
          details: [{ path: 'length', code: 'too_big', message: 'Too big: expected number to be <=1024' }],
        },
      },
    }));
    const args = ['secret', 'set', 'k', '--generate', '--length', '5000'];
    const r = await runCli(args, { cwd: tempDir(), env: env(e) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'HTTP 400 VALIDATION_FAILED: invalid request (length: Too big: expected number to be <=1024)',
    );
    const json = await runCli([...args, '--json'], { cwd: tempDir(), env: env(e) });
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: { code: 'edge_refused' },
      status: 400,
      route: 'POST /v1/orchestrator/secrets/k/generate',
      edgeError: { code: 'VALIDATION_FAILED', details: [{ path: 'length' }] },
    });
  });

  it('404 on rm: the edge says which secret is missing', async () => {
    const e = await secretsEdge(() => ({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no secret db/gone' } },
    }));
    const r = await runCli(['secret', 'rm', 'db/gone'], { cwd: tempDir(), env: env(e) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HTTP 404 NOT_FOUND: no secret db/gone');
  });

  it('an unreachable edge (exit 1)', async () => {
    const r = await runCli(['secret', 'list', '--json'], {
      cwd: tempDir(),
      env: { KOMBIFY_EDGE_URL: 'http://127.0.0.1:9', KOMBIFY_TOKEN: 't' },
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('edge_unreachable');
  });
});

describe.skipIf(!existsSync('/usr/bin/script'))(
  'stackkit secret set on a terminal',
  { timeout: 60_000 },
  () => {
    it('asks for the value without echoing it; Ctrl-C exits 130 with nothing sent', async () => {
      const e = await secretsEdge();
      const typed = await runOnTerminal(['secret', 'set', 'db/password'], {
        cwd: tempDir(),
        env: env(e),
        waitFor: 'Value for db/password (not shown',
        answer: 'typed-s3cret\u007fT\r',
      });
      expect(typed.code, typed.out).toBe(0);
      expect(typed.out).toContain('Stored db/password: version 1 (new)');
      expect(typed.out).not.toContain('typed-s3cre');
      expect(JSON.parse(e.seen[0]!.body)).toEqual({ value: 'typed-s3creT' });

      const ctrlC = await runOnTerminal(['secret', 'set', 'db/password'], {
        cwd: tempDir(),
        env: env(e),
        waitFor: 'Value for db/password',
        answer: 'abc\u0003',
      });
      expect(ctrlC.code).toBe(130);
      expect(ctrlC.out).toContain('interrupted; nothing was changed');
      expect(e.seen).toHaveLength(1);
    });
  },
);
