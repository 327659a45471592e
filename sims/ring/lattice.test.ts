import { describe, expect, it } from "vitest";
import { ConfigError } from "../../engine/errors.ts";
import { latticeFromObject, latticeToObject } from "./lattice-config.ts";
import { DEFAULT_RING_LATTICE, defaultRingLattice, generateLattice, smallRingLattice } from "./lattice-generator.ts";

describe("generated lattices", () => {
  it("gives the default ring 100 BPMs and 50 correctors per plane in order along 300 m", () => {
    const lat = defaultRingLattice();
    expect(lat.bpms).toHaveLength(100);
    expect(lat.hCorrectors).toHaveLength(50);
    expect(lat.vCorrectors).toHaveLength(50);
    expect(lat.circumference).toBe(300);
    const s = lat.bpms.map((b) => b.s);
    expect(s.every((x, i) => i === 0 || x > s[i - 1]!)).toBe(true);
    expect(s.at(-1)!).toBeLessThan(300);
  });

  it("gives the small ring 12 BPMs and 6 correctors per plane", () => {
    const lat = smallRingLattice();
    expect([lat.bpms.length, lat.hCorrectors.length, lat.vCorrectors.length]).toEqual([12, 6, 6]);
  });

  it("is periodic: each cell repeats β and advances the phase by 2πν / cells", () => {
    const lat = defaultRingLattice();
    const perCell = 4;
    for (let i = 0; i + perCell < lat.bpms.length; i += 7) {
      const a = lat.bpms[i]!;
      const b = lat.bpms[i + perCell]!;
      expect(b.betaX).toBeCloseTo(a.betaX, 12);
      expect(b.betaY).toBeCloseTo(a.betaY, 12);
      expect(b.phaseX - a.phaseX).toBeCloseTo((2 * Math.PI * lat.tuneX) / 25, 12);
      expect(b.phaseY - a.phaseY).toBeCloseTo((2 * Math.PI * lat.tuneY) / 25, 12);
    }
  });

  it("keeps β and φ consistent: dφ/ds = 1/β between close elements", () => {
    // Two BPMs 0.01 cell apart: Δφ ≈ Δs / β at the midpoint.
    const lat = generateLattice({ ...DEFAULT_RING_LATTICE, bpmPositions: [0.4, 0.41] });
    const [a, b] = lat.bpms as [(typeof lat.bpms)[0], (typeof lat.bpms)[0]];
    const ds = b.s - a.s;
    expect((b.phaseX - a.phaseX) / ds).toBeCloseTo(2 / (a.betaX + b.betaX), 3);
    expect((b.phaseY - a.phaseY) / ds).toBeCloseTo(2 / (a.betaY + b.betaY), 3);
  });

  it("has light-source-like beta functions (metres, not millimetres or kilometres)", () => {
    const lat = defaultRingLattice();
    for (const b of lat.bpms) {
      expect(b.betaX).toBeGreaterThan(1);
      expect(b.betaX).toBeLessThan(30);
      expect(b.betaY).toBeGreaterThan(1);
      expect(b.betaY).toBeLessThan(30);
    }
  });
});

describe("latticeFromObject", () => {
  it("round-trips an explicit lattice", () => {
    const lat = smallRingLattice();
    expect(latticeFromObject(latticeToObject(lat))).toEqual(lat);
  });

  it("builds a preset with generator overrides", () => {
    const lat = latticeFromObject({ preset: "small", generate: { tuneX: 4.31 } });
    expect(lat.tuneX).toBe(4.31);
    expect(lat.bpms).toHaveLength(12);
  });

  it("names the file and the offending field", () => {
    const bad = latticeToObject(smallRingLattice()) as { bpms: { betaX: number }[] };
    bad.bpms[3]!.betaX = -1;
    expect(() => latticeFromObject(bad, "ring.yaml")).toThrow(ConfigError);
    expect(() => latticeFromObject(bad, "ring.yaml")).toThrow("ring.yaml: bpms[3].betaX: must be a positive finite number (m), got -1");
  });

  it("refuses an integer tune, a duplicate name, an unknown preset and an unknown option", () => {
    const base = latticeToObject(smallRingLattice());
    expect(() => latticeFromObject({ ...base, tuneX: 4 })).toThrow("lattice: tuneX: must be a positive non-integer tune, got 4");
    const dup = latticeToObject(smallRingLattice()) as { hCorrectors: { name: string }[] };
    dup.hCorrectors[2]!.name = dup.hCorrectors[0]!.name;
    expect(() => latticeFromObject(dup)).toThrow('lattice: hCorrectors[2].name: duplicate element name "HCM01A"');
    expect(() => latticeFromObject({ preset: "huge" })).toThrow('lattice: preset: must be one of default, small, got "huge"');
    expect(() => latticeFromObject({ preset: "small", generate: { cels: 3 } })).toThrow(ConfigError);
    expect(() => latticeFromObject({ preset: "small", generate: { cels: 3 } })).toThrow("lattice: generate.cels: unknown generator option");
  });

  it("wraps generator errors as configuration errors", () => {
    expect(() => latticeFromObject({ generate: { cells: 0 } }, "ring.yaml")).toThrow("ring.yaml: generate: cells must be an integer >= 1, got 0");
  });
});
