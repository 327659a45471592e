import { InvalidArgumentError } from "../../engine/errors.ts";
import { Rng } from "../math/rng.ts";
import { Camera, imageStats, type CameraOptions, type Image, type ImageStats, type Spot } from "./camera.ts";
import { CountingDetector, type CountingDetectorOptions } from "./detector.ts";
import { Monochromator, type MonochromatorOptions } from "./monochromator.ts";
import { type EnergySelector, MonoKind, PlaneGratingMonochromator, type PgmOptions } from "./pgm.ts";
import { Focus, gaussianFractionBetween, Mirror, Slits, type FocusOptions, type MirrorOptions } from "./optics.ts";
import { AbsorptionEdgeSample, type AbsorptionEdgeOptions } from "./sample.ts";
import { Undulator, type UndulatorOptions } from "./undulator.ts";
import { VacuumSystem, type VacuumOptions } from "./vacuum.ts";

/** The stored beam current feeding the source: a constant, a function, or anything with `beamCurrentMa` (a RingSimulator). */
export type BeamCurrentSource = number | (() => number) | { readonly beamCurrentMa: number };

type PlaneValues = { x: number; y: number };

export interface BeamlineSimulatorOptions {
  /** @default 1 */
  seed?: number;
  /** @default 300 (mA) */
  beamCurrent?: BeamCurrentSource;
  undulator?: UndulatorOptions;
  monochromator?: MonochromatorOptions;
  /** Which monochromator selects the energy: the Si(111) double crystal or a plane grating (soft X-rays). @default "dcm" */
  mono?: MonoKind;
  /** The plane grating's settings (with `mono: "pgm"`). */
  pgm?: PgmOptions;
  sample?: AbsorptionEdgeOptions;
  mirror?: MirrorOptions;
  focus?: FocusOptions;
  camera?: CameraOptions;
  vacuum?: VacuumOptions;
  detectors?: { i0?: CountingDetectorOptions; it?: CountingDetectorOptions; if?: CountingDetectorOptions };
  /** Beam σ at the slits, mm. @default {x: 0.6, y: 0.3} */
  beamAtSlitsSigmaMm?: PlaneValues;
  /** Initial slit gaps (centred), mm. @default {x: 1.2, y: 0.6} */
  slitGapMm?: PlaneValues;
  /**
   * Growth of the focal spot σ per mm of slit gap (mirror slope errors over the illuminated length), mm/mm.
   * A wide slit passes more flux but blurs the focus past the sample aperture: the trade-off has an optimum.
   * @default {x: 0.01, y: 0.05}
   */
  aberrationPerGap?: PlaneValues;
  /** Half-size of the aperture defining the beam on the sample, mm. @default {x: 0.1, y: 0.05} */
  sampleApertureHalfMm?: PlaneValues;
  /** Move the undulator gap with the energy (on the lowest odd harmonic that reaches it). @default true */
  idTracking?: boolean;
  /** @default 9000 */
  energyEv?: number;
  /** @default true */
  sampleIn?: boolean;
}

export const DEFAULT_BEAMLINE = {
  seed: 1,
  beamCurrent: 300,
  beamAtSlitsSigmaMm: { x: 0.6, y: 0.3 },
  slitGapMm: { x: 1.2, y: 0.6 },
  aberrationPerGap: { x: 0.01, y: 0.05 },
  sampleApertureHalfMm: { x: 0.1, y: 0.05 },
  idTracking: true,
  energyEv: 9000,
  sampleIn: true,
} as const;

/** Flux at each stage, noise-free. Spectral values are ph/s/0.1%BW, the rest ph/s. */
export interface FluxBreakdown {
  readonly ringCurrentMa: number;
  /** Energy actually passed by the monochromator, eV. */
  readonly energyEv: number;
  readonly sourceSpectral: number;
  readonly afterSlitsSpectral: number;
  readonly afterMirrorSpectral: number;
  readonly afterMono: number;
  /** On the screen / camera at the sample position (0 with a closed valve or shutter). */
  readonly onScreen: number;
  /** Through the sample aperture: what I0 sees. */
  readonly atSample: number;
  readonly transmitted: number;
  readonly fluorescence: number;
}

/** One detector reading. */
export interface BeamlineCounts {
  readonly i0: number;
  readonly it: number;
  readonly if: number;
  readonly timeS: number;
  readonly energyEv: number;
}

export interface CameraFrame {
  readonly image: Image;
  readonly stats: ImageStats;
}

