export { ComputedSignalBackend, computedSignalR, type ComputedSignalOptions } from "./computed_signal_backend.ts";
export {
  SignalDatatype,
  type SignalMetadata,
  inferDatatype,
  defaultValue,
  makeDatakey,
  valueMismatch,
  datakeyMismatch,
} from "./datakey.ts";
export { DEFAULT_TIMEOUT_MS, type ConnectOptions, Device, DeviceVector } from "./device.ts";
export { SignalNotConnectedError, NoCachedReadingError } from "./errors.ts";
export {
  MockSignalBackend,
  type MockPut,
  type MockSignalOptions,
  mockBackendFromOptions,
} from "./mock_signal_backend.ts";
export { Rng, type RngState } from "./random.ts";
export { Signal, SignalR, SignalW, SignalRW, SignalX, type SignalOptions, type ReadOptions } from "./signal.ts";
export {
  type SignalBackend,
  type BackendOptions,
  type BackendFactory,
  type MaybePromise,
  type ReadingCallback,
  type SignalUri,
  registerBackendScheme,
  unregisterBackendScheme,
  backendSchemes,
  parseSignalUri,
  lookupBackend,
} from "./signal_backend.ts";
export {
  softSignalRW,
  softSignalR,
  softSignalRAndSetter,
  softSignalRwWithBackend,
  softSignalX,
  signalR,
  signalRW,
  signalW,
  signalX,
  type SoftSignalFactoryOptions,
  type SignalUriOptions,
} from "./signal_factories.ts";
export {
  SoftSignalBackend,
  ActionSignalBackend,
  type SoftSignalOptions,
  softBackendFromOptions,
  nowSeconds,
} from "./soft_signal_backend.ts";
export { Kind, StandardReadable, type ReadableChild } from "./standard_readable.ts";
export {
  Status,
  AsyncStatus,
  WatchableAsyncStatus,
  type AsyncStatusOptions,
  type StatusAction,
  type StatusProgress,
  type ProgressReporter,
  type WatchableStatusAction,
  isPromiseLike,
  toError,
  withTimeout,
  sleep,
} from "./status.ts";
