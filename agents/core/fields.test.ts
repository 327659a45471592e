import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { dependentVector, measurementFromData } from "./fields.ts";

describe("measurementFromData", () => {
  const fields = { independent: ["hcm1", "hcm2"], dependent: ["orbit", "current"] };

  it("splits an event's data into x and y, copying arrays", () => {
    const orbit = Float64Array.of(0.1, -0.2);
    const m = measurementFromData(fields, { hcm1: 1, hcm2: -1, orbit, current: 300, other: "ignored" }, "svd");
    expect(m).toEqual({ x: { hcm1: 1, hcm2: -1 }, y: { orbit: [0.1, -0.2], current: 300 } });
    expect(Array.isArray(m!.y.orbit)).toBe(true);
  });

  it("returns null for an event without the agent's fields, and names a field of the wrong type", () => {
    expect(measurementFromData(fields, { hcm1: 1, orbit: [1], current: 3 }, "svd")).toBeNull();
    expect(() => measurementFromData(fields, { hcm1: "1", hcm2: 0, orbit: [1], current: 3 }, "svd")).toThrow(InvalidArgumentError);
    expect(() => measurementFromData(fields, { hcm1: "1", hcm2: 0, orbit: [1], current: 3 }, "svd")).toThrow('agent "svd": field "hcm1" must be a number, got "1"');
    expect(() => measurementFromData(fields, { hcm1: 1, hcm2: 0, orbit: ["a"], current: 3 }, "svd")).toThrow('agent "svd": field "orbit" must be a number or an array of numbers, got ["a"]');
  });
});

describe("dependentVector", () => {
  it("concatenates scalar and array readings in the order of the keys and refuses non-finite ones", () => {
    expect(Array.from(dependentVector({ b: [3, 4], a: 1 }, ["a", "b"], "x"))).toEqual([1, 3, 4]);
    expect(() => dependentVector({ a: [1, NaN] }, ["a"], "orbit")).toThrow('agent "orbit": reading 1 of a is NaN; readings must be finite');
  });
});
