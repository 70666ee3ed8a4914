/** The agent's version, reported in facts and heartbeats. */
export const AGENT_VERSION = '0.1.0';
