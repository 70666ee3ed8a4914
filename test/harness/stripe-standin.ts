/**
 * A local stand-in for the few Stripe API endpoints kombify calls, speaking Stripe's wire format
 * (form-encoded requests with bracketed keys, JSON objects back) so the real `stripe` SDK talks to
 * it unchanged. Stripe itself cannot be reached from these machines. Stand-ins exist only for
 * outside services (Stripe, Zitadel's management API, the npm registry's search).
 */
import http from 'node:http';

export interface StandinRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
  idempotencyKey: string | null;
}

/** `a[b][0][c]=v` → { a: { b: [ { c: 'v' } ] } } */
export function parseStripeForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = out;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const slot = Array.isArray(node) ? Number(part) : part;
      const container = node as Record<string | number, unknown>;
      if (last) container[slot] = value;
      else {
        container[slot] ??= nextIsIndex ? [] : {};
        node = container[slot] as Record<string, unknown>;
      }
    });
  }
  return out;
}

export interface StripeStandin {
  url: string;
  requests: StandinRequest[];
  stop(): Promise<void>;
}

let counter = 0;
const id = (prefix: string) => `${prefix}_test${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function startStripeStandin(port = 0): Promise<StripeStandin> {
  const requests: StandinRequest[] = [];
  let base = '';
  const server = http.createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = parseStripeForm(text);
    const path = (req.url ?? '').split('?')[0]!;
    requests.push({
      method: req.method ?? '',
      path,
      body,
      idempotencyKey: (req.headers['idempotency-key'] as string) ?? null,
    });
    const send = (status: number, obj: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
      res.end(JSON.stringify(obj));
    };
    if (!req.headers.authorization?.startsWith('Bearer sk_')) {
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    }
    if (req.method === 'POST' && path === '/v1/customers') {
      return send(200, {
        id: id('cus'),
        object: 'customer',
        email: body.email ?? null,
        metadata: body.metadata ?? {},
      });
    }
    if (req.method === 'POST' && path === '/v1/checkout/sessions') {
      const sid = id('cs');
      return send(200, {
        id: sid,
        object: 'checkout.session',
        mode: body.mode,
        customer: body.customer,
        client_reference_id: body.client_reference_id ?? null,
        metadata: body.metadata ?? {},
        status: 'open',
        url: `${base}/checkout/${sid}`,
      });
    }
    if (req.method === 'POST' && path === '/v1/billing_portal/sessions') {
      return send(200, {
        id: id('bps'),
        object: 'billing_portal.session',
        customer: body.customer,
        url: `${base}/portal/${body.customer}`,
      });
    }
    send(404, {
      error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` },
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url: base,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
