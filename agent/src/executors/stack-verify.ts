/**
 * stack.verify: HTTP, HTTPS (proxy routes by SNI) and TCP checks of a stack's endpoints, all at once, each retried every
 * `interval_s` until it passes or `timeout_s` is over. Any failed check fails the job
 * (`verify_failed`, not retryable) with every check's outcome in the message.
 */

import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { JsonObject } from '@bufbuild/protobuf';
import type { StackVerifyParams, StackVerifyResult } from '@kombify/proto/jobs';
import type { ExecContext } from './context.ts';
import { JobFailure } from './job-error.ts';

type Check = StackVerifyParams['checks'][number];
type CheckResult = StackVerifyResult['checks'][number];
type Attempt = { ok: boolean; status?: number; message: string };

const errorText = (error: unknown) => {
  const e = error as { cause?: { code?: string; message?: string }; code?: string; message?: string };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(error);
};

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function target(check: Check): string {
  if (check.kind === 'https')
    return `https://${check.sni}${check.path} via ${hostForUrl(check.host)}:${check.port}`;
  return check.kind === 'http'
    ? `http://${hostForUrl(check.host)}:${check.port}${check.path}`
    : `${hostForUrl(check.host)}:${check.port}`;
}

/**
 * A proxy route over real HTTPS: connect to host:port with the route's name as SNI, require a
 * certificate for that name (the proxy chose this route's site, not a default one), then ask for
 * the path with that Host and require the backend's answer (status below 500, or expect_status).
 * The chain is not verified here: a simulation's proxy uses its own CA, and a fresh ACME
 * certificate may still be on its way — the name check is what proves the routing.
 */
function httpsAttempt(check: Check, waitMs: number): Promise<Attempt> {
  const sni = check.sni ?? '';
  return new Promise((resolve) => {
    const req = httpsRequest(
      {
        host: check.host,
        port: check.port,
        path: check.path,
        method: 'GET',
        servername: sni,
        headers: { host: sni },
        rejectUnauthorized: false,
        // A fresh connection each time: a resumed TLS session sends no certificate to check.
        agent: false,
        timeout: waitMs,
      },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerX509Certificate?.();
        res.resume();
        const status = res.statusCode ?? 0;
        if (!cert || cert.checkHost(sni) === undefined) {
          resolve({
            ok: false,
            status,
            message: `the certificate is not for ${sni} (${cert?.subject.replace(/\n/g, ', ') ?? 'none'})`,
          });
          return;
        }
        const ok = check.expect_status ? check.expect_status.includes(status) : status >= 100 && status < 500;
        const issuer = cert.issuer.split('\n').find((l) => l.startsWith('CN=')) ?? cert.issuer.split('\n')[0];
        resolve({
          ok,
          status,
          message: ok
            ? `HTTPS ${status}, certificate for ${sni} from ${issuer}`
            : `HTTPS ${status} (${check.expect_status ? `expected ${check.expect_status.join('/')}` : 'the proxy could not reach the backend'})`,
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolve({ ok: false, message: errorText(error) }));
    req.end();
  });
}

async function httpAttempt(check: Check, waitMs: number): Promise<Attempt> {
  try {
    const res = await fetch(target(check), { redirect: 'manual', signal: AbortSignal.timeout(waitMs) });
    await res.body?.cancel();
    const ok = check.expect_status
      ? check.expect_status.includes(res.status)
      : res.status >= 200 && res.status < 400;
    const wanted = check.expect_status ? check.expect_status.join('/') : '200-399';
    return {
      ok,
      status: res.status,
      message: ok ? `HTTP ${res.status}` : `HTTP ${res.status}, expected ${wanted}`,
    };
  } catch (error) {
    return { ok: false, message: errorText(error) };
  }
}

function tcpAttempt(check: Check, waitMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    const socket = connect({ host: check.host, port: check.port });
    const done = (attempt: Attempt) => {
      socket.destroy();
      resolve(attempt);
    };
    socket.setTimeout(waitMs, () => done({ ok: false, message: 'timed out connecting' }));
    socket.once('connect', () => done({ ok: true, message: 'connected' }));
    socket.once('error', (error) => done({ ok: false, message: errorText(error) }));
  });
}

export async function runCheck(check: Check, signal: AbortSignal): Promise<CheckResult> {
  const deadline = Date.now() + check.timeout_s * 1000;
  let attempts = 0;
  for (;;) {
    attempts++;
    const waitMs = Math.max(250, Math.min(5000, deadline - Date.now()));
    const attempt =
      check.kind === 'http'
        ? await httpAttempt(check, waitMs)
        : check.kind === 'https'
          ? await httpsAttempt(check, waitMs)
          : await tcpAttempt(check, waitMs);
    const out: CheckResult = {
      service: check.service,
      kind: check.kind,
      target: target(check),
      ok: attempt.ok,
      attempts,
      ...(attempt.status !== undefined ? { status: attempt.status } : {}),
      message: attempt.message,
    };
    if (attempt.ok || signal.aborted || Date.now() + check.interval_s * 1000 > deadline) {
      if (!attempt.ok) out.message = `${attempt.message} (after ${attempts} attempts in ${check.timeout_s}s)`;
      return out;
    }
    await new Promise((r) => setTimeout(r, check.interval_s * 1000));
  }
}

export async function stackVerify(params: StackVerifyParams, ctx: ExecContext): Promise<JsonObject> {
  ctx.progress(`checking ${params.checks.length} endpoints`, 0);
  const checks = await Promise.all(
    params.checks.map(async (check) => {
      const r = await runCheck(check, ctx.signal);
      ctx.log('system', `${r.ok ? 'ok' : 'FAILED'} ${r.service} ${r.target}: ${r.message}`);
      return r;
    }),
  );
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    const list = checks.map((c) => `${c.service} ${c.target}: ${c.ok ? 'ok' : c.message}`).join('; ');
    throw new JobFailure(
      'verify_failed',
      `${failed.length} of ${checks.length} checks failed (${failed.map((c) => c.service).join(', ')}): ${list}`,
    );
  }
  ctx.progress('all checks passed', 100);
  return { checks } satisfies StackVerifyResult;
}
