/** The secret store's surface for other domains: metadata, the job delivery's decrypting read, and the writes of generated values (catalog apps, a swarm's join tokens). */
export { MAX_SECRET_BYTES } from './service.ts';
export {
  getSecretMeta,
  listSecrets,
  openForOrg,
  putSecret,
  putSecretIfAbsent,
  readSecretValues,
  type SecretMeta,
  sealForOrg,
  secretVersions,
} from './store.ts';
