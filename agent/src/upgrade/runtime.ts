/**
 * What the upgrade code needs from the running agent, set once by `kombify-agent run`: where its
 * data lives, which edge it talks to, and how to restart it. Kept apart from the CLI so the
 * executor and the supervisor share it without importing the agent's heavy modules.
 */

/** Exit code of an agent that asks its supervisor to start it again (EX_TEMPFAIL). */
export const EXIT_RESTART = 75;

export interface AgentRuntime {
  dataDir: string;
  edgeUrl: string;
  /** Stops the agent cleanly and exits with EXIT_RESTART; the supervisor starts `current` again. */
  restart(): void;
}

let runtime: AgentRuntime | null = null;

export function setAgentRuntime(value: AgentRuntime): void {
  runtime = value;
}

export function agentRuntime(): AgentRuntime | null {
  return runtime;
}

/** Set by the supervisor for the agent process it runs. */
export function isSupervised(): boolean {
  return process.env.KOMBIFY_AGENT_SUPERVISED === '1';
}
