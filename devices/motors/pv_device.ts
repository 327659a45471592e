/**
 * What every PV-based device class takes: a name, a PV prefix and a backend scheme. The same class runs on the
 * in-process simulator (`sim`) and over Channel Access (`ca`): only the scheme differs.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { SignalR, SignalRW, SignalW } from "../core/signal.ts";
import { signalR, signalRW, signalW, type SignalUriOptions } from "../core/signal_factories.ts";

export interface PvDeviceOptions {
  /** The device's name (its readings are `name-child`). @default "" */
  name?: string;
  /** Prepended to every PV suffix, e.g. `SR:BPM01A:` (or a motor record's name, `BL:M1:PITCH`). */
  prefix: string;
  /** The backend scheme of the PVs: `ca` for Channel Access, `sim` for the in-process simulator. @default DEFAULT_SCHEME */
  scheme?: string;
  /** Limit for connect, reads and puts of each signal, in ms. @default DEFAULT_TIMEOUT_MS */
  timeoutMs?: number;
}

export const DEFAULT_SCHEME = "ca";

const SCHEME_RE = /^[a-z][a-z0-9+.-]*$/;

/** Typed signal factories for one device: `pvs.r<number>("X")` is `signalR("<scheme>://<prefix>X")`. */
export interface PvFactory {
  readonly uri: (suffix: string) => string;
  r<T>(suffix: string, options?: SignalUriOptions<T>): SignalR<T>;
  rw<T>(suffix: string, options?: SignalUriOptions<T>): SignalRW<T>;
  w<T>(suffix: string, options?: SignalUriOptions<T>): SignalW<T>;
}

export function pvFactory(options: PvDeviceOptions, what: string): PvFactory {
  const { prefix, scheme = DEFAULT_SCHEME, timeoutMs } = options;
  if (typeof prefix !== "string" || prefix.length === 0)
    throw new InvalidArgumentError(`${what} ${JSON.stringify(options.name ?? "")}: prefix must be a non-empty string, got ${JSON.stringify(prefix)}`, prefix);
  if (!SCHEME_RE.test(scheme))
    throw new InvalidArgumentError(`${what} ${JSON.stringify(options.name ?? "")}: invalid scheme ${JSON.stringify(scheme)} (e.g. "ca" or "sim")`, scheme);
  const uri = (suffix: string) => `${scheme}://${prefix}${suffix}`;
  const extra = <T>(o: SignalUriOptions<T> = {}): SignalUriOptions<T> => (timeoutMs === undefined ? o : { timeoutMs, ...o });
  return {
    uri,
    r: <T>(suffix: string, o?: SignalUriOptions<T>) => signalR<T>(uri(suffix), extra(o)),
    rw: <T>(suffix: string, o?: SignalUriOptions<T>) => signalRW<T>(uri(suffix), extra(o)),
    w: <T>(suffix: string, o?: SignalUriOptions<T>) => signalW<T>(uri(suffix), extra(o)),
  };
}

/** EPICS convention: limits with low >= high (both 0, say) mean "no limits". */
export function limitsActive(limits: readonly [number, number]): boolean {
  return limits[0] < limits[1];
}
