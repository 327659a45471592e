export {
  ControlAction,
  ControlClient,
  ControlListener,
  DEFAULT_ABORT_REASON,
  DEFAULT_CONTROL_TIMEOUT_MS,
  DEFAULT_STATUS_INTERVAL_MS,
  MAX_REASON_LENGTH,
  controlSubject,
  parseControlReply,
  parseControlRequest,
  parseEngineStatus,
  statusSubject,
  tokenMatches,
  validateControlReply,
  validateControlRequest,
  validateEngineStatus,
} from "./control.ts";
export type {
  ControlClientOptions,
  ControlClientTransport,
  ControlListenerOptions,
  ControlReply,
  ControlRequest,
  ControlServerTransport,
  ControlTarget,
  EngineStatus,
} from "./control.ts";
export { InProcessControlChannel, NatsControlTransport } from "./control_transport.ts";
export type { NatsControlTransportOptions } from "./control_transport.ts";
export { NoControlListenerError } from "./errors.ts";
export { followInProcessBus, inProcessFeed } from "./feed.ts";
export type { InProcessFeedOptions, WatchFeed, WatchInput } from "./feed.ts";
export {
  DEFAULT_CATCH_UP_DOCUMENTS,
  DEFAULT_CATCH_UP_MESSAGES,
  DEFAULT_FEED_BATCH,
  connectNatsFeed,
  decisionWildcard,
  natsFeed,
} from "./nats_feed.ts";
export type { ConnectNatsFeedOptions, NatsFeedOptions } from "./nats_feed.ts";
export { DEFAULT_KEEP_ALIVE_MS, DEFAULT_WATCH_HOST, DEFAULT_WATCH_PORT, WatchServer } from "./server.ts";
export type { WatchServerOptions } from "./server.ts";
export {
  DEFAULT_MAX_DECISIONS,
  DEFAULT_MAX_POINTS,
  DEFAULT_MAX_RUNS,
  DEFAULT_MAX_TRAINING_POINTS,
  DEFAULT_OBJECTIVE_FIELD_PATTERN,
  DEFAULT_ORBIT_FIELD_PATTERN,
  WatchState,
} from "./state.ts";
export type { EngineView, OrbitProfile, RunDetail, RunSummary, TrainingView, WatchSnapshot, WatchStateOptions, WatchUpdate } from "./state.ts";
export {
  encodeTrainingProgress,
  parseTrainingProgress,
  trainingSubject,
  trainingWildcard,
  validateTrainingProgress,
} from "../bridge/training.ts";
export type { TrainingProgress } from "../bridge/training.ts";
export { DEFAULT_TUI_PRECISION, WatchTui, formatLatency } from "./tui.ts";
export type { WatchTuiOptions } from "./tui.ts";
