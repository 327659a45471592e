/**
 * The orbit response matrix of the storage ring, measured by kicking each corrector in turn (`orbitResponse`:
 * ±δ around its set-point, the orbit from the orbit system) and fitted from the run's events by the same
 * function an orbit-correcting agent's runner uses (`fitResponse`), then compared with the ring's nominal
 * model. The simulated ring has typical imperfections: BPM gain errors, corrector calibration errors and
 * coupling make the real machine differ from the model by the mismatch fraction (5 % by default), which is
 * what the comparison should find; BPM noise and offsets cancel in the differences.
 */
import { measurementFromData } from "../../agents/core/fields.ts";
import type { Measurement } from "../../agents/core/fields.ts";
import { fitResponse } from "../../agents/runner_response.ts";
import { orbitResponse } from "../../engine/plans/orbit-response.ts";
import type { Movable, Readable } from "../../engine/protocols.ts";
import { loadProfile } from "../../devices/profile.ts";
import type { Matrix } from "../../sims/math/matrix.ts";
import { type ExampleOptions, type ExampleResult, ExampleSession, profilePath, simInstrument } from "./common.ts";

/** Kicks of 1 A (of 5 A) move the orbit by ~0.1 mm, 100× the BPM noise; readings 10 ms apart are independent. */
export const ORM_RING = { delta: 1, averages: 2, quickAverages: 1, settleTime: 0.05, averageInterval: 0.01, mismatch: 0.05 } as const;

/** ‖A − B‖_F / ‖B‖_F. */
export function relativeDifference(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let diff = 0;
  let norm = 0;
  b.forEach((row, i) =>
    row.forEach((v, j) => {
      diff += (a[i]![j]! - v) ** 2;
      norm += v * v;
    }),
  );
  return Math.sqrt(diff / norm);
}

function rows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

export async function ormRing(options: ExampleOptions = {}): Promise<ExampleResult> {
  const session = new ExampleSession("orm-ring", options);
  const averages = options.quick ? ORM_RING.quickAverages : ORM_RING.averages;
  const base = await loadProfile(profilePath("sim-ring.yaml"));
  const ringSim = base.simulation.ring as Record<string, unknown>;
  const profile = { ...base, simulation: { ring: { ...ringSim, imperfections: "typical" } } };
  const instrument = await simInstrument(profile, options.speedUp ?? 1);
  try {
    const ring = instrument.ring!;
    const orbit = instrument.devices.orbit as unknown as Readable;
    const correctors = ring.correctorNames.map((n) => instrument.devices[n.toLowerCase()] as unknown as Movable & Readable);
    session.log(
      `orbit response matrix: ${correctors.length} correctors kicked by ±${ORM_RING.delta} A in turn, ` +
        `${ring.nBpm} BPMs × 2 planes read by the orbit system, ${averages} reading(s) averaged per setting ` +
        `(simulated ring with typical imperfections, model mismatch ${ORM_RING.mismatch * 100} %)`,
    );
    const { stream } = await session.run(
      orbitResponse({
        detectors: [orbit],
        correctors,
        kick: ORM_RING.delta,
        averages,
        settle: ORM_RING.settleTime,
        averageInterval: ORM_RING.averageInterval,
      }),
    );
    // Rows: the orbit fields in order; columns: the correctors, as their readings name them.
    const fields = { independent: correctors.map((c) => c.name), dependent: ["orbit-x", "orbit-y"] };
    const measurements = stream.events.map((e) => measurementFromData(fields, e.data, "orm-ring")).filter((m): m is Measurement => m !== null);
    const fit = fitResponse(fields, measurements, "orm-ring");
    const measured = rows(fit.matrix);
    const value = {
      correctors: fields.independent,
      fields: fields.dependent.map((name) => ({ name, length: (stream.events[0]!.data[name] as number[]).length })),
      deltas: correctors.map(() => ORM_RING.delta),
    };
    const model = rows(ring.nominalResponse());
    const real = rows(ring.realResponse());
    const vsModel = relativeDifference(measured, model);
    const vsMachine = relativeDifference(measured, real);
    session.log(`measured vs model: ‖R_meas − R_model‖/‖R_model‖ = ${(vsModel * 100).toFixed(2)} % (the mismatch setting is ${ORM_RING.mismatch * 100} %)`);
    session.log(`measured vs the simulated machine's true response: ${(vsMachine * 100).toFixed(2)} % (the measurement's own error: BPM noise)`);
    session.writeJson("orm-ring.json", { correctors: value.correctors, fields: value.fields, delta_a: value.deltas, units: "mm/A", measured, model });
    // Per-corrector plot: each corrector's column, measured (markers) against the model (lines), horizontal plane.
    const nB = ring.nBpm;
    const bpmIndex = Array.from({ length: nB }, (_, i) => i + 1);
    const hCols = ring.correctorNames.map((n, j) => [n, j] as const).filter(([n]) => n.startsWith("H")).slice(0, 3);
    session.plot("orm-ring-columns.svg", {
      title: `ORM columns (x plane): measured vs model, mismatch ${(vsModel * 100).toFixed(1)} %`,
      xLabel: "BPM index",
      yLabel: "Δx / Δθ [mm/A]",
      series: hCols.flatMap(([name, j]) => [
        { name: `${name} measured`, x: bpmIndex, y: measured.slice(0, nB).map((r) => r[j]!), mode: "markers" as const },
        { name: `${name} model`, x: bpmIndex, y: model.slice(0, nB).map((r) => r[j]!), mode: "lines" as const },
      ]),
    });
    const perCorrector = value.correctors.map((_, j) =>
      relativeDifference(
        measured.map((r) => [r[j]!]),
        model.map((r) => [r[j]!]),
      ),
    );
    session.plot("orm-ring-difference.svg", {
      title: "Relative difference of each column, measured vs model",
      xLabel: "corrector index (H then V)",
      yLabel: "‖ΔR_j‖ / ‖R_j‖",
      series: [{ name: "per corrector", x: perCorrector.map((_, j) => j + 1), y: perCorrector, mode: "lines+markers" }],
    });
    return session.finish({
      rows: measured.length,
      columns: measured[0]?.length ?? 0,
      relative_difference_vs_model: vsModel,
      relative_difference_vs_machine: vsMachine,
      mismatch_setting: ORM_RING.mismatch,
      fit_residual_rms: fit.residualRms,
      averages,
    });
  } finally {
    instrument.dispose();
  }
}
