import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { frobeniusNorm, matSub, matVec, rms, subMatrix } from "../math/matrix.ts";
import { smallRingLattice } from "./lattice-generator.ts";
import { fullResponseMatrix } from "./response.ts";
import { RingSimulator, type RingSimulatorOptions } from "./simulator.ts";

const lattice = smallRingLattice();

/** A quiet small ring: no noise, ideal supplies, so every number can be predicted. */
function quiet(options: RingSimulatorOptions = {}): RingSimulator {
  return new RingSimulator({ lattice, ...options, bpm: { noiseMm: 0, ...options.bpm }, correctors: { dacBits: 0, ...options.correctors } });
}

function orbitAfter(sim: RingSimulator, currents: number[]): Float64Array {
  sim.setCorrectors(currents);
  sim.step(0.001);
  return sim.readOrbit();
}

describe("RingSimulator orbit", () => {
  it("reads R·I from the real response for arbitrary currents", () => {
    const sim = quiet({ mismatch: { fraction: 0.1 } });
    const currents = Array.from({ length: sim.nCorrectors }, (_, j) => 0.3 * Math.sin(j + 1));
    const orbit = orbitAfter(sim, currents);
    const expected = matVec(sim.realResponse(), currents);
    for (let i = 0; i < orbit.length; i++) expect(orbit[i]).toBeCloseTo(expected[i]!, 12);
  });

  it("is linear in the kicks: doubling doubles, two correctors superpose", () => {
    const sim = quiet();
    const n = sim.nCorrectors;
    const one = (j: number, a: number): number[] => Array.from({ length: n }, (_, k) => (k === j ? a : 0));
    const a = orbitAfter(sim, one(1, 0.5));
    const a2 = orbitAfter(sim, one(1, 1));
    const b = orbitAfter(sim, one(8, -0.7));
    const both = orbitAfter(sim, one(1, 0.5).map((x, k) => x + one(8, -0.7)[k]!));
    for (let i = 0; i < a.length; i++) {
      expect(a2[i]).toBeCloseTo(2 * a[i]!, 12);
      expect(both[i]).toBeCloseTo(a[i]! + b[i]!, 12);
    }
  });

  it("uses the closed-orbit formula: nominal response = mrad/A × lattice response", () => {
    const sim = quiet({ correctors: { mradPerA: 0.08 } });
    const lat = fullResponseMatrix(lattice);
    const nominal = sim.nominalResponse();
    for (let i = 0; i < nominal.data.length; i++) expect(nominal.data[i]).toBeCloseTo(0.08 * lat.data[i]!, 14);
    expect(frobeniusNorm(matSub(sim.realResponse(), nominal))).toBe(0);
  });

  it("moves the horizontal orbit by η·δ for an energy offset", () => {
    const sim = quiet();
    sim.setEnergyOffset(1e-3);
    sim.step(0);
    const orbit = sim.readOrbit();
    lattice.bpms.forEach((b, i) => expect(orbit[i]).toBeCloseTo((b.etaX ?? 0) * 1000 * 1e-3, 12));
    expect(rms(orbit, 12, 24)).toBe(0);
  });
});

describe("RingSimulator model mismatch", () => {
  it.each([0.02, 0.1, 0.3])("makes the real response differ from the nominal by exactly %d", (fraction) => {
    const sim = quiet({ mismatch: { fraction, couplingShare: 0.25 } });
    const nominal = sim.nominalResponse();
    const diff = matSub(sim.realResponse(), nominal);
    expect(frobeniusNorm(diff) / frobeniusNorm(nominal)).toBeCloseTo(fraction, 9);
    const cross = Math.hypot(frobeniusNorm(subMatrix(diff, 0, 12, 6, 12)), frobeniusNorm(subMatrix(diff, 12, 24, 0, 6)));
    expect((cross / frobeniusNorm(diff)) ** 2).toBeCloseTo(0.25, 9);
  });

  it("keeps the same machine when only the run seed changes", () => {
    const sim = quiet({ mismatch: { fraction: 0.1 }, seed: 3 });
    const before = sim.realResponse();
    sim.reset({ seed: 99 });
    expect(sim.realResponse().data).toEqual(before.data);
    expect(quiet({ mismatch: { fraction: 0.1 }, seed: 4 }).realResponse().data).not.toEqual(before.data);
  });

  it("refuses a fraction of 1 or more", () => {
    expect(() => quiet({ mismatch: { fraction: 1.5 } })).toThrow(InvalidArgumentError);
    expect(() => quiet({ mismatch: { fraction: 1.5 } })).toThrow("mismatch.fraction must be in [0, 1), got 1.5");
  });
});

