export { DEFAULT_UNDULATOR, Undulator, type UndulatorOptions } from "./undulator.ts";
export {
  BacklashAxis,
  braggAngleDeg,
  DEFAULT_MONOCHROMATOR,
  energyFromBraggDeg,
  HC_KEV_ANGSTROM,
  Monochromator,
  SI111_D_SPACING,
  type MonochromatorOptions,
} from "./monochromator.ts";
export { AbsorptionEdgeSample, CU_K_EDGE, photoelectronK, type AbsorptionEdgeOptions, type ExafsShell } from "./sample.ts";
export { CountingDetector, DEFAULT_COUNTING_DETECTOR, type CountingDetectorOptions } from "./detector.ts";
export {
  DEFAULT_FOCUS,
  DEFAULT_MIRROR,
  Focus,
  gaussianFractionBetween,
  Mirror,
  Slits,
  type FocusOptions,
  type MirrorOptions,
  type SlitPlane,
} from "./optics.ts";
export { Camera, DEFAULT_CAMERA, imageStats, type CameraOptions, type Image, type ImageStats, type Spot } from "./camera.ts";
export {
  DEFAULT_VACUUM_ELEMENTS,
  InterlockError,
  VacuumElementKind,
  VacuumSystem,
  type InterlockTrip,
  type VacuumElementSpec,
  type VacuumOptions,
} from "./vacuum.ts";
export {
  BeamlineSimulator,
  DEFAULT_BEAMLINE,
  type BeamCurrentSource,
  type BeamlineCounts,
  type BeamlineSimulatorOptions,
  type CameraFrame,
  type FluxBreakdown,
} from "./simulator.ts";
export {
  DEFAULT_PGM,
  type EnergySelector,
  MonoKind,
  pgmAngles,
  type PgmAngles,
  pgmEnergyEv,
  type PgmOptions,
  PlaneGratingMonochromator,
  wavelengthA,
} from "./pgm.ts";
export { N_K_EDGE, SOFT_XRAY_BEAMLINE } from "./softxray.ts";
