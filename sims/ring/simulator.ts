import { InvalidArgumentError } from "../../engine/errors.ts";
import { createMatrix, rms, type Matrix } from "../math/matrix.ts";
import { Rng } from "../math/rng.ts";
import { Disturbances, type DisturbanceSpec } from "./disturbances.ts";
import type { Lattice, Plane } from "./lattice.ts";
import { defaultRingLattice } from "./lattice-generator.ts";
import { DEFAULT_MISMATCH, drawMismatch, type Mismatch, type MismatchOptions } from "./mismatch.ts";
import { fullResponseMatrix, responseBetween } from "./response.ts";

export interface BpmOptions {
  /**
   * RMS noise of each reading, mm.
   * @default 0.001
   */
  noiseMm?: number;
  /**
   * RMS of the fixed reading offsets (electrical centre vs magnetic centre), mm, drawn from the machine seed.
   * @default 0
   */
  offsetSigmaMm?: number;
  /**
   * RMS relative gain error of each reading, drawn from the machine seed (adds to the model mismatch).
   * @default 0
   */
  gainSigma?: number;
}

export interface CorrectorOptions {
  /**
   * Kick per ampere, mrad/A.
   * @default 0.05
   */
  mradPerA?: number;
  /**
   * Power-supply limit, ±A; set-points beyond it saturate.
   * @default 5
   */
  limitA?: number;
  /**
   * DAC resolution over the full range [−limit, +limit]; 0 means no quantisation.
   * @default 18
   */
  dacBits?: number;
  /**
   * Maximum rate of change of the current, A/s; 0 or Infinity means none.
   * @default 0
   */
  slewRateAPerS?: number;
  /**
   * Time constant of the first-order lag (magnet, eddy currents, vacuum chamber), s; 0 means none.
   * @default 0
   */
  settlingTimeS?: number;
}

export interface BeamOptions {
  /**
   * Stored current after injection, mA.
   * @default 300
   */
  currentMa?: number;
  /**
   * Beam lifetime, h (exponential decay).
   * @default 10
   */
  lifetimeH?: number;
  /**
   * Half-aperture at the BPMs, mm; an orbit beyond it anywhere loses the beam.
   * @default 10
   */
  apertureXMm?: number;
  /** @default 5 */
  apertureYMm?: number;
}

export interface RingSimulatorOptions {
  /** @default the default 100-BPM ring (`defaultRingLattice()`) */
  lattice?: Lattice;
  /**
   * Seed of the run: noise, random walks, drawn phases. `reset({seed})` changes it.
   * @default 1
   */
  seed?: number;
  /**
   * Seed of the machine's fixed errors (mismatch, BPM offsets and gains, disturbance patterns).
   * @default the run seed
   */
  machineSeed?: number;
  bpm?: BpmOptions;
  correctors?: CorrectorOptions;
  mismatch?: MismatchOptions;
  beam?: BeamOptions;
  /** @default [] (see TYPICAL_DISTURBANCES) */
  disturbances?: readonly DisturbanceSpec[];
  /** Corrector currents at reset, A ([horizontal..., vertical...]). @default all zero */
  initialCurrentsA?: ArrayLike<number>;
}

export const DEFAULT_BPM: Required<BpmOptions> = { noiseMm: 0.001, offsetSigmaMm: 0, gainSigma: 0 };
export const DEFAULT_CORRECTORS: Required<CorrectorOptions> = { mradPerA: 0.05, limitA: 5, dacBits: 18, slewRateAPerS: 0, settlingTimeS: 0 };
export const DEFAULT_BEAM: Required<BeamOptions> = { currentMa: 300, lifetimeH: 10, apertureXMm: 10, apertureYMm: 5 };

/** Realistic imperfections for runs that should feel like a real machine (combine with TYPICAL_DISTURBANCES). */
export const TYPICAL_IMPERFECTIONS = {
  bpm: { noiseMm: 0.001, offsetSigmaMm: 0.05, gainSigma: 0.01 },
  correctors: { mradPerA: 0.05, limitA: 5, dacBits: 16, slewRateAPerS: 20, settlingTimeS: 0.01 },
  mismatch: { fraction: 0.05, couplingShare: 0.25 },
} as const satisfies Pick<RingSimulatorOptions, "bpm" | "correctors" | "mismatch">;

