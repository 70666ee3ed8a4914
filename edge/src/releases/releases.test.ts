/**
 * Agent releases inside workerd with the simulated R2 bucket: streamed uploads are hashed on the
 * way in, a wrong declared checksum keeps the stored object, manifests are canonical and signed
 * with Ed25519, and the public download routes serve exactly the signed bytes.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../app.ts';
import { ApiError } from '../platform/errors.ts';
import { canonicalManifest, compareVersions, releaseManifestSchema } from './release-manifest.ts';
import { currentVersion, getArtifactMeta, putArtifact, putRelease } from './release-store.ts';
import { releaseSigner } from './signing-key.ts';
import { versionSkew } from './version-skew.ts';

const bucket = env.ARTIFACTS!;

function streamOf(bytes: Uint8Array, chunk = 1000): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function newKey(): Promise<string> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return JSON.stringify(await crypto.subtle.exportKey('jwk', pair.privateKey));
}

const bytes = crypto.getRandomValues(new Uint8Array(50_000));

describe('putArtifact', () => {
  it('streams the body into R2 and records its SHA-256 and size', async () => {
    const meta = await putArtifact(bucket, 'a-1.bin', streamOf(bytes), bytes.length, null);
    expect(meta).toMatchObject({ name: 'a-1.bin', sha256: await sha256(bytes), size: bytes.length });
    expect(await getArtifactMeta(bucket, 'a-1.bin')).toEqual(meta);
    const stored = await bucket.get('files/a-1.bin');
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(bytes);
  });

  it('refuses bytes that do not match X-Checksum-SHA256 and keeps what was stored', async () => {
    await putArtifact(bucket, 'a-2.bin', streamOf(bytes), bytes.length, await sha256(bytes));
    const other = crypto.getRandomValues(new Uint8Array(bytes.length));
    const error = await putArtifact(
      bucket,
      'a-2.bin',
      streamOf(other),
      other.length,
      await sha256(bytes),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toContain('do not match X-Checksum-SHA256');
    const stored = await bucket.get('files/a-2.bin');
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(bytes);
  });

  it('refuses a body shorter than its declared length', async () => {
    const error = await putArtifact(bucket, 'a-3.bin', streamOf(bytes), bytes.length + 10, null).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toContain('ended before Content-Length');
    expect(await bucket.head('files/a-3.bin')).toBeNull();
  });
});

describe('release manifests', () => {
  const manifest = releaseManifestSchema.parse({
    version: '1.2.3',
    node_version: '24.21.0',
    files: [
      {
        name: 'kombify-agent-1.2.3.mjs',
        kind: 'agent',
        os: 'any',
        arch: 'any',
        sha256: 'a'.repeat(64),
        size: 10,
        path: 'x',
      },
      {
        name: 'node-v24.21.0-linux-x64.tar.gz',
        kind: 'runtime',
        os: 'linux',
        arch: 'x64',
        sha256: 'b'.repeat(64),
        size: 20,
      },
    ],
  });

  it('serialise canonically: JSON, one file per line, build-only fields dropped', () => {
    const text = canonicalManifest(manifest);
    expect(JSON.parse(text)).toEqual(manifest);
    expect(text.split('\n')[1]).toBe(
      `{"name":"kombify-agent-1.2.3.mjs","kind":"agent","os":"any","arch":"any","sha256":"${'a'.repeat(64)}","size":10},`,
    );
    expect(text).not.toContain('"path"');
  });

  it('need exactly one bundle and unique runtimes', () => {
    const twoRuntimes = {
      ...manifest,
      files: [...manifest.files, { ...manifest.files[1]!, name: 'other.tar.gz' }],
    };
    expect(releaseManifestSchema.safeParse(twoRuntimes).success).toBe(false);
    const noBundle = {
      ...manifest,
      files: [manifest.files[1]!, { ...manifest.files[1]!, arch: 'arm64', name: 'b' }],
    };
    expect(releaseManifestSchema.safeParse(noBundle).success).toBe(false);
  });

  it('order versions the SemVer way', () => {
    expect(compareVersions('0.1.0', '0.1.1')).toBe(-1);
    expect(compareVersions('0.10.0', '0.9.9')).toBe(1);
    expect(compareVersions('1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(compareVersions('1.0.0-rc.2', '1.0.0-rc.10')).toBe(-1);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
  });
});

describe('the release signing key', () => {
  it('signs with Ed25519; the PEM it derives verifies the signature', async () => {
    const key = await newKey();
    const signer = await releaseSigner(key);
    const data = new Uint8Array(new TextEncoder().encode('manifest bytes'));
    const signature = Uint8Array.from(atob(await signer.sign(data)), (c) => c.charCodeAt(0));
    const der = Uint8Array.from(atob(signer.publicKeyPem.split('\n').slice(1, -1).join('')), (c) =>
      c.charCodeAt(0),
    );
    const publicKey = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature, data)).toBe(true);
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature, new Uint8Array([1]))).toBe(
      false,
    );
  });

  it('is a 503 naming the secret when missing or wrong, never echoing it', async () => {
    for (const secret of [
      undefined,
      'not json',
      '{"kty":"EC"}',
      JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'x' }),
    ]) {
      const error = await releaseSigner(secret).catch((e) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error.status).toBe(503);
      expect(error.message).toContain('RELEASE_SIGNING_KEY');
      if (secret) expect(error.message).not.toContain(secret);
    }
  });
});

describe('public download routes', () => {
  async function get(path: string, vars: Record<string, string> = {}) {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`http://edge.test${path}`), { ...env, ...vars }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it('serve the install script only with a signing key configured', async () => {
    const without = await get('/install.sh');
    expect(without.status).toBe(503);
    expect(((await without.json()) as any).error.message).toContain('RELEASE_SIGNING_KEY');
    const withKey = await get('/install.sh', { RELEASE_SIGNING_KEY: await newKey() });
    expect(withKey.status).toBe(200);
    expect(await withKey.text()).toContain("EDGE_DEFAULT='http://edge.test'");
  });

  it('serve the current manifest, its signature over the exact bytes, and the files', async () => {
    const key = await newKey();
    await putArtifact(bucket, 'kombify-agent-7.0.0.mjs', streamOf(bytes), bytes.length, null);
    const manifest = releaseManifestSchema.parse({
      version: '7.0.0',
      files: [
        {
          name: 'kombify-agent-7.0.0.mjs',
          kind: 'agent',
          os: 'any',
          arch: 'any',
          sha256: await sha256(bytes),
          size: bytes.length,
        },
        {
          name: 'node-v1.0.0-linux-x64.tar.gz',
          kind: 'runtime',
          os: 'linux',
          arch: 'x64',
          sha256: 'b'.repeat(64),
          size: 20,
        },
      ],
    });
    await putRelease(bucket, '7.0.0', canonicalManifest(manifest), true);
    expect(await currentVersion(bucket)).toBe('7.0.0');

    const current = await get('/agent/manifest.json');
    expect(current.headers.get('x-kombify-release')).toBe('7.0.0');
    const text = await current.text();
    expect(text).toBe(canonicalManifest(manifest));
    const sig = await get('/agent/releases/7.0.0/manifest.json.sig', { RELEASE_SIGNING_KEY: key });
    const signature = Uint8Array.from(atob((await sig.text()).trim()), (c) => c.charCodeAt(0));
    const signer = await releaseSigner(key);
    const der = Uint8Array.from(atob(signer.publicKeyPem.split('\n').slice(1, -1).join('')), (c) =>
      c.charCodeAt(0),
    );
    const publicKey = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
    expect(
      await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature, new TextEncoder().encode(text)),
    ).toBe(true);

    const file = await get('/agent/files/kombify-agent-7.0.0.mjs');
    expect(file.headers.get('content-length')).toBe(String(bytes.length));
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
    expect((await get('/agent/files/nope.bin')).status).toBe(404);
    expect((await get('/agent/releases/0.0.1/manifest.json')).status).toBe(404);
  });
});

describe('version skew', () => {
  it('flags agents older than AGENT_MIN_VERSION, with what to do', () => {
    expect(versionSkew('0.1.0', '0.2.0')).toMatchObject({
      outdated: true,
      version_warning: expect.stringContaining('older than this edge supports (0.2.0 or newer)'),
    });
    expect(versionSkew('0.2.0-rc.1', '0.2.0').outdated).toBe(true);
    expect(versionSkew('0.2.0', '0.2.0')).toEqual({ outdated: false, version_warning: null });
    expect(versionSkew('0.10.0', '0.2.0').outdated).toBe(false);
    expect(versionSkew('', '0.2.0').outdated).toBe(false);
    expect(versionSkew('0.1.0', undefined).outdated).toBe(false);
  });
});
