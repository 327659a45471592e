/**
 * The inner loops of counts and scans, after Bluesky's `trigger_and_read`, `one_shot`, `one_1d_step`,
 * `one_nd_step`, `move_per_step` and `repeat`. Plans take these as their default per-shot / per-step hooks.
 */
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import type { Movable, Readable, Reading } from "../protocols.ts";
import { isTriggerable } from "../protocols.ts";
import { quote, separateDevices } from "./devices.ts";
import type { TakeReading } from "./types.ts";
import { shortUid } from "./uid.ts";

/**
 * Trigger the devices that can be triggered, wait for them, then bundle one reading of every device into one
 * event of stream `name`: `trigger`... `wait`, `create`, `read`..., `save` (`drop` instead if a read
 * fails, and the error is rethrown). Returns all readings merged. With no devices, yields only `null`.
 */
export function* triggerAndRead(devices: readonly Readable[], name = "primary"): Plan<Record<string, Reading>> {
  if (devices.length === 0) {
    yield msg("null");
    return {};
  }
  const unique = separateDevices(devices);
  const group = shortUid("trigger");
  let triggered = false;
  for (const obj of unique) {
    if (isTriggerable(obj)) {
      triggered = true;
      yield msg("trigger", obj, [], { group });
    }
  }
  if (triggered) yield msg("wait", undefined, [], { group });
  yield msg("create", undefined, [], { name });
  const readings: Record<string, Reading> = {};
  try {
    for (const obj of unique) {
      const reading = (yield msg("read", obj)) as Record<string, Reading> | undefined;
      if (reading) Object.assign(readings, reading);
    }
  } catch (error) {
    yield msg("drop");
    throw error;
  }
  yield msg("save");
  return readings;
}

/** One shot of a count: `checkpoint`, then `takeReading(detectors)`. */
export function* oneShot(detectors: readonly Readable[], takeReading: TakeReading = triggerAndRead): Plan<unknown> {
  yield msg("checkpoint");
  return yield* takeReading([...detectors]);
}

/**
 * One step of a 1-D scan: `checkpoint`, `set(motor, step)`, `wait`, then one reading of the detectors and
 * the motor. Returns the readings.
 */
export function* one1dStep(
  detectors: readonly Readable[],
  motor: Movable,
  step: unknown,
  takeReading: TakeReading = triggerAndRead,
): Plan<Record<string, Reading>> {
  const group = shortUid("set");
  yield msg("checkpoint");
  yield msg("set", motor, [step], { group });
  yield msg("wait", undefined, [], { group });
  return yield* takeReading([...detectors, motor as unknown as Readable]);
}

/**
 * The moves of one N-D step without reading: `checkpoint`, a `set` for each motor whose position differs
 * from `posCache` (which is updated), then one `wait`.
 */
export function* movePerStep(step: ReadonlyMap<Movable, unknown>, posCache: Map<Movable, unknown>): Plan<void> {
  yield msg("checkpoint");
  const group = shortUid("set");
  for (const [motor, pos] of step) {
    if (posCache.has(motor) && Object.is(posCache.get(motor), pos)) continue;
    yield msg("set", motor, [pos], { group });
    posCache.set(motor, pos);
  }
  yield msg("wait", undefined, [], { group });
}

/** One step of an N-D scan: `movePerStep`, then one reading of the detectors and all the step's motors. */
export function* oneNdStep(
  detectors: readonly Readable[],
  step: ReadonlyMap<Movable, unknown>,
  posCache: Map<Movable, unknown>,
  takeReading: TakeReading = triggerAndRead,
): Plan<unknown> {
  yield* movePerStep(step, posCache);
  return yield* takeReading([...detectors, ...([...step.keys()] as unknown as Readable[])]);
}

/** The clock `repeat` measures delays with, seconds. */
const now = (): number => Date.now() / 1000;

/**
 * Run `plan()` `num` times (forever when null), with a `checkpoint` before each run and a `sleep` after it
 * so that runs start `delay` seconds apart (no sleep when the run took longer). `delay` may be one number
 * or a list of at least `num - 1` delays. Returns the last run's result.
 */
export function repeat(plan: () => Plan<unknown>, num: number | null = 1, delay: number | readonly number[] = 0): Plan<unknown> {
  if (num !== null && (!Number.isInteger(num) || num < 0))
    throw new InvalidArgumentError(`num must be a whole number >= 0 or null (forever), got ${quote(num)}`, num);
  if (typeof delay === "number") {
    if (!Number.isFinite(delay) || delay < 0)
      throw new InvalidArgumentError(`delay must be a finite number of seconds >= 0, got ${quote(delay)}`, delay);
  } else {
    if (num === null)
      throw new InvalidArgumentError(`a list of delays needs a finite num; got num=null and ${delay.length} delays`, delay);
    if (num - 1 > delay.length)
      throw new InvalidArgumentError(`num=${num} needs ${num - 1} delays but delay gives ${delay.length}`, delay);
    delay.forEach((d, i) => {
      if (typeof d !== "number" || !Number.isFinite(d) || d < 0)
        throw new InvalidArgumentError(`delay[${i}] must be a finite number of seconds >= 0, got ${quote(d)}`, d);
    });
  }
  return repeated(plan, num, delay);
}

function* repeated(plan: () => Plan<unknown>, num: number | null, delay: number | readonly number[]): Plan<unknown> {
  let result: unknown;
  for (let i = 0; num === null || i < num; i++) {
    const started = now();
    yield msg("checkpoint");
    result = yield* plan();
    if (num !== null && i + 1 === num) break;
    const d = typeof delay === "number" ? delay : delay[i]!;
    const left = d - (now() - started);
    if (left > 0) yield msg("sleep", undefined, [left]);
  }
  return result;
}