/** Why and where the beam was lost. */
export interface BeamLoss {
  readonly timeS: number;
  readonly plane: Plane;
  readonly bpm: string;
  readonly orbitMm: number;
  readonly apertureMm: number;
}

/** Incremental orbit updates accumulate rounding; recompute from scratch this often. */
const FULL_RECOMPUTE_EVERY = 100_000;

function merged<T extends object>(defaults: Required<T>, given: T | undefined): Required<T> {
  return { ...defaults, ...(given ?? {}) } as Required<T>;
}

function checkFinite(value: number, what: string, min = -Infinity): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < min || value === -Infinity) {
    throw new InvalidArgumentError(`${what} must be a number${min > -Infinity ? ` >= ${min}` : ""}, got ${JSON.stringify(value)}`, value);
  }
  return value;
}

/**
 * A storage ring's closed orbit in time. State: corrector set-points and actual currents, time, beam current,
 * disturbance states. Orbit vectors are [x at each BPM, then y at each BPM] in mm; corrector vectors are
 * [horizontal, then vertical] in A. `step(dt)` advances time and produces a new BPM reading (with noise) that
 * stays fixed until the next step; nothing allocates per step.
 */
export class RingSimulator {
  readonly lattice: Lattice;
  readonly nBpm: number;
  readonly nH: number;
  readonly nV: number;
  /** Number of correctors, both planes. */
  readonly nCorrectors: number;
  readonly bpmNames: readonly string[];
  readonly correctorNames: readonly string[];
  readonly mismatch: Mismatch;

  private readonly bpmOpts: Required<BpmOptions>;
  private readonly corOpts: Required<CorrectorOptions>;
  private readonly beamOpts: Required<BeamOptions>;
  private readonly nominal: Matrix;
  /** True response, column-major (corrector j's orbit at offset j·2nBpm), mm/A; BPM gains not applied. */
  private readonly columns: Float64Array;
  private readonly readGain: Float64Array;
  private readonly readOffset: Float64Array;
  private readonly eta: Float64Array;
  private readonly disturbances: Disturbances;
  private readonly initialCurrents: Float64Array;
  private readonly lsb: number;
  private readonly slewRate: number;

  private rng: Rng;
  private seed: number;
  private t = 0;
  private currentMa = 0;
  private lost: BeamLoss | null = null;
  private energyOffset = 0;
  private readonly setpoint: Float64Array;
  private readonly target: Float64Array;
  /** Output of the slew-rate limiter, A. */
  private readonly slewOut: Float64Array;
  /** actual − slewOut, A: decays by exp(−dt/τ) each step, the same factor for every corrector. */
  private readonly lag: Float64Array;
  private lagging = false;
  private readonly isActive: Uint8Array;
  private readonly activeList: Int32Array;
  private activeCount = 0;
  private incrementalUpdates = 0;
  /** Σ column_j · slewOut_j and Σ column_j · lag_j: the lag part decays as a whole, so a step costs O(BPMs). */
  private readonly slewOrbit: Float64Array;
  private readonly lagOrbit: Float64Array;
  private readonly orbitTrue: Float64Array;
  private readonly orbitRead: Float64Array;

