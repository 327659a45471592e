import { describe, expect, it } from "vitest";
import { besselJ, erf, lnGamma, normalCdf } from "./special.ts";

describe("special functions", () => {
  it("matches tabulated erf values", () => {
    expect(erf(0)).toBeCloseTo(0, 7);
    expect(erf(0.5)).toBeCloseTo(0.5204998778, 7);
    expect(erf(1)).toBeCloseTo(0.8427007929, 7);
    expect(erf(2)).toBeCloseTo(0.9953222650, 7);
    expect(erf(-1)).toBeCloseTo(-0.8427007929, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
  });

  it("gives ln Γ of integers as ln (n-1)! and Γ(1/2) = √π", () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 9);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it("matches tabulated Bessel J values", () => {
    expect(besselJ(0, 1)).toBeCloseTo(0.7651976866, 9);
    expect(besselJ(1, 1)).toBeCloseTo(0.4400505857, 9);
    expect(besselJ(2, 2.5)).toBeCloseTo(0.4460590584, 9);
    expect(besselJ(0, 5)).toBeCloseTo(-0.1775967713, 9);
  });
});
