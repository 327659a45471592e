import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Matrix } from "../math/matrix.ts";
import type { Rng } from "../math/rng.ts";
import type { Plane } from "./lattice.ts";

/** Kinds of orbit disturbance, each seen at the BPMs through the closed-orbit response of its source kicks. */
export const DisturbanceKind = {
  Harmonic: "harmonic",
  Drift: "drift",
  RandomWalk: "randomWalk",
  Jump: "jump",
  Static: "static",
} as const;
export type DisturbanceKind = (typeof DisturbanceKind)[keyof typeof DisturbanceKind];

interface DisturbanceBase {
  /** @default "x" */
  plane?: Plane;
  /**
   * Where the source kick sits, m along the ring (snapped to the nearest BPM location). Without it the source
   * is spread over the whole ring (random kicks at every BPM location), as from vibrating quadrupoles.
   */
  sourceS?: number;
}

/** A periodic perturbation, e.g. 50 Hz mains and its harmonics, or a slow booster or cooling-water cycle. */
export interface HarmonicDisturbance extends DisturbanceBase {
  kind: "harmonic";
  frequencyHz: number;
  /** Amplitude of the orbit pattern, RMS over the BPMs of the plane, mm. */
  amplitudeMm: number;
  /** Phase at t = 0, rad; drawn at every reset when absent. */
  phaseRad?: number;
}

/** A slow linear drift (thermal), RMS orbit growing at this rate. */
export interface DriftDisturbance extends DisturbanceBase {
  kind: "drift";
  rateMmPerS: number;
}

/** A random walk of the orbit (ground motion, slow magnet noise): RMS grows as D·√t. */
export interface RandomWalkDisturbance extends DisturbanceBase {
  kind: "randomWalk";
  diffusionMmPerSqrtS: number;
  /**
   * Number of independent source patterns walking.
   * @default 2
   */
  sources?: number;
}

/** A step, e.g. an insertion-device gap change; ramps linearly over `rampS`. Localised by default. */
export interface JumpDisturbance extends DisturbanceBase {
  kind: "jump";
  timeS: number;
  amplitudeMm: number;
  /** @default 0 */
  rampS?: number;
}

/** A fixed closed-orbit distortion (misalignments) redrawn at every reset from the run seed. */
export interface StaticDisturbance extends DisturbanceBase {
  kind: "static";
  amplitudeMm: number;
}

export type DisturbanceSpec = HarmonicDisturbance | DriftDisturbance | RandomWalkDisturbance | JumpDisturbance | StaticDisturbance;

/** Typical disturbances of a third-generation light source, for realistic runs. */
export const TYPICAL_DISTURBANCES: readonly DisturbanceSpec[] = [
  { kind: "harmonic", plane: "x", frequencyHz: 50, amplitudeMm: 0.002 },
  { kind: "harmonic", plane: "y", frequencyHz: 50, amplitudeMm: 0.001 },
  { kind: "harmonic", plane: "x", frequencyHz: 150, amplitudeMm: 0.0005 },
  { kind: "harmonic", plane: "y", frequencyHz: 0.1, amplitudeMm: 0.003 },
  { kind: "drift", plane: "x", rateMmPerS: 0.00002 },
  { kind: "drift", plane: "y", rateMmPerS: 0.00001 },
  { kind: "randomWalk", plane: "x", diffusionMmPerSqrtS: 0.0003 },
  { kind: "randomWalk", plane: "y", diffusionMmPerSqrtS: 0.0002 },
  { kind: "jump", plane: "x", timeS: 30, amplitudeMm: 0.01, rampS: 2, sourceS: 0 },
  { kind: "jump", plane: "y", timeS: 30, amplitudeMm: 0.005, rampS: 2, sourceS: 0 },
];

const CODE = { harmonic: 0, drift: 1, randomWalk: 2, jump: 3, static: 4 } as const;

function finite(value: number, what: string, min = -Infinity): void {
  if (!Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(`${what} must be a finite number${min === 0 ? " >= 0" : ""}, got ${JSON.stringify(value)}`, value);
  }
}

