/**
 * The canonical, signed serialization of a release manifest (the schema is shared, in
 * @kombify/proto/releases): one file per line with a fixed key order, so the POSIX-sh installer
 * can read it with sed and the signature covers exactly the bytes it reads.
 */
import type { ReleaseManifest } from '@kombify/proto/releases';

export {
  ARTIFACT_NAME,
  compareVersions,
  type ReleaseFile,
  type ReleaseManifest,
  releaseManifestSchema,
  VERSION,
} from '@kombify/proto/releases';

/** The signed form: valid JSON, one file per line, fixed key order. Parsers must not rely on more. */
export function canonicalManifest(m: ReleaseManifest): string {
  const head = `{"version":${JSON.stringify(m.version)}${
    m.node_version ? `,"node_version":${JSON.stringify(m.node_version)}` : ''
  },"files":[`;
  const lines = m.files.map(
    (f) =>
      `{"name":${JSON.stringify(f.name)},"kind":"${f.kind}","os":"${f.os}","arch":"${f.arch}","sha256":"${f.sha256}","size":${f.size}}`,
  );
  return `${head}\n${lines.join(',\n')}\n]}\n`;
}
