import { networkInterfaces } from "node:os";
import { CaInvalidArgumentError } from "../core/errors.ts";

/** Environment to read EPICS variables from (process.env by default; tests pass their own). */
export type EpicsEnv = Readonly<Record<string, string | undefined>>;

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

function value(env: EpicsEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** A port number from an EPICS variable, or the default when unset. */
export function envPort(env: EpicsEnv, name: string, fallback: number): number {
  const text = value(env, name);
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CaInvalidArgumentError(`${name}='${text}' is not a port number (0..65535)`, text);
  }
  return port;
}

/** A positive number from an EPICS variable, or the default when unset. */
export function envNumber(env: EpicsEnv, name: string, fallback: number, min = 0): number {
  const text = value(env, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) throw new CaInvalidArgumentError(`${name}='${text}' is not a number >= ${min}`, text);
  return n;
}

/** EPICS yes/no variables (YES/NO, case-insensitive; EPICS also accepts TRUE/FALSE-like words loosely). */
export function envYesNo(env: EpicsEnv, name: string, fallback: boolean): boolean {
  const text = value(env, name);
  if (text === undefined) return fallback;
  const t = text.toUpperCase();
  if (t === "YES" || t === "Y" || t === "TRUE" || t === "1") return true;
  if (t === "NO" || t === "N" || t === "FALSE" || t === "0") return false;
  throw new CaInvalidArgumentError(`${name}='${text}' is neither YES nor NO`, text);
}

/** Parses a space-separated address list ("host", "host:port") as EPICS address-list variables hold them. */
export function parseAddressList(text: string | undefined, defaultPort: number, name: string): HostPort[] {
  if (text === undefined) return [];
  const out: HostPort[] = [];
  for (const entry of text.split(/\s+/).filter((e) => e !== "")) {
    const colon = entry.lastIndexOf(":");
    const host = colon >= 0 ? entry.slice(0, colon) : entry;
    const portText = colon >= 0 ? entry.slice(colon + 1) : undefined;
    const port = portText === undefined ? defaultPort : Number(portText);
    const badPort = portText !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65535);
    if (host === "" || badPort) {
      throw new CaInvalidArgumentError(`${name} entry '${entry}' is not 'host' or 'host:port'`, entry);
    }
    out.push({ host, port });
  }
  return out;
}

export function envAddressList(env: EpicsEnv, name: string, defaultPort: number): HostPort[] | undefined {
  const text = value(env, name);
  return text === undefined ? undefined : parseAddressList(text, defaultPort, name);
}

/** Broadcast addresses of the up, non-loopback IPv4 interfaces (EPICS's "auto" address list). */
export function interfaceBroadcastAddresses(): string[] {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const itf of list ?? []) {
      if (itf.family !== "IPv4" || itf.internal) continue;
      const addr = ipv4ToNumber(itf.address);
      const mask = ipv4ToNumber(itf.netmask);
      out.add(numberToIpv4((addr | ~mask) >>> 0));
    }
  }
  return [...out];
}

export function ipv4ToNumber(address: string): number {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function numberToIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
