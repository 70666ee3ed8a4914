/**
 * A local stand-in for the part of Zitadel's management API (v1, REST) the admin center calls to
 * reset a user's MFA: list the user's auth factors, remove each. Zitadel's JSON shapes; a bearer
 * token is required. Zitadel itself is an outside service that cannot be reached from here.
 */
import http from 'node:http';

export type ZitadelFactor =
  | { otp: object }
  | { u2f: { id: string; name: string } }
  | { otpSms: object }
  | { otpEmail: object };

export interface ZitadelStandin {
  url: string;
  token: string;
  /** Second factors per Zitadel user id; tests add and read them. */
  factors: Map<string, ZitadelFactor[]>;
  requests: { method: string; path: string; orgId: string | null }[];
  stop(): Promise<void>;
}

const details = () => ({
  details: { sequence: '1', changeDate: new Date().toISOString(), resourceOwner: 'org-standin' },
});

export async function startZitadelStandin(token = 'zitadel-pat-standin-0123456789'): Promise<ZitadelStandin> {
  const factors = new Map<string, ZitadelFactor[]>();
  const requests: ZitadelStandin['requests'] = [];
  const server = http.createServer(async (req, res) => {
    for await (const _ of req);
    const path = (req.url ?? '').split('?')[0]!;
    requests.push({
      method: req.method ?? '',
      path,
      orgId: (req.headers['x-zitadel-orgid'] as string | undefined) ?? null,
    });
    const send = (status: number, obj: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(401, { code: 16, message: 'Errors.Token.Invalid (AUTH-7fs1e)', details: [] });
    const m =
      /^\/management\/v1\/users\/([^/]+)\/auth_factors(?:\/(_search|otp|otp_sms|otp_email|u2f\/([^/]+)))$/.exec(
        path,
      );
    const user = m ? decodeURIComponent(m[1]!) : null;
    if (!m || !user) return send(404, { code: 5, message: 'Not Found', details: [] });
    const list = factors.get(user);
    if (!list) return send(404, { code: 5, message: 'User could not be found (COMMAND-2M0fs)', details: [] });
    if (req.method === 'POST' && m[2] === '_search') {
      return send(200, { result: list.map((f) => ({ state: 'USER_AUTH_METHOD_STATE_READY', ...f })) });
    }
    if (req.method === 'DELETE') {
      const kind = m[2]!.startsWith('u2f/') ? 'u2f' : m[2]!;
      const key = ({ otp: 'otp', otp_sms: 'otpSms', otp_email: 'otpEmail', u2f: 'u2f' } as const)[
        kind as 'otp'
      ];
      const index = list.findIndex(
        (f) =>
          key in f &&
          (kind !== 'u2f' || (f as unknown as { u2f: { id: string } }).u2f.id === decodeURIComponent(m[3]!)),
      );
      if (index < 0) return send(404, { code: 5, message: 'MFA not found (COMMAND-3Kfs0)', details: [] });
      list.splice(index, 1);
      return send(200, details());
    }
    send(404, { code: 5, message: 'Not Found', details: [] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    token,
    factors,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
