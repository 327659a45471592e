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
