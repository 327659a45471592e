export * from "./documents/index.ts";
export * from "./suggestions/index.ts";
export {
  BridgeConnectionError,
  ClosedError,
  CurveKeyError,
  PublishBufferFullError,
  RunNotFoundError,
  SuggestionRejectedError,
  WireFormatError,
} from "./errors.ts";
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  MessageType,
  WIRE_VERSION,
  decisionSubject,
  documentMsgId,
  documentSubject,
  encodeDocument,
  encodeJson,
  parseAgentMessage,
  parseDecisionRecord,
  parseDocumentPair,
  parseJson,
  parsePoints,
  parseServerMessage,
  parseSuggestionRequest,
  pointList,
  requireSubjectToken,
  validateDecisionRecord,
  validateHeartbeat,
  validateSuggestionReply,
  validateSuggestionRequest,
} from "./wire.ts";
export type {
  AgentMessage,
  DecisionRecord,
  Heartbeat,
  ParseOptions,
  PointTargets,
  SuggestionReply,
  SuggestionRequest,
} from "./wire.ts";
export { encodeTrainingProgress, parseTrainingProgress, trainingSubject, trainingWildcard, validateTrainingProgress } from "./training.ts";
export type { TrainingProgress } from "./training.ts";
export { BenchmarkLossError, benchJetStream, benchSuggestionRoundTrip } from "./bench.ts";
export type { BenchJetStreamOptions, BenchJetStreamResult, BenchSuggestionOptions, BenchSuggestionResult } from "./bench.ts";
