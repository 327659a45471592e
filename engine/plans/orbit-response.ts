/**
 * Orbit response matrix measurement: kick each corrector in turn (+kick, then -kick when bipolar) and read the
 * orbit, returning every corrector to its set-point before the next. One run, one event per reading
 * (`averages` readings per setting), the first and last at the untouched set-points. The plan computes
 * nothing: the matrix is fitted from the events (every event carries all corrector readbacks and the orbit),
 * by an agent's runner or by anyone reading the documents, in-process or over the wire
 * (`agents/runner_response.ts`, `fitResponse`). With ±kicks the fit is the central difference, which cancels
 * the orbit's offset and, to first order, a slow drift.
 */
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import type { Location, Movable, Readable } from "../protocols.ts";
import { quote } from "./devices.ts";
import { triggerAndRead } from "./per-step.ts";
import { locate } from "./stubs.ts";
import type { PlanMetadata } from "./types.ts";
import { shortUid } from "./uid.ts";
import { withRun } from "./wrappers.ts";

export const ORBIT_RESPONSE_PLAN_NAME = "orbit_response_matrix";

export interface OrbitResponseOptions {
  /** What reads the orbit (an orbit system, BPMs). */
  detectors: readonly Readable[];
  /** Kicked in this order; read at every point too. */
  correctors: readonly (Movable & Readable)[];
  /** Change of set-point per kick, in the correctors' units (> 0). */
  kick: number;
  /** Kick both ways, which cancels a slow drift to first order. @default true */
  bipolar?: boolean;
  /** Seconds to wait after each move before reading. @default 0 */
  settle?: number;
  /** Readings (events) at each setting: more rows for the fit, averaging the noise down. @default 1 */
  averages?: number;
  /**
   * Seconds between the readings of one setting: readings closer together than the orbit's update interval
   * repeat the same orbit and average nothing away. @default 0
   */
  averageInterval?: number;
  md?: PlanMetadata;
}

export const DEFAULT_ORBIT_RESPONSE = { bipolar: true, settle: 0, averages: 1, averageInterval: 0 } as const;

function requireSeconds(value: unknown, what: string): number {
  if (!(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
    throw new InvalidArgumentError(`orbitResponse: ${what} must be a finite number >= 0 s, got ${quote(value)}`, value);
  }
  return value;
}

/** Returns the run start uid. */
export function* orbitResponse(options: OrbitResponseOptions): Plan<string> {
  const { detectors, correctors, kick } = options;
  if (correctors.length === 0) throw new InvalidArgumentError("orbitResponse: give at least one corrector to kick", correctors);
  if (!(typeof kick === "number" && Number.isFinite(kick) && kick > 0)) {
    throw new InvalidArgumentError(`orbitResponse: kick must be a finite number > 0, got ${JSON.stringify(kick)}`, kick);
  }
  const bipolar = options.bipolar ?? DEFAULT_ORBIT_RESPONSE.bipolar;
  const settle = requireSeconds(options.settle ?? DEFAULT_ORBIT_RESPONSE.settle, "settle");
  const averages = options.averages ?? DEFAULT_ORBIT_RESPONSE.averages;
  if (!(Number.isInteger(averages) && averages >= 1)) throw new InvalidArgumentError(`orbitResponse: averages must be an integer >= 1, got ${quote(averages)}`, averages);
  const averageInterval = requireSeconds(options.averageInterval ?? DEFAULT_ORBIT_RESPONSE.averageInterval, "averageInterval");
  const readables: Readable[] = [...detectors, ...correctors];
  const md: PlanMetadata = {
    plan_name: ORBIT_RESPONSE_PLAN_NAME,
    plan_args: { kick, bipolar, settle, averages, average_interval: averageInterval },
    detectors: detectors.map((d) => d.name),
    motors: correctors.map((c) => c.name),
    num_points: (2 + correctors.length * (bipolar ? 2 : 1)) * averages,
    ...options.md,
  };
  function* read(): Plan<void> {
    for (let k = 0; k < averages; k++) {
      if (k > 0 && averageInterval > 0) yield msg("sleep", undefined, [averageInterval]);
      yield* triggerAndRead(readables);
    }
  }
  function* move(device: Movable, value: number): Plan<void> {
    const group = shortUid("orm");
    yield msg("set", device, [value], { group });
    yield msg("wait", undefined, [], { group });
  }
  function* moveAndRead(device: Movable, value: number): Plan<void> {
    yield* move(device, value);
    if (settle > 0) yield msg("sleep", undefined, [settle]);
    yield* read();
  }
  function* body(): Plan<void> {
    yield* read();
    for (const c of correctors) {
      const at = (yield* locate(c)) as Location<number> | undefined;
      const start = at?.setpoint;
      // Without its set-point a corrector could not be put back where it was: refuse before kicking it.
      if (typeof start !== "number" || !Number.isFinite(start)) {
        throw new InvalidArgumentError(`orbitResponse: ${c.name} reports no numeric set-point to return to, got ${quote(start)}`, start);
      }
      try {
        yield* moveAndRead(c, start + kick);
        if (bipolar) yield* moveAndRead(c, start - kick);
      } catch (err) {
        // A failed or aborted measurement leaves no corrector kicked.
        yield* move(c, start);
        throw err;
      }
      yield* move(c, start);
    }
    if (settle > 0) yield msg("sleep", undefined, [settle]);
    yield* read();
  }
  return yield* withRun(body(), md);
}
