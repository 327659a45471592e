/**
 * A small cycler: an ordered list of points, each giving a value to every key (motor), after the Python
 * `cycler` package that Bluesky's N-D scans take. `add` is the inner product (zip), `mul` the outer product
 * (nested loops, the left one slowest).
 */
import { InvalidArgumentError } from "../errors.ts";
import { objectName } from "../msg.ts";
import type { Movable } from "../protocols.ts";

export class Cycler {
  /** rows[i][j] is the value of keys[j] at point i. */
  private constructor(
    readonly keys: readonly Movable[],
    private readonly rows: readonly (readonly unknown[])[],
  ) {}

  static of(key: Movable, values: Iterable<unknown>): Cycler {
    return new Cycler([key], [...values].map((v) => [v]));
  }

  /** Build from columns: one list of values per key, all the same length. */
  static fromColumns(columns: ReadonlyArray<readonly [Movable, readonly unknown[]]>): Cycler {
    if (columns.length === 0) return new Cycler([], []);
    return columns.map(([k, v]) => Cycler.of(k, v)).reduce((a, b) => a.add(b));
  }

  get length(): number {
    return this.rows.length;
  }

  /** Inner product: point i of both together. Lengths must match and keys must differ. */
  add(other: Cycler): Cycler {
    this.checkDisjoint(other, "add");
    if (this.keys.length === 0) return other;
    if (other.keys.length === 0) return this;
    if (this.length !== other.length)
      throw new InvalidArgumentError(
        `cannot zip trajectories of different lengths: ${this.describe()} has ${this.length} points, ` +
          `${other.describe()} has ${other.length}`,
        other.length,
      );
    return new Cycler([...this.keys, ...other.keys], this.rows.map((r, i) => [...r, ...other.rows[i]!]));
  }

  /** Outer product: every point of `other` for each point of this one (this one is the slow axis). */
  mul(other: Cycler): Cycler {
    this.checkDisjoint(other, "mul");
    if (this.keys.length === 0) return other;
    if (other.keys.length === 0) return this;
    const rows: unknown[][] = [];
    for (const a of this.rows) for (const b of other.rows) rows.push([...a, ...b]);
    return new Cycler([...this.keys, ...other.keys], rows);
  }

  /** Points of `other` after this one's; both must have the same keys. */
  concat(other: Cycler): Cycler {
    if (other.keys.length !== this.keys.length || other.keys.some((k) => !this.keys.includes(k)))
      throw new InvalidArgumentError(`cannot concatenate ${this.describe()} and ${other.describe()}: keys differ`, other);
    const order = this.keys.map((k) => other.keys.indexOf(k));
    return new Cycler(this.keys, [...this.rows, ...other.rows.map((r) => order.map((j) => r[j]))]);
  }

  /** All values of one key, in order. */
  column(key: Movable): unknown[] {
    const j = this.keys.indexOf(key);
    if (j < 0) throw new InvalidArgumentError(`${objectName(key)} is not a key of ${this.describe()}`, key);
    return this.rows.map((r) => r[j]);
  }

  /** The points, each a Map from key to value in key order. */
  points(): Map<Movable, unknown>[] {
    return this.rows.map((r) => new Map(this.keys.map((k, j) => [k, r[j]] as [Movable, unknown])));
  }

  [Symbol.iterator](): Iterator<Map<Movable, unknown>> {
    return this.points()[Symbol.iterator]();
  }

  /** A short JSON-friendly description for metadata: `cycler(m1, m2; 9 points)`. */
  describe(): string {
    return `cycler(${this.keys.map((k) => objectName(k)).join(", ")}; ${this.length} points)`;
  }

  private checkDisjoint(other: Cycler, op: string): void {
    const shared = this.keys.filter((k) => other.keys.includes(k));
    if (shared.length)
      throw new InvalidArgumentError(
        `cannot ${op} trajectories that both move ${shared.map((k) => objectName(k)).join(", ")}`,
        shared,
      );
  }
}

export const cycler = (key: Movable, values: Iterable<unknown>): Cycler => Cycler.of(key, values);

/** Zip trajectories point by point (`c1 + c2 + ...` in Python's cycler). */
export function innerProduct(...cyclers: Cycler[]): Cycler {
  if (cyclers.length === 0) throw new InvalidArgumentError("innerProduct needs at least one trajectory", cyclers);
  return cyclers.reduce((a, b) => a.add(b));
}

/** Nest trajectories, the first slowest (`c1 * c2 * ...` in Python's cycler). */
export function outerProduct(...cyclers: Cycler[]): Cycler {
  if (cyclers.length === 0) throw new InvalidArgumentError("outerProduct needs at least one trajectory", cyclers);
  return cyclers.reduce((a, b) => a.mul(b));
}

/**
 * The outer product where each axis marked in `snaking` runs back and forth (reversed on every other pass of
 * the axes outside it) instead of restarting, after Bluesky's `snake_cyclers`. The first axis cannot snake.
 */
export function snakeCyclers(cyclers: readonly Cycler[], snaking: readonly boolean[]): Cycler {
  if (cyclers.length !== snaking.length)
    throw new InvalidArgumentError(
      `snakeCyclers: ${cyclers.length} trajectories but ${snaking.length} snake flags`,
      snaking.length,
    );
  const lengths = cyclers.map((c) => c.length);
  const total = lengths.reduce((a, b) => a * b, 1);
  const columns: Array<readonly [Movable, unknown[]]> = [];
  cyclers.forEach((c, i) => {
    const repeats = lengths.slice(i + 1).reduce((a, b) => a * b, 1);
    for (const key of c.keys) {
      let values = c.column(key);
      if (snaking[i]) values = [...values, ...[...values].reverse()];
      const expanded = values.flatMap((v) => Array<unknown>(repeats).fill(v));
      const out: unknown[] = [];
      while (out.length < total) out.push(...expanded);
      columns.push([key, out.slice(0, total)]);
    }
  });
  return Cycler.fromColumns(columns);
}
