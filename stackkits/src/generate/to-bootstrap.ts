/**
 * Plan → the agent's `node.bootstrap` params per node: the layer-1 steps the agent applies itself
 * (time zone, unattended upgrades, SSH hardening, firewall, Docker daemon settings).
 *
 * A node in a Swarm that must accept the routing-mesh ports (`openSwarmIngress`) gets
 * `plan.swarm.ingressPorts` in its firewall allow list, so the agent needs nothing but its params.
 * The VPN, Swarm and backup steps are not part of the job (they need secrets and other nodes);
 * they are listed per node in `notApplied`.
 */
import type { BootstrapStepParams, FirewallRuleParams, NodeBootstrapParams } from '@kombify/proto/jobs';
import type { BootstrapStep, Plan } from '../unifier/plan.ts';

export interface BootstrapJob {
  node: string;
  params: NodeBootstrapParams;
  /** Bootstrap steps of this node's plan the job does not apply. */
  notApplied: string[];
}

type SshStep = Extract<BootstrapStepParams, { step: 'ssh-hardening' }>;
const permitRootLogin: readonly SshStep['permit_root_login'][] = ['no', 'prohibit-password', 'yes'];

/** The firewall's comment for a rule: at most 64 plain characters (they end up in an nft comment). */
function reasonText(reason: string): string {
  return reason.replace(/[^A-Za-z0-9_.:/ -]/g, '-').slice(0, 64);
}

/** One rule per port and protocol, the first one's reason kept, in the order given. */
function uniqueRules(
  rules: { port: number; protocol: 'tcp' | 'udp'; reason: string }[],
): FirewallRuleParams[] {
  const seen = new Map<string, FirewallRuleParams>();
  for (const r of rules) {
    const key = `${r.port}/${r.protocol}`;
    if (!seen.has(key)) seen.set(key, { port: r.port, protocol: r.protocol, reason: reasonText(r.reason) });
  }
  return [...seen.values()];
}

function toParams(step: BootstrapStep, plan: Plan): BootstrapStepParams | null {
  switch (step.step) {
    case 'timezone':
      return { step: 'timezone', timezone: step.timezone };
    case 'packages':
      return { step: 'packages', auto_updates: step.autoUpdates };
    case 'ssh-hardening': {
      const permit = permitRootLogin.find((v) => v === step.permitRootLogin);
      if (!permit) throw new Error(`not a PermitRootLogin value: ${step.permitRootLogin}`);
      return {
        step: 'ssh-hardening',
        port: step.port,
        password_authentication: step.passwordAuthentication,
        permit_root_login: permit,
      };
    }
    case 'firewall':
      return {
        step: 'firewall',
        enabled: step.enabled,
        default_incoming: step.defaultIncoming,
        allow: uniqueRules([
          ...step.allow,
          ...(step.openSwarmIngress ? (plan.swarm?.ingressPorts ?? []) : []).map((r) => ({
            ...r,
            reason: `swarm ingress ${r.reason}`,
          })),
        ]),
      };
    case 'docker':
      return {
        step: 'docker',
        dns: [...step.dns],
        log_driver: step.logDriver,
        log_options: { 'max-file': step.logOptions['max-file'], 'max-size': step.logOptions['max-size'] },
      };
    default:
      return null;
  }
}

/** One `node.bootstrap` job per node, in the plan's node order, with defaults filled in. */
export function toBootstrapJobs(plan: Plan): BootstrapJob[] {
  return plan.nodes
    .map((node) => {
      const steps: BootstrapStepParams[] = [];
      const notApplied: string[] = [];
      for (const step of node.bootstrap) {
        const params = toParams(step, plan);
        if (params) steps.push(params);
        else notApplied.push(`${step.step} (not part of node.bootstrap)`);
      }
      return { node: node.name, params: { steps, dry_run: false }, notApplied };
    })
    .filter((job) => job.params.steps.length > 0);
}
