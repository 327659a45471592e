import { describe, expect, it } from "vitest";
import { niceTicks } from "./ticks.ts";

describe("niceTicks", () => {
  it("covers the data with steps of 1, 2, 2.5 or 5 times a power of ten", () => {
    expect(niceTicks(-2, 2)).toMatchObject({ lo: -2, hi: 2, step: 1, labels: ["-2", "-1", "0", "1", "2"] });
    expect(niceTicks(0.03, 0.97)).toMatchObject({ lo: 0, hi: 1, step: 0.2, labels: ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"] });
    expect(niceTicks(0, 1000, { target: 5 }).labels).toEqual(["0", "250", "500", "750", "1000"]);
    expect(niceTicks(3, 124.6, { target: 6 }).labels).toEqual(["0", "25", "50", "75", "100", "125"]);
  });

  it("prints clean values around zero", () => {
    const t = niceTicks(-0.3, 0.3);
    expect(t.values).toContain(0);
    expect(t.labels).toEqual(["-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"]);
  });

  it("prefers the tick count that wastes the least axis", () => {
    expect(niceTicks(39_900, 100_300, { target: 6 })).toMatchObject({ lo: 30_000, hi: 110_000 });
  });

  it("keeps whole steps on integer axes", () => {
    expect(niceTicks(0, 3, { integer: true, target: 8 }).labels).toEqual(["0", "1", "2", "3"]);
  });

  it("widens a zero-width or empty range instead of dividing by zero", () => {
    expect(niceTicks(5, 5).labels).toEqual(["4.50", "4.75", "5.00", "5.25", "5.50"]);
    expect(niceTicks(0, 0)).toMatchObject({ lo: -1, hi: 1 });
    expect(niceTicks(Infinity, -Infinity)).toMatchObject({ lo: 0, hi: 1 });
  });

  it("switches to exponent notation for very large and very small axes", () => {
    expect(niceTicks(0, 3e7, { target: 4 }).labels).toEqual(["0", "1e7", "2e7", "3e7"]);
    expect(niceTicks(1e-5, 4e-5, { target: 4 }).labels).toEqual(["1e-5", "2e-5", "3e-5", "4e-5"]);
    expect(niceTicks(1.5e6, 1.53e6, { target: 4 }).labels).toEqual(["1.50e6", "1.51e6", "1.52e6", "1.53e6"]);
  });
});
