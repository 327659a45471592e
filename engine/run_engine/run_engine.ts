/**
 * The RunEngine: interprets a plan (a generator of Msg), sends each command's result back into it, throws
 * each command's failure into it, and turns what it reads into event-model documents. Pause, resume with
 * rewind to the last checkpoint, suspenders, stop, abort and halt behave as in Bluesky.
 *
 * The per-message path is kept lean: handlers reply synchronously when they can, so a point of a soft-device
 * scan costs a few microtasks at most; the event loop gets a turn every `yieldEvery` messages.
 */
import { BehaviorSubject, firstValueFrom } from "rxjs";
import type { Observable } from "rxjs";
import { filter } from "rxjs/operators";
import type { AnyDocument, DocumentCallback, DocumentName, ExitStatus } from "../documents/types.ts";
import {
  FailedPauseError,
  InvalidArgumentError,
  InvalidCommandError,
  RequestAbortError,
  RequestStopError,
  TransitionError,
} from "../errors.ts";
import { PersistentMetadata } from "../metadata.ts";
import type { Metadata } from "../metadata.ts";
import { msg as makeMsg } from "../msg.ts";
import type { Msg, Plan } from "../msg.ts";
import { isPausable } from "../protocols.ts";
import type { Suspender } from "../suspenders/suspender.ts";
import { Reply } from "./command.ts";
import type { CommandHandler } from "./command.ts";
import { NON_REPLAYABLE, defaultCommands } from "./commands/index.ts";
import { Dispatcher } from "./dispatcher.ts";
import type { CallbackError } from "./dispatcher.ts";
import { Execution, INTERRUPTED } from "./execution.ts";
import type { EngineHooks } from "./execution.ts";
import { resolveRunEngineOptions } from "./options.ts";
import type { ResolvedRunEngineOptions, RunEngineOptions } from "./options.ts";
import { installSigintHandler } from "./sigint.ts";
import type { SigintOptions } from "./sigint.ts";
import { RunEngineState } from "./state.ts";
import type { RunResult } from "./state.ts";

/** A generator on the plan stack: the plan itself, or one the engine pushed (replay, suspension). */
interface Frame {
  readonly gen: Generator<Msg, unknown, unknown>;
  /** Its messages go into the rewind cache. */
  readonly cache: boolean;
  /** Its return value is what the frame below receives; otherwise `parentValue` is. */
  readonly passResult: boolean;
  readonly parentValue: unknown;
}

type Terminate = { readonly kind: "stop" | "abort" | "halt"; readonly reason: string };
type Outcome = { readonly kind: "done"; readonly value: unknown } | { readonly kind: "raised"; readonly error: unknown } | { readonly kind: "halted" };
type PermitAction = "resume" | "terminate";

