import { InvalidArgumentError } from "../../engine/errors.ts";
import { Rng } from "../../sims/math/index.ts";
import { LATTICE_PRESETS, generateLattice, RingSimulator, type DisturbanceSpec, type Lattice, type LatticePreset } from "../../sims/ring/index.ts";

/** A periodic perturbation of the orbit: the same frequency in both planes, half the amplitude in y. */
export interface HarmonicScenario {
  frequencyHz: number;
  /** RMS over the horizontal BPMs, mm. */
  amplitudeMm: number;
}

/** One episode's machine and starting point, fully determined by its fields. */
export interface Scenario {
  /** Seed of noise, phases and the starting corrector currents. */
  seed: number;
  /** Seed of the machine's fixed errors (the mismatch pattern, the disturbance patterns). */
  machineSeed: number;
  /** ‖R_real − R_nominal‖_F / ‖R_nominal‖_F. */
  mismatch: number;
  /** Starting corrector currents are uniform in ±this, A: a fully correctable orbit. */
  initialSpreadA: number;
  harmonic: HarmonicScenario | null;
}

/** The machine every scenario of one configuration shares. */
export interface RingSetup {
  /** @default "small" */
  ring?: LatticePreset;
  /** @default 0.001 */
  noiseMm?: number;
  /** Share of the squared mismatch in cross-plane coupling. @default 0.25 */
  couplingShare?: number;
  /** Corrector limit, ±A. @default 5 */
  limitA?: number;
  /** Time between corrections, s (the correction rate is 1/dtS). @default 0.1 */
  dtS?: number;
}

export const DEFAULT_RING_SETUP: Required<RingSetup> = { ring: "small", noiseMm: 0.001, couplingShare: 0.25, limitA: 5, dtS: 0.1 };

const lattices = new Map<string, Lattice>();

export function presetLattice(ring: LatticePreset): Lattice {
  if (!(ring in LATTICE_PRESETS)) throw new InvalidArgumentError(`ring must be one of ${Object.keys(LATTICE_PRESETS).join(", ")}, got ${JSON.stringify(ring)}`, ring);
  let lattice = lattices.get(ring);
  if (lattice === undefined) {
    lattice = generateLattice(LATTICE_PRESETS[ring]);
    lattices.set(ring, lattice);
  }
  return lattice;
}

export function harmonicDisturbances(h: HarmonicScenario | null): DisturbanceSpec[] {
  if (h === null || h.amplitudeMm === 0) return [];
  return [
    { kind: "harmonic", plane: "x", frequencyHz: h.frequencyHz, amplitudeMm: h.amplitudeMm },
    { kind: "harmonic", plane: "y", frequencyHz: h.frequencyHz, amplitudeMm: h.amplitudeMm / 2 },
  ];
}

/** The simulator of one scenario; its nominal response is the same for every scenario of a setup. */
export function scenarioSimulator(setup: RingSetup, scenario: Scenario): RingSimulator {
  const s = { ...DEFAULT_RING_SETUP, ...setup };
  const lattice = presetLattice(s.ring);
  const n = lattice.hCorrectors.length + lattice.vCorrectors.length;
  const start = new Rng(scenario.seed).derive("start");
  const initial = Array.from({ length: n }, () => start.uniformIn(-scenario.initialSpreadA, scenario.initialSpreadA));
  return new RingSimulator({
    lattice,
    seed: scenario.seed,
    machineSeed: scenario.machineSeed,
    bpm: { noiseMm: s.noiseMm },
    correctors: { limitA: s.limitA },
    mismatch: { fraction: scenario.mismatch, couplingShare: s.couplingShare },
    disturbances: harmonicDisturbances(scenario.harmonic),
    initialCurrentsA: initial,
  });
}
