/**
 * Signals, after ophyd-async: the class names the capability (SignalR reads, SignalW writes, SignalRW both,
 * SignalX executes), a type parameter the value. Signals add policy (caching while monitored or staged,
 * timeouts, mocking) and delegate I/O to their backend. Soft backends answer synchronously, and the fast
 * paths here keep it that way: a soft read is one small object, a soft set returns the shared done Status.
 */
import { Observable } from "rxjs";
import type { DataKey, Location, Reading, SetOptions, Subscribable } from "../../engine/protocols.ts";
import { type ConnectOptions, DEFAULT_TIMEOUT_MS, Device } from "./device.ts";
import { NoCachedReadingError, SignalNotConnectedError } from "./errors.ts";
import { MockSignalBackend } from "./mock_signal_backend.ts";
import {
  type BackendOptions,
  lookupBackend,
  type MaybePromise,
  type ReadingCallback,
  type SignalBackend,
  unknownSchemeError,
} from "./signal_backend.ts";
import { SoftSignalBackend } from "./soft_signal_backend.ts";
import { AsyncStatus, isPromiseLike, Status, withTimeout } from "./status.ts";

export interface SignalOptions<T = unknown> {
  /** The signal's name (usually given by its parent device instead). @default "" */
  name?: string;
  /** Limit for connect, reads and puts, in ms. @default DEFAULT_TIMEOUT_MS */
  timeoutMs?: number;
  /** Given to the backend a URI makes (datatype, metadata, initial value, write address), and to the mock
   * `connect({ mock: true })` swaps in; soft signals mock themselves. @default {} (mocks hold numbers) */
  backendOptions?: BackendOptions<T>;
}

/** A placeholder until connect: the URI's scheme had no backend when the signal was made. */
class UnresolvedBackend<T> implements SignalBackend<T> {
  constructor(readonly uri: string, readonly options: BackendOptions<T>) {}
  #fail(): never {
    throw new SignalNotConnectedError(this.uri);
  }
  source(): string {
    return this.uri;
  }
  connect(): void {
    throw unknownSchemeError(this.uri);
  }
  put(): never {
    this.#fail();
  }
  getDatakey(): never {
    this.#fail();
  }
  getReading(): never {
    this.#fail();
  }
  getValue(): never {
    this.#fail();
  }
  getSetpoint(): never {
    this.#fail();
  }
  setCallback(): void {}
}

interface Cache<T> {
  reading: Reading<T> | undefined;
  readonly listeners: Set<ReadingCallback<T>>;
  staged: boolean;
  readonly onReading: ReadingCallback<T>;
}

export class Signal<T> extends Device {
  readonly timeoutMs: number;
  #real: SignalBackend<T>;
  #backend: SignalBackend<T>;
  readonly #backendOptions: BackendOptions<T>;
  #cache: Cache<T> | undefined;

