/**
 * The backend interface under every signal, with ophyd-async's eight operations, and the table that picks a
 * backend from a URI's scheme (`soft://`, `mock://`, and `ca://` once the Channel Access layer registers
 * itself with `registerBackendScheme`, so devices/ never depends on it).
 *
 * Operations return `MaybePromise`: in-memory backends answer synchronously, which lets soft signals read and
 * put without a promise per layer; network backends return promises. Callers `await` either.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { DataKey, Reading } from "../../engine/protocols.ts";
import type { SignalDatatype, SignalMetadata } from "./datakey.ts";

export type MaybePromise<T> = T | PromiseLike<T>;
export type ReadingCallback<T> = (reading: Reading<T>) => void;

export interface SignalBackend<T> {
  /** Where the value lives, e.g. `ca://SR:BPM1:X` or `soft://motor1`; `name` is the signal's name. */
  source(name: string, read: boolean): string;
  /** Open the connection; rejects (or throws) when it cannot within `timeoutMs`. */
  connect(timeoutMs: number): MaybePromise<void>;
  /** Write `value` (undefined: re-send the current value, as a SignalX trigger does); with `wait`, resolve
   * when the write has completed (put-callback), else once sent. */
  put(value: T | undefined, wait: boolean): MaybePromise<void>;
  getDatakey(source: string): MaybePromise<DataKey>;
  getReading(): MaybePromise<Reading<T>>;
  getValue(): MaybePromise<T>;
  /** The last value written, as the device holds it (may differ from the readback). */
  getSetpoint(): MaybePromise<T>;
  /** The single monitor slot: called with the current reading at once, then with each update; undefined
   * clears it. */
  setCallback(callback: ReadingCallback<T> | undefined): void;
}

/** What a backend factory is given besides the address. */
export interface BackendOptions<T> extends SignalMetadata {
  /** The value type, when known ahead of connection. @default inferred from `initial`, else "number" */
  datatype?: SignalDatatype;
  /** The starting value of in-memory backends. @default the datatype's zero value */
  initial?: T;
  /** A separate write address (a `-SP` PV beside a `-RB` one). @default the read address */
  writeAddress?: string;
  /** Whether the signal is read-only (puts are refused). @default false */
  readOnly?: boolean;
}

export type BackendFactory = <T>(address: string, options: BackendOptions<T>) => SignalBackend<T>;

const schemes = new Map<string, BackendFactory>();

const SCHEME_RE = /^[a-z][a-z0-9+.-]*$/;

/**
 * Make `scheme://address` URIs create backends with `factory` (the Channel Access layer registers "ca").
 * Registering a scheme twice is refused unless `replace` is true.
 */
export function registerBackendScheme(scheme: string, factory: BackendFactory, options: { replace?: boolean } = {}): void {
  if (!SCHEME_RE.test(scheme))
    throw new InvalidArgumentError(`invalid backend scheme ${JSON.stringify(scheme)}: use lower-case letters, digits, '+', '-', '.'`, scheme);
  if (schemes.has(scheme) && !options.replace)
    throw new InvalidArgumentError(`backend scheme ${JSON.stringify(scheme)} is already registered (pass { replace: true } to replace it)`, scheme);
  schemes.set(scheme, factory);
}

/** Forget a scheme (tests that register their own). Returns whether it was registered. */
export function unregisterBackendScheme(scheme: string): boolean {
  return schemes.delete(scheme);
}

/** The schemes a URI can use right now. */
export function backendSchemes(): string[] {
  return [...schemes.keys()];
}

export interface SignalUri {
  readonly scheme: string;
  readonly address: string;
}

/** Split `ca://SR:BPM1:X` into scheme and address; a URI without a scheme is refused. */
export function parseSignalUri(uri: string): SignalUri {
  const at = uri.indexOf("://");
  const scheme = at > 0 ? uri.slice(0, at) : "";
  if (!SCHEME_RE.test(scheme))
    throw new InvalidArgumentError(
      `signal URI ${JSON.stringify(uri)} has no scheme: write it as scheme://address (e.g. soft://x, ca://PV:NAME)`,
      uri,
    );
  const address = uri.slice(at + 3);
  if (address.length === 0) throw new InvalidArgumentError(`signal URI ${JSON.stringify(uri)} has an empty address`, uri);
  return { scheme, address };
}

/** A backend for `uri` from the scheme table, or undefined when its scheme is not (yet) registered. */
export function lookupBackend<T>(uri: string, options: BackendOptions<T> = {}): SignalBackend<T> | undefined {
  const { scheme, address } = parseSignalUri(uri);
  const factory = schemes.get(scheme);
  if (!factory) return undefined;
  let writeAddress = options.writeAddress;
  if (writeAddress !== undefined && writeAddress.includes("://")) {
    const w = parseSignalUri(writeAddress);
    if (w.scheme !== scheme)
      throw new InvalidArgumentError(
        `write URI ${JSON.stringify(writeAddress)} uses a different scheme from the read URI ${JSON.stringify(uri)}`,
        writeAddress,
      );
    writeAddress = w.address;
  }
  return factory<T>(address, { ...options, ...(writeAddress === undefined ? {} : { writeAddress }) });
}

/** The error a signal reports when its URI's scheme has no backend at connect time. */
export function unknownSchemeError(uri: string): InvalidArgumentError {
  const { scheme } = parseSignalUri(uri);
  return new InvalidArgumentError(
    `no signal backend for scheme ${JSON.stringify(scheme)} in ${JSON.stringify(uri)} ` +
      `(registered: ${backendSchemes().join(", ") || "none"}); register one with registerBackendScheme()`,
    uri,
  );
}
