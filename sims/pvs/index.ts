/** Simulators as record-like PV tables, the `sim://` signal backend over them, and the faults they can be given. */
export { PvNotFoundError, PvReadOnlyError } from "./errors.ts";
export { DEFAULT_NOISY_BPM_SIGMA_MM, FaultKind, type FaultSpec, parseFault } from "./faults.ts";
export {
  AlarmSeverity,
  type PutHandler,
  type PvHost,
  type PvListener,
  type PvMetadata,
  type PvScalar,
  type PvState,
  PvType,
  type PvValue,
  SimPv,
  type SimPvOptions,
} from "./pv.ts";
export { DEFAULT_MIN_REFRESH_MS, DEFAULT_TICK_MS, type FaultHandler, SimPvTable, type SimPvTableOptions, type Updater } from "./table.ts";
export { DEFAULT_MOTOR_RECORD, hasLimits, MotorRecord, type MotorRecordOptions, type SimAxis } from "./motor_record.ts";
export { registerSimBackend, SIM_SCHEME, SimPvBackend, simBackendTables } from "./backend.ts";
export {
  BPM_STATUS,
  DEFAULT_RING_PREFIX,
  DEFAULT_RING_PV_OPTIONS,
  ringPvTable,
  type RingPvTableOptions,
} from "./ring.ts";
export {
  BEAMLINE_MOTORS,
  beamlinePvTable,
  type BeamlinePvTableOptions,
  DEFAULT_BEAMLINE_PREFIX,
  DEFAULT_BEAMLINE_PV_OPTIONS,
  DETECTOR_STATES,
  GATE_STATES,
  INTERLOCK_STATES,
  OFF_ON,
} from "./beamline.ts";
export { addPgmPvs, PGM_MOTORS, type PgmPvOptions } from "./pgm.ts";
