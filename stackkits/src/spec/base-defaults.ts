/**
 * Layer 1 defaults (re-exported by base/): what every node and every stack gets unless the spec
 * says otherwise. The spec schema reads these (so the JSON Schema shows them), and the Unifier
 * fills node defaults from them.
 */
import type { NodeType, OsName, Provider } from './vocabulary.ts';

export const baseDefaults = {
  version: '1.0',
  timezone: 'UTC',
  os: 'ubuntu-24' as OsName,
  domain: 'local',
  dnsServers: ['1.1.1.1', '8.8.8.8'],
  sshPort: 22,
  backupSchedule: '0 3 * * *',
  backupRetentionDays: 7,
  logMaxSize: '10m',
  logMaxFiles: 3,
} as const;

/** The login user a fresh machine of each provider has (contract: local, hetzner, aws, gcp, azure). */
export const sshUserByProvider: Readonly<Record<Provider, string>> = {
  local: 'ubuntu',
  hetzner: 'root',
  aws: 'ec2-user',
  gcp: 'admin',
  azure: 'azureuser',
  docker: 'root',
  proxmox: 'root',
  digitalocean: 'root',
};

/** Resources assumed when a node does not state them (contract: by node type). */
export const resourceDefaults: Readonly<Record<NodeType, { cpu: number; memory: string; disk: string }>> = {
  main: { cpu: 4, memory: '4Gi', disk: '50Gi' },
  worker: { cpu: 2, memory: '2Gi', disk: '20Gi' },
  edge: { cpu: 1, memory: '1Gi', disk: '10Gi' },
};
