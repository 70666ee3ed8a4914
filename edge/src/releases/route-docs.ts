/** The releases domain's routes (the installer, agent downloads, publishing) for the OpenAPI document. */
import { releaseManifestSchema } from '@kombify/proto/releases';
import { z } from 'zod';
import { data, type RouteDocs } from '../platform/openapi/route-doc.ts';

const signature = {
  contentType: 'text/plain',
  description: 'the Ed25519 signature (base64) over the manifest’s exact bytes',
};
const fileMeta = z.object({ name: z.string(), sha256: z.string().nullable(), size: z.number() });

export const releasesRouteDocs: RouteDocs = {
  'GET /install.sh': {
    summary: 'The installer (POSIX sh) with this edge’s URL and release public key baked in',
    response: { contentType: 'text/x-shellscript' },
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'GET /agent/manifest.json': {
    summary: 'The current agent release: version, node version and one file per line',
    response: releaseManifestSchema,
    errors: ['NOT_FOUND'],
  },
  'GET /agent/manifest.json.sig': {
    summary: 'The current manifest’s signature',
    response: signature,
    errors: ['NOT_FOUND'],
  },
  'GET /agent/releases/:version/manifest.json': {
    summary: 'One release’s manifest',
    response: releaseManifestSchema,
  },
  'GET /agent/releases/:version/manifest.json.sig': {
    summary: 'One release’s manifest signature',
    response: signature,
  },
  'GET /agent/files/:name': {
    summary: 'A release file (bundle or runtime tarball), streamed from storage',
    response: { contentType: 'application/octet-stream' },
  },
  'GET /api/internal/releases/artifacts/:name': {
    summary: 'A release file’s name, SHA-256 and size',
    response: data(fileMeta),
  },
  'PUT /api/internal/releases/artifacts/:name': {
    summary:
      'Uploads a release file (streamed; `Content-Length` required, `X-Checksum-SHA256` optional and then enforced)',
    description:
      'Names are immutable: the same bytes again → 200 `unchanged`, other bytes → 409 unless `?replace=true`; over `RELEASE_MAX_UPLOAD_BYTES` → 400 before a byte is read.',
    body: { contentType: 'application/octet-stream' },
    queryText: { replace: '`true` to replace a stored file with other bytes' },
    status: 201,
    response: data(fileMeta.extend({ status: z.enum(['created', 'replaced', 'unchanged']) })),
    errors: ['CONFLICT'],
  },
  'PUT /api/internal/releases/:version': {
    summary: 'Publishes a release manifest and makes it current (`?current=false`: store only)',
    description:
      'Each file must be stored with the manifest’s size (and SHA-256, when the edge computed it).',
    body: releaseManifestSchema,
    queryText: { current: '`false` to store without making it current' },
    status: 201,
    errors: ['CONFLICT', 'SERVICE_UNAVAILABLE'],
  },
};
