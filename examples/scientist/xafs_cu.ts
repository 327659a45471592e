/**
 * XAFS of a Cu foil at the K edge (e0 = 8979 eV) with the double-crystal monochromator: regions
 * −200 −30 −10 15.5 15k around e0, steps 10 2.0 0.3 0.05k, dwell times 0.5 0.5 0.5 0.25k (the `xafs` plan),
 * I0 and It at each point, and the spectrum μ(E) = ln(I0/It). The edge is located as the maximum of dμ/dE
 * (the inflection point of the edge step) within ±20 eV of e0.
 *
 * The dwell times add up to about 10 minutes; the simulation divides every count and move by the speed-up
 * (100 by default) while the counts still integrate the nominal times, so the statistics are those of the real scan.
 */
import { xafs } from "../../engine/plans/xafs.ts";
import type { Movable, Readable } from "../../engine/protocols.ts";
import { type ExampleOptions, type ExampleResult, ExampleSession, simInstrument } from "./common.ts";

export const CU_XAFS = {
  e0: 8979,
  regions: "-200 -30 -10 15.5 15k",
  steps: "10 2.0 0.3 0.05k",
  times: "0.5 0.5 0.5 0.25k",
  /** Quick mode: the same regions and times with coarser XANES and EXAFS steps. */
  quickSteps: "10 2.0 1.0 0.25k",
  speedUp: 100,
  quickSpeedUp: 1000,
} as const;

/** The energy of the steepest rise of μ (central differences), searched within `window` eV of `e0`. */
export function edgePosition(energy: readonly number[], mu: readonly number[], e0: number, window = 20): number | undefined {
  let best: number | undefined;
  let bestSlope = -Infinity;
  for (let i = 1; i + 1 < energy.length; i++) {
    const e = energy[i]!;
    if (Math.abs(e - e0) > window) continue;
    const slope = (mu[i + 1]! - mu[i - 1]!) / (energy[i + 1]! - energy[i - 1]!);
    if (slope > bestSlope) {
      bestSlope = slope;
      best = e;
    }
  }
  return best;
}

export async function xafsCu(options: ExampleOptions = {}): Promise<ExampleResult> {
  const session = new ExampleSession("xafs-cu", options);
  const speedUp = options.speedUp ?? (options.quick ? CU_XAFS.quickSpeedUp : CU_XAFS.speedUp);
  const steps = options.quick ? CU_XAFS.quickSteps : CU_XAFS.steps;
  session.log(
    `XAFS of Cu: e0 ${CU_XAFS.e0} eV, regions ${CU_XAFS.regions}, steps ${steps}, times ${CU_XAFS.times} ` +
      `(simulation speed-up ${speedUp}: counts integrate the nominal times, wall-clock ${speedUp}× shorter)`,
  );
  const instrument = await simInstrument("sim-beamline.yaml", speedUp);
  try {
    const mono = instrument.devices.mono as unknown as Movable & Readable;
    const ic = instrument.devices.ic as unknown as Readable;
    const started = performance.now();
    const { stream } = await session.run(xafs([ic], mono, { e0: CU_XAFS.e0, regions: CU_XAFS.regions, steps, times: CU_XAFS.times }));
    const energy = stream.column("mono");
    const mu = stream.column("ic-i0").map((i0, i) => Math.log(i0 / stream.column("ic-it")[i]!));
    const edge = edgePosition(energy, mu, CU_XAFS.e0);
    const below = mu.filter((_, i) => energy[i]! < CU_XAFS.e0 - 30);
    const above = mu.filter((_, i) => energy[i]! > CU_XAFS.e0 + 50 && energy[i]! < CU_XAFS.e0 + 150);
    const jump = above.reduce((a, b) => a + b, 0) / above.length - below.reduce((a, b) => a + b, 0) / below.length;
    const wallS = (performance.now() - started) / 1000;
    session.log(`${energy.length} points in ${wallS.toFixed(1)} s of wall clock; edge (max dμ/dE) at ${edge?.toFixed(1)} eV, edge jump Δμ ≈ ${jump.toFixed(2)}`);
    session.plot("xafs-cu.svg", {
      title: `Cu K-edge XAFS: μ(E) = ln(I0/It), edge at ${edge?.toFixed(1)} eV`,
      xLabel: "photon energy [eV]",
      yLabel: "μ(E) = ln(I0/It)",
      series: [{ name: "μ(E)", x: energy, y: mu, mode: "lines" }],
    });
    return session.finish({ points: energy.length, edge_ev: edge, edge_jump: jump, wall_s: wallS, speed_up: speedUp });
  } finally {
    instrument.dispose();
  }
}
