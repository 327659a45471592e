import { describe, expect, it } from "vitest";
import { frobeniusNorm, matGet, subMatrix } from "../math/matrix.ts";
import { svd } from "../math/svd.ts";
import { defaultRingLattice, smallRingLattice } from "./lattice-generator.ts";
import { closedOrbitResponse, fullResponseMatrix, orbitResponseMatrix, responseBetween } from "./response.ts";

describe("closed-orbit response", () => {
  it("matches a hand computation", () => {
    // √(10·4) cos(0.8 − 4.3π) / (2 sin 4.3π) = 6.32456 × 0.98988 / 1.61803
    expect(closedOrbitResponse(10, 1.0, 4, 0.2, 4.3)).toBeCloseTo(3.869183153, 8);
  });

  it("is symmetric between two locations and scales with √(β_i β_j)", () => {
    const lat = smallRingLattice();
    const r = responseBetween(lat.bpms, lat.bpms, "x", lat.tuneX);
    for (let i = 0; i < r.rows; i++) {
      for (let j = 0; j < r.cols; j++) expect(matGet(r, i, j)).toBeCloseTo(matGet(r, j, i), 12);
    }
    const a = lat.bpms[0]!;
    const b = lat.bpms[5]!;
    const scaled = closedOrbitResponse(4 * a.betaX, a.phaseX, b.betaX, b.phaseX, lat.tuneX);
    expect(scaled / closedOrbitResponse(a.betaX, a.phaseX, b.betaX, b.phaseX, lat.tuneX)).toBeCloseTo(2, 12);
  });

  it("makes the default ring's horizontal ORM 100 × 50 and full rank", () => {
    const r = orbitResponseMatrix(defaultRingLattice(), "x");
    expect([r.rows, r.cols]).toEqual([100, 50]);
    const { s } = svd(r);
    expect(s[49]! / s[0]!).toBeGreaterThan(1e-4);
  });

  it("has zero cross-plane blocks without coupling and κ-scaled ones with it", () => {
    const lat = smallRingLattice();
    const plain = fullResponseMatrix(lat);
    expect([plain.rows, plain.cols]).toEqual([24, 12]);
    expect(frobeniusNorm(subMatrix(plain, 0, 12, 6, 12))).toBe(0);
    expect(frobeniusNorm(subMatrix(plain, 12, 24, 0, 6))).toBe(0);
    expect(subMatrix(plain, 0, 12, 0, 6).data).toEqual(orbitResponseMatrix(lat, "x").data);
    const coupled = fullResponseMatrix(lat, { coupling: 0.01 });
    const ryy = orbitResponseMatrix(lat, "y");
    const bpm = lat.bpms[2]!;
    expect(matGet(coupled, 2, 6 + 3)).toBeCloseTo(0.01 * Math.sqrt(bpm.betaX / bpm.betaY) * matGet(ryy, 2, 3), 14);
  });
});
