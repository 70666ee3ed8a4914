/**
 * Fills the installer template with what it must not take from anyone else: the edge it was
 * served by (its default --edge) and the public key that release manifests must be signed with.
 * Kept apart from the route so the script can be rendered and shellchecked outside the Worker.
 */

/** An origin only: nothing that could end the single-quoted string it goes into. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const PEM = /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----$/;

export function renderInstallScript(
  template: string,
  values: { edgeUrl: string; publicKeyPem: string },
): string {
  if (!ORIGIN.test(values.edgeUrl)) throw new Error(`not an origin: ${values.edgeUrl}`);
  if (!PEM.test(values.publicKeyPem)) throw new Error('not a PEM public key');
  return template
    .replace("'@@KOMBIFY_EDGE_URL@@'", `'${values.edgeUrl}'`)
    .replace("'@@KOMBIFY_RELEASE_PUBLIC_KEY@@'", `'${values.publicKeyPem}'`);
}