/**
 * An X-ray beamline: undulator → slits → mirror → Si(111) DCM → valves and shutter → sample aperture → I0 →
 * sample → It (and If at 90°); a camera images the beam at the sample position. Positions live in the
 * component objects (`mirror.pitchMrad`, `slits.setGap`, `focus.position`, `monochromator.setBraggDeg`) or
 * in the pseudo-motor `setEnergyEv`. Readings are deterministic for a seed and the same call sequence.
 */
export class BeamlineSimulator {
  readonly undulator: Undulator;
  readonly monochromator: Monochromator;
  /** The plane-grating monochromator, when the beamline has one (`mono: "pgm"`). */
  readonly pgm: PlaneGratingMonochromator | undefined;
  /** The monochromator in the beam: the DCM or the PGM. */
  readonly mono: EnergySelector;
  readonly sample: AbsorptionEdgeSample;
  readonly mirror: Mirror;
  readonly focus: Focus;
  readonly slits: Slits;
  readonly camera: Camera;
  readonly vacuum: VacuumSystem;
  readonly detectors: { readonly i0: CountingDetector; readonly it: CountingDetector; readonly if: CountingDetector };
  idTracking: boolean;
  sampleIn: boolean;

  private readonly beamCurrent: BeamCurrentSource;
  private readonly beamAtSlits: PlaneValues;
  private readonly aberration: PlaneValues;
  private readonly aperture: PlaneValues;
  private gap: number;
  private seed: number;
  private detectorRng!: Rng;
  private cameraRng!: Rng;

  constructor(options: BeamlineSimulatorOptions = {}) {
    this.undulator = new Undulator(options.undulator);
    const monoKind = options.mono ?? MonoKind.dcm;
    if (monoKind !== MonoKind.dcm && monoKind !== MonoKind.pgm)
      throw new InvalidArgumentError(`mono must be "dcm" or "pgm", got ${JSON.stringify(monoKind)}`, monoKind);
    const energyEv = options.energyEv ?? (monoKind === MonoKind.pgm ? options.pgm?.initialEnergyEv : undefined) ?? DEFAULT_BEAMLINE.energyEv;
    // A PGM beamline keeps an idle DCM at its own default energy: soft X-rays are below any crystal's reach.
    this.monochromator = new Monochromator({ ...(monoKind === MonoKind.dcm ? { initialEnergyEv: energyEv } : {}), ...options.monochromator });
    this.pgm = monoKind === MonoKind.pgm ? new PlaneGratingMonochromator({ ...options.pgm, initialEnergyEv: energyEv }) : undefined;
    this.mono = this.pgm ?? this.monochromator;
    this.sample = new AbsorptionEdgeSample(options.sample);
    this.mirror = new Mirror(options.mirror);
    this.focus = new Focus(options.focus);
    this.camera = new Camera(options.camera);
    this.vacuum = new VacuumSystem(options.vacuum);
    this.detectors = {
      i0: new CountingDetector("i0", { efficiency: 0.1, ...options.detectors?.i0 }),
      it: new CountingDetector("it", { efficiency: 0.5, ...options.detectors?.it }),
      if: new CountingDetector("if", { efficiency: 0.8, ...options.detectors?.if }),
    };
    this.beamCurrent = options.beamCurrent ?? DEFAULT_BEAMLINE.beamCurrent;
    this.beamAtSlits = positive(options.beamAtSlitsSigmaMm ?? DEFAULT_BEAMLINE.beamAtSlitsSigmaMm, "beamAtSlitsSigmaMm");
    this.aberration = nonNegative(options.aberrationPerGap ?? DEFAULT_BEAMLINE.aberrationPerGap, "aberrationPerGap");
    this.aperture = positive(options.sampleApertureHalfMm ?? DEFAULT_BEAMLINE.sampleApertureHalfMm, "sampleApertureHalfMm");
    const gaps = options.slitGapMm ?? DEFAULT_BEAMLINE.slitGapMm;
    this.slits = new Slits({ x: { gap: gaps.x }, y: { gap: gaps.y } });
    this.idTracking = options.idTracking ?? DEFAULT_BEAMLINE.idTracking;
    this.sampleIn = options.sampleIn ?? DEFAULT_BEAMLINE.sampleIn;
    const e = this.mono.energyEv;
    this.gap = this.undulator.gapForEnergy(e, this.undulator.harmonicFor(e));
    this.seed = options.seed ?? DEFAULT_BEAMLINE.seed;
    this.reset();
  }

  /** Restarts the noise streams (from `seed` when given); positions and states are kept. */
  reset(seed = this.seed): void {
    this.seed = seed;
    const root = new Rng(seed).derive("beamline");
    this.detectorRng = root.derive("detectors");
    this.cameraRng = root.derive("camera");
  }

