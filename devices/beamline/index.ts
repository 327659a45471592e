/** Beamline devices over PVs: valves and shutters, mirror, monochromator, undulator, slits, counters, camera. */
export { InterlockRefusedError } from "./errors.ts";
export { DEFAULT_GATE_TIMEOUT_MS, GATE_STATES, GateCommand, type GateOptions, INTERLOCK_STATES, Shutter, Valve } from "./gate.ts";
export { Mirror, type MirrorOptions } from "./mirror.ts";
export { braggFromEnergy, energyFromBragg, HC_EV_ANGSTROM, Monochromator, type MonochromatorOptions } from "./monochromator.ts";
export { DEFAULT_UNDULATOR_TIMEOUT_MS, TRACKING_STATES, Undulator, type UndulatorOptions } from "./undulator.ts";
export { SlitAxis, SlitQuantity, Slits, type SlitsOptions } from "./slits.ts";
export { CurrentMonitor, type CurrentMonitorOptions, DEFAULT_ACQUIRE_EXTRA_TIMEOUT_MS } from "./current_monitor.ts";
export { Camera, type CameraOptions, CameraStats, DEFAULT_EXPOSURE_EXTRA_TIMEOUT_MS } from "./camera.ts";
export { PlaneGratingMonochromator, type PlaneGratingMonochromatorOptions } from "./pgm.ts";
