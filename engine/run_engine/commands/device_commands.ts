/**
 * Verbs that act on a device: read, locate, trigger, set, kickoff, complete, prepare, stage, unstage,
 * configure, stop. Verbs that start an action return its Status at once (so the hot path never awaits) and
 * file it under its group for a later `wait`.
 */
import { IllegalMessageSequenceError, InvalidArgumentError } from "../../errors.ts";
import { objectName } from "../../msg.ts";
import type { Msg } from "../../msg.ts";
import {
  isConfigurable,
  isFlyable,
  isLocatable,
  isMovable,
  isPreparable,
  isReadable,
  isStageable,
  isStoppable,
  isTriggerable,
} from "../../protocols.ts";
import type { Configurable, Status } from "../../protocols.ts";
import { Reply, deviceOf, secondsToMs } from "../command.ts";
import type { CommandHandler } from "../command.ts";
import type { Execution } from "../execution.ts";
import { PromiseStatus, statusDone } from "../status_groups.ts";

/** Msg('read', device) -> its readings; inside a bundle they join the next event. */
export const read: CommandHandler = (msg, ex) => {
  const obj = deviceOf(msg, isReadable, "Readable");
  const bundler = ex.runs.get(msg.run);
  const p = obj.read();
  return bundler === undefined || !bundler.bundling
    ? p
    : p.then((reading) => {
        bundler.read(obj, reading);
        return reading;
      });
};

/** Msg('locate', device, ...more, squeeze=true) -> Location, or a list of them. */
export const locate: CommandHandler = async (msg) => {
  const objs = [msg.obj, ...msg.args];
  for (const o of objs) {
    if (!isLocatable(o)) throw new InvalidArgumentError(`'locate' needs Locatable devices, got ${objectName(o)}`, o);
  }
  const locations = await Promise.all(objs.map((o) => (isLocatable(o) ? o.locate() : undefined)));
  return msg.kwargs.squeeze !== false && locations.length === 1 ? locations[0] : locations;
};

/** Msg('trigger', device, group?) -> Status. */
export const trigger: CommandHandler = (msg, ex) => {
  const obj = deviceOf(msg, isTriggerable, "Triggerable");
  return track(msg, ex, obj.trigger(), obj, "trigger");
};

/** Msg('set', device, value, group?, timeout? (s)) -> Status. The device is stopped when the plan ends. */
export const set: CommandHandler = (msg, ex) => {
  const obj = deviceOf(msg, isMovable, "Movable");
  if (msg.args.length === 0) throw new InvalidArgumentError(`'set' of ${obj.name} needs a value (args[0])`, msg.args);
  const timeoutMs = secondsToMs(msg, "timeout", msg.kwargs.timeout);
  if (isStoppable(obj)) ex.moved.add(obj);
  const status = timeoutMs === undefined ? obj.set(msg.args[0]) : obj.set(msg.args[0], { timeoutMs });
  return track(msg, ex, status, obj, "set");
};

/** Msg('kickoff', flyer, group?, wait?) -> Status. */
export const kickoff: CommandHandler = (msg, ex) => {
  const obj = deviceOf(msg, isFlyable, "Flyable");
  return track(msg, ex, obj.kickoff(), obj, "kickoff");
};

/** Msg('complete', flyer, group?, wait?) -> Status. */
export const complete: CommandHandler = (msg, ex) => {
  const obj = deviceOf(msg, isFlyable, "Flyable");
  return track(msg, ex, obj.complete(), obj, "complete");
};

/** Msg('prepare', device, value, group?, wait?) -> Status. */
export const prepare: CommandHandler = (msg, ex) => {
  const obj = deviceOf(msg, isPreparable, "Preparable");
  return track(msg, ex, obj.prepare(msg.args[0]), obj, "prepare");
};

/** Files a status under its group; with wait=true, replies only once it is done. */
function track(msg: Msg, ex: Execution, status: Status, obj: unknown, verb: string): unknown {
  ex.groups.add(msg.kwargs.group, status, obj, verb);
  if (msg.kwargs.wait !== true) return status;
  return ex.interruptible(statusDone(status, obj, verb)).then(() => new Reply(status));
}

/** Msg('stage', device, group?): staged devices are unstaged when the plan ends, whatever happens. */
export const stage: CommandHandler = (msg, ex) => {
  const obj = deviceOf(msg, isStageable, "Stageable");
  if (ex.staged.has(obj)) return undefined;
  const p = obj.stage().then(() => {
    ex.staged.add(obj);
  });
  if (msg.kwargs.group === undefined) return p;
  const status = new PromiseStatus(p);
  ex.groups.add(msg.kwargs.group, status, obj, "stage");
  return status;
};

/** Msg('unstage', device, group?). */
export const unstage: CommandHandler = (msg, ex) => {
  const obj = deviceOf(msg, isStageable, "Stageable");
  ex.staged.delete(obj);
  const p = obj.unstage();
  if (msg.kwargs.group === undefined) return p;
  const status = new PromiseStatus(p);
  ex.groups.add(msg.kwargs.group, status, obj, "unstage");
  return status;
};

const canConfigure = (o: unknown): o is Configurable & Required<Pick<Configurable, "configure">> =>
  isConfigurable(o) && typeof o.configure === "function";

/** Msg('configure', device, values) -> [old, new] configuration; the next event gets a new descriptor. */
export const configure: CommandHandler = async (msg, ex) => {
  const obj = deviceOf(msg, canConfigure, "Configurable (with configure())");
  const values = msg.args[0];
  if (values === null || typeof values !== "object" || Array.isArray(values)) {
    throw new InvalidArgumentError(`'configure' of ${obj.name} needs an object of values, got ${JSON.stringify(values)}`, values);
  }
  for (const b of ex.runs.values()) {
    if (b.bundling) throw new IllegalMessageSequenceError(`'configure' of ${obj.name} between 'create' and 'save'`);
  }
  const result = await obj.configure(values as Record<string, unknown>);
  for (const b of ex.runs.values()) b.configured(obj);
  return result;
};

/** Msg('stop', device). */
export const stop: CommandHandler = (msg) => deviceOf(msg, isStoppable, "Stoppable").stop();
