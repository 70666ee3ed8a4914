/** The secret store's surface for other domains: metadata and the job delivery's decrypting read. */
export { MAX_SECRET_BYTES } from './service.ts';
export {
  getSecretMeta,
  listSecrets,
  openForOrg,
  putSecretIfAbsent,
  readSecretValues,
  type SecretMeta,
  sealForOrg,
  secretVersions,
} from './store.ts';
