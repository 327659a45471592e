/**
 * Small in-memory devices satisfying the protocols, for the engine's own tests: a Status, a motor with limits,
 * a detector, a signal that can be monitored, a flyer.
 */
import type { AnyDocument, DataKey, DocumentName } from "../documents/types.ts";
import { FailedStatusError, LimitError, TimeoutError } from "../errors.ts";
import type { CollectedPage, Location, Reading, SetOptions, Status, StatusProgress } from "../protocols.ts";
import { RunEngine } from "./run_engine.ts";
import type { RunEngineOptions } from "./options.ts";

export class TestStatus implements Status {
  done = false;
  success = false;
  error: Error | undefined = undefined;
  private readonly callbacks: ((s: Status) => void)[] = [];
  private readonly promise: Promise<void>;
  private settle!: (err?: Error) => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly timeoutMs: number | undefined = undefined,
    what = "status",
  ) {
    this.promise = new Promise<void>((resolve, reject) => {
      this.settle = (err) => (err ? reject(err) : resolve());
    });
    this.promise.catch(() => undefined);
    if (timeoutMs !== undefined) this.timer = setTimeout(() => this.finish(new TimeoutError(what, timeoutMs)), timeoutMs);
  }

  static done(): TestStatus {
    const s = new TestStatus();
    s.finish();
    return s;
  }

  static failed(err: Error): TestStatus {
    const s = new TestStatus();
    s.finish(err);
    return s;
  }

  finish(err?: Error): void {
    if (this.done) return;
    clearTimeout(this.timer);
    this.done = true;
    this.success = err === undefined;
    this.error = err;
    this.settle(err);
    for (const cb of this.callbacks.splice(0)) cb(this);
  }

  then<A = void, B = never>(
    onfulfilled?: ((value: void) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    return this.promise.then(onfulfilled, onrejected);
  }

  addCallback(cb: (status: Status) => void): void {
    if (this.done) cb(this);
    else this.callbacks.push(cb);
  }

  watch(_cb: (p: StatusProgress) => void): () => void {
    return () => undefined;
  }
}

const now = (): number => Date.now() / 1000;
const numberKey = (source: string): DataKey => ({ dtype: "number", shape: [], source });

/** A motor with limits; moves take `moveMs` (0: at once). */
export class SoftMotor {
  position = 0;
  setpoint = 0;
  velocity = 1;
  moveMs = 0;
  readonly stopCalls: boolean[] = [];
  readonly sets: unknown[] = [];
  private moving: TestStatus | null = null;
  readonly hints = { fields: [] as string[] };

  constructor(
    readonly name: string,
    readonly lim: readonly [number, number] = [-100, 100],
  ) {
    this.hints.fields.push(name);
  }

  limits(): readonly [number, number] {
    return this.lim;
  }

  set(value: unknown, options?: SetOptions): Status {
    this.sets.push(value);
    const v = Number(value);
    if (v < this.lim[0] || v > this.lim[1]) return TestStatus.failed(new LimitError(this.name, value, this.lim));
    this.setpoint = v;
    if (this.moveMs === 0) {
      this.position = v;
      return TestStatus.done();
    }
    const st = new TestStatus(options?.timeoutMs, `set of ${this.name}`);
    this.moving = st;
    setTimeout(() => {
      if (st.done) return;
      this.position = v;
      st.finish();
    }, this.moveMs);
    return st;
  }

  async stop(success = true): Promise<void> {
    this.stopCalls.push(success);
    this.moving?.finish(success ? undefined : new FailedStatusError(`${this.name} stopped`));
    this.moving = null;
  }

  async locate(): Promise<Location<number>> {
    return { setpoint: this.setpoint, readback: this.position };
  }

  async read(): Promise<Record<string, Reading>> {
    const t = now();
    return { [this.name]: { value: this.position, timestamp: t }, [`${this.name}_setpoint`]: { value: this.setpoint, timestamp: t } };
  }

  async describe(): Promise<Record<string, DataKey>> {
    return { [this.name]: numberKey(`soft://${this.name}`), [`${this.name}_setpoint`]: numberKey(`soft://${this.name}.SP`) };
  }

  async readConfiguration(): Promise<Record<string, Reading>> {
    return { [`${this.name}_velocity`]: { value: this.velocity, timestamp: now() } };
  }

