/** The workers domain's public surface for the rest of the edge (its HTTP routes: api.ts). */

// What the rest of the edge uses from this domain.
export { agentIdFromToken, bearerToken, isAgentId, verifyAgentToken } from './agent-token.ts';
export { recentSamples } from './samples-store.ts';
export { samplesView } from './samples-view.ts';
export { agentStatus } from './status/agent-status.ts';
export {
  type AgentRow,
  createEnrollmentToken,
  enrollAgent,
  getAgent,
  getAgentIdentity,
  getEnrollmentToken,
  listAgents,
  recordHeartbeat,
  recordHeartbeats,
  setConnected,
} from './store.ts';
export { workerView } from './worker-view.ts';
