import { describe, expect, it } from "vitest";
import { RingSimulator } from "../ring/simulator.ts";
import { smallRingLattice } from "../ring/lattice-generator.ts";
import { BeamlineSimulator } from "./simulator.ts";
import { InterlockError } from "./vacuum.ts";

describe("BeamlineSimulator", () => {
  it("tracks the undulator harmonic with the energy so the mono sits on the peak", () => {
    const bl = new BeamlineSimulator();
    bl.setEnergyEv(8979);
    expect(bl.undulator.harmonicEnergyEv(3, bl.gapMm)).toBeCloseTo(8979, 6);
    const onPeak = bl.flux().afterMono;
    bl.idTracking = false;
    bl.setEnergyEv(8979 + 60);
    expect(bl.flux().afterMono).toBeLessThan(0.1 * onPeak);
  });

  it("makes It/I0 follow the sample's transmission across the Cu edge", () => {
    const bl = new BeamlineSimulator();
    for (const e of [8900, 8979, 9100]) {
      bl.setEnergyEv(e);
      const f = bl.flux();
      expect(f.transmitted / f.atSample).toBeCloseTo(bl.sample.transmission(bl.energyEv), 12);
    }
    bl.sampleIn = false;
    expect(bl.flux().transmitted).toBe(bl.flux().atSample);
  });

  it("shows the edge in measured ln(I0/It) between 8950 and 9010 eV", () => {
    const bl = new BeamlineSimulator({ detectors: { i0: { efficiency: 1 }, it: { efficiency: 1 } } });
    const mu = (e: number): number => {
      bl.setEnergyEv(e);
      const c = bl.acquire(0.5);
      return Math.log(c.i0 / c.it);
    };
    expect(mu(9010) - mu(8950)).toBeGreaterThan(0.8);
  });

  it("has a clear flux optimum inside the mirror pitch × slit gap range", () => {
    const bl = new BeamlineSimulator();
    let best = { pitch: NaN, gap: NaN, flux: -1 };
    const pitches = [-6, -4, -2, 0, 2, 4, 6].map((u) => 3.5 + u * 1e-3);
    const gaps = [0.2, 0.4, 0.6, 0.8, 1.0, 1.4, 2.0];
    for (const pitch of pitches) {
      for (const gap of gaps) {
        bl.mirror.pitchMrad = pitch;
        bl.slits.setGap("y", gap);
        const flux = bl.flux().atSample;
        if (flux > best.flux) best = { pitch, gap, flux };
      }
    }
    expect(best.pitch).toBeCloseTo(3.5, 9);
    expect(best.gap).toBe(0.8);
    bl.mirror.pitchMrad = 3.506;
    bl.slits.setGap("y", 0.8);
    expect(bl.flux().atSample).toBeLessThan(0.1 * best.flux);
  });

  it("finds the best focus at the waist in a -1200..-1100 scan of 10 steps", () => {
    const bl = new BeamlineSimulator();
    const positions = Array.from({ length: 11 }, (_, i) => -1200 + 10 * i);
    const sigmas = positions.map((z) => {
      bl.focus.position = z;
      return bl.acquireImage(0.1).stats.sigmaX;
    });
    const best = positions[sigmas.indexOf(Math.min(...sigmas))]!;
    expect(best).toBe(-1150);
    expect(sigmas[0]! / Math.min(...sigmas)).toBeGreaterThan(2);
  });

  it("moves the camera centroid up by 2·δ·L / pixel when the mirror pitches up", () => {
    const bl = new BeamlineSimulator();
    const before = bl.acquireImage(0.1).stats;
    bl.mirror.pitchMrad += 0.002; // 2 µrad → 0.04 mm at 10 m → 5 pixels of 8 µm
    const after = bl.acquireImage(0.1).stats;
    expect(before.centroidY - after.centroidY).toBeCloseTo(5, 0);
    expect(after.centroidX).toBeCloseTo(before.centroidX, 0);
  });

  it("gives no beam through a closed valve and refuses the shutter behind it", () => {
    const bl = new BeamlineSimulator();
    bl.vacuum.close("BL-VALVE");
    expect(bl.flux().atSample).toBe(0);
    // only dark counts (50/s) remain
    const counts = bl.acquire(1);
    expect(counts.i0).toBeLessThan(bl.detectors.i0.expected(0, 1) + 5 * Math.sqrt(50));
    bl.vacuum.close("FE-VALVE");
    expect(() => bl.vacuum.open("PSHUTTER")).toThrow(InterlockError);
  });

  it("scales the flux with the ring current from a function or a RingSimulator", () => {
    let current = 300;
    const bl = new BeamlineSimulator({ beamCurrent: () => current });
    const full = bl.flux().atSample;
    current = 150;
    expect(bl.flux().atSample / full).toBeCloseTo(0.5, 12);
    const ring = new RingSimulator({ lattice: smallRingLattice(), beam: { apertureXMm: 0.1 } });
    const fed = new BeamlineSimulator({ beamCurrent: ring });
    expect(fed.flux().ringCurrentMa).toBe(300);
    ring.setCorrector(0, 5);
    ring.step(0.01);
    expect(ring.beamLost).toBe(true);
    expect(fed.flux().atSample).toBe(0);
  });

  it("is deterministic under a seed", () => {
    const run = (seed: number): number[] => {
      const bl = new BeamlineSimulator({ seed });
      const c = bl.acquire(0.1);
      const frame = bl.acquireImage(0.05);
      return [c.i0, c.it, c.if, frame.stats.total, frame.image.data[100]!];
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    const bl = new BeamlineSimulator({ seed: 5 });
    const first = bl.acquire(0.1);
    bl.reset();
    expect(bl.acquire(0.1)).toEqual(first);
  });
});
