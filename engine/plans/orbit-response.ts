/**
 * Orbit response matrix measurement: kick each corrector in turn (+kick, then -kick when bipolar) and read the
 * orbit, returning every corrector to its set-point before the next. One run, one event per setting, the first
 * and last at the untouched set-points; an agent fits the matrix from the events (every event carries all
 * corrector readbacks and the orbit), so the same documents serve any consumer, in-process or over the wire.
 */
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import type { Location, Movable, Readable } from "../protocols.ts";
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
  md?: PlanMetadata;
}

function* moveAndRead(device: Movable, value: number, settle: number, readables: Readable[]): Plan<void> {
  const group = shortUid("orm");
  yield msg("set", device, [value], { group });
  yield msg("wait", undefined, [], { group });
  if (settle > 0) yield msg("sleep", undefined, [settle]);
  if (readables.length > 0) yield* triggerAndRead(readables);
}

/** Returns the run start uid. */
export function* orbitResponse(options: OrbitResponseOptions): Plan<string> {
  const { detectors, correctors, kick } = options;
  if (correctors.length === 0) throw new InvalidArgumentError("orbitResponse: give at least one corrector to kick", correctors);
  if (!(typeof kick === "number" && Number.isFinite(kick) && kick > 0)) {
    throw new InvalidArgumentError(`orbitResponse: kick must be a finite number > 0, got ${JSON.stringify(kick)}`, kick);
  }
  const bipolar = options.bipolar ?? true;
  const settle = options.settle ?? 0;
  const readables: Readable[] = [...detectors, ...correctors];
  const md: PlanMetadata = {
    plan_name: ORBIT_RESPONSE_PLAN_NAME,
    plan_args: { kick, bipolar, settle },
    detectors: detectors.map((d) => d.name),
    motors: correctors.map((c) => c.name),
    num_points: 2 + correctors.length * (bipolar ? 2 : 1),
    ...options.md,
  };
  function* body(): Plan<void> {
    yield* triggerAndRead(readables);
    for (const c of correctors) {
      const at = (yield* locate(c)) as Location<number> | undefined;
      const start = typeof at?.setpoint === "number" ? at.setpoint : 0;
      yield* moveAndRead(c, start + kick, settle, readables);
      if (bipolar) yield* moveAndRead(c, start - kick, settle, readables);
      yield* moveAndRead(c, start, 0, []);
    }
    if (settle > 0) yield msg("sleep", undefined, [settle]);
    yield* triggerAndRead(readables);
  }
  return yield* withRun(body(), md);
}
