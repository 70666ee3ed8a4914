/**
 * @kombify/stackkits: the kombination.yaml spec, the StackKits and the Unifier.
 *
 * ```ts
 * const { spec, errors } = parseSpec(text);          // validate, with line/column per error
 * if (spec) {
 *   const plan = resolve(spec, { mirror: 'registry.local:5000' });
 *   const files = toOpenTofu(plan);                  // { 'main.tf.json': '…' }
 *   const jobs = toJobPlan(plan);                    // docker.run jobs for the agent
 *   const converge = toConvergeJobs(plan);           // stack.converge params per node
 *   const bootstrap = toBootstrapJobs(plan);         // node.bootstrap params per node
 *   const verify = toVerifyChecks(plan);             // stack.verify checks per node
 * }
 * ```
 *
 * Runs anywhere JavaScript runs (Node, Cloudflare Workers): no Node built-ins.
 */

export {
  type AddAppInput,
  type AddAppResult,
  addApp,
  type GeneratedSecret,
  generateSecret,
} from './apps/add-app.ts';
export { type AppSummary, type CatalogProblem, getApp, listApps, loadCatalog } from './apps/catalog.ts';
export {
  type AppCategory,
  type AppDefinition,
  type AppDefinitionInput,
  appCategories,
  appSchema,
  isPinned,
} from './apps/schema.ts';
export { importCompose, maxComposeBytes } from './compose/import-compose.ts';
export {
  type ComposeFile,
  type ComposeImportInput,
  type ComposeImportResult,
  type ComposeIssue,
  type ComposeIssueCode,
  composeIssueCodes,
  type ProposedSecret,
} from './compose/types.ts';
export { type BootstrapJob, toBootstrapJobs } from './generate/to-bootstrap.ts';
export {
  type ConvergeJob,
  type ConvergeOptions,
  durationSeconds,
  secretRef,
  toConvergeJobs,
  toVerifyChecks,
} from './generate/to-converge.ts';
export {
  type AgentJob,
  type DockerRunJobParams,
  type JobPlan,
  jobPlanFormat,
  toJobPlan,
} from './generate/to-job-plan.ts';
export { dockerProvider, secretVariableName, toOpenTofu } from './generate/to-open-tofu.ts';
export { type SwarmJobs, toSwarmJobs } from './generate/to-swarm.ts';
export { type KitInfo, listKits } from './kit/registry.ts';
export { sampleNodes } from './kit/sample-nodes.ts';
export type { KitDefinition, KitVariant } from './kit/types.ts';
export { applyDefaults, type NodeSpec, type Spec, selectKit } from './spec/defaults.ts';
export { type SpecError, type SpecErrorCode, specErrorCodes } from './spec/errors.ts';
export { kitSchema, specJsonSchema } from './spec/json-schema.ts';
export {
  type Kombination,
  type KombinationInput,
  kombinationSchema,
  type ServiceSpec,
} from './spec/schema.ts';
export { parseSpec, type SpecResult, validateSpec } from './spec/validate.ts';
export {
  type AccessMode,
  cloudProviders,
  type KitName,
  kitNames,
  type NodeType,
  type VariantName,
  variantNames,
} from './spec/vocabulary.ts';
export { type AddNodeResult, addNode } from './spec-edit/add-node.ts';
export { type ImageOptions, mirrorImage, parseImage } from './unifier/images.ts';
export * from './unifier/plan.ts';
export { type ResolveOptions, resolve, UnifierError } from './unifier/resolve.ts';