  async describeConfiguration(): Promise<Record<string, DataKey>> {
    return { [`${this.name}_velocity`]: numberKey(`soft://${this.name}.VELO`) };
  }

  async configure(values: Record<string, unknown>): Promise<[Record<string, Reading>, Record<string, Reading>]> {
    const old = await this.readConfiguration();
    if (typeof values.velocity === "number") this.velocity = values.velocity;
    return [old, await this.readConfiguration()];
  }
}

/** A detector whose value is a function of a count (or of a motor); triggers take `triggerMs` (0: at once). */
export class SoftDetector {
  count = 0;
  triggerMs = 0;
  staged = 0;
  unstaged = 0;
  readonly hints: { fields: string[] };

  constructor(
    readonly name: string,
    readonly value: (n: number) => unknown = (n) => n,
  ) {
    this.hints = { fields: [name] };
  }

  trigger(): Status {
    this.count++;
    if (this.triggerMs === 0) return TestStatus.done();
    const st = new TestStatus();
    setTimeout(() => st.finish(), this.triggerMs);
    return st;
  }

  async read(): Promise<Record<string, Reading>> {
    return { [this.name]: { value: this.value(this.count), timestamp: now() } };
  }

  async describe(): Promise<Record<string, DataKey>> {
    return { [this.name]: numberKey(`soft://${this.name}`) };
  }

  async stage(): Promise<void> {
    this.staged++;
  }

  async unstage(): Promise<void> {
    this.unstaged++;
  }
}

/** A signal that calls its subscribers on every put (the current value first), as a beam current would. */
export class SoftSignal<T = number> {
  private readonly subscribers = new Set<(r: Record<string, Reading<T>>) => void>();

  constructor(
    readonly name: string,
    public value: T,
  ) {}

  put(value: T): void {
    this.value = value;
    const r = this.reading();
    for (const cb of [...this.subscribers]) cb(r);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  private reading(): Record<string, Reading<T>> {
    return { [this.name]: { value: this.value, timestamp: now() } };
  }

  subscribe(cb: (r: Record<string, Reading<T>>) => void): () => void {
    this.subscribers.add(cb);
    cb(this.reading());
    return () => this.subscribers.delete(cb);
  }

  async read(): Promise<Record<string, Reading>> {
    return this.reading();
  }

  async describe(): Promise<Record<string, DataKey>> {
    return { [this.name]: numberKey(`soft://${this.name}`) };
  }
}

/** A flyer that yields `points` rows in pages of `pageSize`. */
export class SoftFlyer {
  kickedOff = false;
  completed = false;

  constructor(
    readonly name: string,
    readonly points = 5,
    readonly pageSize = 2,
  ) {}

  kickoff(): Status {
    this.kickedOff = true;
    return TestStatus.done();
  }

  complete(): Status {
    this.completed = true;
    return TestStatus.done();
  }

  async describeCollect(): Promise<Record<string, DataKey>> {
    return { [`${this.name}_x`]: numberKey(`soft://${this.name}.X`) };
  }

  async *collectPages(): AsyncIterable<CollectedPage> {
    for (let start = 0; start < this.points; start += this.pageSize) {
      const n = Math.min(this.pageSize, this.points - start);
      const time = Array.from({ length: n }, () => now());
      yield { time, data: { [`${this.name}_x`]: time.map((_, i) => start + i) }, timestamps: { [`${this.name}_x`]: time } };
    }
  }
}

export type Doc = [DocumentName, AnyDocument];

/** A RunEngine for tests: quiet log, documents collected into `docs`. */
export function testEngine(options: RunEngineOptions = {}): { RE: RunEngine; docs: Doc[]; log: string[] } {
  const log: string[] = [];
  const RE = new RunEngine({ log: (l) => log.push(l), ...options });
  const docs: Doc[] = [];
  RE.subscribe((name, doc) => docs.push([name, doc]));
  return { RE, docs, log };
}

export function docsNamed<T = AnyDocument>(docs: readonly Doc[], name: DocumentName): T[] {
  return docs.filter(([n]) => n === name).map(([, d]) => d as T);
}

/** Resolves once `predicate` holds, checking after each turn of the event loop. */
export async function until(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new TimeoutError("until()", timeoutMs);
    await new Promise((r) => setTimeout(r, 1));
  }
}