  /** The stored current now, mA. */
  get ringCurrentMa(): number {
    const src = this.beamCurrent;
    const value = typeof src === "number" ? src : typeof src === "function" ? src() : src.beamCurrentMa;
    if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError(`beam current source gave ${value} mA; it must be a finite number >= 0`, value);
    return value;
  }

  get gapMm(): number {
    return this.gap;
  }

  setGapMm(gapMm: number): void {
    this.undulator.fieldT(gapMm);
    this.gap = gapMm;
  }

  /** The energy pseudo-motor: moves the monochromator and, with ID tracking, the undulator gap. */
  setEnergyEv(energyEv: number): void {
    const gap = this.idTracking ? this.undulator.gapForEnergy(energyEv, this.undulator.harmonicFor(energyEv)) : this.gap;
    this.mono.setEnergyEv(energyEv);
    this.gap = gap;
  }

  /** Energy actually transmitted (includes the backlash error), eV. */
  get energyEv(): number {
    return this.mono.actualEnergyEv;
  }

  /** The beam spot at the sample position: σ from the focus and the slit-dependent blur, centre from the mirror. */
  spot(): Spot {
    const sx = Math.hypot(this.focus.sigmaMm("x"), this.aberration.x * Math.max(0, this.slits.gap("x")));
    const sy = Math.hypot(this.focus.sigmaMm("y"), this.aberration.y * Math.max(0, this.slits.gap("y")));
    return { centreXMm: 0, centreYMm: this.mirror.beamOffsetMm(), sigmaXMm: sx, sigmaYMm: sy, photonsPerS: this.flux().onScreen };
  }

  /** Noise-free flux through the beamline now. */
  flux(): FluxBreakdown {
    const current = this.ringCurrentMa;
    const e = this.mono.actualEnergyEv;
    const sourceSpectral = this.undulator.spectrum(e, this.gap, current);
    const afterSlitsSpectral = sourceSpectral * this.slits.transmission(this.beamAtSlits.x, this.beamAtSlits.y);
    const afterMirrorSpectral = afterSlitsSpectral * this.mirror.reflectivity(e);
    const afterMono = this.mono.transmittedFlux(afterMirrorSpectral);
    const onScreen = this.vacuum.beamPasses() ? afterMono : 0;
    const sx = Math.hypot(this.focus.sigmaMm("x"), this.aberration.x * Math.max(0, this.slits.gap("x")));
    const sy = Math.hypot(this.focus.sigmaMm("y"), this.aberration.y * Math.max(0, this.slits.gap("y")));
    const ap = this.aperture;
    const fraction = gaussianFractionBetween(-ap.x, ap.x, 0, sx) * gaussianFractionBetween(-ap.y, ap.y, this.mirror.beamOffsetMm(), sy);
    const atSample = onScreen * fraction;
    return {
      ringCurrentMa: current,
      energyEv: e,
      sourceSpectral,
      afterSlitsSpectral,
      afterMirrorSpectral,
      afterMono,
      onScreen,
      atSample,
      transmitted: this.sampleIn ? atSample * this.sample.transmission(e) : atSample,
      fluorescence: this.sampleIn ? atSample * this.sample.fluorescence(e) : 0,
    };
  }

  /** Counts on I0, It and If for an acquire time (Poisson noise, dark counts, gain). */
  acquire(timeS: number): BeamlineCounts {
    const f = this.flux();
    const rng = this.detectorRng;
    return {
      i0: this.detectors.i0.count(f.atSample, timeS, rng),
      it: this.detectors.it.count(f.transmitted, timeS, rng),
      if: this.detectors.if.count(f.fluorescence, timeS, rng),
      timeS,
      energyEv: f.energyEv,
    };
  }

  /** A camera frame at the sample position and its statistics (centroid threshold in counts). */
  acquireImage(exposureS: number, threshold = this.camera.options.darkLevel + 5 * this.camera.options.readNoise): CameraFrame {
    const image = this.camera.acquire(this.spot(), exposureS, this.cameraRng);
    return { image, stats: imageStats(image, threshold) };
  }
}

function positive(v: PlaneValues, what: string): PlaneValues {
  if (!(v.x > 0 && v.y > 0 && Number.isFinite(v.x) && Number.isFinite(v.y))) {
    throw new InvalidArgumentError(`${what} must have finite x and y > 0, got ${JSON.stringify(v)}`, v);
  }
  return { x: v.x, y: v.y };
}

function nonNegative(v: PlaneValues, what: string): PlaneValues {
  if (!(v.x >= 0 && v.y >= 0 && Number.isFinite(v.x) && Number.isFinite(v.y))) {
    throw new InvalidArgumentError(`${what} must have finite x and y >= 0, got ${JSON.stringify(v)}`, v);
  }
  return { x: v.x, y: v.y };
}
