/**
 * Agent releases in R2 (binding ARTIFACTS):
 *
 *   files/<name>                     an artifact's bytes (bundle or runtime tarball)
 *   meta/<name>.json                 {name, sha256, size, uploaded_at}, written by the upload route
 *   releases/<version>/manifest.json the canonical manifest of a published release
 *   releases/current                 the version the installer and upgrades get
 *
 * Artifact names carry their version (kombify-agent-0.1.0.mjs, node-v24.21.0-linux-x64.tar.gz), so
 * a runtime is stored once and shared by every agent release that ships it.
 */
import { ApiError } from '../platform/errors.ts';

export interface ArtifactMeta {
  name: string;
  sha256: string;
  size: number;
  uploaded_at: string;
}

const fileKey = (name: string) => `files/${name}`;
const metaKey = (name: string) => `meta/${name}.json`;
const manifestKey = (version: string) => `releases/${version}/manifest.json`;
const CURRENT_KEY = 'releases/current';

export function artifactsBucket(env: { ARTIFACTS?: R2Bucket }): R2Bucket {
  if (!env.ARTIFACTS) {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'agent releases are not available: no ARTIFACTS bucket is bound',
    );
  }
  return env.ARTIFACTS;
}

export async function getArtifactMeta(bucket: R2Bucket, name: string): Promise<ArtifactMeta | null> {
  const object = await bucket.get(metaKey(name));
  return object ? ((await object.json()) as ArtifactMeta) : null;
}

export function headArtifact(bucket: R2Bucket, name: string): Promise<R2Object | null> {
  return bucket.head(fileKey(name));
}

export function openArtifact(bucket: R2Bucket, name: string): Promise<R2ObjectBody | null> {
  return bucket.get(fileKey(name));
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Streams an upload into R2 while hashing it: the body passes through a DigestStream on its way
 * into a FixedLengthStream (R2 needs the length up front), so no more than a chunk is ever held
 * in the Worker's memory, whatever the size. With `expectedSha256`, R2 itself refuses bytes that
 * do not match, and an object being replaced stays as it was.
 */
export async function putArtifact(
  bucket: R2Bucket,
  name: string,
  body: ReadableStream<Uint8Array>,
  size: number,
  expectedSha256: string | null,
): Promise<ArtifactMeta> {
  const digest = new crypto.DigestStream('SHA-256');
  const hasher = digest.getWriter();
  const sized = new FixedLengthStream(size);
  const pump = body
    .pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        async transform(chunk, controller) {
          await hasher.write(chunk);
          controller.enqueue(chunk);
        },
      }),
    )
    .pipeTo(sized.writable);
  try {
    await Promise.all([
      bucket.put(fileKey(name), sized.readable, {
        httpMetadata: { contentType: 'application/octet-stream' },
        ...(expectedSha256 ? { sha256: expectedSha256 } : {}),
      }),
      pump,
    ]);
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    if (/digest|checksum|sha-?256/i.test(message)) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `the uploaded bytes of ${name} do not match X-Checksum-SHA256`,
        {
          cause: error,
        },
      );
    }
    throw new ApiError(
      'VALIDATION_FAILED',
      `the upload of ${name} ended before Content-Length (${size}) bytes arrived, or sent more`,
      { cause: error },
    );
  }
  await hasher.close();
  const meta: ArtifactMeta = {
    name,
    sha256: hex(await digest.digest),
    size,
    uploaded_at: new Date().toISOString(),
  };
  await bucket.put(metaKey(name), JSON.stringify(meta), {
    httpMetadata: { contentType: 'application/json' },
  });
  return meta;
}

export async function putRelease(
  bucket: R2Bucket,
  version: string,
  manifest: string,
  makeCurrent: boolean,
): Promise<void> {
  await bucket.put(manifestKey(version), manifest, { httpMetadata: { contentType: 'application/json' } });
  if (makeCurrent) await bucket.put(CURRENT_KEY, version);
}

export async function currentVersion(bucket: R2Bucket): Promise<string | null> {
  const object = await bucket.get(CURRENT_KEY);
  return object ? (await object.text()).trim() || null : null;
}

/** The stored canonical manifest bytes of a version, exactly as they are signed. */
export async function getManifestBytes(
  bucket: R2Bucket,
  version: string,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const object = await bucket.get(manifestKey(version));
  return object ? new Uint8Array(await object.arrayBuffer()) : null;
}
