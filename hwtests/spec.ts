/**
 * The spec API: staff describe what a kind of device must do in the style of vitest, and the runner applies
 * it to every matching device of an instrument profile.
 *
 * ```ts
 * export default ({ describeDevice, check, expect }: HwtestApi) => {
 *   describeDevice("Bpm", (bpm: Bpm, ctx) => {
 *     check("reads a finite position", async () => {
 *       expect(await bpm.x.getValue(), `${ctx.name} x`).toBeFinite();
 *     }, { tags: ["bpm"] });
 *   });
 * };
 * ```
 *
 * A describe body runs once per matching device, when the checks are collected (so it may decide, from the
 * device, which checks apply); check bodies run later, one at a time, each under its own time limit.
 */
import type { Movable, Status } from "../engine/protocols.ts";
import * as protocols from "../engine/protocols.ts";
import { InvalidArgumentError } from "../engine/errors.ts";
import { expect, fail } from "./expect.ts";

/** Where the devices are: the in-process simulator, the simulator served by a soft IOC over Channel Access,
 * or real IOCs named in the profile. */
export const Target = { sim: "sim", ioc: "ioc", ca: "ca" } as const;
export type Target = (typeof Target)[keyof typeof Target];

/** What the suite knows about a device under test besides the object itself. */
export interface DeviceInfo {
  /** Its name in reports: the profile name (`mono`), or `parent-child` for a part tested on its own (`mirror-pitch`). */
  readonly name: string;
  /** The class it was built from and the classes that class extends (`["CorrectorPowerSupply", "PvPositioner", ...]`). */
  readonly classes: readonly string[];
  /** The profile entry it belongs to, and that entry's class. */
  readonly profileDevice: string;
  readonly profileClass: string;
  /** True for a part of a profile device (a mirror's pitch motor, a slit gap), false for the device itself. */
  readonly isPart: boolean;
}

/** Which devices a describe block applies to: a class name (the device's class or any class it extends), a
 * list of them, or a predicate. */
export type Selector = string | readonly string[] | ((device: any, info: DeviceInfo) => boolean);

/** Which devices are offered to a describe block: the profile's devices, their movable parts, or both. */
export const Scope = { devices: "devices", parts: "parts", all: "all" } as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

export interface DescribeOptions {
  /** Tags added to every check of the block. @default [] */
  tags?: readonly string[];
  /** @default Scope.devices */
  scope?: Scope;
}

/** What a describe body is told about the device and the run. */
export interface DescribeContext extends DeviceInfo {
  readonly target: Target;
  /** A tunable number (or string, boolean) of the checks: `--param <device>.<key>=v`, `<Class>.<key>=v` or
   * `<key>=v` on the command line, most specific first, else `fallback`. */
  param<T extends number | string | boolean>(key: string, fallback: T): T;
}

export interface CheckOptions {
  /** Extra tags (`--only <tag>` selects by them). @default [] */
  tags?: readonly string[];
  /** Time limit of the check, ms. @default the runner's per-check limit */
  timeoutMs?: number;
  /** The check moves something: it needs confirmation on real devices, is listed by a dry run, and whatever
   * it moves with `t.move` is put back afterwards. A string (or a function giving one) says what moves, for
   * the dry run. @default false */
  moves?: boolean | string | (() => string | Promise<string>);
  /** Run only on these targets; elsewhere the check is skipped with `targetsReason`. @default every target */
  targets?: readonly Target[];
  /** Why the check is limited to `targets`. @default "runs only on <targets>" */
  targetsReason?: string;
}

/** Handles on the simulators behind `sim` and `ioc` targets, to rehearse what cannot be done to real devices. */
export interface Rehearsal {
  /** Engage (or release) the hardware interlock of a valve or shutter, as a PLC would. */
  setInterlock(gate: object, engaged: boolean): Promise<void>;
}

export interface MoveOptions {
  /** Limit of the move, ms. @default the check's remaining time */
  timeoutMs?: number;
  /** How the move is named in messages. @default "<device> move to <target>" */
  what?: string;
}

