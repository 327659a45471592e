/**
 * A read-only backend whose value is computed when read (a beam current decaying in time, a derived
 * quantity). Each read computes afresh, so read() and describe() always agree with the function's output.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { DataKey, Reading } from "../../engine/protocols.ts";
import { inferDatatype, makeDatakey, type SignalDatatype, type SignalMetadata, valueMismatch } from "./datakey.ts";
import { SignalR } from "./signal.ts";
import type { ReadingCallback, SignalBackend } from "./signal_backend.ts";
import { nowSeconds } from "./soft_signal_backend.ts";

export interface ComputedSignalOptions extends SignalMetadata {
  /** @default inferred from the first computed value */
  datatype?: SignalDatatype;
  /** The address used in `source` (`sim://<address>`). @default the signal's name */
  address?: string;
  /** Push a fresh value to monitors this often, in ms (0: only on subscribe). The timer does not keep the
   * process alive. @default 0 */
  updateMs?: number;
}

export class ComputedSignalBackend<T> implements SignalBackend<T> {
  readonly datatype: SignalDatatype;
  readonly #compute: () => T;
  readonly #metadata: SignalMetadata;
  readonly #address: string | undefined;
  readonly #updateMs: number;
  #last: Reading<T>;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(compute: () => T, options: ComputedSignalOptions = {}) {
    const { datatype, address, updateMs, ...metadata } = options;
    this.#compute = compute;
    this.#metadata = metadata;
    this.#address = address;
    this.#updateMs = updateMs ?? 0;
    const first = compute();
    this.datatype = datatype ?? inferDatatype(first, metadata.choices);
    this.#last = this.#stamp(first);
  }

  #stamp(value: T): Reading<T> {
    const problem = valueMismatch(this.datatype, value, this.#metadata.choices);
    if (problem !== undefined)
      throw new InvalidArgumentError(`${this.#address ?? "computed signal"}: computed value does not fit: ${problem}`, value);
    return { value, timestamp: nowSeconds(), alarm_severity: 0 };
  }

  source(name: string, _read = true): string {
    return `sim://${this.#address ?? name}`;
  }

  connect(_timeoutMs: number): void {}

  put(value: T | undefined): never {
    throw new InvalidArgumentError(`${this.#address ?? "computed signal"} is read-only: cannot put ${JSON.stringify(value)}`, value);
  }

  getDatakey(source: string): DataKey {
    return makeDatakey(source, this.datatype, this.#last.value, this.#metadata);
  }

  getReading(): Reading<T> {
    this.#last = this.#stamp(this.#compute());
    return this.#last;
  }

  getValue(): T {
    return this.getReading().value;
  }

  getSetpoint(): T {
    return this.getReading().value;
  }

  setCallback(callback: ReadingCallback<T> | undefined): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (!callback) return;
    callback(this.getReading());
    if (this.#updateMs > 0) {
      this.#timer = setInterval(() => callback(this.getReading()), this.#updateMs);
      this.#timer.unref?.();
    }
  }
}

/** A read-only signal computed on each read. */
export function computedSignalR<T>(
  compute: () => T,
  options: ComputedSignalOptions & { name?: string; timeoutMs?: number } = {},
): SignalR<T> {
  const { name, timeoutMs, ...backend } = options;
  return new SignalR<T>(new ComputedSignalBackend(compute, backend), {
    ...(name === undefined ? {} : { name }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}
