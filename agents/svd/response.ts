import { InvalidArgumentError } from "../../engine/errors.ts";
import { createMatrix, matMul, pseudoInverse, rms, svd, type Matrix } from "../../sims/math/index.ts";

/** One response measurement: corrector changes (name -> Δ set-point) and the orbit change they caused. */
export interface ResponseMeasurement {
  kicks: Record<string, number>;
  orbitChange: ArrayLike<number>;
}

export interface MeasuredResponse {
  /** BPM readings × correctors, in the units of orbit change per unit of kick. */
  matrix: Matrix;
  /** RMS of what the fitted matrix leaves unexplained in the measurements (noise, non-linearity). */
  residualRms: number;
}

/**
 * The response matrix that best explains a set of measurements, by least squares: with the kicks as rows of
 * K (measurements × correctors) and the orbit changes as rows of D, Rᵀ = K⁺ D. One corrector at a time, ± kicks
 * and repeats are all just more rows; repeats average the noise down. Every corrector must be kicked at least
 * once, otherwise its column is not determined.
 */
export function responseFromMeasurements(correctors: readonly string[], measurements: readonly ResponseMeasurement[]): MeasuredResponse {
  if (correctors.length === 0) throw new InvalidArgumentError("responseFromMeasurements needs at least one corrector", correctors);
  if (measurements.length === 0) throw new InvalidArgumentError("responseFromMeasurements needs at least one measurement", measurements);
  const n = correctors.length;
  const m = measurements[0]!.orbitChange.length;
  if (m === 0) throw new InvalidArgumentError("measurement 0 has an empty orbit change", m);
  const k = measurements.length;
  const kicks = createMatrix(k, n);
  const changes = createMatrix(k, m);
  const kicked = new Uint8Array(n);
  measurements.forEach((meas, r) => {
    if (meas.orbitChange.length !== m) {
      throw new InvalidArgumentError(`measurement ${r} has ${meas.orbitChange.length} orbit values, measurement 0 has ${m}`, meas.orbitChange.length);
    }
    for (const [name, kick] of Object.entries(meas.kicks)) {
      const j = correctors.indexOf(name);
      if (j < 0) throw new InvalidArgumentError(`measurement ${r} kicks "${name}", which is not one of the correctors`, name);
      if (!Number.isFinite(kick)) throw new InvalidArgumentError(`measurement ${r}: kick of "${name}" must be finite, got ${kick}`, kick);
      kicks.data[r * n + j] = kick;
      if (kick !== 0) kicked[j] = 1;
    }
    for (let i = 0; i < m; i++) {
      const d = meas.orbitChange[i]!;
      if (!Number.isFinite(d)) throw new InvalidArgumentError(`measurement ${r}: orbit change ${i} must be finite, got ${d}`, d);
      changes.data[r * m + i] = d;
    }
  });
  const missing = correctors.filter((_, j) => kicked[j] === 0);
  if (missing.length > 0) throw new InvalidArgumentError(`no measurement kicks ${missing.map((c) => `"${c}"`).join(", ")}: the response to it is unknown`, missing);
  const d = svd(kicks);
  const rank = d.s.filter((s) => s > 1e-10 * d.s[0]!).length;
  if (rank < n) {
    throw new InvalidArgumentError(`the kicks do not tell the correctors apart (rank ${rank} of ${n}): kick them separately or in independent patterns`, rank);
  }
  const rt = matMul(pseudoInverse(d), changes);
  const matrix = createMatrix(m, n);
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) matrix.data[i * n + j] = rt.data[j * m + i]!;
  const fitted = matMul(kicks, rt);
  const residual = fitted.data.map((v, idx) => v - changes.data[idx]!);
  return { matrix, residualRms: rms(residual) };
}