export interface WaitOptions {
  timeoutMs: number;
  /** What is awaited, and what it should become (for the failure message). */
  what: string;
  expected: string;
  /** Poll period, ms. @default the runner's poll period */
  pollMs?: number;
  /** How the last value is quoted in the failure message. @default show() */
  format?: (value: any) => string;
}

/** What a check body is given. */
export interface CheckContext {
  readonly device: string;
  readonly check: string;
  readonly target: Target;
  /** Aborted when the check times out or the run is interrupted. */
  readonly signal: AbortSignal;
  /** The check's limit, ms. */
  readonly timeoutMs: number;
  /** Simulator handles on `sim` and `ioc` targets; undefined against real devices. */
  readonly rehearsal: Rehearsal | undefined;
  param<T extends number | string | boolean>(key: string, fallback: T): T;
  /** Move and wait; the device is put back where it was after the check (also on failure or Ctrl-C). */
  move<T>(device: Movable<T>, target: T, options?: MoveOptions): Promise<void>;
  /** Save a device to be put back after the check, before changing it some other way (an interlock). */
  remember(device: object): Promise<void>;
  /** Another device of the instrument, by its report name (`mirror-pitch`), or undefined. */
  lookup(name: string): object | undefined;
  /** Every device of the instrument (parts included), by report name, in profile order. */
  readonly instrument: ReadonlyMap<string, object>;
  /** Start a move without waiting for it (stop tests); put back afterwards like `move`. The Status comes
   * wrapped, since awaiting a Status itself would wait for the move. */
  startMove<T>(device: Movable<T>, target: T, options?: MoveOptions): Promise<{ readonly status: Status }>;
  /** Read until `until` holds; fails with `what: expected <expected>, saw <last value>` after `timeoutMs`. */
  waitFor<T>(read: () => T | Promise<T>, until: (value: T) => boolean, options: WaitOptions): Promise<T>;
  /** Wait, abortably. */
  sleep(ms: number): Promise<void>;
  /** Give up on the check as not applicable here (reported as skipped). */
  skip(reason: string): never;
  /** A line for the report's message (passing checks show their last note). */
  note(message: string): void;
}

export type CheckFn = (t: CheckContext) => void | Promise<void>;

/** A check collected for one device. */
export interface CollectedCheck {
  readonly device: DeviceInfo;
  readonly deviceObject: object;
  readonly name: string;
  readonly fn: CheckFn;
  readonly tags: readonly string[];
  readonly timeoutMs: number | undefined;
  readonly moves: CheckOptions["moves"];
  readonly targets: readonly Target[] | undefined;
  readonly targetsReason: string | undefined;
  /** Which spec module registered it (a file, or `builtin:<name>`). */
  readonly spec: string;
}

/** What a spec module is given. */
export interface HwtestApi {
  describeDevice<D = any>(selector: Selector, body: (device: D, ctx: DescribeContext) => void, options?: DescribeOptions): void;
  check(name: string, fn: CheckFn, options?: CheckOptions): void;
  expect: typeof expect;
  fail: typeof fail;
  /** The structural protocol checks (`isReadable`, `isMovable`, ...), for predicates. */
  protocols: typeof protocols;
}

/** A spec module: a function given the API (the default export of a spec file). */
export type SpecModule = (api: HwtestApi) => void;

interface Block {
  readonly selector: Selector;
  readonly body: (device: any, ctx: DescribeContext) => void;
  readonly tags: readonly string[];
  readonly scope: Scope;
  readonly spec: string;
}

/** A device offered to describe blocks. */
export interface Subject {
  readonly device: object;
  readonly info: DeviceInfo;
}

export type ParamLookup = <T extends number | string | boolean>(info: DeviceInfo, key: string, fallback: T) => T;

/** Describe blocks from spec modules; `collect` turns them into checks for a set of devices. */
export class SpecRegistry {
  readonly #blocks: Block[] = [];
  #collecting: { checks: CollectedCheck[]; block: Block; subject: Subject } | undefined;

  /** Register a spec module's describe blocks under `spec` (its file name, or `builtin:<name>`). */
  load(module: SpecModule, spec: string): void {
    if (typeof module !== "function")
      throw new InvalidArgumentError(`spec ${JSON.stringify(spec)} is not a function taking the hwtest API, got ${typeof module}`, module);
    module(this.api(spec));
  }

