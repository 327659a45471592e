/**
 * Plan stubs, after Bluesky's `plan_stubs`: each yields one Msg (or a short fixed sequence, noted) and returns
 * the RunEngine's reply. Compose them with `yield*`. Times are in seconds, as in Msg kwargs.
 */
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Msg, Plan } from "../msg.ts";
import type {
  Configurable,
  Flyable,
  Location,
  Movable,
  Preparable,
  Readable,
  Reading,
  Stageable,
  Status,
  Stoppable,
  Triggerable,
} from "../protocols.ts";
import { isLocatable, isStatus } from "../protocols.ts";
import { hintedFields, isOptionsObject, quote, requireMovable } from "./devices.ts";
import { relativeSetWrapper } from "./relative.ts";
import { shortUid } from "./uid.ts";

/** kwargs without the undefined entries, so messages compare and serialise cleanly. */
export function kw(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}

/* ---- runs and event bundles ---- */

/** Yields `open_run` with `md` as kwargs; returns the run start uid. */
export function* openRun(md: Record<string, unknown> = {}): Plan<string> {
  return yield msg("open_run", undefined, [], { ...md });
}

/** Yields `close_run` with `{exit_status?, reason?}`; returns the run start uid. */
export function* closeRun(exitStatus?: "success" | "abort" | "fail", reason?: string): Plan<string> {
  return yield msg("close_run", undefined, [], kw({ exit_status: exitStatus, reason }));
}

/** Yields `create` with `{name}`: open a bundle of readings for one event in stream `name`. */
export function* create(name = "primary"): Plan<void> {
  return yield msg("create", undefined, [], { name });
}

/** Yields `save`: close the bundle and emit the event (and the descriptor, if new). */
export function* save(): Plan<void> {
  return yield msg("save");
}

/** Yields `drop`: discard the open bundle without emitting an event. */
export function* drop(): Plan<void> {
  return yield msg("drop");
}

/** Yields `declare_stream` with the devices as args and `{name, collect}`; returns `[descriptor, factory]`. */
export function* declareStream(
  devices: readonly Readable[],
  options: { name: string; collect?: boolean },
): Plan<[unknown, unknown]> {
  return yield msg("declare_stream", undefined, [...devices], { name: options.name, collect: options.collect ?? false });
}

/* ---- reading ---- */

/** Yields `read(obj)`; returns the reading, keyed by data key. */
export function* read(obj: Readable): Plan<Record<string, Reading>> {
  return yield msg("read", obj);
}

/**
 * Yields `locate(obj, ...more, {squeeze})`; returns one Location (squeezed, a single device) or a list.
 */
export function* locate(obj: Movable, ...rest: [...Movable[], { squeeze?: boolean }] | Movable[]): Plan<any> {
  let squeeze = true;
  const more = [...rest];
  if (more.length && isOptionsObject(more[more.length - 1])) squeeze = (more.pop() as { squeeze?: boolean }).squeeze ?? true;
  return yield msg("locate", obj, more, { squeeze });
}

/**
 * The single value of a device without triggering it or making an event, after Bluesky's `rd`:
 * the readback of a Locatable (one `locate`), else one `read` and the value of its hinted field, or of its
 * only field. `defaultValue` is returned when no reply comes (a plan listed rather than run).
 */
export function* rd(obj: Readable | Movable, defaultValue: unknown = 0): Plan<any> {
  if (isLocatable(obj)) {
    const location = (yield msg("locate", obj, [], { squeeze: true })) as Location | undefined;
    return location === undefined ? defaultValue : location.readback;
  }
  const hints = hintedFields(obj);
  if (hints.length > 1)
    throw new InvalidArgumentError(
      `rd: ${quote(obj)} hints ${hints.length} fields (${hints.join(", ")}); read one of its components instead`,
      obj,
    );
  const reading = (yield msg("read", obj)) as Record<string, Reading> | undefined;
  if (reading === undefined) return defaultValue;
  if (hints.length === 1) {
    const r = reading[hints[0]!];
    if (!r) throw new InvalidArgumentError(`rd: the reading of ${quote(obj)} has no hinted field '${hints[0]}'`, obj);
    return r.value;
  }
  const values = Object.values(reading);
  if (values.length !== 1)
    throw new InvalidArgumentError(
      `rd: ${quote(obj)} reads ${values.length} fields (${Object.keys(reading).join(", ")}) and hints none; ` +
        "read one of its components instead",
      obj,
    );
  return values[0]!.value;
}

