/**
 * What the installer and upgrading agents download, without credentials: the current release
 * manifest, its Ed25519 signature, and the files it names. Mounted at /agent. Nothing here is
 * secret; integrity comes from the signature, which the installer checks before it trusts a byte.
 *
 *   GET /manifest.json                          the current release (X-Kombify-Release: <version>)
 *   GET /releases/:version/manifest.json[.sig]  one release and its signature (base64)
 *   GET /files/:name                            an artifact, streamed from R2
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { ARTIFACT_NAME, VERSION } from './release-manifest.ts';
import { artifactsBucket, currentVersion, getManifestBytes, openArtifact } from './release-store.ts';
import { releaseSigner } from './signing-key.ts';

export const agentDownloads = new Hono<AppEnv>();

async function manifestOf(
  bucket: R2Bucket,
  version: string | null,
): Promise<{ version: string; bytes: Uint8Array<ArrayBuffer> }> {
  if (version === null)
    throw new ApiError('NOT_FOUND', 'no agent release has been published on this edge yet');
  if (!VERSION.test(version)) throw new ApiError('NOT_FOUND', `agent release ${version} not found`);
  const bytes = await getManifestBytes(bucket, version);
  if (!bytes) throw new ApiError('NOT_FOUND', `agent release ${version} not found`);
  return { version, bytes };
}

function manifestResponse(release: { version: string; bytes: Uint8Array<ArrayBuffer> }): Response {
  return new Response(release.bytes, {
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-cache',
      'x-kombify-release': release.version,
    },
  });
}

async function signatureResponse(
  secret: string | undefined,
  release: { version: string; bytes: Uint8Array<ArrayBuffer> },
) {
  const signer = await releaseSigner(secret);
  return new Response(`${await signer.sign(release.bytes)}\n`, {
    headers: {
      'content-type': 'text/plain',
      'cache-control': 'no-cache',
      'x-kombify-release': release.version,
    },
  });
}

agentDownloads.get('/manifest.json', async (c) => {
  const bucket = artifactsBucket(c.env);
  return manifestResponse(await manifestOf(bucket, await currentVersion(bucket)));
});

agentDownloads.get('/manifest.json.sig', async (c) => {
  const bucket = artifactsBucket(c.env);
  return signatureResponse(
    c.get('config').RELEASE_SIGNING_KEY,
    await manifestOf(bucket, await currentVersion(bucket)),
  );
});

agentDownloads.get('/releases/:version/manifest.json', async (c) => {
  return manifestResponse(await manifestOf(artifactsBucket(c.env), c.req.param('version')));
});

agentDownloads.get('/releases/:version/manifest.json.sig', async (c) => {
  const release = await manifestOf(artifactsBucket(c.env), c.req.param('version'));
  return signatureResponse(c.get('config').RELEASE_SIGNING_KEY, release);
});

agentDownloads.get('/files/:name', async (c) => {
  const name = c.req.param('name');
  const object = ARTIFACT_NAME.test(name) ? await openArtifact(artifactsBucket(c.env), name) : null;
  if (!object) throw new ApiError('NOT_FOUND', `agent file ${name} not found`);
  // Streamed straight from R2: a 45 MB runtime never sits in the Worker's memory.
  return new Response(object.body, {
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(object.size),
      etag: object.httpEtag,
      'cache-control': 'public, max-age=300',
    },
  });
});
