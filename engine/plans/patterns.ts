/** Trajectories the scans are built from, after Bluesky's `plan_patterns` and numpy's linspace/logspace. */
import { InvalidArgumentError } from "../errors.ts";
import type { Movable } from "../protocols.ts";
import { Cycler, cycler, innerProduct, snakeCyclers } from "./cycler.ts";

/** `num` evenly spaced values from `start` to `stop`, both included (numpy.linspace). */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : start + i * step));
}

/** `num` values from 10^start to 10^stop, evenly spaced in log10 (numpy.logspace: start/stop are exponents). */
export function logspace(start: number, stop: number, num: number): number[] {
  return linspace(start, stop, num).map((e) => 10 ** e);
}

/** `motor1, start1, stop1, ...`: all motors together from start to stop in `num` points. */
export function innerProductPattern(num: number, chunks: ReadonlyArray<readonly [Movable, number, number]>): Cycler {
  return innerProduct(...chunks.map(([m, a, b]) => cycler(m, linspace(a, b, num))));
}

/** `motor1, [points], motor2, [points], ...`: all motors together through their lists. */
export function innerListProductPattern(chunks: ReadonlyArray<readonly [Movable, readonly unknown[]]>): Cycler {
  return innerProduct(...chunks.map(([m, pts]) => cycler(m, pts)));
}

/** A mesh: `[motor, start, stop, num, snake]` per axis, the first axis slowest and never snaked. */
export function outerProductPattern(
  chunks: ReadonlyArray<readonly [Movable, number, number, number, boolean]>,
): Cycler {
  return snakeCyclers(
    chunks.map(([m, a, b, n]) => cycler(m, linspace(a, b, n))),
    chunks.map(([, , , , s], i) => i > 0 && s),
  );
}

/** A mesh over lists of points, `[motor, points, snake]` per axis. */
export function outerListProductPattern(
  chunks: ReadonlyArray<readonly [Movable, readonly unknown[], boolean]>,
): Cycler {
  return snakeCyclers(
    chunks.map(([m, pts]) => cycler(m, pts)),
    chunks.map(([, , s], i) => i > 0 && s),
  );
}

export interface SpiralFermatArgs {
  xMotor: Movable;
  yMotor: Movable;
  xStart: number;
  yStart: number;
  xRange: number;
  yRange: number;
  dr: number;
  factor: number;
  /** Delta radius along y; defaults to `dr`. */
  drY?: number;
  /** Tilt angle, radians. @default 0 */
  tilt?: number;
}

/**
 * Points of a Fermat spiral (golden-angle phyllotaxis) centred on (xStart, yStart), kept within the
 * x/y ranges, after Bluesky's `spiral_fermat` pattern: point i at radius sqrt(i)·dr/factor, angle 137.508°·i.
 */
export function spiralFermatPattern(a: SpiralFermatArgs): Cycler {
  if (!(a.dr > 0) || !(a.factor > 0))
    throw new InvalidArgumentError(`spiral_fermat: dr and factor must be > 0, got dr=${a.dr}, factor=${a.factor}`, a.dr);
  const aspect = a.drY === undefined ? 1 : a.drY / a.dr;
  const phi = (137.508 * Math.PI) / 180;
  const halfX = a.xRange / 2;
  const halfY = a.yRange / (2 * aspect);
  const tiltTan = Math.tan((a.tilt ?? 0) + Math.PI / 2);
  const diag = Math.sqrt(halfX ** 2 + halfY ** 2);
  const numRings = Math.trunc((1.5 * diag / (a.dr / a.factor)) ** 2);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 1; i < numRings; i++) {
    const radius = (Math.sqrt(i) * a.dr) / a.factor;
    const angle = phi * i;
    const x = radius * Math.cos(angle);
    const y = radius * Math.sin(angle) * aspect;
    if (Math.abs(x - y / aspect / tiltTan) <= halfX && Math.abs(y) <= halfY) {
      xs.push(a.xStart + x);
      ys.push(a.yStart + y);
    }
  }
  return cycler(a.xMotor, xs).add(cycler(a.yMotor, ys));
}