/* ---- acting on devices ---- */

export interface SetOptions {
  /** Group name for a later `wait`; a fresh one is made when `wait` is set without one. */
  group?: string;
  /** Also yield `wait` for the group. @default false */
  wait?: boolean;
  /** Time limit for the set, seconds. */
  timeout?: number;
}

/** Yields `set(obj, value, {group, timeout})`, then `wait(group)` if `wait`; returns the Status. */
export function* absSet(obj: Movable, value: unknown, options: SetOptions = {}): Plan<Status> {
  const group = options.wait && options.group === undefined ? shortUid("set") : options.group;
  const status = yield msg("set", obj, [value], kw({ group, timeout: options.timeout }));
  if (options.wait) yield msg("wait", undefined, [], { group });
  return status;
}

/** Like `absSet` with `value` relative to where `obj` is now: one `locate` (or `read`) first, then `set`. */
export function* relSet(obj: Movable, value: unknown, options: SetOptions = {}): Plan<Status> {
  return yield* relativeSetWrapper(absSet(obj, value, options), [obj]);
}

export interface MoveOptions {
  group?: string;
  /** Time limit for each set, seconds. */
  timeout?: number;
}

/** Split `motor1, value1, motor2, value2, ..., options?` into pairs and options. */
function movePairs(args: readonly unknown[], who: string): [Array<[Movable, unknown]>, MoveOptions] {
  const list = [...args];
  let options: MoveOptions = {};
  if (list.length % 2 === 1 && isOptionsObject(list[list.length - 1])) options = list.pop() as MoveOptions;
  if (list.length === 0 || list.length % 2 !== 0)
    throw new InvalidArgumentError(
      `${who} takes pairs of device and value (motor1, value1, motor2, value2, ...), got ${list.length} arguments`,
      list.length,
    );
  const pairs: Array<[Movable, unknown]> = [];
  for (let i = 0; i < list.length; i += 2) {
    const m = requireMovable(list[i], `${who} argument ${i}`);
    if (pairs.some(([p]) => p === m))
      throw new InvalidArgumentError(`${who}: ${quote(m)} is given more than once`, m);
    pairs.push([m, list[i + 1]]);
  }
  return [pairs, options];
}

/**
 * Move one or more devices at once and wait for all: `mv(m1, v1, m2, v2, {group?, timeout?})`.
 * Yields one `set` per device (same group), then `wait(group)`; returns the Statuses.
 */
export function mv(...args: unknown[]): Plan<Status[]> {
  const [pairs, options] = movePairs(args, "mv");
  return mvPairs(pairs, options);
}

function* mvPairs(pairs: Array<[Movable, unknown]>, options: MoveOptions): Plan<Status[]> {
  const group = options.group ?? shortUid("mv");
  const statuses: Status[] = [];
  for (const [obj, value] of pairs) statuses.push(yield msg("set", obj, [value], kw({ group, timeout: options.timeout })));
  yield msg("wait", undefined, [], { group });
  return statuses;
}

/** `mv` with values relative to the current positions: one `locate` (or `read`) per device first. */
export function mvr(...args: unknown[]): Plan<Status[]> {
  const [pairs, options] = movePairs(args, "mvr");
  return relativeSetWrapper(
    mvPairs(pairs, options),
    pairs.map(([m]) => m),
  );
}

/** Yields `trigger(obj, {group})`, then `wait(group)` if `wait`; returns the Status. */
export function* trigger(obj: Triggerable, options: { group?: string; wait?: boolean } = {}): Plan<Status> {
  const group = options.wait && options.group === undefined ? shortUid("trigger") : options.group;
  const status = yield msg("trigger", obj, [], kw({ group }));
  if (options.wait) yield msg("wait", undefined, [], { group });
  return status;
}

/** Yields `stop(obj)`. */
export function* stop(obj: Stoppable & { name?: string }): Plan<void> {
  return yield msg("stop", obj);
}

/** Yields `configure(obj, values)`; returns `[old, new]` configuration readings. */
export function* configure(
  obj: Configurable,
  values: Record<string, unknown>,
): Plan<[Record<string, Reading>, Record<string, Reading>]> {
  return yield msg("configure", obj, [values]);
}

