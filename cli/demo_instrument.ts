/**
 * The built-in simulated instrument for `skyloop plan run` when no profile is given: two motors, a peak
 * detector on each, and a storage-ring beam current. Fast enough for a demo, slow enough to be physical.
 */
import { SimBeamCurrent, SimMotor, SimPeakDetector } from "../devices/index.ts";

export interface DemoInstrumentOptions {
  /** Motor velocity in mm/s; Infinity moves instantly. @default 20 */
  velocity?: number;
  /** Seed for the detectors' counting noise. @default 1 */
  seed?: number;
}

export function demoInstrument(options: DemoInstrumentOptions = {}): Map<string, object> {
  const velocity = options.velocity ?? 20;
  const seed = options.seed ?? 1;
  const instant = !Number.isFinite(velocity);
  const motor1 = new SimMotor({ name: "motor1", velocity, instant, limits: [-10, 10], units: "mm", precision: 3 });
  const motor2 = new SimMotor({ name: "motor2", velocity, instant, limits: [-10, 10], units: "mm", precision: 3 });
  const det1 = new SimPeakDetector({
    name: "det1", motor: motor1, center: 0.7, width: 0.8, amplitude: 1000, background: 20,
    noise: "poisson", seed, acquireTime: 0.01, units: "counts",
  });
  const det2 = new SimPeakDetector({
    name: "det2", motor: motor2, center: -1.5, width: 2, amplitude: 500, shape: "lorentzian",
    noise: "poisson", seed: seed + 1, acquireTime: 0.01, units: "counts",
  });
  const beamCurrent = new SimBeamCurrent({ name: "beam_current", current: 300, lifetimeHours: 10, topUpPeriodS: 60 });
  return new Map<string, object>([
    ["motor1", motor1],
    ["motor2", motor2],
    ["det1", det1],
    ["det2", det2],
    ["beam_current", beamCurrent],
  ]);
}
