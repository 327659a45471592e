export type {
  Attachment,
  DocumentBus,
  DocumentConsumerApi,
  DocumentConsumerConfig,
  DocumentHandler,
  DocumentPublisherApi,
  DocumentSource,
  InvalidDocument,
} from "./bus.ts";
export { attachSource } from "./attach.ts";
export {
  ConsumerBusyError,
  DEFAULT_ACK_WAIT_MS,
  DEFAULT_CONSUMER_BATCH,
  DEFAULT_MAX_ACK_PENDING,
  DocumentConsumer,
  replayRunFromStream,
} from "./consumer.ts";
export type { DocumentConsumerOptions } from "./consumer.ts";
export {
  DEFAULT_IN_PROCESS_INSTRUMENT,
  DEFAULT_IN_PROCESS_MAX_DOCUMENTS,
  InProcessBus,
  InProcessConsumer,
} from "./in_process_bus.ts";
export type { InProcessBusOptions } from "./in_process_bus.ts";
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_NATS_URL,
  DEFAULT_RECONNECT_WAIT_MS,
  connectNats,
  natsConnectOptions,
} from "./nats_connection.ts";
export type { NatsConnectionOptions, NatsTlsOptions } from "./nats_connection.ts";
export { NatsDocumentBus } from "./nats_bus.ts";
export type { NatsDocumentBusOptions } from "./nats_bus.ts";
export {
  DEFAULT_ACK_TIMEOUT_MS,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_MAX_BUFFERED,
  DEFAULT_PUBLISH_WINDOW,
  DEFAULT_RETRY_WAIT_MS,
  DocumentPublisher,
  PublishRetryError,
} from "./publisher.ts";
export type { DocumentPublisherOptions, PublisherStats } from "./publisher.ts";
export { RunFilter } from "./run_filter.ts";
export {
  DEFAULT_DUPLICATE_WINDOW_MS,
  DEFAULT_STREAM_MAX_AGE_MS,
  DEFAULT_STREAM_MAX_BYTES,
  DEFAULT_STREAM_MAX_MSG_SIZE,
  documentStreamConfig,
  documentStreamName,
  ensureDocumentStream,
} from "./stream.ts";
export type { DocumentStreamOptions } from "./stream.ts";
