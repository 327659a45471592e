/** Verbs that make documents: open_run, close_run, create, save, drop, declare_stream, collect, monitor, unmonitor. */
import { randomUUID } from "node:crypto";
import { DEFAULT_STREAM_NAME } from "../../documents/compose.ts";
import type { ExitStatus, RunStart } from "../../documents/types.ts";
import { IllegalMessageSequenceError, InvalidArgumentError } from "../../errors.ts";
import { mergeRunMetadata } from "../../metadata.ts";
import type { Msg } from "../../msg.ts";
import { isCollectable, isReadable, isSubscribable } from "../../protocols.ts";
import type { Readable, Subscribable } from "../../protocols.ts";
import { RunBundler } from "../bundler.ts";
import { deviceOf } from "../command.ts";
import type { CommandHandler } from "../command.ts";

const EXIT_STATUSES: readonly ExitStatus[] = ["success", "abort", "fail"];

/** Msg('open_run', **md) -> run start uid. The start merges persistent, plan and per-call metadata. */
export const openRun: CommandHandler = (msg, ex) => {
  if (ex.runs.has(msg.run)) {
    const which = msg.run === undefined ? "a run" : `run '${msg.run}'`;
    throw new IllegalMessageSequenceError(`'open_run' while ${which} is open: 'close_run' it first`);
  }
  ex.metadata.nextScanId();
  const md = mergeRunMetadata(ex.metadata.snapshot(), { plan_type: "generator" }, msg.kwargs, ex.perCallMd);
  const start: RunStart = { ...md, uid: randomUUID(), time: Date.now() / 1000 };
  ex.emit("start", start);
  ex.openRun(msg.run, new RunBundler(start, ex.emit, ex.hooks.asyncError));
  return start.uid;
};

/** Msg('close_run', exit_status?, reason?) -> run start uid. */
export const closeRun: CommandHandler = (msg, ex) => {
  const bundler = ex.run(msg);
  const exitStatus = (msg.kwargs.exit_status ?? "success") as ExitStatus;
  if (!EXIT_STATUSES.includes(exitStatus)) {
    throw new InvalidArgumentError(
      `'close_run': exit_status must be one of ${EXIT_STATUSES.join(", ")}, got ${JSON.stringify(exitStatus)}`,
      exitStatus,
    );
  }
  ex.runs.delete(msg.run);
  bundler.close(exitStatus, String(msg.kwargs.reason ?? ""));
  return bundler.start.uid;
};

/** Msg('create', name='primary'): opens a bundle of readings that `save` turns into one event. */
export const create: CommandHandler = (msg, ex) => {
  ex.run(msg).create(streamName(msg, msg.kwargs.name) ?? DEFAULT_STREAM_NAME);
};

/** Msg('save'): the bundle as an event (and the stream's descriptor first, when new). */
export const save: CommandHandler = (msg, ex) => ex.run(msg).save();

/** Msg('drop'): forgets the bundle. */
export const drop: CommandHandler = (msg, ex) => {
  ex.run(msg).drop();
};

/** Msg('declare_stream', ...devices, name, collect?) -> [descriptor, event factory]. */
export const declareStream: CommandHandler = (msg, ex) => {
  const bundler = ex.run(msg);
  const name = streamName(msg, msg.kwargs.name);
  if (name === undefined) throw new InvalidArgumentError("'declare_stream' needs a stream name (kwargs.name)", msg.kwargs);
  const collect = msg.kwargs.collect === true;
  const objs = msg.args.map((o) => {
    if (collect ? isCollectable(o) : isReadable(o)) return o as Readable;
    throw new InvalidArgumentError(
      `'declare_stream' of '${name}': ${String((o as { name?: unknown })?.name ?? o)} is not ${collect ? "Collectable" : "Readable"}`,
      o,
    );
  });
  return bundler.declareStream(name, objs, collect);
};

/** Msg('collect', flyer, name?, return_payload=true) -> the event pages (or nothing). */
export const collect: CommandHandler = (msg, ex) => {
  const flyer = deviceOf(msg, isCollectable, "Collectable");
  const bundler = ex.run(msg);
  const name = streamName(msg, msg.kwargs.name ?? (typeof msg.kwargs.stream === "string" ? msg.kwargs.stream : undefined));
  return bundler.collect(flyer, name, msg.kwargs.return_payload !== false);
};

const isMonitorable = (o: unknown): o is Subscribable & Readable => isSubscribable(o) && isReadable(o);

/** Msg('monitor', device, name?): a stream of the device's own updates, named after it. */
export const monitor: CommandHandler = (msg, ex) => {
  const obj = deviceOf(msg, isMonitorable, "Subscribable and Readable");
  return ex.run(msg).monitor(obj, streamName(msg, msg.kwargs.name));
};

/** Msg('unmonitor', device). */
export const unmonitor: CommandHandler = (msg, ex) => {
  ex.run(msg).unmonitor(msg.obj);
};

function streamName(msg: Msg, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && value.length > 0) return value;
  throw new InvalidArgumentError(`'${msg.command}': a stream name must be a non-empty string, got ${JSON.stringify(value)}`, value);
}

