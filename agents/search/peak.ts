import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Agent, AgentFields, AgentReport, DependentValues, IndependentValues, Suggestion, TellRecord } from "../core/agent.ts";
import { checkAskCount, independentVector, scalarReading } from "../core/fields.ts";
import { SettingsReader, type Bounds } from "../core/settings.ts";

export const PEAK_KIND = "peak";

export interface PeakSearchOptions {
  /** @default "peak" */
  name?: string;
  /** Exactly one variable. */
  bounds: Bounds;
  objective: string;
  /** Points of the first, coarse pass over the whole range. @default 11 */
  coarsePoints?: number;
  /** Points of each refining pass, across ±1 step of the previous pass around its best. @default 5 */
  refinePoints?: number;
  /** Refining passes after the coarse one. @default 3 */
  passes?: number;
  /** Look for the lowest value instead (a dip). @default false */
  minimize?: boolean;
}

export const DEFAULT_PEAK_SEARCH = { coarsePoints: 11, refinePoints: 5, passes: 3, minimize: false } as const;

/**
 * A one-dimensional peak search: a coarse scan, then passes that zoom in around the best point so far, each
 * spanning ±1 step of the pass before. Each pass is planned only once the previous one is measured, so `ask`
 * returns nothing while measurements are outstanding; the last point of the last pass carries `done`.
 */
export class PeakSearchAgent implements Agent {
  readonly name: string;
  readonly fields: AgentFields;
  private readonly key: string;
  private readonly lo: number;
  private readonly hi: number;
  private readonly opts: Required<Omit<PeakSearchOptions, "name" | "bounds" | "objective">>;
  private pass = 0;
  private queue: number[] = [];
  private outstanding = 0;
  private step = 0;
  private observed: { x: number; y: number }[] = [];

  constructor(private readonly options: PeakSearchOptions) {
    this.name = options.name ?? PEAK_KIND;
    const keys = Object.keys(options.bounds);
    if (keys.length !== 1) throw new InvalidArgumentError(`agent "${this.name}": a peak search takes exactly one variable, got ${keys.length} (${keys.join(", ")})`, keys);
    this.key = keys[0]!;
    [this.lo, this.hi] = options.bounds[this.key]!;
    this.fields = { independent: [this.key], dependent: [options.objective] };
    this.opts = { ...DEFAULT_PEAK_SEARCH, ...stripUndefined(options) } as PeakSearchAgent["opts"];
    if (!Number.isInteger(this.opts.coarsePoints) || this.opts.coarsePoints < 3) throw new InvalidArgumentError(`agent "${this.name}": coarsePoints must be an integer >= 3, got ${this.opts.coarsePoints}`, this.opts.coarsePoints);
    if (!Number.isInteger(this.opts.refinePoints) || this.opts.refinePoints < 3) throw new InvalidArgumentError(`agent "${this.name}": refinePoints must be an integer >= 3, got ${this.opts.refinePoints}`, this.opts.refinePoints);
    this.reset();
  }

  static fromSettings(settings: unknown, name?: string): PeakSearchAgent {
    return new PeakSearchAgent(peakOptionsFromSettings(settings, name ?? PEAK_KIND));
  }

  reset(): void {
    const n = this.opts.coarsePoints;
    this.step = (this.hi - this.lo) / (n - 1);
    this.queue = Array.from({ length: n }, (_, i) => (i === n - 1 ? this.hi : this.lo + i * this.step));
    this.pass = 0;
    this.outstanding = 0;
    this.observed = [];
  }

  best(): { points: IndependentValues; value: number } | null {
    if (this.observed.length === 0) return null;
    const sign = this.opts.minimize ? -1 : 1;
    const b = this.observed.reduce((a, o) => (sign * o.y > sign * a.y ? o : a));
    return { points: { [this.key]: b.x }, value: b.y };
  }

  tell(x: IndependentValues, y: DependentValues): TellRecord {
    const at = independentVector(x, [this.key], this.name)[0]!;
    const value = scalarReading(y, this.options.objective, this.name);
    this.observed.push({ x: at, y: value });
    if (this.outstanding > 0) this.outstanding--;
    if (this.outstanding === 0 && this.queue.length === 0 && this.pass < this.opts.passes) this.planNextPass();
    return { pass: this.pass, objective: value, best: this.best()!.value };
  }

  private planNextPass(): void {
    const centre = this.best()!.points[this.key]!;
    const from = Math.max(this.lo, centre - this.step);
    const to = Math.min(this.hi, centre + this.step);
    const n = this.opts.refinePoints;
    this.step = (to - from) / (n - 1);
    this.queue = Array.from({ length: n }, (_, i) => (i === n - 1 ? to : from + i * this.step));
    this.pass++;
  }

  private get finished(): boolean {
    return this.pass >= this.opts.passes && this.queue.length === 0;
  }

  ask(n = 1): Suggestion[] {
    checkAskCount(n, this.name);
    const out: Suggestion[] = [];
    while (out.length < n && this.queue.length > 0) {
      const x = this.queue.shift()!;
      this.outstanding++;
      const s: Suggestion = { points: { [this.key]: x }, rationale: this.pass === 0 ? "coarse pass" : `refining pass ${this.pass} of ${this.opts.passes}, step ${this.step.toPrecision(3)}` };
      if (this.finished) s.done = true;
      out.push(s);
    }
    return out;
  }

  report(): AgentReport {
    const best = this.best();
    return {
      agent: this.name,
      kind: PEAK_KIND,
      observations: this.observed.length,
      done: this.finished && this.outstanding === 0,
      pass: this.pass,
      step: this.step,
      best: best === null ? null : { points: best.points, value: best.value },
    };
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Settings of the "peak" agent: `bounds` (one variable), `objective`, optional `coarsePoints`, `refinePoints`, `passes`, `minimize`. */
export function peakOptionsFromSettings(settings: unknown, name: string): PeakSearchOptions {
  const s = new SettingsReader(name, settings);
  const bounds = s.bounds("bounds");
  if (Object.keys(bounds).length !== 1) s.fail("bounds", "must name exactly one variable", Object.keys(bounds));
  if (!s.has("objective")) s.fail("objective", "is required (the name of the reading whose peak to find)");
  const options: PeakSearchOptions = {
    name,
    bounds,
    objective: s.string("objective", ""),
    coarsePoints: s.number("coarsePoints", DEFAULT_PEAK_SEARCH.coarsePoints, { min: 3, integer: true }),
    refinePoints: s.number("refinePoints", DEFAULT_PEAK_SEARCH.refinePoints, { min: 3, integer: true }),
    passes: s.number("passes", DEFAULT_PEAK_SEARCH.passes, { min: 0, integer: true }),
    minimize: s.boolean("minimize", DEFAULT_PEAK_SEARCH.minimize),
  };
  s.finish();
  return options;
}
