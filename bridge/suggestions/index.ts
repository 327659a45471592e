export {
  DEFAULT_REPLY_TIMEOUT_MS,
  DEFAULT_SERVER_TIMEOUT_MS,
  SuggestionClient,
} from "./client.ts";
export type { CurveClientOptions, ServerStatusEvent, SuggestionClientOptions, SuggestionInput } from "./client.ts";
export {
  ZapHandler,
  generateCurveKeyPair,
  isZ85Key,
  loadAllowedKeys,
  loadCurveKeyPair,
  loadPublicKey,
  writeCurveKeyPair,
  z85Encode,
} from "./curve.ts";
export type { CurveKeyPair, ZapDecision } from "./curve.ts";
export { DEFAULT_MAX_POINTS, combineValidators, isSuggestionValidator, policyValidator } from "./policy.ts";
export type { DevicePolicy, SuggestionPolicy, SuggestionValidator } from "./policy.ts";
export { AsyncQueue } from "./queue.ts";
export {
  AcknowledgeMode,
  AgentState,
  DEFAULT_ACCEPT_TIMEOUT_MS,
  DEFAULT_AGENT_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_MAX_QUEUED,
  DEFAULT_SUGGESTION_ENDPOINT,
  SuggestionServer,
} from "./server.ts";
export type {
  AgentStatusEvent,
  CurveServerOptions,
  Rejection,
  Suggestion,
  SuggestionServerOptions,
} from "./server.ts";
