/**
 * Relative moves, after Bluesky's `relative_set_wrapper` and `reset_positions_wrapper`: the first time a
 * plan sets a device, its starting position is read (`locate` for Locatable devices, else `read` of the
 * hinted or first field) and kept.
 */
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Msg, Plan } from "../msg.ts";
import type { Location, Reading } from "../protocols.ts";
import { isLocatable } from "../protocols.ts";
import { hintedFields, quote } from "./devices.ts";
import { msgMutator, pchain, planMutator, singleMsg } from "./mutator.ts";
import { shortUid } from "./uid.ts";

/** Read where a device is now: its set-point if Locatable, else its hinted (or only) read field. */
export function* readPosition(obj: unknown): Plan<unknown> {
  if (isLocatable(obj)) {
    const location = (yield msg("locate", obj)) as Location | undefined;
    // A plan being listed rather than run gets no replies: positions are then relative to 0.
    return location === undefined ? 0 : location.setpoint;
  }
  const reading = (yield msg("read", obj)) as Record<string, Reading> | undefined;
  if (reading === undefined) return 0;
  const fields = hintedFields(obj);
  if (fields.length > 1)
    throw new InvalidArgumentError(
      `cannot tell the position of ${quote(obj)}: it hints ${fields.length} fields (${fields.join(", ")})`,
      obj,
    );
  const key = fields[0] ?? Object.keys(reading)[0];
  if (key === undefined || !(key in reading))
    throw new InvalidArgumentError(`cannot tell the position of ${quote(obj)}: its reading has no field '${key}'`, obj);
  return reading[key]!.value;
}

function add(start: unknown, delta: unknown, obj: unknown): unknown {
  if (typeof start === "number" && typeof delta === "number") return start + delta;
  throw new InvalidArgumentError(
    `cannot move ${quote(obj)} relative to ${quote(start)} by ${quote(delta)}: both must be numbers`,
    delta,
  );
}

/**
 * Treat each `set` of `devices` (all devices when omitted) as relative to the device's position when the
 * plan first sets it.
 */
export function* relativeSetWrapper<T>(plan: Plan<T>, devices?: readonly unknown[]): Plan<T> {
  const initial = new Map<unknown, unknown>();
  const eligible = (m: Msg) => m.command === "set" && (devices === undefined || devices.includes(m.obj));

  const insertReads = (m: Msg) => {
    if (!eligible(m) || initial.has(m.obj)) return [null, null] as const;
    function* stash(): Plan<void> {
      initial.set(m.obj, yield* readPosition(m.obj));
    }
    return [pchain(stash(), singleMsg(m)), null] as const;
  };
  const rewrite = (m: Msg): Msg => {
    if (m.command !== "set" || !initial.has(m.obj)) return m;
    const [delta, ...rest] = m.args;
    return { ...m, args: [add(initial.get(m.obj), delta, m.obj), ...rest] };
  };
  return yield* msgMutator(planMutator(plan, insertReads), rewrite);
}

/**
 * Move every device the plan sets (or only `devices`) back to where it started, at the end, whether the plan
 * succeeds or fails.
 */
export function* resetPositionsWrapper<T>(plan: Plan<T>, devices?: readonly unknown[]): Plan<T> {
  const initial = new Map<unknown, unknown>();
  const insertReads = (m: Msg) => {
    const eligible = m.command === "set" && (devices === undefined || devices.includes(m.obj));
    if (!eligible || initial.has(m.obj)) return [null, null] as const;
    function* stash(): Plan<void> {
      initial.set(m.obj, yield* readPosition(m.obj));
    }
    return [pchain(stash(), singleMsg(m)), null] as const;
  };
  function* reset(): Plan<void> {
    if (initial.size === 0) return;
    const group = shortUid("reset");
    for (const [obj, pos] of initial) yield msg("set", obj, [pos], { group });
    yield msg("wait", undefined, [], { group });
  }
  const inner = planMutator(plan, insertReads);
  let result: T;
  try {
    result = yield* inner;
  } catch (error) {
    yield* reset();
    throw error;
  }
  yield* reset();
  return result;
}
