/**
 * Publishing agent releases (platform admins): upload artifacts, then publish a release manifest
 * that names them. Mounted at /api/internal/releases.
 *
 *   GET /artifacts/:name                   → {data: {name, sha256, size, uploaded_at}} or 404
 *   PUT /artifacts/:name[?replace=true]     streamed body; Content-Length required;
 *                                          X-Checksum-SHA256 optional (then R2 verifies it)
 *   PUT /:version[?current=false]          the build manifest → the stored, signed release
 *
 * Artifact names are immutable: the same bytes again answer 200 without a second upload,
 * different bytes are a 409 unless ?replace=true. Publishing checks that every file is stored
 * with the size (and, when the edge computed it, the SHA-256) the manifest claims; files put into
 * the bucket directly (`wrangler r2 object put`, the production path) are checked by size here
 * and by SHA-256 on every node that installs them.
 */
import type { Issue } from '@kombify/proto/issue';
import { Hono } from 'hono';
import { apiAuth } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readJson } from '../platform/validate.ts';
import { ARTIFACT_NAME, canonicalManifest, releaseManifestSchema, VERSION } from './release-manifest.ts';
import { artifactsBucket, getArtifactMeta, headArtifact, putArtifact, putRelease } from './release-store.ts';

export const releases = new Hono<AppEnv>();

// Releases are global (every org's nodes install them): only the platform's own admins publish.
releases.use('*', apiAuth(['platform-admin']));

function artifactName(name: string): string {
  if (!ARTIFACT_NAME.test(name)) {
    throw new ApiError('VALIDATION_FAILED', `artifact name ${JSON.stringify(name)} is not allowed`, {
      details: [{ path: 'name', code: 'invalid', message: 'letters, digits, ".", "_" or "-", at most 128' }],
    });
  }
  return name;
}

releases.get('/artifacts/:name', async (c) => {
  const name = artifactName(c.req.param('name'));
  const meta = await getArtifactMeta(artifactsBucket(c.env), name);
  if (!meta) throw new ApiError('NOT_FOUND', `artifact ${name} has not been uploaded`);
  return c.json({ data: meta });
});

releases.put('/artifacts/:name', async (c) => {
  const name = artifactName(c.req.param('name'));
  const limit = c.get('config').RELEASE_MAX_UPLOAD_BYTES;
  const declaredLength = c.req.header('content-length');
  // Checked before a byte is read: an upload is streamed to storage, so its size must be known
  // up front, and one the edge will not take is refused without reading it.
  if (!declaredLength || !/^\d+$/.test(declaredLength)) {
    throw new ApiError(
      'VALIDATION_FAILED',
      'send Content-Length: uploads are streamed and must declare their size',
    );
  }
  const size = Number(declaredLength);
  if (size === 0) throw new ApiError('VALIDATION_FAILED', 'the upload is empty');
  if (size > limit) {
    await c.req.raw.body?.cancel();
    throw new ApiError(
      'VALIDATION_FAILED',
      `${name} is ${size} bytes; this edge takes uploads up to ${limit} bytes (RELEASE_MAX_UPLOAD_BYTES). ` +
        'Put larger files into the bucket with `wrangler r2 object put` instead.',
      { details: [{ path: 'body', code: 'too_large', message: `at most ${limit} bytes` }] },
    );
  }
  const checksum = c.req.header('x-checksum-sha256')?.toLowerCase() ?? null;
  if (checksum !== null && !/^[0-9a-f]{64}$/.test(checksum)) {
    throw new ApiError('VALIDATION_FAILED', 'X-Checksum-SHA256 must be 64 hex digits');
  }
  const bucket = artifactsBucket(c.env);
  const existing = await getArtifactMeta(bucket, name);
  if (existing && checksum === existing.sha256 && size === existing.size) {
    await c.req.raw.body?.cancel();
    return c.json({ data: { ...existing, status: 'unchanged' } }, 200);
  }
  if (existing && c.req.query('replace') !== 'true') {
    await c.req.raw.body?.cancel();
    throw new ApiError(
      'CONFLICT',
      `artifact ${name} already exists with other content (sha256 ${existing.sha256}); artifact names are ` +
        'immutable: publish under a new version, or add ?replace=true to overwrite it',
    );
  }
  const body = c.req.raw.body;
  if (!body) throw new ApiError('VALIDATION_FAILED', 'the upload is empty');
  const meta = await putArtifact(bucket, name, body, size, checksum);
  return c.json({ data: { ...meta, status: existing ? 'replaced' : 'created' } }, existing ? 200 : 201);
});

releases.put('/:version', async (c) => {
  const version = c.req.param('version');
  if (!VERSION.test(version))
    throw new ApiError('VALIDATION_FAILED', `${version} is not a version like 1.2.3`);
  const manifest = await readJson(c, releaseManifestSchema);
  if (manifest.version !== version) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `the manifest is for ${manifest.version}, the URL for ${version}`,
    );
  }
  const bucket = artifactsBucket(c.env);
  const problems: Issue[] = [];
  await Promise.all(
    manifest.files.map(async (file, i) => {
      const [object, meta] = await Promise.all([
        headArtifact(bucket, file.name),
        getArtifactMeta(bucket, file.name),
      ]);
      const path = `files[${i}]`;
      if (!object) problems.push({ path, code: 'missing', message: `${file.name} has not been uploaded` });
      else if (object.size !== file.size)
        problems.push({
          path,
          code: 'size',
          message: `${file.name} is stored with ${object.size} bytes, not ${file.size}`,
        });
      else if (meta && meta.size === object.size && meta.sha256 !== file.sha256)
        problems.push({ path, code: 'sha256', message: `${file.name} is stored with sha256 ${meta.sha256}` });
    }),
  );
  if (problems.length) {
    problems.sort((a, b) => a.path.localeCompare(b.path));
    throw new ApiError(
      'VALIDATION_FAILED',
      `release ${version} does not match the stored files: ${problems.map((p) => p.message).join('; ')}`,
      {
        details: problems,
      },
    );
  }
  const makeCurrent = c.req.query('current') !== 'false';
  await putRelease(bucket, version, canonicalManifest(manifest), makeCurrent);
  return c.json({ data: { version, current: makeCurrent, files: manifest.files } }, 201);
});
