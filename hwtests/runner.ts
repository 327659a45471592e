/**
 * Runs collected checks against an instrument's devices: connects every device (one result per device, naming
 * any PV that did not connect), asks before moving real devices, runs each check under its own time limit,
 * puts back what each check moved, and at the end (also after a failure or `interrupt()`) puts every device
 * back as it was found.
 */
import { InvalidArgumentError, TimeoutError } from "../engine/errors.ts";
import { Device } from "../devices/core/device.ts";
import { InterruptedError, RunningCheck, stopAll } from "./context.ts";
import { describeMissing, missingPvs } from "./connection.ts";
import { CheckFailedError, CheckSkippedError, show } from "./errors.ts";
import { lookupParam } from "./params.ts";
import { RestoreLedger } from "./restore.ts";
import { type CheckResult, type HwtestReport, Outcome, RESTORE_SPEC, type RunCounts, summarize } from "./result.ts";
import type { CollectedCheck, DeviceInfo, Rehearsal, SpecRegistry, Subject, Target } from "./spec.ts";
import { subjectsOf } from "./subjects.ts";

/** Time limits by target: simulators answer at once, real devices take their time. */
export const DEFAULT_TIMEOUTS: Readonly<Record<Target, { connectMs: number; checkMs: number; restoreMs: number; pollMs: number }>> = {
  sim: { connectMs: 1_000, checkMs: 10_000, restoreMs: 10_000, pollMs: 5 },
  ioc: { connectMs: 3_000, checkMs: 20_000, restoreMs: 20_000, pollMs: 20 },
  ca: { connectMs: 5_000, checkMs: 60_000, restoreMs: 120_000, pollMs: 100 },
};

/** The name of the per-device connection check and of the final restore check in reports. */
export const CONNECT_CHECK = "connects";
export const RESTORE_CHECK = "put back as found";

/** A moving check as a dry run or a confirmation prompt lists it. */
export interface PlannedMove {
  readonly device: string;
  readonly check: string;
  readonly what: string;
}

export type ProgressEvent =
  | {
      readonly kind: "planned";
      /** What the run will report, counted as its totals count it (see RunCounts). */
      readonly counts: RunCounts;
      /** The longest device and check names to come, so progress lines align from the first. */
      readonly widths: { readonly device: number; readonly check: number };
    }
  | { readonly kind: "result"; readonly result: CheckResult; readonly done: number; readonly total: number }
  | { readonly kind: "restoring" };

export interface HwtestRunOptions {
  readonly instrument: string;
  readonly target: Target;
  /** The profile's devices by name, in profile order (not yet connected). */
  readonly devices: Readonly<Record<string, Device>>;
  readonly registry: SpecRegistry;
  /** Device names, class names or tags to run; empty runs everything. @default [] */
  readonly only?: readonly string[];
  /** List the checks and what would move; move nothing. @default false */
  readonly dryRun?: boolean;
  /** Asked before the first move with everything that will move; false skips the moving checks.
   * @default undefined (moves go ahead) */
  readonly confirm?: (moves: readonly PlannedMove[]) => Promise<boolean>;
  /** `--param` values. @default {} */
  readonly params?: Readonly<Record<string, string>>;
  readonly rehearsal?: Rehearsal;
  /** @default DEFAULT_TIMEOUTS[target].connectMs */
  readonly connectTimeoutMs?: number;
  /** Per check, unless the check sets its own. @default DEFAULT_TIMEOUTS[target].checkMs */
  readonly checkTimeoutMs?: number;
  /** Per device put back. @default DEFAULT_TIMEOUTS[target].restoreMs */
  readonly restoreTimeoutMs?: number;
  /** @default DEFAULT_TIMEOUTS[target].pollMs */
  readonly pollMs?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export class HwtestRun {
  readonly #o: HwtestRunOptions;
  readonly #t: (typeof DEFAULT_TIMEOUTS)[Target];
  readonly #ledger = new RestoreLedger();
  readonly #connected = new Set<string>();
  #current: AbortController | undefined;
  #interrupted: string | undefined;
  #snapshot: Promise<void> | undefined;
  #moved = false;
  #results: CheckResult[] = [];
  #instrument = new Map<string, object>();
  #total = 0;

  constructor(options: HwtestRunOptions) {
    if (!(options.target in DEFAULT_TIMEOUTS)) throw new InvalidArgumentError(`unknown target ${JSON.stringify(options.target)}: use sim, ioc or ca`, options.target);
    this.#o = options;
    const d = DEFAULT_TIMEOUTS[options.target];
    this.#t = {
      connectMs: options.connectTimeoutMs ?? d.connectMs,
      checkMs: options.checkTimeoutMs ?? d.checkMs,
      restoreMs: options.restoreTimeoutMs ?? d.restoreMs,
      pollMs: options.pollMs ?? d.pollMs,
    };
  }