  /** `backend` may be a URI (`soft://x`, `ca://PV`); an unregistered scheme is looked up again at connect. */
  constructor(backend: SignalBackend<T> | string, options: SignalOptions<T> = {}) {
    super(options.name ?? "");
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#backendOptions = options.backendOptions ?? {};
    if (typeof backend === "string")
      backend = lookupBackend<T>(backend, this.#backendOptions) ?? new UnresolvedBackend<T>(backend, this.#backendOptions);
    this.#real = backend;
    this.#backend = backend;
  }

  /** The backend in use (the mock one after `connect({ mock: true })`). */
  get backend(): SignalBackend<T> {
    return this.#backend;
  }

  /** Where the value lives, e.g. `ca://SR:BPM1:X`. */
  get source(): string {
    return this.#backend.source(this.name, true);
  }

  /** Whether `connect({ mock: true })` has swapped in a MockSignalBackend. */
  get isMock(): boolean {
    return this.#backend instanceof MockSignalBackend && !(this.#real instanceof MockSignalBackend);
  }

  protected override async connectSelf(options: ConnectOptions): Promise<void> {
    let next: SignalBackend<T>;
    if (options.mock) {
      next = this.#backend instanceof MockSignalBackend ? this.#backend : this.#makeMock();
    } else {
      if (this.#real instanceof UnresolvedBackend) {
        const resolved = lookupBackend<T>(this.#real.uri, this.#real.options);
        if (!resolved) throw unknownSchemeError(this.#real.uri);
        this.#real = resolved;
      }
      next = this.#real;
    }
    this.#swap(next);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const connecting = next.connect(timeoutMs);
    if (isPromiseLike(connecting)) await withTimeout(connecting, timeoutMs, `${this.source} connect`);
  }

  #makeMock(): MockSignalBackend<T> {
    if (this.#real instanceof SoftSignalBackend) return MockSignalBackend.like(this.#real);
    const { writeAddress: _w, readOnly: _r, ...opts } = this.#backendOptions;
    return new MockSignalBackend<T>(opts);
  }

  #swap(next: SignalBackend<T>): void {
    if (next === this.#backend) return;
    const cache = this.#cache;
    if (cache) this.#backend.setCallback(undefined);
    this.#backend = next;
    if (cache) next.setCallback(cache.onReading);
  }

  /* ---- caching: while anyone monitors the signal or it is staged, readings come from the monitor ---- */

  protected cache(): Cache<T> {
    if (this.#cache) return this.#cache;
    const listeners = new Set<ReadingCallback<T>>();
    const cache: Cache<T> = {
      reading: undefined,
      listeners,
      staged: false,
      onReading: (r) => {
        cache.reading = r;
        for (const l of listeners) l(r);
      },
    };
    this.#cache = cache;
    this.#backend.setCallback(cache.onReading);
    return cache;
  }

  protected releaseCache(): void {
    const cache = this.#cache;
    if (cache && cache.listeners.size === 0 && !cache.staged) {
      this.#cache = undefined;
      this.#backend.setCallback(undefined);
    }
  }

  protected setStaged(staged: boolean): void {
    if (staged) this.cache().staged = true;
    else if (this.#cache) {
      this.#cache.staged = false;
      this.releaseCache();
    }
  }

  /** The cached reading, when the signal is monitored or staged. */
  protected get cachedReading(): Reading<T> | undefined {
    return this.#cache?.reading;
  }

  /** What a timeout error quotes as the last value seen. */
  protected lastValueSeen(): unknown {
    const cached = this.#cache?.reading;
    if (cached) return cached.value;
    try {
      const r = this.#backend.getReading();
      return isPromiseLike(r) ? undefined : r.value;
    } catch {
      return undefined;
    }
  }

  protected timed<V>(value: MaybePromise<V>, what: string): MaybePromise<V> {
    return isPromiseLike(value) ? withTimeout(value, this.timeoutMs, `${this.source} ${what}`, () => this.lastValueSeen()) : value;
  }

  /** Write through the backend and wrap the outcome in a Status (the shared done Status when synchronous). */
  protected putStatus(value: T | undefined, options: SetOptions = {}): Status {
    const wait = options.wait ?? true;
    let result: MaybePromise<void>;
    try {
      result = this.#backend.put(value, wait);
    } catch (err) {
      return Status.failed(err);
    }
    if (!isPromiseLike(result)) return Status.done();
    return new AsyncStatus(result, {
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      name: value === undefined ? `${this.source} trigger` : `${this.source} set to ${JSON.stringify(value)}`,
      lastValue: () => this.lastValueSeen(),
    });
  }
}

export interface ReadOptions {
  /** Use the monitor's cached reading (true), go to the backend (false), or the cache when there is one
   * (undefined). @default undefined */
  cached?: boolean;
}

export class SignalR<T> extends Signal<T> implements Subscribable<T> {
  /** The current reading: synchronous from the cache or an in-memory backend, else a promise. */
  currentReading(options: ReadOptions = {}): MaybePromise<Reading<T>> {
    if (options.cached !== false) {
      const cached = this.cachedReading;
      if (cached) return cached;
      if (options.cached === true)
        throw new NoCachedReadingError(this.name || this.source);
    }
    return this.timed(this.backend.getReading(), "read");
  }

  /** The data key, synchronously when the backend has it at hand. */
  currentDatakey(): MaybePromise<DataKey> {
    return this.timed(this.backend.getDatakey(this.source), "describe");
  }

  read(options?: ReadOptions): Promise<Record<string, Reading<T>>> {
    const name = this.name;
    let r: MaybePromise<Reading<T>>;
    try {
      r = this.currentReading(options);
    } catch (err) {
      return Promise.reject(err);
    }
    if (isPromiseLike(r)) return Promise.resolve(r).then((reading) => ({ [name]: reading }));
    return Promise.resolve({ [name]: r });
  }

  describe(): Promise<Record<string, DataKey>> {
    const name = this.name;
    let d: MaybePromise<DataKey>;
    try {
      d = this.currentDatakey();
    } catch (err) {
      return Promise.reject(err);
    }
    if (isPromiseLike(d)) return Promise.resolve(d).then((key) => ({ [name]: key }));
    return Promise.resolve({ [name]: d });
  }

  async getValue(options?: ReadOptions): Promise<T> {
    const r = this.currentReading(options);
    return (isPromiseLike(r) ? await r : r).value;
  }

  /** Monitor readings: called with the current reading first, then each update. Returns the unsubscribe. */
  subscribeReading(cb: ReadingCallback<T>): () => void {
    const cache = this.cache();
    cache.listeners.add(cb);
    if (cache.reading) cb(cache.reading);
    return () => {
      cache.listeners.delete(cb);
      this.releaseCache();
    };
  }

  /** Subscribable: readings keyed by the signal's name, the current one first. */
  subscribe(cb: (reading: Record<string, Reading<T>>) => void): () => void {
    return this.subscribeReading((r) => cb({ [this.name]: r }));
  }

  subscribeValue(cb: (value: T) => void): () => void {
    return this.subscribeReading((r) => cb(r.value));
  }

  /** Readings as an Observable (the current one first); unsubscribing stops the monitor. */
  observe(): Observable<Reading<T>> {
    return new Observable<Reading<T>>((subscriber) => this.subscribeReading((r) => subscriber.next(r)));
  }

  observeValue(): Observable<T> {
    return new Observable<T>((subscriber) => this.subscribeReading((r) => subscriber.next(r.value)));
  }

  /** Keep a monitor open so reads come from the cache (as ophyd-async does while staged). */
  stage(): Promise<void> {
    this.setStaged(true);
    return Promise.resolve();
  }

  unstage(): Promise<void> {
    this.setStaged(false);
    return Promise.resolve();
  }
}

export class SignalW<T> extends Signal<T> {
  /** Write `value`; with `wait` (default) the Status completes when the write has. */
  set(value: T, options?: SetOptions): Status {
    return this.putStatus(value, options);
  }
}

export class SignalRW<T> extends SignalR<T> {
  set(value: T, options?: SetOptions): Status {
    return this.putStatus(value, options);
  }

  /** Setpoint (last value written) and readback. */
  async locate(): Promise<Location<T>> {
    const sp = this.timed(this.backend.getSetpoint(), "read setpoint");
    const rb = this.currentReading();
    return {
      setpoint: isPromiseLike(sp) ? await sp : sp,
      readback: (isPromiseLike(rb) ? await rb : rb).value,
    };
  }
}

/** An executable signal (a PROC field, a stop button): `trigger()` writes and returns a Status. */
export class SignalX extends Signal<void> {
  trigger(options?: SetOptions): Status {
    return this.putStatus(undefined, options);
  }
}
