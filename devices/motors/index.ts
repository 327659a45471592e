/** PV-based motors and positioners, and the pieces device classes share (PV prefixes, derived signals, waits). */
export { DEFAULT_SCHEME, limitsActive, pvFactory, type PvDeviceOptions, type PvFactory } from "./pv_device.ts";
export { DerivedSignalBackend, derivedSignalR, type DerivedSignalOptions } from "./derived_signal.ts";
export { waitForValue } from "./wait.ts";
export { DEFAULT_MOTOR_TIMEOUT_MS, EpicsMotor, type EpicsMotorOptions } from "./epics_motor.ts";
export { DEFAULT_SETTLE_TIMEOUT_MS, PvPositioner, type PvPositionerOptions } from "./pv_positioner.ts";
