/** The examples by the name `skyloop example <name>` takes. */
import type { ExampleOptions, ExampleResult } from "./common.ts";
import { energyFlyscan } from "./energy_flyscan.ts";
import { focusScan } from "./focus_scan.ts";
import { ormRing } from "./orm_ring.ts";
import { xafsCu } from "./xafs_cu.ts";

export interface ExampleEntry {
  readonly description: string;
  readonly run: (options: ExampleOptions) => Promise<ExampleResult>;
}

export const EXAMPLES: ReadonlyMap<string, ExampleEntry> = new Map([
  ["focus-scan", { description: "focus scan on the camera, −1200 → −1100 µm in 10 steps; PeakStats gives the best focus (minimum σ)", run: focusScan }],
  ["energy-flyscan", { description: "continuous PGM energy scan 370 → 470 eV sampled every 0.1 s (soft X-ray beamline, N K edge)", run: energyFlyscan }],
  ["xafs-cu", { description: "XAFS of Cu at the K edge (8979 eV) over pre-edge, XANES and EXAFS regions; μ(E) = ln(I0/It)", run: xafsCu }],
  ["orm", { description: "orbit response matrix of the ring, each corrector kicked in turn, compared with the model", run: ormRing }],
]);
