/**
 * Test-only: a tiny synchronous stand-in for the RunEngine that steps a plan, answers each Msg with a
 * plausible reply and records the messages, plus fake devices whose state the replies come from.
 */
import { FailedStatusError } from "../errors.ts";
import { formatMsg } from "../msg.ts";
import type { Msg, Plan } from "../msg.ts";
import type { DataKey, Hints, Location, Reading, Status, StatusProgress } from "../protocols.ts";

/* ---- fake devices ---- */

export class FakeStatus implements Status {
  done = false;
  success = false;
  error: Error | undefined = undefined;
  readonly timeoutMs = undefined;
  private callbacks: Array<(s: Status) => void> = [];

  static finished(): FakeStatus {
    const s = new FakeStatus();
    s.finish();
    return s;
  }

  finish(error?: Error): void {
    this.done = true;
    this.success = !error;
    this.error = error;
    for (const cb of this.callbacks.splice(0)) cb(this);
  }

  addCallback(cb: (status: Status) => void): void {
    if (this.done) cb(this);
    else this.callbacks.push(cb);
  }

  watch(_cb: (progress: StatusProgress) => void): () => void {
    return () => {};
  }

  then<A = void, B = never>(ok?: ((v: void) => A | PromiseLike<A>) | null, fail?: ((e: any) => B | PromiseLike<B>) | null): PromiseLike<A | B> {
    return new Promise<void>((resolve, reject) => this.addCallback((s) => (s.success ? resolve() : reject(s.error)))).then(ok, fail);
  }
}

const reading = (value: unknown): Reading => ({ value, timestamp: 0 });

