/**
 * In-memory backends: soft signals hold a value, check puts against their datatype, and tell their monitor.
 * Everything is synchronous, so a soft read or put costs one object allocation and no promise.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { DataKey, Reading } from "../../engine/protocols.ts";
import {
  defaultValue,
  inferDatatype,
  makeDatakey,
  type SignalDatatype,
  type SignalMetadata,
  valueMismatch,
} from "./datakey.ts";
import {
  type BackendOptions,
  type MaybePromise,
  type ReadingCallback,
  registerBackendScheme,
  type SignalBackend,
} from "./signal_backend.ts";
import { isPromiseLike } from "./status.ts";

export interface SoftSignalOptions<T> extends SignalMetadata {
  /** @default inferred from the initial value (numbers infer "number"; say "integer" for counts) */
  datatype?: SignalDatatype;
  /** The address used in `source` (`soft://<address>`). @default the signal's name */
  address?: string;
  /** Runs after each put has stored its value (a soft action, a simulated device reacting). With `wait`,
   * the put completes when it does. @default undefined */
  onPut?: (value: T) => MaybePromise<void>;
}

/** Seconds since the epoch, as event-model timestamps are. */
export const nowSeconds = (): number => Date.now() / 1000;

export class SoftSignalBackend<T> implements SignalBackend<T> {
  readonly datatype: SignalDatatype;
  readonly metadata: Readonly<SignalMetadata>;
  readonly #address: string | undefined;
  readonly #onPut: ((value: T) => MaybePromise<void>) | undefined;
  #reading: Reading<T>;
  #setpoint: T;
  #callback: ReadingCallback<T> | undefined;

  constructor(initial: T, options: SoftSignalOptions<T> = {}) {
    const { datatype, address, onPut, ...metadata } = options;
    this.datatype = datatype ?? inferDatatype(initial, metadata.choices);
    if (this.datatype === "enum" && (!metadata.choices || metadata.choices.length === 0))
      throw new InvalidArgumentError(`an enum signal needs a non-empty list of choices`, metadata.choices);
    this.metadata = metadata;
    this.#address = address;
    this.#onPut = onPut;
    this.#check(initial, "initial value");
    this.#reading = { value: initial, timestamp: nowSeconds(), alarm_severity: 0 };
    this.#setpoint = initial;
  }

  #check(value: unknown, what: string): void {
    const problem = valueMismatch(this.datatype, value, this.metadata.choices);
    if (problem !== undefined)
      throw new InvalidArgumentError(`${this.#address ?? "soft signal"}: bad ${what}: ${problem}`, value);
  }

  source(name: string, _read = true): string {
    return `soft://${this.#address ?? name}`;
  }

  connect(_timeoutMs: number): void {}

  put(value: T | undefined, wait: boolean): MaybePromise<void> {
    const v = value === undefined ? this.#reading.value : value;
    this.#check(v, "value");
    this.#setpoint = v;
    this.setValue(v, true);
    if (!this.#onPut) return;
    const done = this.#onPut(v);
    if (!isPromiseLike(done)) return;
    if (wait) return done;
    done.then(undefined, (err: unknown) =>
      process.emitWarning(`${this.#address ?? "soft signal"}: put action failed: ${String(err)}`),
    );
  }

  /**
   * Set the readback without a put (simulations, setters of read-only signals). Checked against the datatype.
   */
  setValue(value: T, checked = false): void {
    if (!checked) this.#check(value, "value");
    this.#reading = { value, timestamp: nowSeconds(), alarm_severity: 0 };
    this.#callback?.(this.#reading);
  }

  getDatakey(source: string): DataKey {
    return makeDatakey(source, this.datatype, this.#reading.value, this.metadata);
  }

  getReading(): Reading<T> {
    return this.#reading;
  }

  getValue(): T {
    return this.#reading.value;
  }

  getSetpoint(): T {
    return this.#setpoint;
  }

  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.#callback = callback;
    callback?.(this.#reading);
  }
}

/**
 * The backend of a soft SignalX: a put runs `action` (a stop, a reset). It holds no value; describing it
 * yields a placeholder string key, since executable signals are never read.
 */
export class ActionSignalBackend implements SignalBackend<void> {
  readonly #action: () => MaybePromise<void>;
  readonly #address: string | undefined;
  #reading: Reading<void> = { value: undefined, timestamp: nowSeconds(), alarm_severity: 0 };

  constructor(action: () => MaybePromise<void> = () => {}, address?: string) {
    this.#action = action;
    this.#address = address;
  }

  source(name: string, _read = true): string {
    return `soft://${this.#address ?? name}`;
  }

  connect(_timeoutMs: number): void {}

  put(_value: void | undefined, wait: boolean): MaybePromise<void> {
    this.#reading = { value: undefined, timestamp: nowSeconds(), alarm_severity: 0 };
    const done = this.#action();
    if (!isPromiseLike(done) || wait) return done;
    done.then(undefined, (err: unknown) =>
      process.emitWarning(`${this.#address ?? "soft action"}: action failed: ${String(err)}`),
    );
  }

  getDatakey(source: string): DataKey {
    return { source, dtype: "string", shape: [] };
  }

  getReading(): Reading<void> {
    return this.#reading;
  }

  getValue(): void {}

  getSetpoint(): void {}

  setCallback(_callback: ReadingCallback<void> | undefined): void {}
}

/** Soft backends from `soft://name` URIs (the value starts at `initial`, or the datatype's zero). */
export function softBackendFromOptions<T>(address: string, options: BackendOptions<T>): SoftSignalBackend<T> {
  const { initial, writeAddress: _w, readOnly: _r, datatype, ...metadata } = options;
  const type = datatype ?? (initial === undefined ? "number" : inferDatatype(initial, metadata.choices));
  const start = (initial === undefined ? defaultValue(type, metadata.choices) : initial) as T;
  return new SoftSignalBackend<T>(start, { ...metadata, datatype: type, address });
}

registerBackendScheme("soft", softBackendFromOptions, { replace: true });
