import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { Rng } from "../math/rng.ts";
import { imageStats } from "./camera.ts";
import { CountingDetector } from "./detector.ts";
import { BacklashAxis, braggAngleDeg, energyFromBraggDeg, Monochromator } from "./monochromator.ts";
import { Focus, Mirror, Slits } from "./optics.ts";
import { AbsorptionEdgeSample, photoelectronK } from "./sample.ts";
import { Undulator } from "./undulator.ts";

describe("Undulator", () => {
  const und = new Undulator();

  it("gives K and harmonic energies from the Halbach field and the resonance formula", () => {
    // 8 mm gap, 20 mm period: B = 3.33 exp(−5.47·0.4 + 1.8·0.16) T, K = 0.0934·20·B
    expect(und.k(8)).toBeCloseTo(0.93038262, 7);
    // E3 = 3 · 0.950 · 3² / (2.0 cm · (1 + K²/2)) keV
    expect(und.harmonicEnergyEv(3, 8)).toBeCloseTo(8950.968, 2);
    expect(und.harmonicEnergyEv(1, 8) * 3).toBeCloseTo(und.harmonicEnergyEv(3, 8), 9);
  });

  it("raises the harmonic energy as the gap opens, and inverts gap ↔ energy", () => {
    expect(und.harmonicEnergyEv(3, 10)).toBeGreaterThan(und.harmonicEnergyEv(3, 8));
    const gap = und.gapForEnergy(8979, 3);
    expect(und.harmonicEnergyEv(3, gap)).toBeCloseTo(8979, 6);
    expect(und.harmonicFor(8979)).toBe(3);
  });

  it("peaks the flux on the harmonic with a relative width of about 1/(nN)", () => {
    const e3 = und.harmonicEnergyEv(3, 8);
    const peak = und.spectrum(e3, 8, 300);
    const halfWidth = e3 / (3 * 100) / 2;
    expect(und.spectrum(e3 + halfWidth, 8, 300) / peak).toBeCloseTo(0.5, 2);
    expect(und.spectrum(e3 - 4 * halfWidth, 8, 300) / peak).toBeLessThan(1e-3);
    // even harmonics vanish on axis
    expect(und.spectrum(2 * und.harmonicEnergyEv(1, 8), 8, 300)).toBeLessThan(1e-6 * peak);
    expect(und.spectrum(e3, 8, 150) / peak).toBeCloseTo(0.5, 12);
  });

  it("refuses a gap outside its range", () => {
    expect(() => und.k(3)).toThrow(InvalidArgumentError);
    expect(() => und.k(3)).toThrow("undulator gap 3 mm is outside [5, 25] mm");
  });
});

describe("Monochromator", () => {
  it("puts 8979 eV at the Si(111) Bragg angle of 12.72°", () => {
    expect(braggAngleDeg(8979)).toBeCloseTo(12.7199, 3);
    expect(energyFromBraggDeg(braggAngleDeg(8979))).toBeCloseTo(8979, 8);
  });

  it("refuses energies below the Si(111) minimum", () => {
    expect(() => braggAngleDeg(370)).toThrow(InvalidArgumentError);
    expect(() => braggAngleDeg(370)).toThrow("energy 370 eV is below the crystal's minimum of 1977.0 eV (d = 3.1356 Å)");
  });

  it("leaves a backlash error after a reversal until the play is taken up", () => {
    const axis = new BacklashAxis(0.01, 10);
    axis.move(12);
    expect(axis.actual).toBe(12);
    axis.move(11);
    expect(axis.actual).toBeCloseTo(11.01, 12);
    axis.move(11.005);
    expect(axis.actual).toBeCloseTo(11.01, 12);
    axis.move(11.5);
    expect(axis.actual).toBe(11.5);
  });

  it("transmits a different energy when approached from above", () => {
    const fromBelow = new Monochromator({ initialEnergyEv: 8900 });
    fromBelow.setEnergyEv(8979);
    const fromAbove = new Monochromator({ initialEnergyEv: 8900 });
    fromAbove.setEnergyEv(9100);
    fromAbove.setEnergyEv(8979);
    // lower energy = larger angle: approaching 8979 eV from above moves the angle upward, the exact direction
    expect(fromAbove.actualEnergyEv).toBeCloseTo(8979, 6);
    expect(Math.abs(fromBelow.actualEnergyEv - 8979)).toBeGreaterThan(1);
    expect(fromBelow.energyEv).toBeCloseTo(8979, 6);
  });

  it("has Si(111) resolution: Darwin width with the divergence term Δθ·cot θ", () => {
    const mono = new Monochromator({ initialEnergyEv: 8979 });
    const cot = 1 / Math.tan((braggAngleDeg(8979) * Math.PI) / 180);
    expect(mono.resolution).toBeCloseTo(Math.hypot(1.3e-4, 10e-6 * cot), 12);
  });
});

