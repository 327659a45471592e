import { describe, expect, it } from "vitest";
import type { Event, RunStart } from "../documents/types.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { DataKey, Reading } from "../protocols.ts";
import { RunEngine } from "../run_engine/index.ts";
import { ORBIT_RESPONSE_PLAN_NAME, orbitResponse } from "./orbit-response.ts";
import type { OrbitResponseOptions } from "./orbit-response.ts";
import { FakeMotor } from "./testing.test-helpers.ts";

/** A corrector whose reading matches its description, as the RunEngine checks. */
class FakeCorrector extends FakeMotor {
  override async read(): Promise<Record<string, Reading>> {
    return { [this.name]: { value: this.position, timestamp: 0 } };
  }
}

/** A ring in miniature: 3 BPMs, orbit = R·c + offset, read as one array field. */
class FakeOrbit {
  readonly name = "orbit";
  readonly hints = { fields: ["orbit-x"] };
  readonly parent = undefined;
  reads = 0;
  constructor(
    readonly correctors: FakeMotor[],
    readonly response: number[][],
  ) {}
  async read(): Promise<Record<string, Reading>> {
    this.reads++;
    const v = this.response.map((row, i) => row.reduce((s, r, j) => s + r * this.correctors[j]!.position, 0.1 * i));
    return { "orbit-x": { value: v, timestamp: 0 } };
  }
  async describe(): Promise<Record<string, DataKey>> {
    return { "orbit-x": { dtype: "array", shape: [3], source: "sim:orbit-x" } };
  }
}

const R = [
  [1.5, -0.2],
  [0.3, 2.0],
  [-0.7, 0.4],
];

async function measure(options: Partial<OrbitResponseOptions> = {}) {
  const correctors = [new FakeCorrector("hcm1", 0.25), new FakeCorrector("hcm2", -1)];
  const orbit = new FakeOrbit(correctors, R);
  const RE = new RunEngine();
  const events: Event[] = [];
  let start: RunStart | undefined;
  RE.subscribe((name, doc) => {
    if (name === "event") events.push(doc as Event);
    if (name === "start") start = doc as RunStart;
  });
  await RE.run(orbitResponse({ detectors: [orbit], correctors, kick: 0.5, ...options }));
  return { correctors, orbit, events, start: start! };
}

describe("orbitResponse", () => {
  it("kicks each corrector both ways, one event per setting, between readings at the untouched set-points", async () => {
    const { correctors, events, start } = await measure();
    expect(events.map((e) => e.data.hcm1)).toEqual([0.25, 0.75, -0.25, 0.25, 0.25, 0.25]);
    expect(events.map((e) => e.data.hcm2)).toEqual([-1, -1, -1, -0.5, -1.5, -1]);
    expect(correctors.map((c) => c.position)).toEqual([0.25, -1]);
    // The documents carry the response: the central difference of the two kicked orbits is R's column.
    const orbitAt = (i: number) => events[i]!.data["orbit-x"] as number[];
    orbitAt(1).forEach((v, i) => expect((v - orbitAt(2)[i]!) / 1).toBeCloseTo(R[i]![0]!, 12));
    orbitAt(3).forEach((v, i) => expect((v - orbitAt(4)[i]!) / 1).toBeCloseTo(R[i]![1]!, 12));
    expect(start).toMatchObject({ plan_name: ORBIT_RESPONSE_PLAN_NAME, num_points: 6, motors: ["hcm1", "hcm2"], detectors: ["orbit"] });
  });

  it("reads each setting several times, spaced as asked, and once each way when unipolar", async () => {
    const started = performance.now();
    const { orbit, events, start } = await measure({ averages: 3, averageInterval: 0.01 });
    // two pauses of 10 ms at each of the 6 settings
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(events).toHaveLength(18);
    expect(orbit.reads).toBe(18);
    expect(events.slice(3, 6).map((e) => e.data.hcm1)).toEqual([0.75, 0.75, 0.75]);
    expect(start).toMatchObject({ num_points: 18, plan_args: { kick: 0.5, bipolar: true, settle: 0, averages: 3, average_interval: 0.01 } });
    const unipolar = await measure({ bipolar: false });
    expect(unipolar.events.map((e) => e.data.hcm1)).toEqual([0.25, 0.75, 0.25, 0.25]);
  });

  it("puts the kicked corrector back when a reading fails mid-measurement", async () => {
    const correctors = [new FakeCorrector("hcm1", 0.25), new FakeCorrector("hcm2", -1)];
    const orbit = new FakeOrbit(correctors, R);
    const read = orbit.read.bind(orbit);
    orbit.read = async () => {
      if (orbit.reads === 1) throw new InvalidArgumentError("orbit feed lost", undefined);
      return read();
    };
    const RE = new RunEngine();
    await expect(RE.run(orbitResponse({ detectors: [orbit], correctors, kick: 0.5 }))).rejects.toThrow("orbit feed lost");
    expect(correctors.map((c) => c.position)).toEqual([0.25, -1]);
  });

  it("refuses to kick a corrector that reports no numeric set-point, instead of returning it to 0", async () => {
    class NoSetpoint extends FakeCorrector {
      override async locate() {
        return { setpoint: "unknown" as unknown as number, readback: this.position };
      }
    }
    const correctors = [new NoSetpoint("hcm1", 0.25)];
    const RE = new RunEngine();
    const run = RE.run(orbitResponse({ detectors: [new FakeOrbit(correctors, [[1], [0], [0]])], correctors, kick: 0.5 }));
    await expect(run).rejects.toThrow(InvalidArgumentError);
    await expect(run).rejects.toThrow('orbitResponse: hcm1 reports no numeric set-point to return to, got "unknown"');
    expect(correctors[0]!.position).toBe(0.25);
  });

  it("refuses bad arguments before anything moves", () => {
    const c = [new FakeCorrector("hcm1")];
    const orbit = new FakeOrbit(c, [[1]]);
    const cases: [Partial<OrbitResponseOptions>, string][] = [
      [{ correctors: [] }, "orbitResponse: give at least one corrector to kick"],
      [{ kick: 0 }, "orbitResponse: kick must be a finite number > 0, got 0"],
      [{ settle: -1 }, "orbitResponse: settle must be a finite number >= 0 s, got -1"],
      [{ averages: 1.5 }, "orbitResponse: averages must be an integer >= 1, got 1.5"],
      [{ averageInterval: Number.NaN }, "orbitResponse: averageInterval must be a finite number >= 0 s, got NaN"],
    ];
    for (const [bad, message] of cases) {
      const plan = orbitResponse({ detectors: [orbit], correctors: c, kick: 1, ...bad });
      expect(() => plan.next()).toThrow(InvalidArgumentError);
      expect(() => orbitResponse({ detectors: [orbit], correctors: c, kick: 1, ...bad }).next()).toThrow(message);
    }
    expect(c[0]!.position).toBe(0);
  });
});
