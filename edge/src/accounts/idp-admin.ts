/**
 * What the admin center asks of the identity provider: reset a user's second factors. Zitadel in
 * production (its management API); the local issuer of `npm start` has no second factors at all.
 * IDP_ADMIN in the config chooses; unset, MFA reset answers 503.
 */
import type { Config } from '../platform/config.ts';
import { ApiError } from '../platform/errors.ts';

export interface MfaReset {
  provider: string;
  /** The factors removed, e.g. `otp`, `u2f:<id>`, `otp_sms`, `otp_email`. */
  removed: string[];
}

export interface IdentityProviderAdmin {
  readonly name: string;
  /** Removes every second factor of the user (`sub` at the issuer); the next sign-in enrols anew. */
  resetMfa(sub: string): Promise<MfaReset>;
}

/** One entry of Zitadel's ListHumanAuthFactors: exactly one of the factor fields is set. */
interface ZitadelAuthFactor {
  state?: string;
  otp?: object;
  u2f?: { id: string; name?: string };
  otpSms?: object;
  otpEmail?: object;
}

/**
 * Zitadel's management API (v1, REST): list the user's auth factors, then remove each one.
 * Authenticated with a service user's personal access token; `x-zitadel-orgid` names the org
 * the user belongs to when the token's own org is another.
 */
export class ZitadelAdmin implements IdentityProviderAdmin {
  readonly name = 'zitadel';
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly orgId: string | undefined;
  constructor(baseUrl: string, token: string, orgId?: string) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.orgId = orgId;
  }

  async resetMfa(sub: string): Promise<MfaReset> {
    const user = encodeURIComponent(sub);
    const listed = await this.call('POST', `/management/v1/users/${user}/auth_factors/_search`, {});
    const factors = ((listed as { result?: ZitadelAuthFactor[] }).result ?? []).filter(Boolean);
    const removed: string[] = [];
    for (const f of factors) {
      let path: string | null = null;
      let label = '';
      if (f.otp) [path, label] = [`/management/v1/users/${user}/auth_factors/otp`, 'otp'];
      else if (f.u2f?.id) {
        const id = encodeURIComponent(f.u2f.id);
        [path, label] = [`/management/v1/users/${user}/auth_factors/u2f/${id}`, `u2f:${f.u2f.id}`];
      } else if (f.otpSms) [path, label] = [`/management/v1/users/${user}/auth_factors/otp_sms`, 'otp_sms'];
      else if (f.otpEmail)
        [path, label] = [`/management/v1/users/${user}/auth_factors/otp_email`, 'otp_email'];
      if (!path) continue;
      await this.call('DELETE', path);
      removed.push(label);
    }
    return { provider: this.name, removed };
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
    };
    if (this.orgId) headers['x-zitadel-orgid'] = this.orgId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (cause) {
      throw new ApiError('SERVICE_UNAVAILABLE', 'the identity provider is not reachable', { cause });
    }
    const text = await res.text();
    if (res.status === 404) throw new ApiError('NOT_FOUND', 'the identity provider does not know this user');
    if (!res.ok) {
      throw new ApiError('SERVICE_UNAVAILABLE', `the identity provider refused the request (${res.status})`, {
        cause: new Error(text.slice(0, 500)),
      });
    }
    return text ? JSON.parse(text) : {};
  }
}

/** `npm start`'s local issuer signs people in with a password only: there is nothing to reset. */
export class LocalIssuerAdmin implements IdentityProviderAdmin {
  readonly name = 'local';
  async resetMfa(): Promise<MfaReset> {
    return { provider: this.name, removed: [] };
  }
}

export function identityProviderAdmin(config: Config): IdentityProviderAdmin {
  if (config.IDP_ADMIN === 'local') return new LocalIssuerAdmin();
  if (config.IDP_ADMIN === 'zitadel') {
    if (!config.ZITADEL_API_URL || !config.ZITADEL_ADMIN_TOKEN) {
      throw new ApiError(
        'SERVICE_UNAVAILABLE',
        'Zitadel admin access is not configured (ZITADEL_API_URL, ZITADEL_ADMIN_TOKEN)',
      );
    }
    return new ZitadelAdmin(
      config.ZITADEL_API_URL.replace(/\/$/, ''),
      config.ZITADEL_ADMIN_TOKEN,
      config.ZITADEL_ORG_ID,
    );
  }
  throw new ApiError('SERVICE_UNAVAILABLE', 'no identity provider admin is configured (IDP_ADMIN)');
}
