import { hostname, userInfo } from "node:os";
import { DEFAULT_CA_SERVER_PORT, DEFAULT_MAX_ARRAY_BYTES } from "../../core/constants.ts";
import { CaInvalidArgumentError } from "../../core/errors.ts";
import { envAddressList, envNumber, envPort, envYesNo, interfaceBroadcastAddresses, parseAddressList, type EpicsEnv, type HostPort } from "../env.ts";

export interface CaClientOptions {
  /** Where EPICS variables are read from. @default process.env */
  readonly env?: EpicsEnv;
  /**
   * Search destinations ("host" or "host:port"; the port defaults to serverPort).
   * @default EPICS_CA_ADDR_LIST
   */
  readonly addrList?: readonly string[];
  /**
   * Also search the broadcast address of every interface.
   * @default EPICS_CA_AUTO_ADDR_LIST, else true
   */
  readonly autoAddrList?: boolean;
  /** Default server port of address-list entries. @default EPICS_CA_SERVER_PORT, else 5064 */
  readonly serverPort?: number;
  /** Largest payload accepted from a server. @default EPICS_CA_MAX_ARRAY_BYTES, else 16384 */
  readonly maxArrayBytes?: number;
  /**
   * Idle time after which a circuit is probed with an echo; a circuit silent for this long plus
   * echoTimeoutMs is dropped and its channels searched for again.
   * @default EPICS_CA_CONN_TMO (seconds), else 30 000 ms
   */
  readonly echoIntervalMs?: number;
  /** @default DEFAULT_ECHO_TIMEOUT_MS */
  readonly echoTimeoutMs?: number;
  /** Delay before the first search retry; later retries double. @default DEFAULT_SEARCH_FIRST_RETRY_MS */
  readonly searchFirstRetryMs?: number;
  /**
   * Longest delay between searches for a missing channel.
   * @default EPICS_CA_MAX_SEARCH_PERIOD (seconds), else DEFAULT_MAX_SEARCH_PERIOD_MS
   */
  readonly maxSearchPeriodMs?: number;
  /** Default limit of connect, get and put. @default DEFAULT_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** Sent in CA_PROTO_HOST_NAME. @default os.hostname() */
  readonly hostName?: string;
  /** Sent in CA_PROTO_CLIENT_NAME. @default the login name */
  readonly userName?: string;
  /** Circuit priority 0..99. @default 0 */
  readonly priority?: number;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_ECHO_INTERVAL_MS = 30_000;
export const DEFAULT_ECHO_TIMEOUT_MS = 5000;
export const DEFAULT_SEARCH_FIRST_RETRY_MS = 20;
/**
 * Without a repeater there are no beacon anomalies to restart searches after a server comes back, so the
 * back-off stops at a few seconds rather than libca's minutes.
 */
export const DEFAULT_MAX_SEARCH_PERIOD_MS = 5000;

export interface ResolvedClientOptions {
  readonly searchTargets: readonly HostPort[];
  readonly maxArrayBytes: number;
  readonly echoIntervalMs: number;
  readonly echoTimeoutMs: number;
  readonly searchFirstRetryMs: number;
  readonly maxSearchPeriodMs: number;
  readonly timeoutMs: number;
  readonly hostName: string;
  readonly userName: string;
  readonly priority: number;
}

function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** Merges options over EPICS variables over defaults; rejects what cannot work, naming it. */
export function resolveClientOptions(options: CaClientOptions): ResolvedClientOptions {
  const env = options.env ?? process.env;
  const port = options.serverPort ?? envPort(env, "EPICS_CA_SERVER_PORT", DEFAULT_CA_SERVER_PORT);
  const listed =
    options.addrList !== undefined
      ? parseAddressList(options.addrList.join(" "), port, "addrList")
      : (envAddressList(env, "EPICS_CA_ADDR_LIST", port) ?? []);
  const auto = options.autoAddrList ?? envYesNo(env, "EPICS_CA_AUTO_ADDR_LIST", true);
  const searchTargets = [...listed, ...(auto ? interfaceBroadcastAddresses().map((host) => ({ host, port })) : [])];
  if (searchTargets.length === 0) {
    throw new CaInvalidArgumentError(
      "no search destinations: set EPICS_CA_ADDR_LIST (or addrList) or leave EPICS_CA_AUTO_ADDR_LIST on",
      options.addrList,
    );
  }
  const priority = options.priority ?? 0;
  if (!Number.isInteger(priority) || priority < 0 || priority > 99) {
    throw new CaInvalidArgumentError(`priority ${priority} is outside 0..99`, priority);
  }
  return {
    searchTargets,
    maxArrayBytes: options.maxArrayBytes ?? envNumber(env, "EPICS_CA_MAX_ARRAY_BYTES", DEFAULT_MAX_ARRAY_BYTES, 16),
    echoIntervalMs: options.echoIntervalMs ?? envNumber(env, "EPICS_CA_CONN_TMO", DEFAULT_ECHO_INTERVAL_MS / 1000, 0.001) * 1000,
    echoTimeoutMs: options.echoTimeoutMs ?? DEFAULT_ECHO_TIMEOUT_MS,
    searchFirstRetryMs: options.searchFirstRetryMs ?? DEFAULT_SEARCH_FIRST_RETRY_MS,
    maxSearchPeriodMs:
      options.maxSearchPeriodMs ?? envNumber(env, "EPICS_CA_MAX_SEARCH_PERIOD", DEFAULT_MAX_SEARCH_PERIOD_MS / 1000, 0.001) * 1000,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    hostName: options.hostName ?? hostname(),
    userName: options.userName ?? loginName(),
    priority,
  };
}
