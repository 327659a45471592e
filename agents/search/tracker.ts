import type { DependentValues, IndependentValues, JsonValue } from "../core/agent.ts";
import { scalarReading } from "../core/fields.ts";

/** Counts measurements and, when the agent has an objective, keeps the best one. */
export class ObservationTracker {
  observations = 0;
  private bestX: IndependentValues | null = null;
  private bestY = NaN;

  constructor(
    private readonly agent: string,
    readonly objective: string | undefined,
    /** +1 to keep the highest value, −1 the lowest. */
    private readonly sign = 1,
  ) {}

  record(x: IndependentValues, y: DependentValues): Record<string, JsonValue> {
    this.observations++;
    if (this.objective === undefined) return { observations: this.observations };
    const value = scalarReading(y, this.objective, this.agent);
    if (this.bestX === null || this.sign * value > this.sign * this.bestY) {
      this.bestX = { ...x };
      this.bestY = value;
    }
    return { observations: this.observations, objective: value, best: this.bestY };
  }

  best(): { points: IndependentValues; value: number } | null {
    return this.bestX === null ? null : { points: { ...this.bestX }, value: this.bestY };
  }

  summary(): JsonValue {
    const best = this.best();
    return best === null ? null : { points: best.points, value: best.value };
  }

  reset(): void {
    this.observations = 0;
    this.bestX = null;
    this.bestY = NaN;
  }
}