const NO_ERROR: unique symbol = Symbol("no error");
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class RunEngine implements EngineHooks {
  /** Persistent metadata: every key goes into each run start (under the run's own metadata). */
  readonly md: Metadata;
  readonly state$: Observable<RunEngineState>;
  /** Every document emitted, as `[name, doc]`. */
  readonly documents$: Observable<[DocumentName, AnyDocument]>;
  /** Document callbacks that threw. */
  readonly callbackErrors$: Observable<CallbackError>;

  private readonly options: ResolvedRunEngineOptions;
  private readonly metadata: PersistentMetadata;
  private readonly dispatcher: Dispatcher;
  private readonly commands: Map<string, CommandHandler> = defaultCommands();
  private readonly suspenders = new Set<Suspender>();
  private readonly stateSubject = new BehaviorSubject<RunEngineState>(RunEngineState.Idle);
  private ex: Execution | null = null;
  // Requests from outside the plan, looked at between messages; `pending` is the one flag the hot path reads.
  private pending = false;
  private pauseRequested = false;
  private deferredPause = false;
  private suspendRequests: Suspender[] = [];
  private terminate: Terminate | null = null;
  private asyncFailure: unknown = NO_ERROR;
  private permit: ((action: PermitAction) => void) | null = null;

  constructor(options: RunEngineOptions = {}) {
    this.options = resolveRunEngineOptions(options);
    this.metadata = new PersistentMetadata(this.options.metadataFile);
    this.md = this.metadata.md;
    Object.assign(this.md, this.options.md);
    this.dispatcher = new Dispatcher({
      validate: this.options.validateDocuments,
      raise: this.options.raiseCallbackExceptions,
      log: this.options.log,
    });
    this.state$ = this.stateSubject.asObservable();
    this.documents$ = this.dispatcher.documents.asObservable();
    this.callbackErrors$ = this.dispatcher.callbackErrors.asObservable();
  }

  get state(): RunEngineState {
    return this.stateSubject.value;
  }

  /** True while a deferred pause waits for the next checkpoint. */
  get deferredPauseRequested(): boolean {
    return this.deferredPause;
  }

  /* ---------------------------------------------------------------- documents */

  subscribe(cb: DocumentCallback, name: DocumentName | "all" = "all"): number {
    return this.dispatcher.subscribe(cb, name);
  }

  unsubscribe(token: number): void {
    this.dispatcher.unsubscribe(token);
  }

  /* ---------------------------------------------------------------- commands */

  /** Adds (or replaces) the handler of a verb. */
  registerCommand(name: string, handler: CommandHandler): void {
    if (typeof name !== "string" || name.length === 0) throw new InvalidArgumentError(`a command name must be a non-empty string, got ${JSON.stringify(name)}`, name);
    if (typeof handler !== "function") throw new InvalidArgumentError(`the handler of '${name}' must be a function`, handler);
    this.commands.set(name, handler);
  }

  unregisterCommand(name: string): void {
    this.commands.delete(name);
  }

  get registeredCommands(): string[] {
    return [...this.commands.keys()];
  }

  /* ---------------------------------------------------------------- suspenders */

  installSuspender(s: Suspender): void {
    s.install(this);
    this.suspenders.add(s);
  }

  removeSuspender(s: Suspender): void {
    if (!this.suspenders.delete(s)) return;
    s.remove();
  }

  clearSuspenders(): void {
    for (const s of [...this.suspenders]) this.removeSuspender(s);
  }

  get installedSuspenders(): Suspender[] {
    return [...this.suspenders];
  }

  /** Called by a suspender whose condition tripped. */
  requestSuspend(s: Suspender): void {
    const state = this.state;
    if (state !== RunEngineState.Running && state !== RunEngineState.Suspending) return;
    this.options.log(`skyloop: suspending: ${s.justification()}`);
    if (state === RunEngineState.Suspending) return; // the running suspension waits for every holding suspender
    this.suspendRequests.push(s);
    this.flag();
  }

  /* ---------------------------------------------------------------- running */

  /**
   * Runs a plan (a generator of Msg, or any iterable of Msg) to its end. Stays pending while paused; resolves
   * when the plan ends or is stopped, aborted or halted; rejects with the plan's own error after closing its
   * runs with exit_status "fail".
   */
  async run(plan: Plan | Iterable<Msg>, md: Metadata = {}): Promise<RunResult> {
    if (this.state !== RunEngineState.Idle) throw new TransitionError(this.state, "run a plan");
    const gen = asGenerator(plan);
    const ex = new Execution(this.dispatcher, this.metadata, md, this.options, this);
    this.ex = ex;
    this.pending = false;
    this.pauseRequested = false;
    this.deferredPause = false;
    this.suspendRequests = [];
    this.terminate = null;
    this.asyncFailure = NO_ERROR;
    this.setState(RunEngineState.Running);
    for (const s of this.suspenders) if (s.holding) this.requestSuspend(s);
    let outcome: Outcome;
    try {
      outcome = await this.drive(ex, gen);
    } catch (error) {
      outcome = { kind: "raised", error };
    }
    const { exitStatus, reason, failure } = this.exitOf(outcome);
    await this.cleanup(ex, exitStatus, reason, outcome.kind === "halted");
    this.ex = null;
    this.setState(RunEngineState.Idle);
    if (failure !== NO_ERROR) throw failure;
    const result: RunResult = { uids: ex.runStartUids, exitStatus };
    return {
      ...result,
      ...(reason ? { reason } : {}),
      ...(outcome.kind === "done" && outcome.value !== undefined ? { planResult: outcome.value } : {}),
    };
  }

  /** Pauses now (between messages, or cutting a wait short) or, deferred, at the next checkpoint. */
  requestPause(defer = false): void {
    const state = this.state;
    if (state === RunEngineState.Idle) throw new TransitionError(state, "pause");
    if (state !== RunEngineState.Running && state !== RunEngineState.Suspending) return;
    if (defer || state === RunEngineState.Suspending) {
      this.deferredPause = true;
      return;
    }
    this.pauseRequested = true;
    this.flag();
  }

  /** Goes on after a pause: rewinds to the last checkpoint and replays the messages since (when rewindable). */
  resume(): void {
    if (this.state !== RunEngineState.Paused || this.permit === null) throw new TransitionError(this.state, "resume");
    this.releasePermit("resume");
  }

  /** Ends the plan, letting it clean up; the runs close with exit_status "success". */
  stop(): Promise<void> {
    return this.requestTerminate({ kind: "stop", reason: "" }, "stop");
  }

  /** Ends the plan, letting it clean up; the runs close with exit_status "abort" and the reason. */
  abort(reason = ""): Promise<void> {
    return this.requestTerminate({ kind: "abort", reason }, "abort");
  }

  /** Ends the plan at once: no cleanup by the plan, moved devices not stopped; runs close as "abort". */
  halt(reason = "halted"): Promise<void> {
    return this.requestTerminate({ kind: "halt", reason }, "halt");
  }

  /** Ctrl-C once: deferred pause; twice within the window: pause now. Returns the function that uninstalls it. */
  installSigintHandler(options: SigintOptions = {}): () => void {
    return installSigintHandler(this, { log: this.options.log, ...options });
  }

  private requestTerminate(t: Terminate, what: string): Promise<void> {
    if (this.state === RunEngineState.Idle) return Promise.reject(new TransitionError(this.state, what));
    const current = this.terminate;
    if (current === null || (t.kind === "halt" && current.kind !== "halt")) {
      this.terminate = t;
      this.flag();
      this.releasePermit("terminate");
    }
    return this.whenIdle();
  }

  private whenIdle(): Promise<void> {
    return firstValueFrom(this.state$.pipe(filter((s) => s === RunEngineState.Idle))).then(() => undefined);
  }

  private flag(): void {
    this.pending = true;
    this.ex?.fireInterrupt();
  }

  private releasePermit(action: PermitAction): void {
    const p = this.permit;
    this.permit = null;
    p?.(action);
  }

  private setState(s: RunEngineState): void {
    if (this.stateSubject.value !== s) this.stateSubject.next(s);
  }

  /* ---------------------------------------------------------------- EngineHooks */

  get hasPendingRequest(): boolean {
    return this.pending;
  }

  atCheckpoint(): void {
    if (this.deferredPause) {
      this.deferredPause = false;
      this.pauseRequested = true;
      this.flag();
    }
  }

  asyncError(err: unknown): void {
    if (this.asyncFailure === NO_ERROR) this.asyncFailure = err;
    this.flag();
  }

  /* ---------------------------------------------------------------- the loop */

  private async drive(ex: Execution, plan: Generator<Msg, unknown, unknown>): Promise<Outcome> {
    const frames: Frame[] = [{ gen: plan, cache: true, passResult: false, parentValue: undefined }];
    const commands = this.commands;
    const yieldEvery = this.options.yieldEvery;
    let frame = frames[0]!;
    let value: unknown = undefined;
    let error: unknown = NO_ERROR;
    let count = 0;
    for (;;) {
      while (this.pending && error === NO_ERROR) {
        const next = await this.safePoint(ex, frames, value);
        if (next === "halt") {
          for (const f of frames) closeGenerator(f.gen);
          return { kind: "halted" };
        }
        frame = frames[frames.length - 1]!;
        error = next.error;
        value = next.value;
      }
      let res: IteratorResult<Msg, unknown>;
      try {
        res = error === NO_ERROR ? frame.gen.next(value) : frame.gen.throw(error);
      } catch (raised) {
        frames.pop();
        if (frames.length === 0) return { kind: "raised", error: raised };
        frame = frames[frames.length - 1]!;
        error = raised;
        continue;
      }
      error = NO_ERROR;
      if (res.done === true) {
        frames.pop();
        if (frames.length === 0) return { kind: "done", value: res.value };
        value = frame.passResult ? res.value : frame.parentValue;
        frame = frames[frames.length - 1]!;
        continue;
      }
      const m = res.value;
      const handler = m === null || typeof m !== "object" ? undefined : commands.get(m.command);
      if (handler === undefined) {
        value = undefined;
        error = notACommand(m);
        continue;
      }
      if (m.obj !== undefined) ex.seen.add(m.obj);
      if (frame.cache && ex.msgCache !== null && ex.rewindable && !NON_REPLAYABLE.has(m.command)) ex.msgCache.push(m);
      try {
        let r = handler(m, ex);
        if (r instanceof Promise) {
          r = await r;
          if (r instanceof Reply) r = r.value;
        }
        value = r;
      } catch (failed) {
        value = undefined;
        if (failed === INTERRUPTED) ex.interrupted = m;
        else error = failed;
      }
      if (++count === yieldEvery) {
        count = 0;
        await yieldToLoop();
      }
    }
  }

  /**
   * Between two messages, with a request pending: a failure from outside the plan, stop/abort/halt, a
   * suspension, or a pause, in that order. Returns what to send into the plan next.
   */
  private async safePoint(ex: Execution, frames: Frame[], value: unknown): Promise<{ value: unknown; error: unknown } | "halt"> {
    for (;;) {
      this.pending = false;
      if (this.asyncFailure !== NO_ERROR) {
        const error = this.asyncFailure;
        this.asyncFailure = NO_ERROR;
        ex.interrupted = undefined;
        this.pending = true; // look at the rest next time round
        return { value: undefined, error };
      }
      const t = this.terminate;
      if (t !== null) {
        if (t.kind === "halt") {
          this.setState(RunEngineState.Halting);
          return "halt";
        }
        if (this.state === RunEngineState.Stopping || this.state === RunEngineState.Aborting) return { value, error: NO_ERROR };
        this.setState(t.kind === "stop" ? RunEngineState.Stopping : RunEngineState.Aborting);
        for (const f of frames.splice(1)) closeGenerator(f.gen);
        ex.interrupted = undefined;
        const error = t.kind === "stop" ? new RequestStopError("the plan was stopped") : new RequestAbortError(`the plan was aborted${t.reason ? `: ${t.reason}` : ""}`);
        return { value: undefined, error };
      }
      if (this.state === RunEngineState.Stopping || this.state === RunEngineState.Aborting) {
        this.pauseRequested = false;
        this.suspendRequests = [];
        return this.redoInterrupted(ex, frames, value);
      }
      if (this.suspendRequests.length > 0 || this.pauseRequested) {
        if (ex.msgCache === null) {
          this.pauseRequested = false;
          this.suspendRequests = [];
          this.terminate = { kind: "abort", reason: "cannot pause or suspend: no checkpoint since 'clear_checkpoint'" };
          this.setState(RunEngineState.Aborting);
          return { value: undefined, error: new FailedPauseError(`${this.terminate.reason}; aborting`) };
        }
        if (this.suspendRequests.length > 0) return this.suspend(ex, frames, value);
        const action = await this.pause(ex);
        if (action === "terminate") continue;
        this.pushReplay(ex, frames, value);
        return { value, error: NO_ERROR };
      }
      return this.redoInterrupted(ex, frames, value);
    }
  }

  /** A wait cut short for a request that came to nothing is simply done again. */
  private redoInterrupted(ex: Execution, frames: Frame[], value: unknown): { value: unknown; error: unknown } {
    const m = ex.interrupted;
    ex.interrupted = undefined;
    if (m !== undefined) frames.push({ gen: replay([m]), cache: false, passResult: true, parentValue: value });
    return { value, error: NO_ERROR };
  }

  private async pause(ex: Execution): Promise<PermitAction> {
    this.pauseRequested = false;
    this.setState(RunEngineState.Pausing);
    for (const b of ex.runs.values()) b.suspendMonitors();
    await this.stopMoved(ex, true);
    await this.pauseObjects(ex);
    const permit = new Promise<PermitAction>((resolve) => (this.permit = resolve));
    this.setState(RunEngineState.Paused);
    if (this.terminate !== null) this.releasePermit("terminate");
    const action = await permit;
    if (action === "resume") {
      for (const b of ex.runs.values()) b.restoreMonitors();
      await this.resumeObjects(ex);
      this.setState(RunEngineState.Running);
      for (const s of this.suspenders) if (s.holding) this.requestSuspend(s);
    }
    return action;
  }

  /** Puts the rewound messages (and the interrupted one) on the plan stack. */
  private pushReplay(ex: Execution, frames: Frame[], value: unknown): void {
    const { msgs, interrupted } = ex.takeReplay();
    if (msgs.length > 0) frames.push({ gen: replay(msgs), cache: true, passResult: interrupted, parentValue: value });
  }

  /**
   * A suspension, as a plan on the stack: pre-plans, a wait until every holding suspender has cleared, the
   * devices resumed, post-plans; then the rewound messages.
   */
  private async suspend(ex: Execution, frames: Frame[], value: unknown): Promise<{ value: unknown; error: unknown }> {
    const batch = this.suspendRequests.splice(0);
    this.setState(RunEngineState.Suspending);
    await this.stopMoved(ex, true);
    await this.pauseObjects(ex);
    const before = frames.length;
    this.pushReplay(ex, frames, value);
    // Below the suspension sits either the replay (not started yet, so it ignores what it is sent) or the plan.
    const parentValue = frames.length > before ? undefined : value;
    frames.push({ gen: this.suspensionPlan(ex, batch), cache: false, passResult: false, parentValue });
    return { value: undefined, error: NO_ERROR };
  }

  private *suspensionPlan(ex: Execution, batch: readonly Suspender[]): Generator<Msg, void, unknown> {
    for (const s of batch) if (s.prePlan) yield* s.prePlan();
    yield makeMsg("wait_for", undefined, [[() => this.suspendersCleared()]]);
    yield makeMsg("wait_for", undefined, [[() => this.resumeObjects(ex)]]);
    for (const s of batch) if (s.postPlan) yield* s.postPlan();
    this.options.log("skyloop: suspension cleared; rewinding to the last checkpoint");
    this.setState(RunEngineState.Running);
  }

  private async suspendersCleared(): Promise<void> {
    for (;;) {
      const holding = [...this.suspenders].filter((s) => s.holding);
      if (holding.length === 0) return;
      await Promise.all(holding.map((s) => s.waitCleared()));
    }
  }

  /* ---------------------------------------------------------------- ending */

  private exitOf(outcome: Outcome): { exitStatus: ExitStatus; reason: string; failure: unknown } {
    const t = this.terminate;
    if (outcome.kind === "halted") return { exitStatus: "abort", reason: t?.reason ?? "halted", failure: NO_ERROR };
    if (outcome.kind === "done" || isExpectedEnd(outcome.error, t)) {
      if (t === null || t.kind === "stop") return { exitStatus: "success", reason: "", failure: NO_ERROR };
      return { exitStatus: "abort", reason: t.reason, failure: NO_ERROR };
    }
    const e = outcome.error;
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { exitStatus: "fail", reason, failure: e };
  }

  /** Whatever happened: stop what moved, unstage what was staged, close every open run, undo plan subscriptions. */
  private async cleanup(ex: Execution, exitStatus: ExitStatus, reason: string, halted: boolean): Promise<void> {
    if (!halted) {
      await this.stopMoved(ex, exitStatus === "success");
      for (const obj of [...ex.staged].reverse()) {
        await this.attempt(`unstage ${nameOf(obj)}`, () => obj.unstage());
      }
      ex.staged.clear();
    }
    for (const [key, bundler] of [...ex.runs]) {
      ex.runs.delete(key);
      await this.attempt(`close run ${bundler.start.uid}`, () => bundler.close(exitStatus, reason));
    }
    for (const token of ex.planTokens) this.dispatcher.unsubscribe(token);
    for (const s of ex.planSuspenders) this.removeSuspender(s);
    ex.groups.clear();
  }

  private async stopMoved(ex: Execution, success: boolean): Promise<void> {
    for (const obj of ex.moved) await this.attempt(`stop ${nameOf(obj)}`, () => obj.stop(success));
  }

  private async pauseObjects(ex: Execution): Promise<void> {
    for (const obj of ex.seen) if (isPausable(obj)) await this.attempt(`pause ${nameOf(obj)}`, () => obj.pause());
  }

  private async resumeObjects(ex: Execution): Promise<void> {
    for (const obj of ex.seen) if (isPausable(obj)) await this.attempt(`resume ${nameOf(obj)}`, () => obj.resume());
  }

  /** Cleanup goes on past a failing device; the failure is logged. */
  private async attempt(what: string, action: () => unknown): Promise<void> {
    try {
      await action();
    } catch (err) {
      this.options.log(`skyloop: could not ${what}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
  }
}

function* replay(msgs: readonly Msg[]): Generator<Msg, unknown, unknown> {
  let last: unknown = undefined;
  for (const m of msgs) last = yield m;
  return last;
}

/** A generator's `finally` blocks run, but whatever they yield is not executed. */
function closeGenerator(gen: Generator<Msg, unknown, unknown>): void {
  for (let i = 0; i < 1000; i++) {
    try {
      if (gen.return(undefined).done) return;
    } catch {
      return;
    }
  }
}

function isExpectedEnd(error: unknown, t: Terminate | null): boolean {
  if (t === null) return false;
  if (error instanceof FailedPauseError) return true;
  return t.kind === "stop" ? error instanceof RequestStopError : error instanceof RequestAbortError;
}

function notACommand(m: unknown): Error {
  if (m !== null && typeof m === "object" && typeof (m as Msg).command === "string") return new InvalidCommandError((m as Msg).command);
  return new InvalidArgumentError(`a plan must yield Msg objects, got ${m === null ? "null" : typeof m}`, m);
}

function nameOf(obj: unknown): string {
  const n = (obj as { name?: unknown } | null)?.name;
  return typeof n === "string" ? n : String(obj);
}

function asGenerator(plan: Plan | Iterable<Msg>): Generator<Msg, unknown, unknown> {
  if (typeof plan === "function") {
    throw new InvalidArgumentError(
      `run() needs a plan, got the function ${(plan as { name?: string }).name || "<anonymous>"}: call it, e.g. RE.run(count([det]))`,
      plan,
    );
  }
  const p = plan as Partial<Generator<Msg, unknown, unknown>> | null;
  if (p !== null && typeof p === "object" && typeof p.next === "function" && typeof p.throw === "function" && typeof p.return === "function") {
    return p as Generator<Msg, unknown, unknown>;
  }
  if (p !== null && typeof p === "object" && Symbol.iterator in p) return replay([...(p as Iterable<Msg>)]) as Generator<Msg, unknown, unknown>;
  throw new InvalidArgumentError(`run() needs a generator of Msg or an iterable of Msg, got ${p === null ? "null" : typeof p}`, plan);
}
