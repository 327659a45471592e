import { Rng } from "../../sims/math/index.ts";
import type { Agent, AgentFields, AgentReport, DependentValues, IndependentValues, Suggestion, TellRecord } from "../core/agent.ts";
import { checkAskCount } from "../core/fields.ts";
import { SettingsReader, type Bounds } from "../core/settings.ts";
import { ObservationTracker } from "./tracker.ts";

export const RANDOM_KIND = "random";

export interface RandomSearchOptions {
  /** @default "random" */
  name?: string;
  bounds: Bounds;
  /** @default 1 */
  seed?: number;
  /** Stop after this many suggestions. @default none */
  maxPoints?: number;
  /** A reading to keep the best of (for the report). */
  objective?: string;
  /** With an objective: keep the lowest value instead of the highest. @default false */
  minimize?: boolean;
}

/** Uniform random points in the bounds from a seeded generator: the baseline every optimiser must beat. */
export class RandomSearchAgent implements Agent {
  readonly name: string;
  readonly fields: AgentFields;
  private readonly names: readonly string[];
  private rng!: Rng;
  private suggested = 0;
  private readonly tracker: ObservationTracker;

  constructor(private readonly options: RandomSearchOptions) {
    this.name = options.name ?? RANDOM_KIND;
    this.names = Object.keys(options.bounds);
    this.fields = { independent: [...this.names], dependent: options.objective === undefined ? [] : [options.objective] };
    this.tracker = new ObservationTracker(this.name, options.objective, options.minimize ? -1 : 1);
    this.reset();
  }

  static fromSettings(settings: unknown, name?: string): RandomSearchAgent {
    return new RandomSearchAgent(randomOptionsFromSettings(settings, name ?? RANDOM_KIND));
  }

  tell(x: IndependentValues, y: DependentValues): TellRecord {
    return this.tracker.record(x, y);
  }

  best(): { points: IndependentValues; value: number } | null {
    return this.tracker.best();
  }

  ask(n = 1): Suggestion[] {
    checkAskCount(n, this.name);
    const max = this.options.maxPoints ?? Infinity;
    const out: Suggestion[] = [];
    while (out.length < n && this.suggested < max) {
      const points: Record<string, number> = {};
      for (const key of this.names) {
        const [lo, hi] = this.options.bounds[key]!;
        points[key] = this.rng.uniformIn(lo, hi);
      }
      this.suggested++;
      const s: Suggestion = { points, rationale: `random point ${this.suggested}${max < Infinity ? ` of ${max}` : ""}` };
      if (this.suggested === max) s.done = true;
      out.push(s);
    }
    return out;
  }

  report(): AgentReport {
    return {
      agent: this.name,
      kind: RANDOM_KIND,
      observations: this.tracker.observations,
      done: this.suggested >= (this.options.maxPoints ?? Infinity),
      suggested: this.suggested,
      best: this.tracker.summary(),
    };
  }

  reset(): void {
    this.rng = new Rng(this.options.seed ?? 1).derive("random-search");
    this.suggested = 0;
    this.tracker.reset();
  }
}

/** Settings of the "random" agent: `bounds`, optional `seed`, `maxPoints`, `objective`, `minimize`. */
export function randomOptionsFromSettings(settings: unknown, name: string): RandomSearchOptions {
  const s = new SettingsReader(name, settings);
  const options: RandomSearchOptions = {
    name,
    bounds: s.bounds("bounds"),
    seed: s.number("seed", 1, { integer: true }),
    maxPoints: s.number("maxPoints", undefined, { min: 1, integer: true }),
    objective: s.has("objective") ? s.string("objective", "") : undefined,
    minimize: s.boolean("minimize", false),
  };
  s.finish();
  return options;
}
