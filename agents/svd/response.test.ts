import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { frobeniusNorm, matSub } from "../../sims/math/index.ts";
import { RingSimulator, smallRingLattice } from "../../sims/ring/index.ts";
import { responseFromMeasurements, type ResponseMeasurement } from "./response.ts";

/** What a response-measuring plan records: each corrector kicked by ±kick, the orbit difference to the start. */
function measureByKicks(sim: RingSimulator, kick: number, repeats = 1): ResponseMeasurement[] {
  const out: ResponseMeasurement[] = [];
  sim.step(0.01);
  for (let r = 0; r < repeats; r++) {
    sim.correctorNames.forEach((name, j) => {
      for (const sign of [1, -1]) {
        sim.step(0.01);
        const before = sim.readOrbit();
        sim.setCorrector(j, sign * kick);
        sim.step(0.01);
        const after = sim.readOrbit();
        sim.setCorrector(j, 0);
        out.push({ kicks: { [name]: sign * kick }, orbitChange: after.map((v, i) => v - before[i]!) });
      }
    });
  }
  return out;
}

describe("responseFromMeasurements", () => {
  const lattice = smallRingLattice();

  it("recovers the machine's real response, not the model's, from ± kicks", () => {
    const sim = new RingSimulator({ lattice, bpm: { noiseMm: 0 }, correctors: { dacBits: 0 }, mismatch: { fraction: 0.2 } });
    const { matrix, residualRms } = responseFromMeasurements(sim.correctorNames, measureByKicks(sim, 0.5));
    const real = sim.realResponse();
    expect(frobeniusNorm(matSub(matrix, real)) / frobeniusNorm(real)).toBeLessThan(1e-10);
    expect(residualRms).toBeLessThan(1e-12);
    expect(frobeniusNorm(matSub(matrix, sim.nominalResponse())) / frobeniusNorm(sim.nominalResponse())).toBeCloseTo(0.2, 6);
  });

  it("averages BPM noise down with repeated kicks and reports what it cannot explain", () => {
    const error = (repeats: number): [number, number] => {
      const sim = new RingSimulator({ lattice, seed: 2, bpm: { noiseMm: 0.01 }, correctors: { dacBits: 0 } });
      const { matrix, residualRms } = responseFromMeasurements(sim.correctorNames, measureByKicks(sim, 0.2, repeats));
      return [frobeniusNorm(matSub(matrix, sim.realResponse())), residualRms];
    };
    const [once, residualOnce] = error(1);
    const [many] = error(8);
    expect(many).toBeLessThan(0.5 * once);
    // Difference of two readings with 0.01 mm noise each: about 0.014 mm, part of it absorbed by the fit.
    expect(residualOnce).toBeGreaterThan(0.003);
    expect(residualOnce).toBeLessThan(0.02);
  });

  it("fits kick patterns that move several correctors at once", () => {
    const sim = new RingSimulator({ lattice, bpm: { noiseMm: 0 }, correctors: { dacBits: 0 } });
    const names = sim.correctorNames;
    const patterns: ResponseMeasurement[] = names.map((_, k) => {
      const kicks: Record<string, number> = {};
      names.forEach((name, j) => (kicks[name] = Math.cos((k + 1) * (j + 0.5))));
      sim.setCorrectors(names.map((n) => kicks[n]!));
      sim.step(0.01);
      return { kicks, orbitChange: sim.readOrbit() };
    });
    const { matrix } = responseFromMeasurements(names, patterns);
    expect(frobeniusNorm(matSub(matrix, sim.realResponse()))).toBeLessThan(1e-9);
  });

  it("refuses measurements that leave a corrector's column unknown", () => {
    const run = (): unknown => responseFromMeasurements(["a", "b"], [{ kicks: { a: 1 }, orbitChange: [1, 2] }]);
    expect(run).toThrow(InvalidArgumentError);
    expect(run).toThrow('no measurement kicks "b": the response to it is unknown');
    const together = (): unknown => responseFromMeasurements(["a", "b"], [{ kicks: { a: 1, b: 1 }, orbitChange: [1, 2] }, { kicks: { a: 2, b: 2 }, orbitChange: [2, 4] }]);
    expect(together).toThrow("the kicks do not tell the correctors apart (rank 1 of 2): kick them separately or in independent patterns");
    expect(() => responseFromMeasurements(["a"], [{ kicks: { c: 1 }, orbitChange: [1] }])).toThrow('measurement 0 kicks "c", which is not one of the correctors');
    expect(() => responseFromMeasurements(["a"], [{ kicks: { a: 1 }, orbitChange: [1] }, { kicks: { a: 1 }, orbitChange: [1, 2] }])).toThrow(
      "measurement 1 has 2 orbit values, measurement 0 has 1",
    );
  });
});