function validate(spec: DisturbanceSpec, i: number): void {
  const at = `disturbances[${i}]`;
  if (spec.plane !== undefined && spec.plane !== "x" && spec.plane !== "y") {
    throw new InvalidArgumentError(`${at}.plane must be "x" or "y", got ${JSON.stringify(spec.plane)}`, spec.plane);
  }
  if (spec.sourceS !== undefined) finite(spec.sourceS, `${at}.sourceS`, 0);
  switch (spec.kind) {
    case "harmonic":
      finite(spec.frequencyHz, `${at}.frequencyHz`, 0);
      finite(spec.amplitudeMm, `${at}.amplitudeMm`, 0);
      if (spec.phaseRad !== undefined) finite(spec.phaseRad, `${at}.phaseRad`);
      return;
    case "drift":
      finite(spec.rateMmPerS, `${at}.rateMmPerS`);
      return;
    case "randomWalk":
      finite(spec.diffusionMmPerSqrtS, `${at}.diffusionMmPerSqrtS`, 0);
      if (spec.sources !== undefined && !(Number.isInteger(spec.sources) && spec.sources >= 1)) {
        throw new InvalidArgumentError(`${at}.sources must be an integer >= 1, got ${spec.sources}`, spec.sources);
      }
      return;
    case "jump":
      finite(spec.timeS, `${at}.timeS`, 0);
      finite(spec.amplitudeMm, `${at}.amplitudeMm`);
      finite(spec.rampS ?? 0, `${at}.rampS`, 0);
      return;
    case "static":
      finite(spec.amplitudeMm, `${at}.amplitudeMm`, 0);
      return;
    default:
      throw new InvalidArgumentError(
        `${at}.kind must be one of ${Object.values(DisturbanceKind).join(", ")}, got ${JSON.stringify((spec as { kind: unknown }).kind)}`,
        (spec as { kind: unknown }).kind,
      );
  }
}

/**
 * The disturbances of one simulator: orbit patterns fixed at construction from the machine seed (each 1 mm
 * RMS), time-dependent coefficients. Everything lives in typed arrays indexed by pattern so that `addTo`, called
 * every step, is one tight loop per pattern and allocates nothing.
 */
export class Disturbances {
  private readonly nBpm: number;
  private readonly specs: readonly DisturbanceSpec[];
  /** Per pattern: kind code, plane offset in the orbit vector, index of its spec. */
  private readonly code: Uint8Array;
  private readonly offset: Int32Array;
  private readonly specOf: Int32Array;
  /** Per pattern: amplitude (mm), frequency (Hz), start time and ramp (jumps), random-walk step scale. */
  private readonly amplitude: Float64Array;
  private readonly frequency: Float64Array;
  private readonly timeS: Float64Array;
  private readonly rampS: Float64Array;
  /** Per pattern state: phase (harmonic), walk position (random walk), drawn factor (static). */
  private readonly state: Float64Array;
  private readonly patterns: Float64Array;