  constructor(options: RingSimulatorOptions = {}) {
    this.lattice = options.lattice ?? defaultRingLattice();
    this.bpmOpts = merged(DEFAULT_BPM, options.bpm);
    this.corOpts = merged(DEFAULT_CORRECTORS, options.correctors);
    this.beamOpts = merged(DEFAULT_BEAM, options.beam);
    this.validateOptions();
    const lat = this.lattice;
    this.nBpm = lat.bpms.length;
    this.nH = lat.hCorrectors.length;
    this.nV = lat.vCorrectors.length;
    this.nCorrectors = this.nH + this.nV;
    this.bpmNames = lat.bpms.map((b) => b.name);
    this.correctorNames = [...lat.hCorrectors, ...lat.vCorrectors].map((c) => c.name);
    this.seed = options.seed ?? 1;
    const machineRng = new Rng(options.machineSeed ?? this.seed).derive("machine");
    this.rng = new Rng(this.seed).derive("run");

    const m = 2 * this.nBpm;
    const n = this.nCorrectors;
    const k = this.corOpts.mradPerA;
    const ideal = fullResponseMatrix(lat);
    const withCoupling = fullResponseMatrix(lat, { coupling: 1 });
    this.nominal = createMatrix(m, n, ideal.data.map((r) => r * k));
    const couplingShape = createMatrix(m, n, withCoupling.data.map((r) => r * k));
    this.mismatch = drawMismatch(this.nominal, couplingShape, this.nBpm, this.nH, options.mismatch ?? DEFAULT_MISMATCH, machineRng.derive("mismatch"));

    this.columns = new Float64Array(m * n);
    for (let j = 0; j < n; j++) {
      const g = 1 + this.mismatch.correctorGains[j]!;
      for (let i = 0; i < m; i++) {
        this.columns[j * m + i] = this.nominal.data[i * n + j]! * g + this.mismatch.coupling.data[i * n + j]!;
      }
    }
    const bpmRng = machineRng.derive("bpm");
    this.readGain = new Float64Array(m);
    this.readOffset = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      this.readGain[i] = (1 + this.mismatch.bpmGains[i]!) * (1 + this.bpmOpts.gainSigma * bpmRng.gaussian());
      this.readOffset[i] = this.bpmOpts.offsetSigmaMm * bpmRng.gaussian();
    }
    this.eta = new Float64Array(m);
    lat.bpms.forEach((b, i) => (this.eta[i] = (b.etaX ?? 0) * 1000));

    this.disturbances = new Disturbances(
      options.disturbances ?? [],
      { x: responseBetween(lat.bpms, lat.bpms, "x", lat.tuneX), y: responseBetween(lat.bpms, lat.bpms, "y", lat.tuneY) },
      lat.bpms.map((b) => b.s),
      lat.circumference,
      machineRng.derive("disturbances"),
    );

