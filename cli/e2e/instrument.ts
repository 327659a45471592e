/**
 * The devices of the end-to-end tests: real simulated devices, timed to keep each test in the tens of ms.
 * Motors that really move (a few ms per step) and instant ones, peak detectors on them, a beam current as a
 * soft signal the test drives, an energy motor with an absorption-edge detector, and a camera writing files.
 */
import { tmpdir } from "node:os";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import {
  SimCameraWriter,
  SimDetector,
  SimMotor,
  SimPeakDetector,
  softSignalRW,
  type CameraAssets,
  type SignalRW,
} from "../../devices/index.ts";
import { RunEngine } from "../../engine/run_engine/index.ts";
import type { RunEngineOptions } from "../../engine/run_engine/index.ts";
import { eToK } from "../../engine/plans/index.ts";
import { DocumentChecker, loadReferenceValidators } from "./documents.ts";
import type { CheckOptions } from "./documents.ts";

export const PEAK_CENTER = 0.7;
export const CU_K_EDGE_EV = 8979;

/** The Cu regions of the issue: pre-edge, edge, XANES in eV, EXAFS in k. */
export const CU_XAFS = {
  e0: CU_K_EDGE_EV,
  regions: [-200, -30, -10, 15.5, "15k"],
  steps: [10, 2, 0.3, "0.05k"],
  times: [0.5, 0.5, 0.5, "0.25k"],
} as const;

/**
 * μ(E) of a thin Cu foil, roughly: a falling pre-edge, an arctan edge step at e0 and damped EXAFS wiggles
 * (one shell at 2.55 Å) above it.
 */
export function muOfE(e: number, e0 = CU_K_EDGE_EV): number {
  const pre = 0.2 - 1e-5 * (e - e0);
  const step = 0.5 + Math.atan((e - e0) / 1.5) / Math.PI;
  const k = e > e0 ? eToK(e - e0) : 0;
  const chi = e > e0 ? (0.3 * Math.sin(2 * k * 2.55) * Math.exp(-2 * 0.005 * k * k)) / Math.max(k, 1) : 0;
  return pre + step * (1 + chi);
}

export interface Instrument {
  /** Really moving motors: 100 mm/s, 5 ms acceleration, 2 ms ticks; limits ±10. */
  readonly motor1: SimMotor;
  readonly motor2: SimMotor;
  /** Instant motor, limits ±10. */
  readonly fast: SimMotor;
  /** Peak at PEAK_CENTER on motor1, no noise. */
  readonly det1: SimPeakDetector;
  /** Lorentzian peak at -1.5 on motor2. */
  readonly det2: SimPeakDetector;
  /** Peak on the instant motor. */
  readonly fastDet: SimPeakDetector;
  /** Storage-ring current in mA (300 nominal): the test drops and restores it. */
  readonly ringCurrent: SignalRW<number>;
  /** Monochromator energy in eV (instant), limits 8000..10000. */
  readonly energy: SimMotor;
  /** μ(E) on the energy motor, with an acquire_time xafs configures per region (scaled 1/1000). */
  readonly mu: SimDetector;
}

export function instrument(): Instrument {
  const moving = (name: string) =>
    new SimMotor({ name, velocity: 100, accelerationTime: 0.005, tickMs: 2, limits: [-10, 10], precision: 4 });
  const motor1 = moving("motor1");
  const motor2 = moving("motor2");
  const fast = new SimMotor({ name: "fast", instant: true, limits: [-10, 10] });
  const peak = { amplitude: 1000, background: 20, acquireTime: 0.001, timeScale: 1 } as const;
  const det1 = new SimPeakDetector({ name: "det1", motor: motor1, center: PEAK_CENTER, width: 0.8, ...peak });
  const det2 = new SimPeakDetector({ name: "det2", motor: motor2, center: -1.5, width: 2, shape: "lorentzian", ...peak });
  const fastDet = new SimPeakDetector({ name: "fast_det", motor: fast, center: PEAK_CENTER, width: 0.8, ...peak, timeScale: 0 });
  const ringCurrent = softSignalRW(300, { units: "mA", precision: 2 });
  ringCurrent.setName("ring_current");
  const energy = new SimMotor({ name: "energy", instant: true, initial: 8800, limits: [8000, 10000], units: "eV", precision: 2 });
  const mu = new SimDetector({
    name: "mu",
    inputs: [energy.user_readback],
    compute: ([e]) => muOfE(e!),
    acquireTime: 0.5,
    timeScale: 0.001,
    units: "",
    precision: 5,
  });
  return { motor1, motor2, fast, det1, det2, fastDet, ringCurrent, energy, mu };
}

export function cameraIn(directory: string, assets: CameraAssets, motor?: SimMotor): SimCameraWriter {
  return new SimCameraWriter({ name: "cam", directory, assets, width: 8, height: 6, acquireTime: 0.001, ...(motor ? { motor } : {}) });
}

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `skyloop-e2e-${prefix}-`));

export const REFERENCE = loadReferenceValidators();
export const SCHEMAS_MISSING = "missing" in REFERENCE ? REFERENCE.missing : undefined;
if (SCHEMAS_MISSING) process.stderr.write(`skyloop e2e: ${SCHEMAS_MISSING}\n`);

/** A RunEngine with a reference-schema DocumentChecker subscribed; logs go to `logs`. */
export function checkedEngine(
  check: CheckOptions = {},
  options: RunEngineOptions = {},
): { RE: RunEngine; docs: DocumentChecker; logs: string[] } {
  const logs: string[] = [];
  const RE = new RunEngine({ log: (l) => logs.push(l), ...options });
  const docs = new DocumentChecker("validators" in REFERENCE ? REFERENCE.validators : undefined, check);
  RE.subscribe(docs.callback);
  return { RE, docs, logs };
}