  get size(): number {
    return this.#blocks.length;
  }

  /** The API a spec module sees; `spec` names it in reports. */
  api(spec: string): HwtestApi {
    return {
      describeDevice: (selector, body, options = {}) => this.#describe(selector, body, options, spec),
      check: (name, fn, options) => this.#check(name, fn, options),
      expect,
      fail,
      protocols,
    };
  }

  #describe(selector: Selector, body: Block["body"], options: DescribeOptions, spec: string): void {
    if (this.#collecting) throw new InvalidArgumentError(`describeDevice cannot be nested (in ${spec})`, selector);
    const ok = typeof selector === "string" || typeof selector === "function" || (Array.isArray(selector) && selector.every((s) => typeof s === "string"));
    if (!ok) throw new InvalidArgumentError(`describeDevice in ${spec}: the selector must be a class name, a list of them or a predicate, got ${JSON.stringify(selector)}`, selector);
    if (typeof body !== "function") throw new InvalidArgumentError(`describeDevice in ${spec}: the body must be a function, got ${typeof body}`, body);
    const scope = options.scope ?? Scope.devices;
    if (!Object.values(Scope).includes(scope)) throw new InvalidArgumentError(`describeDevice in ${spec}: unknown scope ${JSON.stringify(scope)} (use devices, parts or all)`, scope);
    this.#blocks.push({ selector, body, tags: options.tags ?? [], scope, spec });
  }

  #check(name: string, fn: CheckFn, options: CheckOptions = {}): void {
    const c = this.#collecting;
    if (!c) throw new InvalidArgumentError(`check(${JSON.stringify(name)}) must be called inside a describeDevice body`, name);
    if (typeof name !== "string" || name.length === 0) throw new InvalidArgumentError(`a check needs a non-empty name, got ${JSON.stringify(name)}`, name);
    if (typeof fn !== "function") throw new InvalidArgumentError(`check ${JSON.stringify(name)}: the body must be a function, got ${typeof fn}`, fn);
    if (options.timeoutMs !== undefined && !(options.timeoutMs > 0))
      throw new InvalidArgumentError(`check ${JSON.stringify(name)}: timeoutMs must be > 0, got ${options.timeoutMs}`, options.timeoutMs);
    const moves = options.moves ?? false;
    const tags = [...new Set([...c.block.tags, ...(options.tags ?? []), ...(moves ? ["moves"] : [])])];
    c.checks.push({
      device: c.subject.info,
      deviceObject: c.subject.device,
      name,
      fn,
      tags,
      timeoutMs: options.timeoutMs,
      moves,
      targets: options.targets,
      targetsReason: options.targetsReason,
      spec: c.block.spec,
    });
  }

  /** Run every block's body on each subject it selects, gathering the checks in block order per subject. */
  collect(subjects: readonly Subject[], target: Target, param: ParamLookup): CollectedCheck[] {
    const checks: CollectedCheck[] = [];
    for (const subject of subjects) {
      for (const block of this.#blocks) {
        if (!inScope(block.scope, subject.info) || !matches(block.selector, subject)) continue;
        const ctx: DescribeContext = { ...subject.info, target, param: (key, fallback) => param(subject.info, key, fallback) };
        this.#collecting = { checks, block, subject };
        try {
          block.body(subject.device, ctx);
        } catch (err) {
          throw new InvalidArgumentError(`${block.spec}: describeDevice body failed for ${subject.info.name}: ${(err as Error).message}`, subject.info.name, { cause: err });
        } finally {
          this.#collecting = undefined;
        }
      }
    }
    return checks;
  }
}

function inScope(scope: Scope, info: DeviceInfo): boolean {
  return scope === Scope.all || (scope === Scope.parts) === info.isPart;
}

function matches(selector: Selector, subject: Subject): boolean {
  if (typeof selector === "function") return selector(subject.device, subject.info);
  const names = typeof selector === "string" ? [selector] : selector;
  return names.some((n) => subject.info.classes.includes(n));
}
