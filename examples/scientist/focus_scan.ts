/**
 * Focus scan on the camera, as at BESSY II: step the focusing motor from −1200 to −1100 µm in 10 steps
 * (11 points), take a camera frame at each, and find the best focus as the position of the smallest spot.
 * PeakStats runs on the stats plugin's σx and its `min` gives the best focus (the minimum of σ, not the
 * maximum: no negation). A parabola fitted to σ² (exactly quadratic in z for a Gaussian beam near its waist)
 * refines it between the points.
 */
import { PeakStats, type PeakStatsResult } from "../../engine/callbacks/peak-stats.ts";
import { scan } from "../../engine/plans/scan.ts";
import type { Readable } from "../../engine/protocols.ts";
import type { Movable } from "../../engine/protocols.ts";
import { type ExampleOptions, type ExampleResult, ExampleSession, simInstrument } from "./common.ts";

export const FOCUS_SCAN = { start: -1200, stop: -1100, points: 11, quickPoints: 6, speedUp: 10 } as const;

/** The vertex of the parabola through (x, y) by least squares, when it opens upward. */
export function parabolaVertex(x: readonly number[], y: readonly number[]): number | undefined {
  // Normal equations of y = a + b x + c x², centred on the mean x for conditioning.
  const n = x.length;
  if (n < 3) return undefined;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const S = [0, 0, 0, 0, 0];
  const T = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const u = x[i]! - mx;
    for (let p = 0; p < 5; p++) S[p]! += u ** p;
    for (let p = 0; p < 3; p++) T[p]! += y[i]! * u ** p;
  }
  const m = [
    [S[0]!, S[1]!, S[2]!],
    [S[1]!, S[2]!, S[3]!],
    [S[2]!, S[3]!, S[4]!],
  ];
  const det = (a: number[][]) =>
    a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) -
    a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) +
    a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
  const d = det(m);
  if (d === 0) return undefined;
  const col = (k: number) => m.map((row, r) => row.map((v, c) => (c === k ? T[r]! : v)));
  const b = det(col(1)) / d;
  const c = det(col(2)) / d;
  return c > 0 ? mx - b / (2 * c) : undefined;
}

export async function focusScan(options: ExampleOptions = {}): Promise<ExampleResult> {
  const session = new ExampleSession("focus-scan", options);
  const speedUp = options.speedUp ?? FOCUS_SCAN.speedUp;
  const points = options.quick ? FOCUS_SCAN.quickPoints : FOCUS_SCAN.points;
  session.log(`focus scan: focus motor ${FOCUS_SCAN.start} → ${FOCUS_SCAN.stop} µm in ${points} points, a camera frame each (simulated beamline, speed-up ${speedUp})`);
  const instrument = await simInstrument("sim-beamline.yaml", speedUp);
  try {
    const focus = instrument.devices.focus as unknown as Movable & Readable;
    const cam = instrument.devices.cam as unknown as Readable;
    const sigmaX = "cam-stats-sigma_x";
    const sigmaY = "cam-stats-sigma_y";
    const peaks = new PeakStats({ x: "focus", y: sigmaX });
    session.RE.subscribe(peaks.callback);
    const { stream } = await session.run(scan([cam], focus, FOCUS_SCAN.start, FOCUS_SCAN.stop, points));
    const stats = peaks.stats as PeakStatsResult;
    const z = stream.column("focus");
    const sx = stream.column(sigmaX);
    const sy = stream.column(sigmaY);
    const best = stats.min![0];
    // Fit σ² near the minimum: the five points around it, where the quadratic holds.
    const iMin = sx.indexOf(Math.min(...sx));
    const lo = Math.max(0, Math.min(iMin - 2, z.length - 5));
    const refined = parabolaVertex(z.slice(lo, lo + 5), sx.slice(lo, lo + 5).map((s) => s * s));
    session.log(`PeakStats on σx (${sigmaX}), minimum = best focus: z = ${best} µm, σx = ${stats.min![1].toFixed(3)} px`);
    if (refined !== undefined) session.log(`parabola fit of σx² around the minimum: best focus z = ${refined.toFixed(1)} µm`);
    session.plot("focus-scan.svg", {
      title: `Focus scan: best focus ${best} µm (σx minimum)`,
      xLabel: "focus motor z [µm]",
      yLabel: "spot σ [px]",
      series: [
        { name: "σx", x: z, y: sx },
        { name: "σy", x: z, y: sy },
      ],
    });
    return session.finish({
      points: z.length,
      best_focus: best,
      best_focus_fit: refined,
      sigma_min_px: stats.min![1],
      peak_stats_on: sigmaX,
      speed_up: speedUp,
    });
  } finally {
    instrument.dispose();
  }
}
