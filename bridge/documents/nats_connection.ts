/**
 * One way to open a NATS connection for every part of skyloop: URL list, credentials, TLS, and endless
 * reconnection once connected (a run must survive a server restart). The first connection fails fast with an
 * error that names the URL and says why (unreachable, authentication, TLS).
 */
import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, nkeyAuthenticator } from "nats";
import type { ConnectionOptions, NatsConnection } from "nats";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { BridgeConnectionError } from "../errors.ts";

export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
export const DEFAULT_RECONNECT_WAIT_MS = 250;

export interface NatsTlsOptions {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface NatsConnectionOptions {
  /** One URL or several (a cluster); tried in order. @default DEFAULT_NATS_URL */
  servers?: string | string[];
  user?: string;
  pass?: string;
  token?: string;
  /** An nkey seed (`SU...`), or a file holding one. */
  nkeySeed?: string;
  nkeySeedFile?: string;
  /** A `.creds` file (JWT + nkey seed) as issued by an operator. */
  credsFile?: string;
  tls?: NatsTlsOptions;
  /** Shown in the server's connection list. @default "skyloop" */
  name?: string;
  /** @default DEFAULT_CONNECT_TIMEOUT_MS */
  connectTimeoutMs?: number;
  /** Pause between reconnection attempts; attempts never stop. @default DEFAULT_RECONNECT_WAIT_MS */
  reconnectWaitMs?: number;
}

function serverList(options: NatsConnectionOptions): string[] {
  const servers = options.servers ?? DEFAULT_NATS_URL;
  const list = Array.isArray(servers) ? servers : [servers];
  if (list.length === 0) throw new InvalidArgumentError("servers: expected at least one NATS URL, got an empty list", servers);
  return list;
}

function readCredentialFile(file: string, what: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new InvalidArgumentError(`${what}: cannot read '${file}': ${(cause as Error).message}`, file, { cause });
  }
}

/** The nats.js options for `options`; conflicting credentials are refused here, not by the server. */
export function natsConnectOptions(options: NatsConnectionOptions = {}): ConnectionOptions {
  const servers = serverList(options);
  const kinds = [
    options.user !== undefined || options.pass !== undefined ? "user/pass" : undefined,
    options.token !== undefined ? "token" : undefined,
    options.nkeySeed !== undefined || options.nkeySeedFile !== undefined ? "nkey" : undefined,
    options.credsFile !== undefined ? "creds" : undefined,
  ].filter((k) => k !== undefined);
  if (kinds.length > 1) {
    throw new InvalidArgumentError(`NATS credentials: give one kind, got ${kinds.join(" and ")}`, kinds);
  }
  if (options.nkeySeed !== undefined && options.nkeySeedFile !== undefined) {
    throw new InvalidArgumentError("NATS credentials: give nkeySeed or nkeySeedFile, not both", options.nkeySeedFile);
  }
  const opts: ConnectionOptions = {
    servers,
    name: options.name ?? "skyloop",
    timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectWaitMs ?? DEFAULT_RECONNECT_WAIT_MS,
    reconnectJitter: 50,
    // A restarted server may briefly refuse a known user while its accounts load; keep trying.
    ignoreAuthErrorAbort: true,
  };
  if (options.user !== undefined) opts.user = options.user;
  if (options.pass !== undefined) opts.pass = options.pass;
  if (options.token !== undefined) opts.token = options.token;
  if (options.nkeySeed !== undefined || options.nkeySeedFile !== undefined) {
    const seed =
      options.nkeySeed !== undefined
        ? new TextEncoder().encode(options.nkeySeed.trim())
        : new TextEncoder().encode(new TextDecoder().decode(readCredentialFile(options.nkeySeedFile!, "nkeySeedFile")).trim());
    opts.authenticator = nkeyAuthenticator(seed);
  }
  if (options.credsFile !== undefined) opts.authenticator = credsAuthenticator(readCredentialFile(options.credsFile, "credsFile"));
  if (options.tls !== undefined) opts.tls = { ...options.tls };
  return opts;
}

function explain(err: unknown): string {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case "CONNECTION_REFUSED":
      return "connection refused (is nats-server running and listening there?)";
    case "AUTHORIZATION_VIOLATION":
      return "the server refused the credentials (authorization violation)";
    case "AUTHENTICATION_EXPIRED":
      return "the credentials have expired";
    case "TIMEOUT":
      return "no answer within the connect timeout";
    default:
      return e.message ?? String(err);
  }
}

/** Connects, or throws `BridgeConnectionError` naming the URL(s) tried and the reason. */
export async function connectNats(options: NatsConnectionOptions = {}): Promise<NatsConnection> {
  const opts = natsConnectOptions(options);
  try {
    return await connect(opts);
  } catch (cause) {
    throw new BridgeConnectionError((opts.servers as string[]).join(", "), explain(cause), { cause });
  }
}
