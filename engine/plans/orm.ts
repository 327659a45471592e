/**
 * `measureOrbitResponse`: measure the orbit response matrix of a storage ring by kicking each corrector in turn. For
 * corrector j at x₀ the plan sets x₀ + δ and x₀ − δ, reads the orbit at each (averaging `averages` readings),
 * and puts the corrector back at x₀; column j is (orbit(x₀ + δ) − orbit(x₀ − δ)) / 2δ, the central difference
 * that cancels the orbit's offset and its quadratic response. Every reading is an event of the primary stream
 * (the orbit and the correctors that are readable), so the matrix can be recomputed from the documents.
 */
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import type { Movable, Readable, Reading } from "../protocols.ts";
import { isReadable } from "../protocols.ts";
import { deviceName, hintedFields, quote, requireCount, requireMovable, requireReadable } from "./devices.ts";
import { mergeMd } from "./metadata.ts";
import { triggerAndRead } from "./per-step.ts";
import { readPosition } from "./relative.ts";
import { mv } from "./stubs.ts";
import type { PlanMetadata } from "./types.ts";
import { withRun, withStage } from "./wrappers.ts";

export interface OrmOptions {
  /** Kick half-amplitude δ in each corrector's units: one number for all, or one per corrector. @default 0.5 */
  delta?: number | readonly number[];
  /** Orbit readings averaged at each setting. @default 1 */
  averages?: number;
  /**
   * Data keys of the orbit's reading that make up the orbit vector, concatenated in this order.
   * @default the orbit's hinted fields that read as numeric arrays, in hint order
   */
  fields?: readonly string[];
  /** Seconds to wait after each corrector move before reading (beyond the move's own completion). @default 0 */
  settleTime?: number;
  /**
   * Seconds between the averaged readings: readings closer together than the orbit's update interval repeat the
   * same orbit and average nothing away. @default 0
   */
  averageInterval?: number;
  md?: PlanMetadata;
}

export const DEFAULT_ORM = { delta: 0.5, averages: 1, settleTime: 0, averageInterval: 0 } as const;

/** The measured matrix: `matrix[i][j]` is d(orbit element i) / d(corrector j), orbit units per corrector unit. */
export interface OrmResult {
  readonly uid: string;
  readonly matrix: number[][];
  /** The orbit fields the rows come from, each with its number of elements. */
  readonly fields: readonly { readonly name: string; readonly length: number }[];
  readonly correctors: readonly string[];
  readonly deltas: readonly number[];
}

/** Measure the response of `orbit` to each of `correctors`; returns the matrix with the run's uid. */
export function measureOrbitResponse(correctors: readonly Movable[], orbit: Readable, options: OrmOptions = {}): Plan<OrmResult> {
  if (!Array.isArray(correctors) || correctors.length === 0)
    throw new InvalidArgumentError(`measureOrbitResponse needs a non-empty list of correctors, got ${quote(correctors)}`, correctors);
  correctors.forEach((c, i) => requireMovable(c, `correctors[${i}]`));
  requireReadable(orbit, "orbit");
  const deltas = correctors.map((_, j) => (typeof options.delta === "object" ? options.delta[j] : options.delta) ?? DEFAULT_ORM.delta);
  if (typeof options.delta === "object" && options.delta.length !== correctors.length)
    throw new InvalidArgumentError(`delta has ${options.delta.length} values for ${correctors.length} correctors`, options.delta);
  deltas.forEach((d, j) => {
    if (!(typeof d === "number" && Number.isFinite(d) && d > 0))
      throw new InvalidArgumentError(`delta of ${deviceName(correctors[j])} must be a finite number > 0, got ${quote(d)}`, d);
  });
  const averages = requireCount(options.averages ?? DEFAULT_ORM.averages, "averages");
  const settleTime = options.settleTime ?? DEFAULT_ORM.settleTime;
  if (!(typeof settleTime === "number" && settleTime >= 0 && Number.isFinite(settleTime)))
    throw new InvalidArgumentError(`settleTime must be a finite number >= 0 s, got ${quote(settleTime)}`, settleTime);
  const averageInterval = options.averageInterval ?? DEFAULT_ORM.averageInterval;
  if (!(typeof averageInterval === "number" && averageInterval >= 0 && Number.isFinite(averageInterval)))
    throw new InvalidArgumentError(`averageInterval must be a finite number >= 0 s, got ${quote(averageInterval)}`, averageInterval);
  const names = correctors.map(deviceName);
  const readableCorrectors = correctors.filter((c): c is Movable & Readable => isReadable(c));
  const md = mergeMd(
    {
      detectors: [deviceName(orbit)],
      motors: names,
      num_points: correctors.length * 2 * averages,
      plan_args: {
        correctors: names,
        orbit: deviceName(orbit),
        delta: deltas,
        averages,
        settle_time: settleTime,
        average_interval: averageInterval,
        fields: options.fields ?? null,
      },
      plan_name: "measure_orbit_response",
      hints: { dimensions: [[correctors.flatMap((c, j) => (hintedFields(c).length > 0 ? hintedFields(c) : [names[j]!])), "primary"]] },
    },
    options.md,
  );

  const columns: number[][] = [];
  let fields: { name: string; length: number }[] = [];

  function* measure(): Plan<number[]> {
    const sum: number[] = [];
    for (let k = 0; k < averages; k++) {
      if (k > 0 && averageInterval > 0) yield msg("sleep", undefined, [averageInterval]);
      const readings = yield* triggerAndRead([orbit, ...readableCorrectors]);
      const vector = orbitVector(readings);
      vector.forEach((v, i) => (sum[i] = (sum[i] ?? 0) + v));
    }
    return sum.map((s) => s / averages);
  }

  function orbitVector(readings: Record<string, Reading>): number[] {
    if (fields.length === 0) {
      const wanted = options.fields ?? hintedFields(orbit);
      fields = wanted.filter((f) => Array.isArray(readings[f]?.value)).map((f) => ({ name: f, length: (readings[f]!.value as unknown[]).length }));
      if (options.fields !== undefined && fields.length !== options.fields.length) {
        const missing = options.fields.filter((f) => !fields.some((g) => g.name === f));
        throw new InvalidArgumentError(`orbit fields ${quote(missing)} are not numeric arrays in the reading of ${deviceName(orbit)}`, missing);
      }
      if (fields.length === 0)
        throw new InvalidArgumentError(`the reading of ${deviceName(orbit)} hints no numeric array field to use as the orbit (pass fields)`, wanted);
    }
    return fields.flatMap((f) => (readings[f.name]?.value as number[] | undefined) ?? new Array<number>(f.length).fill(Number.NaN));
  }

  function* inner(): Plan<void> {
    for (let j = 0; j < correctors.length; j++) {
      const c = correctors[j]!;
      const x0 = (yield* readPosition(c)) as number;
      const d = deltas[j]!;
      yield* mv(c, x0 + d);
      if (settleTime > 0) yield msg("sleep", undefined, [settleTime]);
      const plus = yield* measure();
      yield* mv(c, x0 - d);
      if (settleTime > 0) yield msg("sleep", undefined, [settleTime]);
      const minus = yield* measure();
      yield* mv(c, x0);
      columns.push(plus.map((p, i) => (p - minus[i]!) / (2 * d)));
    }
  }

  function* plan(): Plan<OrmResult> {
    const uid = yield* withStage(withRun(inner(), md), [orbit, ...correctors]);
    const rows = columns[0]?.length ?? 0;
    const matrix = Array.from({ length: rows }, (_, i) => columns.map((col) => col[i]!));
    return { uid, matrix, fields, correctors: names, deltas };
  }
  return plan();
}