describe("RingSimulator correctors", () => {
  it("saturates at the supply limit", () => {
    const sim = quiet({ correctors: { limitA: 2 } });
    expect(sim.setCorrector(0, 7)).toBe(2);
    sim.step(0.001);
    expect(sim.correctorCurrent(0)).toBe(2);
    expect(sim.correctorSaturated(0)).toBe(true);
    const saturated = sim.readOrbit();
    sim.setCorrector(0, 2);
    sim.step(0.001);
    expect(sim.correctorSaturated(0)).toBe(false);
    expect(sim.readOrbit()).toEqual(saturated);
  });

  it("quantises to the DAC step over the full range", () => {
    // 8 bits over ±5 A: one LSB is 10/256 = 0.0390625 A.
    const sim = quiet({ correctors: { limitA: 5, dacBits: 8 } });
    expect(sim.setCorrector(0, 0.05)).toBe(0.0390625);
    expect(sim.setCorrector(0, 0.06)).toBe(0.078125);
    expect(sim.setCorrector(0, 0.019)).toBe(0);
  });

  it("follows a set-point no faster than the slew rate", () => {
    const sim = quiet({ correctors: { slewRateAPerS: 2 } });
    sim.setCorrector(3, 1);
    sim.step(0.1);
    expect(sim.correctorCurrent(3)).toBeCloseTo(0.2, 12);
    sim.step(0.2);
    expect(sim.correctorCurrent(3)).toBeCloseTo(0.6, 12);
    sim.step(1);
    expect(sim.correctorCurrent(3)).toBe(1);
    sim.setCorrector(3, 0.5);
    sim.step(0.1);
    expect(sim.correctorCurrent(3)).toBeCloseTo(0.8, 12);
  });

  it("settles with a first-order lag, and the orbit follows the actual current", () => {
    const sim = quiet({ correctors: { settlingTimeS: 0.1 } });
    const full = orbitAfter(quiet(), Array.from({ length: sim.nCorrectors }, (_, j) => (j === 2 ? 1 : 0)));
    sim.setCorrector(2, 1);
    sim.step(0.1);
    expect(sim.correctorCurrent(2)).toBeCloseTo(1 - Math.exp(-1), 12);
    const partial = sim.readOrbit();
    for (let i = 0; i < full.length; i++) expect(partial[i]).toBeCloseTo(full[i]! * (1 - Math.exp(-1)), 12);
    sim.step(10);
    expect(sim.correctorCurrent(2)).toBe(1);
  });

  it("keeps the orbit equal to R·I(t) while many correctors slew and settle at once", () => {
    const sim = quiet({ mismatch: { fraction: 0.05 }, correctors: { slewRateAPerS: 3, settlingTimeS: 0.05 } });
    const r = sim.realResponse();
    for (let k = 0; k < 60; k++) {
      if (k % 10 === 0) sim.setCorrectors(Array.from({ length: sim.nCorrectors }, (_, j) => Math.sin(k + j)));
      sim.step(0.01);
      const expected = matVec(r, sim.correctorCurrents());
      const orbit = sim.readOrbit();
      for (let i = 0; i < orbit.length; i++) expect(orbit[i]).toBeCloseTo(expected[i]!, 10);
    }
    sim.step(5);
    for (let j = 0; j < sim.nCorrectors; j++) expect(sim.correctorCurrent(j)).toBeCloseTo(Math.sin(50 + j), 12);
  });

  it("rejects a non-finite set-point and an unknown corrector, naming them", () => {
    const sim = quiet();
    expect(() => sim.setCorrector(1, NaN)).toThrow(InvalidArgumentError);
    expect(() => sim.setCorrector(1, NaN)).toThrow("corrector HCM02A set-point must be a finite number of amperes, got NaN");
    expect(() => sim.setCorrector(12, 0)).toThrow("corrector index 12 is out of range (0..11)");
    expect(() => sim.step(-1)).toThrow("step needs a finite dt >= 0 s, got -1");
  });
});

describe("RingSimulator beam", () => {
  it("decays with the lifetime", () => {
    const sim = quiet({ beam: { currentMa: 250, lifetimeH: 10 } });
    sim.step(3600);
    expect(sim.beamCurrentMa).toBeCloseTo(250 * Math.exp(-0.1), 9);
  });

  it("loses the beam when the orbit leaves the aperture and keeps it lost until a refill", () => {
    const sim = quiet({ beam: { apertureXMm: 0.2, apertureYMm: 0.2 } });
    const kick = Array.from({ length: sim.nCorrectors }, (_, j) => (j === 0 ? 5 : 0));
    orbitAfter(sim, kick);
    expect(sim.beamLost).toBe(true);
    expect(sim.beamCurrentMa).toBe(0);
    expect(sim.beamLoss?.plane).toBe("x");
    expect(Math.abs(sim.beamLoss!.orbitMm)).toBeGreaterThan(0.2);
    expect(Number.isNaN(sim.readOrbit()[0])).toBe(true);
    expect(sim.refill()).toBe(false);
    orbitAfter(sim, kick.map(() => 0));
    expect(sim.beamCurrentMa).toBe(0);
    expect(sim.refill(280)).toBe(true);
    expect(sim.beamCurrentMa).toBe(280);
    expect(sim.readOrbit()[0]).toBe(0);
  });
});