  /** End the run early (Ctrl-C): the running check is aborted, its devices stopped, everything put back. */
  interrupt(reason = "interrupted"): void {
    if (this.#interrupted !== undefined) return;
    this.#interrupted = reason;
    this.#current?.abort(new InterruptedError(reason));
  }

  get interrupted(): boolean {
    return this.#interrupted !== undefined;
  }

  #param = <T extends number | string | boolean>(info: DeviceInfo, key: string, fallback: T): T =>
    lookupParam(this.#o.params ?? {}, info, key, fallback);

  async run(): Promise<HwtestReport> {
    const startedAt = new Date();
    const t0 = performance.now();
    const subjects = subjectsOf(this.#o.devices);
    this.#instrument = new Map(subjects.map((s) => [s.info.name, s.device]));
    const all = this.#o.registry.collect(subjects, this.#o.target, this.#param);
    const { devices, checks } = select(this.#o.only ?? [], subjects, all);
    this.#total = devices.length + checks.length;
    this.#o.onProgress?.({ kind: "planned", counts: plannedCounts(devices, checks), widths: plannedWidths(devices, checks) });

    await this.#connectAll(devices);
    const dryRun = this.#o.dryRun ?? false;
    let movesAllowed = !dryRun;
    const runnable = checks.filter((c) => this.#connected.has(c.device.profileDevice) && this.#appliesToTarget(c));
    if (!dryRun && this.#o.confirm && runnable.some((c) => c.moves) && !this.interrupted)
      movesAllowed = await this.#o.confirm(await plannedMoves(runnable));

    try {
      for (const c of checks) this.#record(dryRun ? await this.#dryRun(c) : await this.#runCheck(c, movesAllowed));
    } finally {
      if (this.#moved) await this.#restoreSession();
    }
    return {
      instrument: this.#o.instrument,
      target: this.#o.target,
      dryRun,
      interrupted: this.interrupted,
      startedAt: startedAt.toISOString(),
      durationMs: performance.now() - t0,
      results: this.#results,
      ...summarize(this.#results),
    };
  }

  #record(result: CheckResult): void {
    this.#results.push(result);
    this.#o.onProgress?.({ kind: "result", result, done: this.#results.length, total: this.#total });
  }

  #appliesToTarget(c: CollectedCheck): boolean {
    return !c.targets || c.targets.includes(this.#o.target);
  }

  /** Connect every device (the unselected ones too, so that all of them can be put back), report the selected. */
  async #connectAll(selected: readonly string[]): Promise<void> {
    const entries = Object.entries(this.#o.devices);
    const outcomes = await Promise.all(
      entries.map(async ([name, device]) => {
        const t0 = performance.now();
        try {
          await device.connect({ timeoutMs: this.#t.connectMs });
          this.#connected.add(name);
          return { name, ms: performance.now() - t0, error: undefined as unknown };
        } catch (err) {
          return { name, ms: performance.now() - t0, error: err };
        }
      }),
    );
    for (const { name, ms, error } of outcomes) {
      if (!selected.includes(name)) continue;
      const device = this.#o.devices[name]!;
      const message = error === undefined ? "" : describeMissing(device, missingPvs(device, error));
      this.#record(result(name, name, CONNECT_CHECK, error === undefined ? Outcome.pass : Outcome.fail, ms, message, ["connection"], false, "builtin:connection"));
    }
  }

  async #dryRun(c: CollectedCheck): Promise<CheckResult> {
    const base = (message: string) => fromCheck(c, Outcome.skip, 0, message);
    if (!this.#connected.has(c.device.profileDevice)) return base(`not run: ${c.device.profileDevice} did not connect`);
    if (!this.#appliesToTarget(c)) return base(targetsReason(c));
    if (!c.moves) return base("dry run");
    return base(`dry run: would move ${await describeMove(c)}`);
  }

  async #runCheck(c: CollectedCheck, movesAllowed: boolean): Promise<CheckResult> {
    if (this.#interrupted !== undefined) return fromCheck(c, Outcome.skip, 0, `not run: ${this.#interrupted}`);
    if (!this.#connected.has(c.device.profileDevice)) return fromCheck(c, Outcome.skip, 0, `not run: ${c.device.profileDevice} did not connect`);
    if (!this.#appliesToTarget(c)) return fromCheck(c, Outcome.skip, 0, targetsReason(c));
    if (c.moves && !movesAllowed) return fromCheck(c, Outcome.skip, 0, "not run: moving devices was not confirmed (answer y, or pass --yes)");

    const t0 = performance.now();
    const timeoutMs = c.timeoutMs ?? this.#t.checkMs;
    const controller = new AbortController();
    this.#current = controller;
    const timer = setTimeout(() => controller.abort(new TimeoutError(`${c.device.name}: ${c.name}`, timeoutMs)), timeoutMs);
    const t = new RunningCheck({
      check: c,
      target: this.#o.target,
      signal: controller.signal,
      timeoutMs,
      pollMs: this.#t.pollMs,
      ledger: this.#ledger,
      rehearsal: this.#o.rehearsal,
      param: (key, fallback) => this.#param(c.device, key, fallback),
      beforeMove: () => this.#beforeFirstMove(),
      instrument: this.#instrument,
    });
    let outcome: Outcome = Outcome.pass;
    let message = "";
    try {
      const body = Promise.resolve().then(() => c.fn(t));
      body.catch(() => undefined);
      await new Promise<void>((resolve, reject) => {
        controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
        body.then(resolve, reject);
      });
      message = t.lastNote;
    } catch (err) {
      [outcome, message] = classify(err, controller.signal, timeoutMs);
    } finally {
      clearTimeout(timer);
      this.#current = undefined;
    }
    if (controller.signal.aborted) await stopAll(t.moved, this.#t.restoreMs);
    if (this.#ledger.checkMoved) {
      const problems = await this.#ledger.restoreCheck(this.#t.restoreMs);
      if (problems.length > 0) {
        outcome = Outcome.fail;
        message = [message, ...problems.map((p) => `${p.device} ${p.message}`)].filter(Boolean).join("; then ");
      }
    }
    return fromCheck(c, outcome, performance.now() - t0, message);
  }

  /** Save every device as found, once, before anything moves. */
  #beforeFirstMove(): Promise<void> {
    this.#moved = true;
    this.#snapshot ??= this.#ledger
      .snapshot(Object.fromEntries(Object.entries(this.#o.devices).filter(([name]) => this.#connected.has(name))))
      .then((problems) => {
        for (const p of problems) this.#record(this.#restoreResult(p.device, 0, p.message));
      });
    return this.#snapshot;
  }

  async #restoreSession(): Promise<void> {
    this.#o.onProgress?.({ kind: "restoring" });
    const t0 = performance.now();
    const problems = await this.#ledger.restoreSession(this.#t.restoreMs);
    for (const p of problems) this.#record(this.#restoreResult(p.device, performance.now() - t0, p.message));
  }

  #restoreResult(device: string, durationMs: number, message: string): CheckResult {
    const owner = subjectsOf(this.#o.devices).find((s) => s.info.name === device)?.info.profileDevice ?? device;
    return result(device, owner, RESTORE_CHECK, Outcome.fail, durationMs, message, ["restore"], false, RESTORE_SPEC);
  }
}

/** Run the checks of `registry` on the devices: see HwtestRun. */
export function runHwtests(options: HwtestRunOptions): Promise<HwtestReport> {
  return new HwtestRun(options).run();
}

function classify(err: unknown, signal: AbortSignal, timeoutMs: number): [Outcome, string] {
  if (err instanceof CheckSkippedError) return [Outcome.skip, err.reason];
  if (err instanceof InterruptedError) return [Outcome.skip, `not finished: ${err.reason}`];
  if (signal.aborted && err === signal.reason && err instanceof TimeoutError) return [Outcome.fail, `did not finish within its limit of ${timeoutMs} ms`];
  if (err instanceof CheckFailedError) return [Outcome.fail, err.message];
  return [Outcome.fail, show(err)];
}

function targetsReason(c: CollectedCheck): string {
  return c.targetsReason ?? `runs only on the ${c.targets!.join(" and ")} target${c.targets!.length === 1 ? "" : "s"}`;
}

async function describeMove(c: CollectedCheck): Promise<string> {
  const m = c.moves;
  if (typeof m === "string") return m;
  if (typeof m === "function") {
    try {
      return await m();
    } catch (err) {
      return `${c.device.name} (cannot tell how far: ${show(err)})`;
    }
  }
  return c.device.name;
}

async function plannedMoves(checks: readonly CollectedCheck[]): Promise<PlannedMove[]> {
  const out: PlannedMove[] = [];
  for (const c of checks) if (c.moves) out.push({ device: c.device.name, check: c.name, what: await describeMove(c) });
  return out;
}

function result(
  device: string,
  profileDevice: string,
  check: string,
  outcome: Outcome,
  durationMs: number,
  message: string,
  tags: readonly string[],
  moves: boolean,
  spec: string,
): CheckResult {
  return { device, profileDevice, check, outcome, durationMs, message, tags, moves, spec };
}

function fromCheck(c: CollectedCheck, outcome: Outcome, durationMs: number, message: string): CheckResult {
  return result(c.device.name, c.device.profileDevice, c.name, outcome, durationMs, message, c.tags, !!c.moves, c.spec);
}

/** The counts a run will report: a connection check per device, then the selected checks (see RunCounts). */
export function plannedCounts(devices: readonly string[], checks: readonly CollectedCheck[]): RunCounts {
  return {
    devices: devices.length,
    withParts: new Set([...devices, ...checks.map((c) => c.device.name)]).size,
    checks: devices.length + checks.length,
  };
}

function plannedWidths(devices: readonly string[], checks: readonly CollectedCheck[]): { device: number; check: number } {
  return {
    device: Math.max(0, ...devices.map((d) => d.length), ...checks.map((c) => c.device.name.length)),
    check: Math.max(CONNECT_CHECK.length, ...checks.map((c) => c.name.length)),
  };
}

/**
 * `--only`: each word names a device (a profile device brings its parts), a class, or a tag. Devices and
 * classes narrow the devices, tags the checks; a word that names nothing is refused with what there is.
 */
export function select(
  only: readonly string[],
  subjects: readonly Subject[],
  checks: readonly CollectedCheck[],
): { devices: string[]; checks: CollectedCheck[] } {
  const words = only.flatMap((w) => w.split(",")).map((w) => w.trim()).filter(Boolean);
  const profileDevices = [...new Set(subjects.map((s) => s.info.profileDevice))];
  const tags = new Set(checks.flatMap((c) => c.tags));
  tags.add("connection");
  const deviceWords: string[] = [];
  const tagWords: string[] = [];
  for (const w of words) {
    const isDevice = subjects.some((s) => s.info.name === w || s.info.profileDevice === w || (!s.info.isPart && s.info.classes.includes(w)));
    if (isDevice) deviceWords.push(w);
    else if (tags.has(w)) tagWords.push(w);
    else
      throw new InvalidArgumentError(
        `--only ${JSON.stringify(w)} names no device, class or tag (devices: ${profileDevices.join(", ")}; tags: ${[...tags].sort().join(", ")})`,
        w,
      );
  }
  const subjectSelected = (info: DeviceInfo) =>
    deviceWords.length === 0 ||
    deviceWords.some((w) => w === info.name || w === info.profileDevice || subjects.some((s) => !s.info.isPart && s.info.profileDevice === info.profileDevice && s.info.classes.includes(w)));
  const selectedChecks = checks.filter(
    (c) => subjectSelected(c.device) && (tagWords.length === 0 || c.tags.some((t) => tagWords.includes(t))),
  );
  const onlyConnection = tagWords.length > 0 && tagWords.every((w) => w === "connection");
  // Tags narrow the devices too, to those with a selected check ("connection" alone: every selected device).
  const devices = profileDevices.filter(
    (d) =>
      subjects.some((s) => s.info.profileDevice === d && subjectSelected(s.info)) &&
      (tagWords.length === 0 || tagWords.includes("connection") || selectedChecks.some((c) => c.device.profileDevice === d)),
  );
  return { devices, checks: onlyConnection ? [] : selectedChecks };
}
