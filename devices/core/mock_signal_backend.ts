/**
 * The backend `connect({ mock: true })` swaps in, after ophyd-async's MockSignalBackend: an in-memory value
 * (so reads work), a record of every put, and switches to make puts block or fail, so device logic can be
 * tested without hardware.
 */
import type { DataKey, Reading } from "../../engine/protocols.ts";
import { defaultValue, inferDatatype, type SignalDatatype, type SignalMetadata } from "./datakey.ts";
import {
  type BackendOptions,
  type MaybePromise,
  type ReadingCallback,
  registerBackendScheme,
  type SignalBackend,
} from "./signal_backend.ts";
import { SoftSignalBackend } from "./soft_signal_backend.ts";

export interface MockPut<T> {
  readonly value: T | undefined;
  readonly wait: boolean;
}

export interface MockSignalOptions<T> extends SignalMetadata {
  /** @default inferred from `initial`, else "number" */
  datatype?: SignalDatatype;
  /** @default the datatype's zero value */
  initial?: T;
  /** The address used in `source` (`mock://<address>`). @default the signal's name */
  address?: string;
}

export class MockSignalBackend<T> implements SignalBackend<T> {
  /** Every put, in order. */
  readonly puts: MockPut<T>[] = [];
  readonly #soft: SoftSignalBackend<T>;
  readonly #address: string | undefined;
  #proceeds = true;
  #waiting: (() => void)[] = [];
  #putError: Error | undefined;
  readonly #putListeners = new Set<(value: T | undefined, wait: boolean) => void>();

  constructor(options: MockSignalOptions<T> = {}) {
    const { initial, datatype, address, ...metadata } = options;
    const type = datatype ?? (initial === undefined ? "number" : inferDatatype(initial, metadata.choices));
    const start = (initial === undefined ? defaultValue(type, metadata.choices) : initial) as T;
    this.#soft = new SoftSignalBackend<T>(start, { ...metadata, datatype: type });
    this.#address = address;
  }

  /** A mock with the same datatype, metadata and current value as a soft backend. */
  static like<T>(soft: SoftSignalBackend<T>, address?: string): MockSignalBackend<T> {
    return new MockSignalBackend<T>({
      ...soft.metadata,
      datatype: soft.datatype,
      initial: soft.getValue(),
      ...(address === undefined ? {} : { address }),
    });
  }

  get datatype(): SignalDatatype {
    return this.#soft.datatype;
  }

  source(name: string, _read = true): string {
    return `mock://${this.#address ?? name}`;
  }

  connect(_timeoutMs: number): void {}

  put(value: T | undefined, wait: boolean): MaybePromise<void> {
    this.puts.push({ value, wait });
    for (const listener of this.#putListeners) listener(value, wait);
    if (this.#putError) return Promise.reject(this.#putError);
    this.#soft.put(value, wait);
    if (wait && !this.#proceeds) return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Set the readback, as the hardware would (monitors fire). */
  setValue(value: T): void {
    this.#soft.setValue(value);
  }

  /** With false, puts with `wait` stay pending until this is called with true. */
  setPutProceeds(proceeds: boolean): void {
    this.#proceeds = proceeds;
    if (proceeds) {
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const resolve of waiting) resolve();
    }
  }

  /** Make every put fail with `error` (undefined: succeed again). A failed put changes nothing. */
  setPutError(error: Error | undefined): void {
    this.#putError = error;
  }

  /** Call `listener` on each put (before it takes effect); returns the function that removes it. */
  onPut(listener: (value: T | undefined, wait: boolean) => void): () => void {
    this.#putListeners.add(listener);
    return () => this.#putListeners.delete(listener);
  }

  getDatakey(source: string): DataKey {
    return this.#soft.getDatakey(source);
  }

  getReading(): Reading<T> {
    return this.#soft.getReading();
  }

  getValue(): T {
    return this.#soft.getValue();
  }

  getSetpoint(): T {
    return this.#soft.getSetpoint();
  }

  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.#soft.setCallback(callback);
  }
}

/** Mock backends from `mock://name` URIs. */
export function mockBackendFromOptions<T>(address: string, options: BackendOptions<T>): MockSignalBackend<T> {
  const { writeAddress: _w, readOnly: _r, ...rest } = options;
  return new MockSignalBackend<T>({ ...rest, address });
}

registerBackendScheme("mock", mockBackendFromOptions, { replace: true });
