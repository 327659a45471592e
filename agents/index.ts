export * from "./core/index.ts";
export * from "./svd/index.ts";
export * from "./bo/index.ts";
export * from "./search/index.ts";
export {
  AGENT_REGISTRY,
  agentFactoryToken,
  AgentRegistry,
  bindAgentRegistry,
  BUILTIN_AGENTS,
  type AgentContext,
  type AgentFactory,
  type AgentModuleRef,
  type AgentRegistryOptions,
  type CreateAgentOptions,
} from "./registry.ts";
export {
  AgentRunner,
  DEFAULT_ANSWER_PLANS,
  DEFAULT_RESPONSE_PLANS,
  RunnerMode,
  suggestionId,
  type AgentRunnerOptions,
  type RunnerRejection,
  type RunnerStats,
  type SuggestionSender,
} from "./runner.ts";
export { fitResponse } from "./runner_response.ts";
export {
  decisionId,
  decisionStreamName,
  DEFAULT_DECISION_DUPLICATE_WINDOW_MS,
  DEFAULT_DECISION_MAX_AGE_MS,
  InProcessDecisionLog,
  NatsDecisionLog,
  type DecisionLog,
  type NatsDecisionLogOptions,
} from "./decisions.ts";
// The deployed RL agent only (no TensorFlow.js); training and evaluation are in ./rl/index.ts.
export { DEFAULT_RL_CHECKPOINT, registerRlAgent, RL_ORBIT_KIND, RlOrbitAgent, rlOrbitFactory, type RlOrbitOptions } from "./rl/agent.ts";