/** Yields `stage(obj, {group})`, then `wait(group)` if the reply is a Status and `wait` is set. */
export function* stage(obj: Stageable, options: { group?: string; wait?: boolean } = {}): Plan<unknown> {
  const ret = yield msg("stage", obj, [], kw({ group: options.group }));
  if (isStatus(ret) && options.wait) yield msg("wait", undefined, [], kw({ group: options.group }));
  return ret;
}

/** Yields `unstage(obj, {group})`, then `wait(group)` if the reply is a Status and `wait` is set. */
export function* unstage(obj: Stageable, options: { group?: string; wait?: boolean } = {}): Plan<unknown> {
  const ret = yield msg("unstage", obj, [], kw({ group: options.group }));
  if (isStatus(ret) && options.wait) yield msg("wait", undefined, [], kw({ group: options.group }));
  return ret;
}

/** Yields `stage` for each device (one group), then one `wait` if any reply was a Status. */
export function* stageAll(devices: readonly unknown[], options: { group?: string } = {}): Plan<void> {
  const group = options.group ?? shortUid("stage");
  let anyStatus = false;
  for (const obj of devices) if (isStatus(yield msg("stage", obj, [], { group }))) anyStatus = true;
  if (anyStatus) yield msg("wait", undefined, [], { group });
}

/** Yields `unstage` for each device (one group), then one `wait` if any reply was a Status. */
export function* unstageAll(devices: readonly unknown[], options: { group?: string } = {}): Plan<void> {
  const group = options.group ?? shortUid("unstage");
  let anyStatus = false;
  for (const obj of devices) if (isStatus(yield msg("unstage", obj, [], { group }))) anyStatus = true;
  if (anyStatus) yield msg("wait", undefined, [], { group });
}

/* ---- flying ---- */

/** Yields `prepare(obj, value, {group})`, then `wait(group)` if `wait`; returns the Status. */
export function* prepare(obj: Preparable, value: unknown, options: { group?: string; wait?: boolean } = {}): Plan<Status> {
  const status = yield msg("prepare", obj, [value], kw({ group: options.group }));
  if (options.wait) yield msg("wait", undefined, [], kw({ group: options.group }));
  return status;
}

/** Yields `kickoff(obj, {group})`, then `wait(group)` if `wait`; returns the Status. */
export function* kickoff(obj: Flyable, options: { group?: string; wait?: boolean } = {}): Plan<Status> {
  const status = yield msg("kickoff", obj, [], kw({ group: options.group }));
  if (options.wait) yield msg("wait", undefined, [], kw({ group: options.group }));
  return status;
}

/** Yields `complete(obj, {group})`, then `wait(group)` if `wait`; returns the Status. */
export function* complete(obj: Flyable, options: { group?: string; wait?: boolean } = {}): Plan<Status> {
  const status = yield msg("complete", obj, [], kw({ group: options.group }));
  if (options.wait) yield msg("wait", undefined, [], kw({ group: options.group }));
  return status;
}

/** Yields `kickoff` for each flyer (one group), then `wait(group)` unless `wait` is false. */
export function* kickoffAll(flyers: readonly Flyable[], options: { group?: string; wait?: boolean } = {}): Plan<Status[]> {
  const group = options.group ?? shortUid("kickoff");
  const statuses: Status[] = [];
  for (const f of flyers) statuses.push(yield msg("kickoff", f, [], { group }));
  if (options.wait ?? true) yield msg("wait", undefined, [], { group });
  return statuses;
}

/** Yields `complete` for each flyer (one group), then `wait(group)` if `wait`. */
export function* completeAll(flyers: readonly Flyable[], options: { group?: string; wait?: boolean } = {}): Plan<Status[]> {
  const group = options.group ?? shortUid("complete");
  const statuses: Status[] = [];
  for (const f of flyers) statuses.push(yield msg("complete", f, [], { group }));
  if (options.wait) yield msg("wait", undefined, [], { group });
  return statuses;
}

/** Yields `collect(obj, {stream, return_payload, name?})`. */
export function* collect(
  obj: Flyable,
  options: { stream?: boolean; returnPayload?: boolean; name?: string } = {},
): Plan<unknown> {
  return yield msg(
    "collect",
    obj,
    [],
    kw({ stream: options.stream ?? false, return_payload: options.returnPayload ?? true, name: options.name }),
  );
}

/* ---- flow control ---- */

