/**
 * A soft X-ray beamline preset, after the BESSY II undulator beamlines: a 1.7 GeV ring, an undulator of 49 mm
 * period whose first harmonic spans about 100–560 eV, a 1200 l/mm plane-grating monochromator, and a nitrogen
 * sample whose K edge (409.9 eV) with the strong π* resonance near 401 eV lies inside the 370–470 eV scans.
 */
import type { AbsorptionEdgeOptions } from "./sample.ts";
import type { BeamlineSimulatorOptions } from "./simulator.ts";

/** N K edge: ionisation at 409.9 eV, a sharp π* resonance 9 eV below it, no EXAFS worth simulating. */
export const N_K_EDGE: Required<AbsorptionEdgeOptions> = {
  edgeEnergyEv: 409.9,
  preEdge: 0.3,
  preEdgeSlopePerEv: -2e-3,
  edgeStep: 0.5,
  edgeWidthEv: 1.0,
  whiteLine: { height: 2.0, offsetEv: -9.0, widthEv: 0.5 },
  shells: [],
  s02: 0.9,
  meanFreePathA: 8,
  fluorescenceEfficiency: 0.005 * 0.02,
};

export const SOFT_XRAY_BEAMLINE: BeamlineSimulatorOptions = {
  mono: "pgm",
  pgm: { lineDensityPerMm: 1200, cff: 2.25, initialEnergyEv: 400 },
  undulator: { periodMm: 49, periods: 84, electronEnergyGeV: 1.7, minGapMm: 16, maxGapMm: 70, maxHarmonic: 7 },
  sample: N_K_EDGE,
  energyEv: 400,
};
