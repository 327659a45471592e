import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.ts";
import type { Event } from "../documents/types.ts";
import type { DataKey, Reading } from "../protocols.ts";
import { RunEngine } from "../run_engine/index.ts";
import { measureOrbitResponse, type OrmResult } from "./orm.ts";
import { FakeMotor } from "./testing.test-helpers.ts";

/** A corrector whose reading matches its description, as the RunEngine checks. */
class FakeCorrector extends FakeMotor {
  override async read(): Promise<Record<string, Reading>> {
    return { [this.name]: { value: this.position, timestamp: 0 } };
  }
}

/** A ring in miniature: 3 BPMs, orbit = R·c + q·c² + offset, read as one array field. */
class FakeOrbit {
  readonly name = "orbit";
  readonly hints = { fields: ["orbit-x", "orbit-rms"] };
  readonly parent = undefined;
  reads = 0;
  constructor(
    readonly correctors: FakeMotor[],
    readonly response: number[][],
    readonly quadratic: number[],
  ) {}
  value(): number[] {
    return this.response.map((row, i) => row.reduce((s, r, j) => s + r * this.correctors[j]!.position + this.quadratic[i]! * this.correctors[j]!.position ** 2, 0.1 * i));
  }
  async read(): Promise<Record<string, Reading>> {
    this.reads++;
    const v = this.value();
    return { "orbit-x": { value: v, timestamp: 0 }, "orbit-rms": { value: Math.hypot(...v), timestamp: 0 } };
  }
  async describe(): Promise<Record<string, DataKey>> {
    return { "orbit-x": { dtype: "array", shape: [3], source: "sim:orbit-x" }, "orbit-rms": { dtype: "number", shape: [], source: "sim:orbit-rms" } };
  }
}

const R = [
  [1.5, -0.2],
  [0.3, 2.0],
  [-0.7, 0.4],
];

async function measure(options: Parameters<typeof measureOrbitResponse>[2] = {}) {
  const correctors = [new FakeCorrector("hcm1", 0.25), new FakeCorrector("hcm2", -1)];
  const orbit = new FakeOrbit(correctors, R, [0.05, -0.1, 0.2]);
  const RE = new RunEngine();
  const events: Event[] = [];
  RE.subscribe((name, doc) => {
    if (name === "event") events.push(doc as Event);
  });
  let result: OrmResult | undefined;
  await RE.run(
    (function* () {
      result = yield* measureOrbitResponse(correctors, orbit, options);
    })(),
  );
  return { result: result!, correctors, orbit, events };
}

describe("measureOrbitResponse", () => {
  it("measures each column by a central difference, exact for a quadratic response, and restores the correctors", async () => {
    const { result, correctors, events } = await measure({ delta: [0.5, 0.25] });
    expect(result.correctors).toEqual(["hcm1", "hcm2"]);
    expect(result.fields).toEqual([{ name: "orbit-x", length: 3 }]);
    // d/dc (R c + q c²) at c0 = R + 2 q c0
    const q = [0.05, -0.1, 0.2];
    const c0 = [0.25, -1];
    result.matrix.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(R[i]![j]! + 2 * q[i]! * c0[j]!, 12)));
    expect(correctors.map((c) => c.position)).toEqual(c0);
    // one event per setting: +δ and −δ for each corrector
    expect(events).toHaveLength(4);
    expect(events.map((e) => e.data.hcm1)).toEqual([0.75, -0.25, 0.25, 0.25]);
    expect(events.map((e) => e.data.hcm2)).toEqual([-1, -1, -0.75, -1.25]);
  });

  it("averages several readings per setting, spaced as asked", async () => {
    const started = performance.now();
    const { result, orbit, events } = await measure({ averages: 3, averageInterval: 0.01 });
    // two pauses of 10 ms at each of the 4 settings
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(events).toHaveLength(12);
    expect(orbit.reads).toBe(12);
    expect(result.matrix).toHaveLength(3);
    expect(result.deltas).toEqual([0.5, 0.5]);
  });

  it("takes the orbit fields it is told to, and refuses fields that are not arrays", async () => {
    const { result } = await measure({ fields: ["orbit-x"] });
    expect(result.fields).toEqual([{ name: "orbit-x", length: 3 }]);
    let caught: unknown;
    await measure({ fields: ["orbit-rms"] }).catch((err: unknown) => (caught = err));
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as Error).message).toBe('orbit fields ["orbit-rms"] are not numeric arrays in the reading of orbit');
  });

  it("refuses bad arguments before anything moves", () => {
    const c = [new FakeCorrector("hcm1")];
    const orbit = new FakeOrbit(c, [[1]], [0]);
    const cases: [() => unknown, string][] = [
      [() => measureOrbitResponse([], orbit), "measureOrbitResponse needs a non-empty list of correctors, got []"],
      [() => measureOrbitResponse(c, orbit, { delta: 0 }), "delta of hcm1 must be a finite number > 0, got 0"],
      [() => measureOrbitResponse(c, orbit, { delta: [1, 2] }), "delta has 2 values for 1 correctors"],
      [() => measureOrbitResponse(c, orbit, { settleTime: -1 }), "settleTime must be a finite number >= 0 s, got -1"],
      [() => measureOrbitResponse(c, orbit, { averageInterval: Number.NaN }), "averageInterval must be a finite number >= 0 s, got NaN"],
    ];
    for (const [fn, message] of cases) {
      let caught: unknown;
      try {
        fn();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(InvalidArgumentError);
      expect((caught as Error).message).toBe(message);
    }
    expect(c[0]!.position).toBe(0);
  });
});
