export {
  CaChannel,
  ChannelConnection,
  MonitorSubscription,
  type ChannelInfo,
  type GetOptions,
  type MonitorOptions,
  type PutOptions,
} from "./client/channel.ts";
export { CaClientContext, type ConnectOptions } from "./client/context.ts";
export {
  DEFAULT_ECHO_INTERVAL_MS,
  DEFAULT_ECHO_TIMEOUT_MS,
  DEFAULT_MAX_SEARCH_PERIOD_MS,
  DEFAULT_SEARCH_FIRST_RETRY_MS,
  DEFAULT_TIMEOUT_MS,
  resolveClientOptions,
  type CaClientOptions,
  type ResolvedClientOptions,
} from "./client/options.ts";
export { CaValue } from "./client/value.ts";
export { observableToAsyncIterable } from "./client/iterate.ts";