  /**
   * @param sourceResponse per plane, BPMs × source locations (the BPM locations), mm/mrad
   * @param bpmS BPM positions, m, to place localised sources
   */
  constructor(
    specs: readonly DisturbanceSpec[],
    sourceResponse: { x: Matrix; y: Matrix },
    bpmS: readonly number[],
    circumference: number,
    machineRng: Rng,
  ) {
    specs.forEach(validate);
    this.specs = specs;
    this.nBpm = bpmS.length;
    const counts = specs.map((s) => (s.kind === "randomWalk" ? (s.sources ?? 2) : 1));
    const total = counts.reduce((a, b) => a + b, 0);
    this.code = new Uint8Array(total);
    this.offset = new Int32Array(total);
    this.specOf = new Int32Array(total);
    this.amplitude = new Float64Array(total);
    this.frequency = new Float64Array(total);
    this.timeS = new Float64Array(total);
    this.rampS = new Float64Array(total);
    this.state = new Float64Array(total);
    this.patterns = new Float64Array(total * this.nBpm);
    let p = 0;
    specs.forEach((spec, i) => {
      const plane = spec.plane ?? "x";
      const localised = spec.sourceS !== undefined || spec.kind === "jump";
      const at = spec.sourceS !== undefined ? nearest(bpmS, spec.sourceS % circumference, circumference) : machineRng.int(this.nBpm);
      for (let k = 0; k < counts[i]!; k++, p++) {
        this.code[p] = CODE[spec.kind];
        this.offset[p] = plane === "x" ? 0 : this.nBpm;
        this.specOf[p] = i;
        switch (spec.kind) {
          case "harmonic":
            this.amplitude[p] = spec.amplitudeMm;
            this.frequency[p] = spec.frequencyHz;
            break;
          case "drift":
            this.amplitude[p] = spec.rateMmPerS;
            break;
          case "randomWalk":
            this.amplitude[p] = spec.diffusionMmPerSqrtS / Math.sqrt(counts[i]!);
            break;
          case "jump":
            this.amplitude[p] = spec.amplitudeMm;
            this.timeS[p] = spec.timeS;
            this.rampS[p] = spec.rampS ?? 0;
            break;
          case "static":
            this.amplitude[p] = spec.amplitudeMm;
            break;
        }
        const kicks = new Float64Array(this.nBpm);
        if (localised) kicks[at] = 1;
        else machineRng.fillGaussian(kicks);
        this.patterns.set(normalisedPattern(sourceResponse[plane], kicks), p * this.nBpm);
      }
    });
  }

  /** Back to t = 0: random walks restart from zero; unspecified phases and static amplitudes are redrawn. */
  reset(rng: Rng): void {
    for (let p = 0; p < this.code.length; p++) {
      const spec = this.specs[this.specOf[p]!]!;
      if (spec.kind === "harmonic") this.state[p] = spec.phaseRad ?? rng.uniformIn(0, 2 * Math.PI);
      else if (spec.kind === "static") this.state[p] = rng.gaussian();
      else this.state[p] = 0;
    }
  }

  /** Advances the random walks by dt (called once per simulator step). */
  advance(dtS: number, rng: Rng): void {
    if (dtS <= 0) return;
    const root = Math.sqrt(dtS);
    for (let p = 0; p < this.code.length; p++) {
      if (this.code[p] === CODE.randomWalk) this.state[p] += this.amplitude[p]! * root * rng.gaussian();
    }
  }

  /** Adds every disturbance's orbit at time t to `orbit` ([x..., y...], mm). */
  addTo(orbit: Float64Array, tS: number): void {
    const n = this.nBpm;
    for (let p = 0; p < this.code.length; p++) {
      const a = this.amplitude[p]!;
      let c: number;
      switch (this.code[p]) {
        case CODE.harmonic:
          c = a * Math.sin(2 * Math.PI * this.frequency[p]! * tS + this.state[p]!);
          break;
        case CODE.drift:
          c = a * tS;
          break;
        case CODE.randomWalk:
          c = this.state[p]!;
          break;
        case CODE.jump: {
          const t0 = this.timeS[p]!;
          const ramp = this.rampS[p]!;
          c = tS < t0 ? 0 : ramp > 0 ? a * Math.min(1, (tS - t0) / ramp) : a;
          break;
        }
        default:
          c = a * this.state[p]!;
      }
      if (c === 0) continue;
      const o = this.offset[p]!;
      const base = p * n;
      const pat = this.patterns;
      for (let i = 0; i < n; i++) orbit[o + i] += c * pat[base + i]!;
    }
  }
}

function nearest(positions: readonly number[], s: number, circumference: number): number {
  let best = 0;
  let bestD = Infinity;
  positions.forEach((p, i) => {
    const d = Math.min(Math.abs(p - s), circumference - Math.abs(p - s));
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

function normalisedPattern(response: Matrix, kicks: Float64Array): Float64Array {
  const n = response.rows;
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let x = 0;
    for (let j = 0; j < response.cols; j++) x += response.data[i * response.cols + j]! * kicks[j]!;
    out[i] = x;
    sum += x * x;
  }
  const r = Math.sqrt(sum / n);
  if (r > 0) for (let i = 0; i < n; i++) out[i] /= r;
  return out;
}
