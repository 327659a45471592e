/**
 * A response matrix from the events of an orbit response measurement run: each event after the first is
 * compared with the first (the untouched set-points); its corrector changes are the kicks and its reading
 * changes the orbit response to them. Events at the starting set-points (no kick) add nothing and are left out.
 */
import { InvalidArgumentError } from "../engine/errors.ts";
import type { AgentFields } from "./core/agent.ts";
import { dependentVector, independentVector } from "./core/fields.ts";
import type { Measurement } from "./core/fields.ts";
import { responseFromMeasurements } from "./svd/response.ts";
import type { MeasuredResponse, ResponseMeasurement } from "./svd/response.ts";

/** Corrector changes smaller than this share of the largest change are read as no change (readback noise). */
const KICK_FLOOR = 1e-3;

export function fitResponse(fields: AgentFields, measurements: readonly Measurement[], agent: string): MeasuredResponse {
  if (measurements.length < 2) {
    throw new InvalidArgumentError(`agent "${agent}": a response measurement needs a reference reading and at least one kick, got ${measurements.length} event(s)`, measurements.length);
  }
  const names = fields.independent;
  const x0 = independentVector(measurements[0]!.x, names, agent);
  const y0 = dependentVector(measurements[0]!.y, fields.dependent, agent);
  const deltas = measurements.slice(1).map((m) => ({
    dx: independentVector(m.x, names, agent).map((v, j) => v - x0[j]!),
    dy: dependentVector(m.y, fields.dependent, agent).map((v, i) => v - y0[i]!),
  }));
  const largest = deltas.reduce((big, d) => d.dx.reduce((b, v) => Math.max(b, Math.abs(v)), big), 0);
  const rows: ResponseMeasurement[] = [];
  for (const { dx, dy } of deltas) {
    const kicks: Record<string, number> = {};
    dx.forEach((v, j) => {
      if (Math.abs(v) > KICK_FLOOR * largest) kicks[names[j]!] = v;
    });
    if (Object.keys(kicks).length > 0) rows.push({ kicks, orbitChange: dy });
  }
  return responseFromMeasurements(names, rows);
}