describe("RingSimulator imperfections and disturbances", () => {
  it("adds BPM noise of the configured RMS and fixed offsets", () => {
    const sim = new RingSimulator({ lattice, bpm: { noiseMm: 0.002, offsetSigmaMm: 0.1 } });
    const first = sim.readOrbit();
    let sum2 = 0;
    let count = 0;
    for (let k = 0; k < 400; k++) {
      sim.step(0.001);
      const r = sim.readOrbit();
      for (let i = 0; i < r.length; i++) {
        sum2 += (r[i]! - first[i]!) ** 2;
        count++;
      }
    }
    // differences of two noisy readings have variance 2σ²
    expect(Math.sqrt(sum2 / count / 2)).toBeCloseTo(0.002, 3);
    expect(rms(first)).toBeGreaterThan(0.03);
  });

  it("oscillates a harmonic perturbation with its amplitude (RMS over BPMs) and frequency", () => {
    const sim = quiet({ disturbances: [{ kind: "harmonic", plane: "y", frequencyHz: 50, amplitudeMm: 0.004, phaseRad: 0 }] });
    sim.step(0.005);
    expect(sim.rmsOrbit("y")).toBeCloseTo(0.004, 12);
    expect(sim.rmsOrbit("x")).toBe(0);
    const quarter = sim.trueOrbit();
    sim.step(0.01);
    const threeQuarters = sim.trueOrbit();
    for (let i = 12; i < 24; i++) expect(threeQuarters[i]).toBeCloseTo(-quarter[i]!, 12);
  });

  it("drifts linearly and jumps at the given time with its ramp", () => {
    const sim = quiet({
      disturbances: [
        { kind: "drift", plane: "x", rateMmPerS: 0.001 },
        { kind: "jump", plane: "y", timeS: 2, amplitudeMm: 0.02, rampS: 1, sourceS: 10 },
      ],
    });
    sim.step(1);
    expect(sim.rmsOrbit("x")).toBeCloseTo(0.001, 12);
    expect(sim.rmsOrbit("y")).toBe(0);
    sim.step(1.5);
    expect(sim.rmsOrbit("x")).toBeCloseTo(0.0025, 12);
    expect(sim.rmsOrbit("y")).toBeCloseTo(0.01, 12);
    sim.step(5);
    expect(sim.rmsOrbit("y")).toBeCloseTo(0.02, 12);
  });

  it("random-walks with RMS growing as D·√t on average", () => {
    let sum2 = 0;
    const runs = 40;
    for (let seed = 1; seed <= runs; seed++) {
      const sim = quiet({ seed, disturbances: [{ kind: "randomWalk", plane: "x", diffusionMmPerSqrtS: 0.01, sources: 1 }] });
      for (let k = 0; k < 100; k++) sim.step(0.04);
      sum2 += sim.rmsOrbit("x") ** 2;
    }
    // after 4 s: E[rms²] = D² t = 4e-4 mm²
    expect(Math.sqrt(sum2 / runs)).toBeGreaterThan(0.014);
    expect(Math.sqrt(sum2 / runs)).toBeLessThan(0.026);
  });

  it("is deterministic under a seed and reproducible after reset", () => {
    const options: RingSimulatorOptions = {
      lattice,
      seed: 7,
      bpm: { noiseMm: 0.001, offsetSigmaMm: 0.01, gainSigma: 0.01 },
      mismatch: { fraction: 0.05 },
      disturbances: [
        { kind: "harmonic", frequencyHz: 50, amplitudeMm: 0.002 },
        { kind: "randomWalk", plane: "y", diffusionMmPerSqrtS: 0.001 },
        { kind: "static", amplitudeMm: 0.1 },
      ],
    };
    const run = (sim: RingSimulator): number[] => {
      const out: number[] = [];
      for (let k = 0; k < 20; k++) {
        sim.setCorrector(k % sim.nCorrectors, 0.1 * k);
        sim.step(0.003);
        out.push(...sim.readOrbit());
      }
      return out;
    };
    const a = new RingSimulator(options);
    const first = run(a);
    expect(run(new RingSimulator(options))).toEqual(first);
    a.reset();
    expect(run(a)).toEqual(first);
    a.reset({ seed: 8 });
    expect(run(a)).not.toEqual(first);
  });
});
