/**
 * Typed factories for signals, as device constructors use them: soft (in-memory) signals with a starting
 * value, and transport-neutral ones from a URI (`soft://x`, `mock://x`, `ca://PV:NAME` once registered).
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { SignalDatatype, SignalMetadata } from "./datakey.ts";
import { MockSignalBackend } from "./mock_signal_backend.ts";
import { SignalR, SignalRW, SignalW, SignalX, type SignalOptions } from "./signal.ts";
import type { MaybePromise } from "./signal_backend.ts";
import { ActionSignalBackend, SoftSignalBackend, type SoftSignalOptions } from "./soft_signal_backend.ts";

export interface SoftSignalFactoryOptions<T> extends SoftSignalOptions<T> {
  /** @default "" (the parent device names it) */
  name?: string;
  /** @default DEFAULT_TIMEOUT_MS */
  timeoutMs?: number;
}

function split<T>(options: SoftSignalFactoryOptions<T>): [SoftSignalOptions<T>, SignalOptions<T>] {
  const { name, timeoutMs, ...soft } = options;
  const signal: SignalOptions<T> = {};
  if (name !== undefined) signal.name = name;
  if (timeoutMs !== undefined) signal.timeoutMs = timeoutMs;
  return [soft, signal];
}

/** A readable, writable in-memory signal starting at `initial`. */
export function softSignalRW<T>(initial: T, options: SoftSignalFactoryOptions<T> = {}): SignalRW<T> {
  const [soft, signal] = split(options);
  return new SignalRW<T>(new SoftSignalBackend<T>(initial, soft), signal);
}

/** A read-only in-memory signal; see softSignalRAndSetter to change its value. */
export function softSignalR<T>(initial: T, options: SoftSignalFactoryOptions<T> = {}): SignalR<T> {
  const [soft, signal] = split(options);
  return new SignalR<T>(new SoftSignalBackend<T>(initial, soft), signal);
}

/**
 * A read-only signal and the function that sets its value (a simulation's readback). The setter writes to
 * whichever backend the signal has, the mock one included.
 */
export function softSignalRAndSetter<T>(
  initial: T,
  options: SoftSignalFactoryOptions<T> = {},
): [SignalR<T>, (value: T) => void] {
  const signal = softSignalR(initial, options);
  const setter = (value: T): void => {
    const backend = signal.backend;
    if (backend instanceof SoftSignalBackend || backend instanceof MockSignalBackend) backend.setValue(value);
    else throw new InvalidArgumentError(`${signal.source}: its backend is not in-memory, so it cannot be set here`, value);
  };
  return [signal, setter];
}

/** A soft SignalRW together with its backend, for code that sets the value without a put. */
export function softSignalRwWithBackend<T>(
  initial: T,
  options: SoftSignalFactoryOptions<T> = {},
): [SignalRW<T>, SoftSignalBackend<T>] {
  const [soft, signal] = split(options);
  const backend = new SoftSignalBackend<T>(initial, soft);
  return [new SignalRW<T>(backend, signal), backend];
}

/** An executable soft signal running `action` on each trigger. */
export function softSignalX(
  action: () => MaybePromise<void> = () => {},
  options: { name?: string; timeoutMs?: number; address?: string } = {},
): SignalX {
  const { address, ...signal } = options;
  return new SignalX(new ActionSignalBackend(action, address), signal);
}

export interface SignalUriOptions<T> extends SignalMetadata {
  /** @default learned on connect (mocks: inferred from `initial`, else "number") */
  datatype?: SignalDatatype;
  /** Starting value of in-memory backends and mocks. @default the datatype's zero value */
  initial?: T;
  /** A separate URI (or address) to write to. @default the read URI */
  writeUri?: string;
  /** @default "" (the parent device names it) */
  name?: string;
  /** @default DEFAULT_TIMEOUT_MS */
  timeoutMs?: number;
}

function uriOptions<T>(options: SignalUriOptions<T>, readOnly: boolean): SignalOptions<T> {
  const { writeUri, name, timeoutMs, ...backend } = options;
  return {
    ...(name === undefined ? {} : { name }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    backendOptions: { ...backend, readOnly, ...(writeUri === undefined ? {} : { writeAddress: writeUri }) },
  };
}

/** A read-only signal from a URI: `signalR<number>("ca://SR:DCCT")`. */
export function signalR<T>(uri: string, options: SignalUriOptions<T> = {}): SignalR<T> {
  return new SignalR<T>(uri, uriOptions(options, true));
}

/** A readable, writable signal from a URI; `writeUri` for a separate set-point PV. */
export function signalRW<T>(uri: string, options: SignalUriOptions<T> = {}): SignalRW<T> {
  return new SignalRW<T>(uri, uriOptions(options, false));
}

/** A write-only signal from a URI. */
export function signalW<T>(uri: string, options: SignalUriOptions<T> = {}): SignalW<T> {
  return new SignalW<T>(uri, uriOptions(options, false));
}

/** An executable signal from a URI (a PROC field). */
export function signalX(uri: string, options: Omit<SignalUriOptions<void>, "datatype" | "initial"> = {}): SignalX {
  return new SignalX(uri, uriOptions<void>({ ...options, datatype: "number" }, false));
}
