export { beta, correctors, phase, Plane, tune, type Lattice, type OpticsPoint } from "./lattice.ts";
export {
  DEFAULT_RING_LATTICE,
  defaultRingLattice,
  generateLattice,
  SMALL_RING_LATTICE,
  smallRingLattice,
  type LatticeGeneratorOptions,
} from "./lattice-generator.ts";
export { LATTICE_PRESETS, latticeFromObject, latticeToObject, type LatticePreset } from "./lattice-config.ts";
export { closedOrbitResponse, fullResponseMatrix, orbitResponseMatrix, responseBetween, type FullResponseOptions } from "./response.ts";
export {
  DisturbanceKind,
  TYPICAL_DISTURBANCES,
  type DisturbanceSpec,
  type DriftDisturbance,
  type HarmonicDisturbance,
  type JumpDisturbance,
  type RandomWalkDisturbance,
  type StaticDisturbance,
} from "./disturbances.ts";
export { DEFAULT_MISMATCH, drawMismatch, type Mismatch, type MismatchOptions } from "./mismatch.ts";
export {
  DEFAULT_BEAM,
  DEFAULT_BPM,
  DEFAULT_CORRECTORS,
  RingSimulator,
  TYPICAL_IMPERFECTIONS,
  type BeamLoss,
  type BeamOptions,
  type BpmOptions,
  type CorrectorOptions,
  type RingSimulatorOptions,
} from "./simulator.ts";
export { benchRingSteps, type RingBenchOptions, type RingBenchResult } from "./bench.ts";
