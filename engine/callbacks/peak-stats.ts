/**
 * Peak statistics of y against x over a run's stream, as Bluesky's PeakStats computes them: centre of mass,
 * centre and full width at half maximum from the half-maximum crossings, and the positions of the extrema.
 * Points are sorted by x first, so adaptive scans that visit x out of order get the same answer as a sweep.
 * Where a statistic does not exist for the data (no points, a flat line, a single crossing), it is
 * undefined, never NaN.
 */
import type { Event, EventDescriptor, RunStart, RunStop } from "../documents/types.ts";
import { InvalidArgumentError } from "../errors.ts";
import { DocumentRouter } from "./router.ts";
import { DEFAULT_STREAM_NAME } from "../documents/compose.ts";

export interface PeakStatsResult {
  /** Centre of mass of y, located on x (by interpolating the index-space centre of mass). */
  com: number | undefined;
  /** Mean of the half-maximum crossings. */
  cen: number | undefined;
  /** [x, y] at the largest y (the first, if it repeats). */
  max: [number, number] | undefined;
  /** [x, y] at the smallest y (the first, if it repeats). */
  min: [number, number] | undefined;
  /** Distance between the first and last half-maximum crossings. */
  fwhm: number | undefined;
  /** x where y crosses (max + min) / 2, by linear interpolation. */
  crossings: number[];
  /** The points used, sorted by x. */
  x: number[];
  y: number[];
  /** Points dropped because x or y was missing or not a finite number. */
  skipped: number;
}

/** Peak statistics of the points (x[i], y[i]); the pure computation behind PeakStats. */
export function computePeakStats(xs: readonly unknown[], ys: readonly unknown[]): PeakStatsResult {
  if (xs.length !== ys.length) {
    throw new InvalidArgumentError(`x and y must have the same length, got ${xs.length} and ${ys.length}`, [xs, ys]);
  }
  const points: [number, number][] = [];
  for (let i = 0; i < xs.length; i++) {
    const [x, y] = [xs[i], ys[i]];
    if (typeof x === "number" && typeof y === "number" && Number.isFinite(x) && Number.isFinite(y)) points.push([x, y]);
  }
  points.sort((a, b) => a[0] - b[0]);
  const x = points.map((p) => p[0]);
  const y = points.map((p) => p[1]);
  const result: PeakStatsResult = {
    com: undefined,
    cen: undefined,
    max: undefined,
    min: undefined,
    fwhm: undefined,
    crossings: [],
    x,
    y,
    skipped: xs.length - points.length,
  };
  if (points.length === 0) return result;

  let iMax = 0;
  let iMin = 0;
  for (let i = 1; i < y.length; i++) {
    if (y[i]! > y[iMax]!) iMax = i;
    if (y[i]! < y[iMin]!) iMin = i;
  }
  result.max = [x[iMax]!, y[iMax]!];
  result.min = [x[iMin]!, y[iMin]!];
  result.com = centreOfMass(x, y);

  const mid = (y[iMax]! + y[iMin]!) / 2;
  for (let i = 0; i + 1 < y.length; i++) {
    if (y[i]! > mid !== y[i + 1]! > mid) {
      const slope = (y[i + 1]! - y[i]!) / (x[i + 1]! - x[i]!);
      // Two readings at the same x on either side of mid: the crossing is at that x.
      result.crossings.push(Number.isFinite(slope) ? x[i]! + (mid - y[i]!) / slope : x[i]!);
    }
  }
  const n = result.crossings.length;
  if (n > 0) result.cen = result.crossings.reduce((a, b) => a + b, 0) / n;
  if (n >= 2) result.fwhm = Math.abs(result.crossings[n - 1]! - result.crossings[0]!);
  return result;
}

/** scipy's center_of_mass over the index, then interpolated onto x, as Bluesky does. */
function centreOfMass(x: readonly number[], y: readonly number[]): number | undefined {
  let total = 0;
  let moment = 0;
  for (let i = 0; i < y.length; i++) {
    total += y[i]!;
    moment += i * y[i]!;
  }
  if (total === 0) return undefined;
  const index = moment / total;
  if (!Number.isFinite(index)) return undefined;
  if (index <= 0) return x[0];
  if (index >= x.length - 1) return x[x.length - 1];
  const i = Math.floor(index);
  return x[i]! + (index - i) * (x[i + 1]! - x[i]!);
}

export interface PeakStatsOptions {
  /** Data key of the independent variable (usually a motor). */
  x: string;
  /** Data key of the signal (usually a detector). */
  y: string;
  /** @default "primary" */
  stream?: string;
  /** Called with the statistics when a run stops. */
  onStats?: (stats: PeakStatsResult, start: RunStart) => void;
}

export class PeakStats extends DocumentRouter {
  /** The statistics of the last run that stopped; undefined until then. */
  stats: PeakStatsResult | undefined;
  readonly x: string;
  readonly y: string;
  readonly stream: string;
  private readonly onStats: PeakStatsOptions["onStats"];
  private runStart: RunStart | undefined;
  private readonly descriptorUids = new Set<string>();
  private xData: unknown[] = [];
  private yData: unknown[] = [];

  constructor(options: PeakStatsOptions) {
    super();
    this.x = options.x;
    this.y = options.y;
    this.stream = options.stream ?? DEFAULT_STREAM_NAME;
    this.onStats = options.onStats;
  }

  /** Statistics of the points collected so far in the current (or last) run. */
  compute(): PeakStatsResult {
    return computePeakStats(this.xData, this.yData);
  }

  protected override start(doc: RunStart): void {
    this.runStart = doc;
    this.descriptorUids.clear();
    this.xData = [];
    this.yData = [];
    this.stats = undefined;
  }

  protected override descriptor(doc: EventDescriptor): void {
    if (doc.run_start !== this.runStart?.uid || (doc.name ?? "") !== this.stream) return;
    if (Object.hasOwn(doc.data_keys, this.x) && Object.hasOwn(doc.data_keys, this.y)) this.descriptorUids.add(doc.uid);
  }

  protected override event(doc: Event): void {
    if (!this.descriptorUids.has(doc.descriptor)) return;
    this.xData.push(doc.data[this.x]);
    this.yData.push(doc.data[this.y]);
  }

  protected override stop(doc: RunStop): void {
    const start = this.runStart;
    if (start === undefined || doc.run_start !== start.uid) return;
    this.stats = this.compute();
    this.onStats?.(this.stats, start);
  }
}
