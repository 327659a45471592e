/**
 * A read-only signal computed from other signals (a monochromator's energy from its Bragg angle, a slit gap
 * from two blades). It reads its sources through their signals, so it works over any backend; monitors follow
 * every source. Its sources are connected by the device that owns them.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { DataKey, Reading } from "../../engine/protocols.ts";
import { makeDatakey, type SignalMetadata } from "../core/datakey.ts";
import { SignalR } from "../core/signal.ts";
import type { MaybePromise, ReadingCallback, SignalBackend } from "../core/signal_backend.ts";
import { isPromiseLike } from "../core/status.ts";

export interface DerivedSignalOptions extends SignalMetadata {
  /** Shown in `source` as `derived://<address>`. @default the signal's name */
  address?: string;
  /** @default "" (the parent device names it) */
  name?: string;
}

function combine(readings: readonly Reading<number>[], compute: (...values: number[]) => number, what: string): Reading<number> {
  const value = compute(...readings.map((r) => r.value));
  if (typeof value !== "number") throw new InvalidArgumentError(`${what}: computed a non-number ${String(value)}`, value);
  let timestamp = 0;
  let severity = 0;
  for (const r of readings) {
    timestamp = Math.max(timestamp, r.timestamp);
    severity = Math.max(severity, r.alarm_severity ?? 0);
  }
  return { value, timestamp, alarm_severity: severity };
}

export class DerivedSignalBackend implements SignalBackend<number> {
  readonly #sources: readonly SignalR<number>[];
  readonly #compute: (...values: number[]) => number;
  readonly #metadata: SignalMetadata;
  readonly #address: string | undefined;
  #last: Reading<number> | undefined;
  #unsubscribe: (() => void)[] = [];

  constructor(sources: readonly SignalR<number>[], compute: (...values: number[]) => number, options: DerivedSignalOptions = {}) {
    const { address, name: _n, ...metadata } = options;
    this.#sources = sources;
    this.#compute = compute;
    this.#metadata = metadata;
    this.#address = address;
  }

  source(name: string): string {
    return `derived://${this.#address ?? name}`;
  }

  connect(): void {}

  put(): never {
    throw new InvalidArgumentError(`${this.#address ?? "derived signal"} is computed from other signals and cannot be written`, undefined);
  }

  getReading(): MaybePromise<Reading<number>> {
    const parts = this.#sources.map((s) => s.currentReading());
    const what = this.#address ?? "derived signal";
    if (parts.some(isPromiseLike))
      return Promise.all(parts).then((rs) => (this.#last = combine(rs, this.#compute, what)));
    return (this.#last = combine(parts as Reading<number>[], this.#compute, what));
  }

  getDatakey(source: string): MaybePromise<DataKey> {
    const r = this.getReading();
    if (isPromiseLike(r)) return Promise.resolve(r).then((x) => makeDatakey(source, "number", x.value, this.#metadata));
    return makeDatakey(source, "number", r.value, this.#metadata);
  }

  getValue(): MaybePromise<number> {
    const r = this.getReading();
    return isPromiseLike(r) ? Promise.resolve(r).then((x) => x.value) : r.value;
  }

  getSetpoint(): MaybePromise<number> {
    return this.getValue();
  }

  setCallback(callback: ReadingCallback<number> | undefined): void {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    if (!callback) return;
    const latest: (Reading<number> | undefined)[] = this.#sources.map(() => undefined);
    const what = this.#address ?? "derived signal";
    this.#unsubscribe = this.#sources.map((s, i) =>
      s.subscribeReading((r) => {
        latest[i] = r;
        if (latest.every((x) => x !== undefined)) callback((this.#last = combine(latest as Reading<number>[], this.#compute, what)));
      }),
    );
  }
}

/** A read-only number signal computed from `sources` by `compute` (called with their values in order). */
export function derivedSignalR(
  sources: readonly SignalR<number>[],
  compute: (...values: number[]) => number,
  options: DerivedSignalOptions = {},
): SignalR<number> {
  return new SignalR<number>(new DerivedSignalBackend(sources, compute, options), options.name === undefined ? {} : { name: options.name });
}
