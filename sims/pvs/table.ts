/**
 * A table of simulated PVs for one simulator, as an IOC's record database holds them. Time follows a clock
 * (wall clock by default, a fake one in tests): before any read the table brings the simulator up to now and
 * recomputes the PVs that mirror it, and while anyone monitors a PV (or something moves) a ticker does the same
 * so monitors see changes without polling. Faults (`applyFault`) make it misbehave on purpose.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import { PvNotFoundError } from "./errors.ts";
import { type FaultSpec, FaultKind } from "./faults.ts";
import { type PvType, SimPv, type SimPvOptions } from "./pv.ts";

export interface SimPvTableOptions {
  /** The table's name, for messages (`ring`, `beamline`). @default "sim" */
  name?: string;
  /** The clock, in ms; only differences matter. @default performance.now */
  clock?: () => number;
  /** How often monitors are refreshed while subscribed, in ms. @default DEFAULT_TICK_MS */
  tickMs?: number;
  /** Reads closer together than this share one refresh (one simulator step), so the PVs a device reads at
   * once come from one snapshot, in ms. @default DEFAULT_MIN_REFRESH_MS */
  minRefreshMs?: number;
}

export const DEFAULT_TICK_MS = 100;
export const DEFAULT_MIN_REFRESH_MS = 1;

/** Called on every refresh with the seconds elapsed since the table was made. */
export type Updater = (elapsedS: number) => void;

/** Something in the table that can misbehave (a motor record, a BPM). */
export type FaultHandler = (fault: FaultSpec) => boolean;

export class SimPvTable {
  readonly name: string;
  readonly tickMs: number;
  readonly minRefreshMs: number;
  readonly #clock: () => number;
  readonly #t0: number;
  readonly #epoch0: number;
  readonly #pvs = new Map<string, SimPv>();
  readonly #updaters: Updater[] = [];
  readonly #faultHandlers: FaultHandler[] = [];
  readonly #dead = new Set<string>();
  readonly #deadPrefixes: string[] = [];
  readonly #faults: FaultSpec[] = [];
  #lastRefresh = Number.NaN;
  #refreshing = false;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #busy = 0;
  #disposed = false;

  constructor(options: SimPvTableOptions = {}) {
    this.name = options.name ?? "sim";
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    if (!(this.tickMs > 0)) throw new InvalidArgumentError(`${this.name}: tickMs must be > 0, got ${this.tickMs}`, this.tickMs);
    this.minRefreshMs = options.minRefreshMs ?? DEFAULT_MIN_REFRESH_MS;
    if (!(this.minRefreshMs >= 0))
      throw new InvalidArgumentError(`${this.name}: minRefreshMs must be >= 0, got ${this.minRefreshMs}`, this.minRefreshMs);
    this.#clock = options.clock ?? (() => performance.now());
    this.#t0 = this.#clock();
    this.#epoch0 = Date.now() / 1000;
  }

  /** The table's clock in ms (the same one its moves and acquisitions use). */
  now(): number {
    return this.#clock();
  }

