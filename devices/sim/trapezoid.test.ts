import { describe, expect, it } from "vitest";
import { trapezoidProfile } from "./trapezoid.ts";

describe("trapezoidProfile", () => {
  it("accelerates, cruises and decelerates over the expected time", () => {
    // 10 mm at 2 mm/s with 0.5 s ramps: 0.5 mm per ramp, 9 mm cruise in 4.5 s.
    const p = trapezoidProfile(0, 10, 2, 0.5);
    expect(p.duration).toBeCloseTo(5.5, 12);
    expect(p.positionAt(0)).toBe(0);
    expect(p.positionAt(0.5)).toBeCloseTo(0.5, 12);
    expect(p.positionAt(2.75)).toBeCloseTo(5, 12);
    expect(p.positionAt(5.0)).toBeCloseTo(9.5, 12);
    expect(p.positionAt(6)).toBe(10);
    expect(p.positionAt(0.25)).toBeCloseTo(0.125, 12);
  });

  it("is a triangle when the move is too short to reach the velocity, and moves backwards", () => {
    const p = trapezoidProfile(1, 0, 10, 1);
    // a = 10 mm/s^2; half the distance (0.5) takes sqrt(0.1) s.
    expect(p.duration).toBeCloseTo(2 * Math.sqrt(0.1), 12);
    expect(p.positionAt(p.duration / 2)).toBeCloseTo(0.5, 12);
    expect(p.positionAt(p.duration)).toBe(0);
  });

  it("moves at constant velocity with no acceleration time, and instantly at infinite velocity", () => {
    const p = trapezoidProfile(0, -3, 1.5, 0);
    expect(p.duration).toBe(2);
    expect(p.positionAt(1)).toBe(-1.5);
    expect(trapezoidProfile(0, 5, Infinity, 1).duration).toBe(0);
    expect(trapezoidProfile(2, 2, 1, 1).positionAt(0)).toBe(2);
  });
});
