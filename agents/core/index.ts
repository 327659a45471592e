export {
  isAgent,
  type Agent,
  type AgentFields,
  type AgentReport,
  type AgentSpec,
  type DependentValues,
  type IndependentValues,
  type JsonValue,
  type ModuleAgentSpec,
  type RegisteredAgentSpec,
  type Suggestion,
  type TellRecord,
} from "./agent.ts";
export { AgentLoadError, AgentNotReadyError } from "./errors.ts";
export { checkAskCount, dependentVector, independentVector, measurementFromData, scalarReading, type Measurement } from "./fields.ts";
export { SettingsReader, type Bounds, type NumberRule } from "./settings.ts";
