import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Agent, AgentFields, AgentReport, DependentValues, IndependentValues, Suggestion, TellRecord } from "../core/agent.ts";
import { checkAskCount } from "../core/fields.ts";
import { SettingsReader, type Bounds } from "../core/settings.ts";
import { ObservationTracker } from "./tracker.ts";

export const GRID_KIND = "grid";

export interface GridSearchOptions {
  /** @default "grid" */
  name?: string;
  /** The box; the first name is the outermost (slowest) loop, as in Bluesky's grid_scan. */
  bounds: Bounds;
  /** Points per dimension (>= 2 includes both bounds; 1 takes the centre), one number for all or per name. */
  points: number | Record<string, number>;
  /** Reverse every other inner pass so motors do not fly back. @default false */
  snake?: boolean;
  /** A reading to keep the best of (for the report); the grid itself ignores it. */
  objective?: string;
}

/** Every point of a regular grid over the bounds, in order; the last carries `done`, after it `ask` is empty. */
export class GridSearchAgent implements Agent {
  readonly name: string;
  readonly fields: AgentFields;
  readonly total: number;
  private readonly axes: Float64Array[];
  private readonly names: readonly string[];
  private next = 0;
  private readonly tracker: ObservationTracker;

  constructor(private readonly options: GridSearchOptions) {
    this.name = options.name ?? GRID_KIND;
    this.names = Object.keys(options.bounds);
    this.fields = { independent: [...this.names], dependent: options.objective === undefined ? [] : [options.objective] };
    this.axes = this.names.map((key) => {
      const count = typeof options.points === "number" ? options.points : options.points[key];
      if (count === undefined || !Number.isInteger(count) || count < 1) {
        throw new InvalidArgumentError(`agent "${this.name}": points for "${key}" must be an integer >= 1, got ${JSON.stringify(count)}`, count);
      }
      const [lo, hi] = options.bounds[key]!;
      if (count === 1) return Float64Array.of((lo + hi) / 2);
      // The last point is exactly `hi`, not lo + (count-1)·step with its rounding.
      return Float64Array.from({ length: count }, (_, i) => (i === count - 1 ? hi : lo + ((hi - lo) * i) / (count - 1)));
    });
    this.total = this.axes.reduce((n, a) => n * a.length, 1);
    this.tracker = new ObservationTracker(this.name, options.objective);
  }

  static fromSettings(settings: unknown, name?: string): GridSearchAgent {
    return new GridSearchAgent(gridOptionsFromSettings(settings, name ?? GRID_KIND));
  }

  /** The grid point with this index (0 ≤ index < total). */
  pointAt(index: number): Record<string, number> {
    const out: Record<string, number> = {};
    let rest = index;
    const digits = new Array<number>(this.axes.length);
    for (let k = this.axes.length - 1; k >= 0; k--) {
      digits[k] = rest % this.axes[k]!.length;
      rest = Math.floor(rest / this.axes[k]!.length);
    }
    if (this.options.snake) {
      // An axis runs backwards on every other pass of it: passes are counted by the index over its own length
      // times the lengths of the axes inside it.
      let inner = 1;
      for (let k = this.axes.length - 1; k >= 1; k--) {
        const len = this.axes[k]!.length;
        if (Math.floor(index / (inner * len)) % 2 === 1) digits[k] = len - 1 - digits[k]!;
        inner *= len;
      }
    }
    this.names.forEach((name, k) => (out[name] = this.axes[k]![digits[k]!]!));
    return out;
  }

  tell(x: IndependentValues, y: DependentValues): TellRecord {
    return this.tracker.record(x, y);
  }

  ask(n = 1): Suggestion[] {
    checkAskCount(n, this.name);
    const out: Suggestion[] = [];
    while (out.length < n && this.next < this.total) {
      const index = this.next++;
      const s: Suggestion = { points: this.pointAt(index), rationale: `grid point ${index + 1} of ${this.total}` };
      if (this.next === this.total) s.done = true;
      out.push(s);
    }
    return out;
  }

  report(): AgentReport {
    return {
      agent: this.name,
      kind: GRID_KIND,
      observations: this.tracker.observations,
      done: this.next >= this.total,
      suggested: this.next,
      total: this.total,
      best: this.tracker.summary(),
    };
  }

  reset(): void {
    this.next = 0;
    this.tracker.reset();
  }
}

/** Settings of the "grid" agent: `bounds`, `points` (a number or per name), optional `snake`, `objective`. */
export function gridOptionsFromSettings(settings: unknown, name: string): GridSearchOptions {
  const s = new SettingsReader(name, settings);
  const bounds = s.bounds("bounds");
  const names = Object.keys(bounds);
  if (!s.has("points")) s.fail("points", "is required (points per dimension)");
  const perName = s.perName("points", names, { min: 1, integer: true })!;
  const options: GridSearchOptions = {
    name,
    bounds,
    points: Object.fromEntries(names.map((k, i) => [k, perName[i]!])),
    snake: s.boolean("snake", false),
    objective: s.has("objective") ? s.string("objective", "") : undefined,
  };
  s.finish();
  return options;
}
