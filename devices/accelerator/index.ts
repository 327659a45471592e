/** Accelerator devices over PVs: BPM, corrector power supply, DCCT, tune, RF, kicker, orbit system. */
export { Bpm, BPM_STATES, type BpmOptions } from "./bpm.ts";
export { CorrectorPowerSupply, type CorrectorPowerSupplyOptions, DEFAULT_CORRECTOR_TOLERANCE_A } from "./corrector.ts";
export { BeamCurrent, type BeamCurrentOptions } from "./beam_current.ts";
export { Tune, type TuneOptions } from "./tune.ts";
export { RfSystem, type RfSystemOptions } from "./rf.ts";
export { Kicker, KICKER_ENABLE_STATES, type KickerOptions } from "./kicker.ts";
export {
  DEFAULT_ORBIT_SETTLE_TIMEOUT_MS,
  DEFAULT_ORBIT_TOLERANCE_A,
  type Orbit,
  OrbitSystem,
  type OrbitSystemOptions,
} from "./orbit_system.ts";