/** Yields `wait({group, timeout})`: wait for every Status of the group (seconds for `timeout`). */
export function* wait(group?: string, options: { timeout?: number; moveOn?: boolean } = {}): Plan<void> {
  return yield msg("wait", undefined, [], kw({ group, timeout: options.timeout, move_on: options.moveOn }));
}

/** Yields `sleep(seconds)`: the engine keeps handling interruptions meanwhile. */
export function* sleep(seconds: number): Plan<void> {
  return yield msg("sleep", undefined, [seconds]);
}

/** Yields `wait_for([factories], {timeout})`: wait for promises made by the factories. */
export function* waitFor(factories: ReadonlyArray<() => Promise<unknown>>, options: { timeout?: number } = {}): Plan<void> {
  return yield msg("wait_for", undefined, [[...factories]], kw({ timeout: options.timeout }));
}

/** Yields `checkpoint`: if interrupted, the plan resumes (rewinds) from here. */
export function* checkpoint(): Plan<void> {
  return yield msg("checkpoint");
}

/** Yields `clear_checkpoint`: from here it is unsafe to resume; an interruption aborts. */
export function* clearCheckpoint(): Plan<void> {
  return yield msg("clear_checkpoint");
}

/** Yields `pause({defer: false})`: pause now and wait for the user to resume. */
export function* pause(): Plan<void> {
  return yield msg("pause", undefined, [], { defer: false });
}

/** Yields `pause({defer: true})`: pause at the next checkpoint. */
export function* deferredPause(): Plan<void> {
  return yield msg("pause", undefined, [], { defer: true });
}

/** Yields `null`: does nothing (for tests and debugging). */
export function* nullStep(): Plan<void> {
  return yield msg("null");
}

/** Yields `input(prompt)`; returns the text typed. */
export function* inputPlan(prompt = ""): Plan<string> {
  return yield msg("input", undefined, [prompt]);
}

/** Yields `rewindable(value)` (value undefined asks without changing); returns the previous setting. */
export function* rewindable(value?: boolean): Plan<boolean> {
  return yield msg("rewindable", undefined, [value]);
}

/* ---- subscriptions, monitors, suspenders ---- */

export type DocumentSubscriber = (name: string, doc: unknown) => void;

/** Yields `subscribe(func, name)` (Bluesky's argument order: name first here); returns a token. */
export function* subscribe(name: string, func: DocumentSubscriber): Plan<number> {
  return yield msg("subscribe", undefined, [func, name]);
}

/** Yields `unsubscribe(token)`. */
export function* unsubscribe(token: number): Plan<void> {
  return yield msg("unsubscribe", undefined, [token]);
}

/** Yields `monitor(obj, {name?})`: emit events in stream `name` whenever obj's value changes. */
export function* monitor(obj: Readable, options: { name?: string } = {}): Plan<void> {
  return yield msg("monitor", obj, [], kw({ name: options.name }));
}

/** Yields `unmonitor(obj)`. */
export function* unmonitor(obj: Readable): Plan<void> {
  return yield msg("unmonitor", obj);
}

/** Yields `install_suspender(suspender)`. */
export function* installSuspender(suspender: unknown): Plan<void> {
  return yield msg("install_suspender", undefined, [suspender]);
}

/** Yields `remove_suspender(suspender)`. */
export function* removeSuspender(suspender: unknown): Plan<void> {
  return yield msg("remove_suspender", undefined, [suspender]);
}

/* ---- generic ---- */

/** Yields `command` once per object with the same args and kwargs; returns the replies. */
export function* broadcastMsg(
  command: string,
  objs: readonly unknown[],
  args: readonly unknown[] = [],
  kwargs: Record<string, unknown> = {},
): Plan<unknown[]> {
  const out: unknown[] = [];
  for (const o of objs) out.push(yield msg(command, o, args, kwargs));
  return out;
}

/** Chain `n` fresh copies of `planFactory()` (forever when `n` is null). */
export function* repeater(n: number | null, planFactory: () => Plan<unknown>): Plan<void> {
  for (let i = 0; n === null || i < n; i++) yield* planFactory();
}

/** The messages a plan yields when every reply is undefined (a dry listing; plans that need replies fail). */
export function listPlan(plan: Plan<unknown>): Msg[] {
  const out: Msg[] = [];
  for (let step = plan.next(); !step.done; step = plan.next()) out.push(step.value);
  return out;
}