    const bits = this.corOpts.dacBits;
    this.lsb = bits > 0 && Number.isFinite(bits) ? (2 * this.corOpts.limitA) / 2 ** bits : 0;
    this.slewRate = this.corOpts.slewRateAPerS > 0 ? this.corOpts.slewRateAPerS : Infinity;
    this.initialCurrents = new Float64Array(n);
    if (options.initialCurrentsA !== undefined) {
      if (options.initialCurrentsA.length !== n) {
        throw new InvalidArgumentError(`initialCurrentsA has ${options.initialCurrentsA.length} values, the ring has ${n} correctors`, options.initialCurrentsA.length);
      }
      for (let j = 0; j < n; j++) this.initialCurrents[j] = this.quantise(checkFinite(options.initialCurrentsA[j]!, `initialCurrentsA[${j}]`));
    }
    this.setpoint = new Float64Array(n);
    this.target = new Float64Array(n);
    this.slewOut = new Float64Array(n);
    this.lag = new Float64Array(n);
    this.isActive = new Uint8Array(n);
    this.activeList = new Int32Array(n);
    this.slewOrbit = new Float64Array(m);
    this.lagOrbit = new Float64Array(m);
    this.orbitTrue = new Float64Array(m);
    this.orbitRead = new Float64Array(m);
    this.reset();
  }

  private validateOptions(): void {
    const b = this.bpmOpts;
    checkFinite(b.noiseMm, "bpm.noiseMm", 0);
    checkFinite(b.offsetSigmaMm, "bpm.offsetSigmaMm", 0);
    checkFinite(b.gainSigma, "bpm.gainSigma", 0);
    const c = this.corOpts;
    checkFinite(c.mradPerA, "correctors.mradPerA");
    if (!(c.limitA > 0 && Number.isFinite(c.limitA))) throw new InvalidArgumentError(`correctors.limitA must be a finite number > 0, got ${c.limitA}`, c.limitA);
    checkFinite(c.dacBits, "correctors.dacBits", 0);
    checkFinite(c.slewRateAPerS, "correctors.slewRateAPerS", 0);
    checkFinite(c.settlingTimeS, "correctors.settlingTimeS", 0);
    const e = this.beamOpts;
    checkFinite(e.currentMa, "beam.currentMa", 0);
    if (!(e.lifetimeH > 0)) throw new InvalidArgumentError(`beam.lifetimeH must be > 0, got ${e.lifetimeH}`, e.lifetimeH);
    if (!(e.apertureXMm > 0)) throw new InvalidArgumentError(`beam.apertureXMm must be > 0, got ${e.apertureXMm}`, e.apertureXMm);
    if (!(e.apertureYMm > 0)) throw new InvalidArgumentError(`beam.apertureYMm must be > 0, got ${e.apertureYMm}`, e.apertureYMm);
  }

  /**
   * Back to t = 0 with the initial corrector currents, full current, no beam loss and restarted disturbances.
   * A new `seed` changes the noise and drawn phases of this and later runs, not the machine's fixed errors.
   */
  reset(options: { seed?: number } = {}): void {
    if (options.seed !== undefined && options.seed !== this.seed) {
      this.seed = options.seed;
      this.rng = new Rng(this.seed).derive("run");
    } else {
      this.rng = new Rng(this.seed).derive("run");
    }
    this.t = 0;
    this.currentMa = this.beamOpts.currentMa;
    this.lost = null;
    this.energyOffset = 0;
    this.setpoint.set(this.initialCurrents);
    this.target.set(this.initialCurrents);
    this.slewOut.set(this.initialCurrents);
    this.lag.fill(0);
    this.lagging = false;
    this.isActive.fill(0);
    this.activeCount = 0;
    this.disturbances.reset(this.rng.derive("disturbances"));
    this.recomputeCorrectorOrbit();
    this.step(0);
  }

  /** The seed of the current run. */
  get runSeed(): number {
    return this.seed;
  }

  /** Simulated time since reset, s. */
  get timeS(): number {
    return this.t;
  }

  get beamCurrentMa(): number {
    return this.currentMa;
  }

  /** The beam loss, or null while the beam is stored. */
  get beamLoss(): BeamLoss | null {
    return this.lost;
  }

  get beamLost(): boolean {
    return this.lost !== null;
  }

  get tuneX(): number {
    return this.lattice.tuneX;
  }

  get tuneY(): number {
    return this.lattice.tuneY;
  }

  /** Corrector limit, ±A. */
  get correctorLimitA(): number {
    return this.corOpts.limitA;
  }

  /** Global index of a corrector: horizontal ones first, then vertical. */
  correctorIndex(plane: Plane, index: number): number {
    const n = plane === "x" ? this.nH : this.nV;
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new InvalidArgumentError(`corrector index ${index} is out of range for plane ${plane} (0..${n - 1})`, index);
    }
    return plane === "x" ? index : this.nH + index;
  }

  /**
   * Requests a corrector current (global index). The power supply saturates at its limit and quantises to its
   * DAC; the actual current then follows with the slew-rate limit and settling lag as time advances.
   * Returns the current the supply will settle at.
   */
  setCorrector(index: number, amps: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.nCorrectors) {
      throw new InvalidArgumentError(`corrector index ${index} is out of range (0..${this.nCorrectors - 1})`, index);
    }
    if (!Number.isFinite(amps)) {
      throw new InvalidArgumentError(`corrector ${this.correctorNames[index]} set-point must be a finite number of amperes, got ${amps}`, amps);
    }
    this.setpoint[index] = amps;
    const target = this.quantise(amps);
    this.target[index] = target;
    if (this.slewOut[index] === target) return target;
    if (this.slewRate === Infinity) this.moveSlewOutput(index, target - this.slewOut[index]!);
    else if (this.isActive[index] === 0) {
      this.isActive[index] = 1;
      this.activeList[this.activeCount++] = index;
    }
    return target;
  }

  /** Sets every corrector ([horizontal..., vertical...], A). */
  setCorrectors(amps: ArrayLike<number>): void {
    if (amps.length !== this.nCorrectors) {
      throw new InvalidArgumentError(`setCorrectors needs ${this.nCorrectors} values, got ${amps.length}`, amps.length);
    }
    for (let j = 0; j < this.nCorrectors; j++) this.setCorrector(j, amps[j]!);
  }

  /** Adds `deltaA` to every set-point (what an orbit-correction step does). */
  addToCorrectors(deltaA: ArrayLike<number>): void {
    if (deltaA.length !== this.nCorrectors) {
      throw new InvalidArgumentError(`addToCorrectors needs ${this.nCorrectors} values, got ${deltaA.length}`, deltaA.length);
    }
    for (let j = 0; j < this.nCorrectors; j++) if (deltaA[j] !== 0) this.setCorrector(j, this.setpoint[j]! + deltaA[j]!);
  }

  correctorSetpoint(index: number): number {
    return this.setpoint[index]!;
  }

  /** The actual current now, A. */
  correctorCurrent(index: number): number {
    return this.slewOut[index]! + this.lag[index]!;
  }

  /** True when the set-point is beyond the supply's limit. */
  correctorSaturated(index: number): boolean {
    return Math.abs(this.setpoint[index]!) > this.corOpts.limitA;
  }

  correctorSetpoints(out = new Float64Array(this.nCorrectors)): Float64Array {
    out.set(this.setpoint);
    return out;
  }

  correctorCurrents(out = new Float64Array(this.nCorrectors)): Float64Array {
    for (let j = 0; j < this.nCorrectors; j++) out[j] = this.slewOut[j]! + this.lag[j]!;
    return out;
  }

  /** Relative momentum offset δ (e.g. from an RF frequency change); moves the orbit by η·δ. */
  setEnergyOffset(delta: number): void {
    this.energyOffset = checkFinite(delta, "energy offset");
  }

  get energyOffsetRel(): number {
    return this.energyOffset;
  }

  /** Advances time by dtS and takes a new BPM reading. */
  step(dtS: number): void {
    if (!(dtS >= 0) || dtS === Infinity) throw new InvalidArgumentError(`step needs a finite dt >= 0 s, got ${dtS}`, dtS);
    this.t += dtS;
    if (this.activeCount > 0) this.slew(dtS);
    if (this.lagging) this.settle(dtS);
    this.disturbances.advance(dtS, this.rng);

    const orbit = this.orbitTrue;
    if (this.lagging) for (let i = 0; i < orbit.length; i++) orbit[i] = this.slewOrbit[i]! + this.lagOrbit[i]!;
    else orbit.set(this.slewOrbit);
    this.disturbances.addTo(orbit, this.t);
    if (this.energyOffset !== 0) for (let i = 0; i < this.nBpm; i++) orbit[i] += this.eta[i]! * this.energyOffset;

    if (this.lost === null) {
      this.currentMa *= Math.exp(-dtS / (this.beamOpts.lifetimeH * 3600));
      this.checkAperture();
    }
    const read = this.orbitRead;
    if (this.lost !== null) {
      read.fill(NaN);
      return;
    }
    const noise = this.bpmOpts.noiseMm;
    for (let i = 0; i < read.length; i++) {
      read[i] = this.readGain[i]! * orbit[i]! + this.readOffset[i]! + (noise > 0 ? noise * this.rng.gaussian() : 0);
    }
  }

  /** Steps until `tS` (a no-op when tS is not later than now). */
  advanceTo(tS: number, maxStepS = Infinity): void {
    while (this.t < tS) this.step(Math.min(tS - this.t, maxStepS));
  }

  /** The latest BPM readings, mm ([x..., y...]); NaN everywhere while there is no beam. */
  readOrbit(out = new Float64Array(2 * this.nBpm)): Float64Array {
    out.set(this.orbitRead);
    return out;
  }

  /** One plane of the latest readings, mm. */
  readPlane(plane: Plane, out = new Float64Array(this.nBpm)): Float64Array {
    const o = plane === "x" ? 0 : this.nBpm;
    out.set(this.orbitRead.subarray(o, o + this.nBpm));
    return out;
  }

  /** A view of the latest readings (no copy; overwritten by the next step). */
  get orbitView(): Readonly<Float64Array> {
    return this.orbitRead;
  }

  /** The beam's actual orbit (no noise, offsets or gains), mm. */
  trueOrbit(out = new Float64Array(2 * this.nBpm)): Float64Array {
    out.set(this.orbitTrue);
    return out;
  }

  /** RMS of the true orbit in one plane, mm. */
  rmsOrbit(plane: Plane): number {
    return plane === "x" ? rms(this.orbitTrue, 0, this.nBpm) : rms(this.orbitTrue, this.nBpm, 2 * this.nBpm);
  }

  /**
   * Injects beam up to `currentMa`. Returns false (and stays without beam) when the orbit is outside the
   * aperture, so a refill cannot succeed until the orbit is brought back.
   */
  refill(currentMa = this.beamOpts.currentMa): boolean {
    checkFinite(currentMa, "refill current (mA)", 0);
    this.lost = null;
    this.currentMa = currentMa;
    this.checkAperture();
    this.step(0);
    return this.lost === null;
  }

  /** The nominal model's response, mm/A ((2·nBpm) × nCorrectors): what an orbit-correction program would use. */
  nominalResponse(): Matrix {
    return createMatrix(this.nominal.rows, this.nominal.cols, this.nominal.data.slice());
  }

  /** The machine's response as the BPMs measure it (gain errors, calibration errors, coupling), mm/A. */
  realResponse(): Matrix {
    const m = 2 * this.nBpm;
    const n = this.nCorrectors;
    const out = createMatrix(m, n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < m; i++) out.data[i * n + j] = this.readGain[i]! * this.columns[j * m + i]!;
    }
    return out;
  }

  private quantise(amps: number): number {
    const limit = this.corOpts.limitA;
    let x = Math.max(-limit, Math.min(limit, amps));
    if (this.lsb > 0) {
      x = Math.round(x / this.lsb) * this.lsb;
      if (x > limit) x -= this.lsb;
      if (x < -limit) x += this.lsb;
    }
    return x;
  }

  /**
   * The slew-rate limiter's output moves by `delta`; the actual current does not jump (the lag absorbs the
   * step) unless there is no settling lag, in which case it follows at once.
   */
  private moveSlewOutput(j: number, delta: number): void {
    const m = 2 * this.nBpm;
    const col = j * m;
    this.slewOut[j] += delta;
    for (let i = 0; i < m; i++) this.slewOrbit[i] += delta * this.columns[col + i]!;
    if (this.corOpts.settlingTimeS > 0) {
      this.lag[j] -= delta;
      for (let i = 0; i < m; i++) this.lagOrbit[i] -= delta * this.columns[col + i]!;
      this.lagging = true;
    }
    if (++this.incrementalUpdates >= FULL_RECOMPUTE_EVERY) this.recomputeCorrectorOrbit();
  }

  private slew(dtS: number): void {
    const maxMove = this.slewRate * dtS;
    let kept = 0;
    for (let a = 0; a < this.activeCount; a++) {
      const j = this.activeList[a]!;
      const d = this.target[j]! - this.slewOut[j]!;
      if (Math.abs(d) <= maxMove) {
        this.moveSlewOutput(j, d);
        this.slewOut[j] = this.target[j]!;
        this.isActive[j] = 0;
      } else {
        if (maxMove > 0) this.moveSlewOutput(j, Math.sign(d) * maxMove);
        this.activeList[kept++] = j;
      }
    }
    this.activeCount = kept;
  }

  /** First-order lag: every corrector's lag, and so their summed orbit, decays by the same factor. */
  private settle(dtS: number): void {
    if (dtS <= 0) return;
    const f = Math.exp(-dtS / this.corOpts.settlingTimeS);
    let largest = 0;
    for (let j = 0; j < this.nCorrectors; j++) {
      const l = this.lag[j]! * f;
      this.lag[j] = l;
      if (Math.abs(l) > largest) largest = Math.abs(l);
    }
    if (largest <= 1e-12 * this.corOpts.limitA) {
      this.lag.fill(0);
      this.lagOrbit.fill(0);
      this.lagging = false;
      return;
    }
    for (let i = 0; i < this.lagOrbit.length; i++) this.lagOrbit[i] *= f;
  }

  private recomputeCorrectorOrbit(): void {
    const m = 2 * this.nBpm;
    this.slewOrbit.fill(0);
    this.lagOrbit.fill(0);
    for (let j = 0; j < this.nCorrectors; j++) {
      const s = this.slewOut[j]!;
      const l = this.lag[j]!;
      if (s === 0 && l === 0) continue;
      for (let i = 0; i < m; i++) {
        this.slewOrbit[i] += s * this.columns[j * m + i]!;
        this.lagOrbit[i] += l * this.columns[j * m + i]!;
      }
    }
    this.incrementalUpdates = 0;
  }

  private checkAperture(): void {
    const ax = this.beamOpts.apertureXMm;
    const ay = this.beamOpts.apertureYMm;
    for (let i = 0; i < 2 * this.nBpm; i++) {
      const x = this.orbitTrue[i]!;
      const isX = i < this.nBpm;
      const ap = isX ? ax : ay;
      if (Math.abs(x) > ap) {
        this.lost = { timeS: this.t, plane: isX ? "x" : "y", bpm: this.bpmNames[isX ? i : i - this.nBpm]!, orbitMm: x, apertureMm: ap };
        this.currentMa = 0;
        return;
      }
    }
  }
}