/** A motor: set moves it at once (the returned Status is already done), locate gives where it is. */
export class FakeMotor {
  position: number;
  readonly hints: Hints;
  readonly parent?: undefined;
  constructor(
    readonly name: string,
    position = 0,
  ) {
    this.position = position;
    this.hints = { fields: [name] };
  }
  set(value: unknown): Status {
    this.position = value as number;
    return FakeStatus.finished();
  }
  readNow(): Record<string, Reading> {
    return { [this.name]: reading(this.position), [`${this.name}_setpoint`]: reading(this.position) };
  }
  async read(): Promise<Record<string, Reading>> {
    return this.readNow();
  }
  async describe(): Promise<Record<string, DataKey>> {
    return { [this.name]: { dtype: "number", shape: [], source: `sim:${this.name}` } };
  }
  locateNow(): Location<number> {
    return { setpoint: this.position, readback: this.position };
  }
  async locate(): Promise<Location<number>> {
    return this.locateNow();
  }
  async stage(): Promise<void> {}
  async unstage(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** A detector whose value is computed (usually from motor positions) when it is read. */
export class FakeDetector {
  readonly hints: Hints;
  triggers = 0;
  constructor(
    readonly name: string,
    readonly compute: () => number = () => 1,
  ) {
    this.hints = { fields: [name] };
  }
  trigger(): Status {
    this.triggers++;
    return FakeStatus.finished();
  }
  readNow(): Record<string, Reading> {
    return { [this.name]: reading(this.compute()) };
  }
  async read(): Promise<Record<string, Reading>> {
    return this.readNow();
  }
  async describe(): Promise<Record<string, DataKey>> {
    return { [this.name]: { dtype: "number", shape: [], source: `sim:${this.name}` } };
  }
  async stage(): Promise<void> {}
  async unstage(): Promise<void> {}
}

/** A detector with a counting time the plans may configure. */
export class FakeTimedDetector extends FakeDetector {
  acquire_time = 1;
  configured: number[] = [];
  async readConfiguration(): Promise<Record<string, Reading>> {
    return { [`${this.name}-acquire_time`]: reading(this.acquire_time) };
  }
  async describeConfiguration(): Promise<Record<string, DataKey>> {
    return { [`${this.name}-acquire_time`]: { dtype: "number", shape: [], source: "sim" } };
  }
  async configure(values: Record<string, unknown>): Promise<[Record<string, Reading>, Record<string, Reading>]> {
    const old = await this.readConfiguration();
    this.acquire_time = values.acquire_time as number;
    return [old, await this.readConfiguration()];
  }
  configureNow(values: Record<string, unknown>): void {
    this.acquire_time = values.acquire_time as number;
    this.configured.push(this.acquire_time);
  }
}

/** A readable signal without trigger, stage or set. */
export class FakeSignal {
  constructor(
    readonly name: string,
    public value: unknown = 0,
  ) {}
  readNow(): Record<string, Reading> {
    return { [this.name]: reading(this.value) };
  }
  async read(): Promise<Record<string, Reading>> {
    return this.readNow();
  }
  async describe(): Promise<Record<string, DataKey>> {
    return { [this.name]: { dtype: "number", shape: [], source: "sim" } };
  }
}

/* ---- the driver ---- */

export type Responder = (m: Msg, ctx: DriverContext) => unknown;

export interface DriverContext {
  /** Messages handled so far, this one included. */
  readonly msgs: readonly Msg[];
  /** Statuses handed out, by group. */
  readonly groups: Map<string | undefined, Status[]>;
  /** Events saved so far: the merged readings of each create..save bundle, with its stream name. */
  readonly events: Array<{ stream: string; data: Record<string, unknown> }>;
}

export interface DriveOptions {
  /** Replies for particular commands, replacing the defaults. Throwing from one throws into the plan. */
  respond?: Partial<Record<string, Responder>>;
  /** Stop (and fail the test) after this many messages, against runaway loops. @default 20000 */
  maxMessages?: number;
}

export interface DriveResult<T> extends DriverContext {
  readonly value: T;
}

let uidCounter = 0;

function defaultReply(m: Msg, ctx: DriverContext & { bundle?: { stream: string; data: Record<string, unknown> } }): unknown {
  const obj = m.obj as any;
  switch (m.command) {
    case "open_run":
      return `run-${++uidCounter}`;
    case "close_run":
      return `run-${uidCounter}`;
    case "read":
      return typeof obj?.readNow === "function" ? obj.readNow() : { [obj?.name ?? "?"]: reading(0) };
    case "locate": {
      const one = (o: any): Location => (typeof o?.locateNow === "function" ? o.locateNow() : { setpoint: 0, readback: 0 });
      return m.args.length === 0 && m.kwargs.squeeze !== false ? one(obj) : [obj, ...m.args].map(one);
    }
    case "set":
      return typeof obj?.set === "function" ? obj.set(m.args[0]) : FakeStatus.finished();
    case "trigger":
      return typeof obj?.trigger === "function" ? obj.trigger() : FakeStatus.finished();
    case "kickoff":
    case "complete":
    case "prepare":
      return FakeStatus.finished();
    case "configure":
      if (typeof obj?.configureNow === "function") obj.configureNow(m.args[0]);
      return [{}, {}];
    case "subscribe":
      return ctx.msgs.filter((x) => x.command === "subscribe").length;
    case "declare_stream":
      return [{}, () => ({})];
    case "input":
      return "";
    case "rewindable":
      return true;
    default:
      return undefined;
  }
}

/**
 * Step `plan` to its end, answering every Msg (defaults above, overridable per command) and recording it.
 * A reply that throws is thrown into the plan, as the RunEngine does; an error the plan lets out is thrown.
 */
export function drive<T>(plan: Plan<T>, options: DriveOptions = {}): DriveResult<T> {
  const out = run(plan, options);
  if (out.failed) throw out.error;
  return out.result as DriveResult<T>;
}

/** Like `drive` but expects the plan to fail; returns the error and what happened up to it. */
export function driveToError(plan: Plan<unknown>, options: DriveOptions = {}): DriverContext & { error: unknown } {
  const out = run(plan, options);
  if (!out.failed) throw new RangeError("the plan finished without an error");
  return { ...out.result, error: out.error };
}

function run<T>(
  plan: Plan<T>,
  options: DriveOptions,
): { result: DriverContext & { value?: T }; failed: boolean; error?: unknown } {
  const msgs: Msg[] = [];
  const groups = new Map<string | undefined, Status[]>();
  const events: Array<{ stream: string; data: Record<string, unknown> }> = [];
  const ctx: DriverContext & { bundle?: { stream: string; data: Record<string, unknown> } } = { msgs, groups, events };
  const max = options.maxMessages ?? 20000;
  try {
    let step = plan.next();
    while (!step.done) {
      const m = step.value;
      msgs.push(m);
      if (msgs.length > max) throw new RangeError(`plan yielded more than ${max} messages; last: ${formatMsg(m)}`);
      let reply: unknown;
      let failure: { error: unknown } | undefined;
      try {
        const custom = options.respond?.[m.command];
        reply = custom ? custom(m, ctx) : defaultReply(m, ctx);
        track(m, reply, ctx);
      } catch (error) {
        failure = { error };
      }
      step = failure ? plan.throw(failure.error) : plan.next(reply);
    }
    return { result: { msgs, groups, events, value: step.value }, failed: false };
  } catch (error) {
    return { result: { msgs, groups, events }, failed: true, error };
  }
}

function track(m: Msg, reply: unknown, ctx: DriverContext & { bundle?: { stream: string; data: Record<string, unknown> } }): void {
  const group = m.kwargs.group as string | undefined;
  if (["set", "trigger", "kickoff", "complete", "prepare"].includes(m.command) && reply) {
    const list = ctx.groups.get(group) ?? [];
    list.push(reply as Status);
    ctx.groups.set(group, list);
  }
  if (m.command === "wait") {
    const failed = (ctx.groups.get(group) ?? []).find((s) => s.done && !s.success);
    ctx.groups.delete(group);
    if (failed) throw new FailedStatusError(`status in group ${group} failed`, { cause: failed.error });
  }
  if (m.command === "create") ctx.bundle = { stream: String(m.kwargs.name), data: {} };
  if (m.command === "read" && ctx.bundle && reply)
    for (const [k, r] of Object.entries(reply as Record<string, Reading>)) ctx.bundle.data[k] = r.value;
  if (m.command === "save" && ctx.bundle) {
    ctx.events.push(ctx.bundle);
    ctx.bundle = undefined;
  }
  if (m.command === "drop") ctx.bundle = undefined;
}

/* ---- comparing messages ---- */

/**
 * Messages as short tuples for exact comparison, `[command, objName?, args, kwargs]`, with group names
 * replaced by `g1`, `g2`, ... in order of first use (groups carry random suffixes).
 */
export function summarize(msgs: readonly Msg[]): string[] {
  const names = new Map<unknown, string>();
  const out: string[] = [];
  for (const m of msgs) {
    let kwargs = m.kwargs;
    if ("group" in kwargs && kwargs.group !== undefined) {
      if (!names.has(kwargs.group)) names.set(kwargs.group, `g${names.size + 1}`);
      kwargs = { ...kwargs, group: names.get(kwargs.group) };
    }
    out.push(formatMsg({ ...m, kwargs }));
  }
  return out;
}

/** The commands only. */
export const commands = (msgs: readonly Msg[]): string[] => msgs.map((m) => m.command);