  /** Seconds since the table was made. */
  elapsedS(): number {
    return (this.#clock() - this.#t0) / 1000;
  }

  /** Timestamps follow the table's clock, anchored at the wall-clock time the table was made. */
  timestamp(): number {
    return this.#epoch0 + this.elapsedS();
  }

  /** Make and add a PV. */
  create(name: string, type: PvType, options: SimPvOptions = {}): SimPv {
    return this.add(new SimPv(name, type, options));
  }

  add(pv: SimPv): SimPv {
    if (this.#pvs.has(pv.name)) throw new InvalidArgumentError(`${this.name}: PV ${JSON.stringify(pv.name)} is already in the table`, pv.name);
    const table = this;
    pv.attach({ refresh: () => table.refresh(), refreshNow: () => table.refreshNow(), timestamp: () => table.timestamp() });
    this.#pvs.set(pv.name, pv);
    return pv;
  }

  /** Run `update` on every refresh (after the ones added before it). */
  addUpdater(update: Updater): void {
    this.#updaters.push(update);
  }

  addFaultHandler(handler: FaultHandler): void {
    this.#faultHandlers.push(handler);
  }

  has(name: string): boolean {
    return this.#pvs.has(name);
  }

  /** The PV, or undefined (also for a dead PV, which no client can reach). */
  lookup(name: string): SimPv | undefined {
    return this.isDead(name) ? undefined : this.#pvs.get(name);
  }

  /** The PV, dead or not; throws PvNotFoundError naming the closest names when there is none. */
  get(name: string): SimPv {
    const pv = this.#pvs.get(name);
    if (!pv) throw new PvNotFoundError(name, this.suggest(name));
    return pv;
  }

  /** Up to three names close to `name` (same prefix first), for error messages. */
  suggest(name: string): string[] {
    const scored = [...this.#pvs.keys()].map((n) => [n, distance(n, name)] as const);
    scored.sort((a, b) => a[1] - b[1]);
    return scored.filter(([, d]) => d <= Math.max(3, name.length / 3)).slice(0, 3).map(([n]) => n);
  }

  get names(): string[] {
    return [...this.#pvs.keys()];
  }

  pvs(): IterableIterator<SimPv> {
    return this.#pvs.values();
  }

  get size(): number {
    return this.#pvs.size;
  }

  /* ---- time ---- */

  /** Bring the simulator and every computed PV up to the clock (a no-op within `minRefreshMs` of the last). */
  refresh(): void {
    if (this.#refreshing || this.#disposed) return;
    const now = this.#clock();
    if (now === this.#lastRefresh || now - this.#lastRefresh < this.minRefreshMs) return;
    this.#refreshing = true;
    try {
      this.#lastRefresh = now;
      const t = (now - this.#t0) / 1000;
      for (const u of this.#updaters) u(t);
    } finally {
      this.#refreshing = false;
    }
  }

  /** Refresh even when the clock has not moved (after a put changed the simulator's state). */
  refreshNow(): void {
    this.#lastRefresh = Number.NaN;
    this.refresh();
  }

  /**
   * Run `fn` once the clock reaches `atMs` (after a refresh). The timer keeps the process alive, as a move
   * in progress should. Returns a cancel function.
   */
  at(atMs: number, fn: () => void): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const arm = () => {
      const wait = Math.max(0, atMs - this.#clock());
      timer = setTimeout(() => {
        if (cancelled || this.#disposed) return;
        // Timers may fire a little before the clock shows the time; wait out the rest.
        if (this.#clock() < atMs) return arm();
        this.refresh();
        fn();
      }, Math.ceil(wait));
    };
    arm();
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }

  /**
   * Mark the start of something that changes in time (a move); until `release` is called the ticker runs so
   * monitors follow it.
   */
  hold(): () => void {
    this.#busy++;
    this.#syncTicker();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#busy--;
      this.#syncTicker();
    };
  }

  /** Keep the ticker running while `n` monitors are open (the sim backend reports them). */
  monitorOpened(): () => void {
    return this.hold();
  }

  #syncTicker(): void {
    if (this.#busy > 0 && this.#ticker === undefined && !this.#disposed) {
      this.#ticker = setInterval(() => this.refresh(), this.tickMs);
      // Monitors alone must not keep a process alive; moves keep it alive through their own timers.
      this.#ticker.unref?.();
    } else if (this.#busy === 0 && this.#ticker !== undefined) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  /* ---- faults ---- */

  /** Make the table misbehave as `fault` says; refused when nothing in the table matches it. */
  applyFault(fault: FaultSpec): void {
    if (fault.kind === FaultKind.deadPv) {
      const target = fault.pv;
      if (target.endsWith("*")) {
        const prefix = target.slice(0, -1);
        if (![...this.#pvs.keys()].some((n) => n.startsWith(prefix)))
          throw new InvalidArgumentError(`${this.name}: fault ${JSON.stringify(fault)} matches no PV`, fault);
        this.#deadPrefixes.push(prefix);
      } else {
        this.get(target);
        this.#dead.add(target);
      }
    } else if (!this.#faultHandlers.some((h) => h(fault))) {
      throw new InvalidArgumentError(`${this.name}: fault ${JSON.stringify(fault)} matches nothing in this table`, fault);
    }
    this.#faults.push(fault);
  }

  get faults(): readonly FaultSpec[] {
    return this.#faults;
  }

  /** Whether the PV is dead (a fault): it exists but never connects. */
  isDead(name: string): boolean {
    return this.#dead.has(name) || this.#deadPrefixes.some((p) => name.startsWith(p));
  }

  /** Stop the ticker; later reads no longer advance the simulator. */
  dispose(): void {
    this.#disposed = true;
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
