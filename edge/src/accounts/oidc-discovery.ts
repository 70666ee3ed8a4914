import { ApiError } from '../platform/errors.ts';

export interface IssuerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
}

const cache = new Map<string, IssuerMetadata>();

/** OpenID Connect Discovery 1.0 §4; cached per isolate (the document is public and stable). */
export async function discover(issuer: string): Promise<IssuerMetadata> {
  const known = cache.get(issuer);
  if (known) return known;
  try {
    const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const meta = (await res.json()) as IssuerMetadata;
    if (meta.issuer !== issuer) throw new Error(`discovery names issuer ${meta.issuer}`);
    cache.set(issuer, meta);
    return meta;
  } catch (cause) {
    throw new ApiError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached', { cause });
  }
}
