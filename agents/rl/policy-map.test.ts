import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { scenarioSimulator } from "./scenario.ts";
import { PolicyMap, type ObservationKind } from "./policy-map.ts";

const response = scenarioSimulator({}, { seed: 1, machineSeed: 1, mismatch: 0, initialSpreadA: 0, harmonic: null }).nominalResponse();

function mapOf(observe: ObservationKind, history = 2): PolicyMap {
  return new PolicyMap({ response, observe, history });
}

/** The orbit the nominal model gives for corrector changes `du`. */
function orbitOf(du: number[]): Float64Array {
  const e = new Float64Array(response.rows);
  for (let i = 0; i < response.rows; i++) for (let j = 0; j < response.cols; j++) e[i] += response.data[i * response.cols + j]! * du[j]!;
  return e;
}

describe("PolicyMap observations in mode space", () => {
  it("hold k mode coordinates per orbit, the unreachable RMS, past commands and the scale", () => {
    const map = mapOf("modes");
    expect(map.k).toBe(12);
    expect(map.obsSize).toBe(12 * 5 + 2);
    const e = orbitOf([1, -0.5, 0.3, 0, 0.2, -1, 0.4, 0, -0.2, 0.6, 0, 0.1]);
    const obs = map.observe(e);
    const modes = Array.from(obs.subarray(0, 12));
    // An orbit the correctors made is all reachable: its modes carry its whole RMS, nothing is left over.
    expect(Math.sqrt(modes.reduce((a, v) => a + v * v, 0) / 24)).toBeCloseTo(1, 5);
    expect(obs[12]).toBeCloseTo(0, 5);
    expect(Array.from(obs.subarray(13, 61)).every((v) => v === 0)).toBe(true);
    const sigma = Math.sqrt(e.reduce((a, v) => a + v * v, 0) / 24);
    expect(obs[61]).toBeCloseTo(Math.log10(sigma / 0.001) / 3, 6);
  });

  it("see an orbit no corrector can reach only in the unreachable RMS", () => {
    const map = mapOf("modes", 0);
    // Build an orbit orthogonal to the response's range: remove its reachable part with the SVD step itself.
    const e = Float64Array.from({ length: 24 }, (_, i) => 0.01 * Math.sin(1.7 * i + 0.3));
    const delta = new Float64Array(12);
    map.act(e, new Float32Array(12), new Float64Array(12), delta);
    const reach = orbitOf(Array.from(delta));
    const rest = e.map((v, i) => v + reach[i]!);
    const obs = map.observe(rest);
    expect(Math.max(...Array.from(obs.subarray(0, 12)).map(Math.abs))).toBeLessThan(1e-6);
    expect(obs[12]).toBeCloseTo(1, 6);
  });

  it("feed the last orbits and commands back as history, in modes", () => {
    const map = mapOf("modes", 1);
    const e = orbitOf([0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const first = map.observe(e);
    map.act(e, new Float32Array(12), new Float64Array(12), new Float64Array(12));
    const next = map.observe(e);
    // The same orbit again: the past orbit's modes equal the present ones, and the past command is the SVD step.
    expect(Array.from(next.subarray(13, 25))).toEqual(Array.from(first.subarray(0, 12)));
    Array.from(next.subarray(25, 37)).forEach((v, j) => expect(v).toBeCloseTo(first[j]!, 5));
  });

  it("keep the readings layout by default, and round-trip the choice through checkpoint data", () => {
    expect(mapOf("readings").obsSize).toBe(24 * 3 + 12 * 2 + 1);
    const again = PolicyMap.fromData(mapOf("modes").toData());
    expect(again.options.observe).toBe("modes");
    const { observe, ...older } = mapOf("readings").toData();
    expect(observe).toBe("readings");
    expect(PolicyMap.fromData(older).options.observe).toBe("readings");
  });

  it("refuses an unknown observation kind, naming it", () => {
    expect(() => mapOf("pixels" as ObservationKind)).toThrow(InvalidArgumentError);
    expect(() => mapOf("pixels" as ObservationKind)).toThrow('policy observe must be one of readings, modes, got "pixels"');
  });
});
