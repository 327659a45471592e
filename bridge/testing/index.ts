export { DEFAULT_NATS_SERVER_BINARY, DEFAULT_NATS_START_TIMEOUT_MS, NatsServerStartError, NatsTestServer, freePort, startNatsServer } from "./nats_server.ts";
export type { NatsTestServerOptions } from "./nats_server.ts";
export { readStream } from "./stream_reader.ts";
export type { StoredDocument } from "./stream_reader.ts";