describe("AbsorptionEdgeSample", () => {
  const cu = new AbsorptionEdgeSample();

  it("puts the edge (maximum of dμ/dE) within a few eV of 8979", () => {
    let best = 0;
    let bestSlope = -Infinity;
    for (let e = 8900; e <= 9100; e += 0.1) {
      const slope = (cu.muT(e + 0.05) - cu.muT(e - 0.05)) / 0.1;
      if (slope > bestSlope) {
        bestSlope = slope;
        best = e;
      }
    }
    expect(Math.abs(best - 8979)).toBeLessThan(3);
  });

  it("jumps by the edge step and follows exp(−μt) in transmission", () => {
    const below = cu.muT(8800);
    const above = cu.muT(9400);
    expect(above - below).toBeGreaterThan(0.8);
    expect(above - below).toBeLessThan(1.2);
    expect(cu.transmission(9000)).toBeCloseTo(Math.exp(-cu.muT(9000)), 14);
  });

  it("oscillates above the edge with Debye–Waller damping", () => {
    expect(photoelectronK(8979 + 100, 8979)).toBeCloseTo(Math.sqrt(26.25), 12);
    const envelope = (k0: number): number => {
      let m = 0;
      for (let k = k0; k < k0 + 2; k += 0.01) m = Math.max(m, Math.abs(cu.chi(k)));
      return m;
    };
    expect(envelope(3)).toBeGreaterThan(0.03);
    expect(envelope(12)).toBeLessThan(envelope(3) / 5);
    expect(cu.chi(0)).toBe(0);
  });

  it("fluoresces in proportion to the edge absorption, not below the edge", () => {
    expect(cu.fluorescence(8800)).toBeLessThan(0.01 * cu.fluorescence(9050));
    expect(cu.fluorescence(9050) / cu.options.fluorescenceEfficiency).toBeCloseTo(cu.muT(9050) - cu.background(9050), 12);
  });
});

describe("CountingDetector", () => {
  it("counts in proportion to the acquire time, with Poisson noise and dark counts", () => {
    const det = new CountingDetector("i0", { efficiency: 0.5, gain: 1, darkCountsPerS: 100 });
    const rng = new Rng(1);
    const mean = (t: number): number => {
      let s = 0;
      for (let k = 0; k < 2000; k++) s += det.count(1000, t, rng);
      return s / 2000;
    };
    expect(mean(1) / det.expected(1000, 1)).toBeCloseTo(1, 1);
    expect(mean(2) / mean(1)).toBeCloseTo(2, 1);
    let sum = 0;
    let sum2 = 0;
    for (let k = 0; k < 4000; k++) {
      const c = det.count(0, 0.5, rng);
      sum += c;
      sum2 += c * c;
    }
    expect(sum / 4000).toBeCloseTo(50, 0);
    expect(sum2 / 4000 - (sum / 4000) ** 2).toBeGreaterThan(40);
    expect(sum2 / 4000 - (sum / 4000) ** 2).toBeLessThan(60);
  });
});

describe("optics", () => {
  it("passes more flux through wider slits, monotonically", () => {
    const slits = new Slits();
    let last = -1;
    for (let gap = 0; gap <= 3; gap += 0.1) {
      slits.setGap("y", gap);
      const t = slits.transmission(0.6, 0.3);
      expect(t).toBeGreaterThan(last);
      last = t;
    }
    slits.setGap("x", 100);
    slits.setGap("y", 100);
    expect(slits.transmission(0.6, 0.3)).toBeCloseTo(1, 12);
  });

  it("keeps blades and gap/centre consistent and closes when blades cross", () => {
    const slits = new Slits();
    slits.setBlades("x", -0.2, 0.6);
    expect(slits.gap("x")).toBeCloseTo(0.8, 12);
    expect(slits.centre("x")).toBeCloseTo(0.2, 12);
    slits.setBlades("x", 0.3, 0.1);
    expect(slits.transmission(0.6, 0.3)).toBe(0);
  });

  it("moves the beam at the sample by 2 × pitch × distance", () => {
    const mirror = new Mirror({ distanceM: 12, alignedPitchMrad: 3 });
    mirror.pitchMrad = 3.005;
    expect(mirror.beamOffsetMm()).toBeCloseTo(0.12, 12);
  });

  it("has its smallest spot at the waist", () => {
    const focus = new Focus({ bestPosition: -1150, rayleighRange: 10, waistSigmaMm: { x: 0.01, y: 0.01 } });
    expect(focus.sigmaMm("x", -1150)).toBe(0.01);
    expect(focus.sigmaMm("x", -1140)).toBeCloseTo(0.01 * Math.SQRT2, 12);
    expect(focus.sigmaMm("x", -1160)).toBeCloseTo(focus.sigmaMm("x", -1140), 12);
  });

  it("computes stats of a hand-made image", () => {
    // two pixels of 10 at (1, 1) and (3, 1) over a threshold of 2 on a dark level of 2
    const data = new Float32Array(5 * 3).fill(2);
    data[1 * 5 + 1] = 10;
    data[1 * 5 + 3] = 10;
    const stats = imageStats({ width: 5, height: 3, data }, 2);
    expect(stats.total).toBe(13 * 2 + 20);
    expect(stats.max).toBe(10);
    expect(stats.min).toBe(2);
    expect(stats.centroidX).toBe(2);
    expect(stats.centroidY).toBe(1);
    expect(stats.sigmaX).toBe(1);
    expect(stats.sigmaY).toBe(0);
    expect(stats.net).toBe(16);
  });
});
