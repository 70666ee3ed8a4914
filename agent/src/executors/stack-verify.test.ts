/**
 * stack.verify's https check against a real TLS server on loopback (certificates made with openssl
 * for two names, served by SNI): the right name passes, a route the server has no certificate for
 * fails, and a gateway error from the "proxy" fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { stackVerifyParams } from '@kombify/proto/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecContext } from './context.ts';
import { JobFailure } from './job-error.ts';
import { stackVerify } from './stack-verify.ts';

const dir = mkdtempSync(join(tmpdir(), 'verify-tls-'));
let server: Server;
let port = 0;

function cert(name: string) {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      crt,
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=DNS:${name}`,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(crt) };
}

beforeAll(async () => {
  const contexts = {
    'app.lab.example.net': createSecureContext(cert('app.lab.example.net')),
    'down.lab.example.net': createSecureContext(cert('down.lab.example.net')),
  };
  const fallback = cert('default.invalid');
  server = createServer(
    {
      ...fallback,
      SNICallback: (name, cb) =>
        cb(null, contexts[name as keyof typeof contexts] ?? createSecureContext(fallback)),
    },
    (req, res) => {
      // A proxy: the "down" route's backend is gone (502), the app's answers.
      res.writeHead(req.headers.host === 'down.lab.example.net' ? 502 : 200).end('ok');
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const ctx: ExecContext = {
  jobId: 'job_t',
  signal: new AbortController().signal,
  log: () => {},
  progress: () => {},
  fetchSecrets: async () => ({}),
};
const check = (sni: string) => ({
  service: sni.split('.')[0],
  kind: 'https',
  port,
  sni,
  timeout_s: 0.5,
  interval_s: 0.2,
});

describe('stack.verify https checks', () => {
  it('passes a route whose certificate names it and whose backend answers', async () => {
    const out = (await stackVerify(
      stackVerifyParams.parse({ checks: [check('app.lab.example.net')] }),
      ctx,
    )) as any;
    expect(out.checks[0]).toMatchObject({ kind: 'https', ok: true, status: 200 });
    expect(out.checks[0].message).toContain('certificate for app.lab.example.net');
  });

  it('fails a route the proxy has no certificate for, and one whose backend is down', async () => {
    const failed = await stackVerify(
      stackVerifyParams.parse({ checks: [check('other.lab.example.net'), check('down.lab.example.net')] }),
      ctx,
    ).catch((e) => e);
    expect(failed).toBeInstanceOf(JobFailure);
    expect(failed.message).toContain('the certificate is not for other.lab.example.net');
    expect(failed.message).toContain('HTTPS 502');
  });

  it('refuses an https check without sni, and sni on another kind', () => {
    expect(
      stackVerifyParams.safeParse({ checks: [{ service: 's', kind: 'https', port: 443 }] }).success,
    ).toBe(false);
    expect(
      stackVerifyParams.safeParse({ checks: [{ service: 's', kind: 'tcp', port: 1, sni: 'a.b' }] }).success,
    ).toBe(false);
  });
});
