/**
 * The state of one `run()`: open runs, status groups, what was staged and moved, the rewind cache. Command
 * handlers receive it with each message; a new one is made per plan, so nothing leaks from one plan to the next.
 */
import type { AnyDocument, DocumentCallback, DocumentName } from "../documents/types.ts";
import { IllegalMessageSequenceError } from "../errors.ts";
import type { Metadata, PersistentMetadata } from "../metadata.ts";
import type { Msg } from "../msg.ts";
import type { Stageable, Stoppable } from "../protocols.ts";
import type { Suspender } from "../suspenders/suspender.ts";
import { RunBundler } from "./bundler.ts";
import type { Dispatcher } from "./dispatcher.ts";
import type { ResolvedRunEngineOptions } from "./options.ts";
import { StatusGroups } from "./status_groups.ts";

/** What handlers may ask of the engine itself. */
export interface EngineHooks {
  requestPause(defer: boolean): void;
  /** Called after each checkpoint: a deferred pause takes effect here. */
  atCheckpoint(): void;
  installSuspender(s: Suspender): void;
  removeSuspender(s: Suspender): void;
  subscribe(cb: DocumentCallback, name?: DocumentName | "all"): number;
  unsubscribe(token: number): void;
  /** A pause, suspension, stop, abort or halt is waiting to be served between messages. */
  readonly hasPendingRequest: boolean;
  /** A failure outside any message (a monitor's document); it is thrown into the plan at the next message. */
  asyncError(err: unknown): void;
}

/** Rejection reason of an interruptible wait cut short by pause, suspension, stop, abort or halt. */
export const INTERRUPTED: unique symbol = Symbol("interrupted");

export class Execution {
  readonly runs = new Map<string | undefined, RunBundler>();
  readonly runStartUids: string[] = [];
  readonly groups = new StatusGroups();
  /** Staged devices, in staging order (unstaged in reverse on exit). */
  readonly staged = new Set<Stageable>();
  /** Devices `set` that can be stopped. */
  readonly moved = new Set<Stoppable>();
  /** Every object a message named (Pausable ones are paused and resumed with the plan). */
  readonly seen = new Set<unknown>();
  /** Messages since the last checkpoint, replayed on resume; null after `clear_checkpoint` (cannot pause). */
  msgCache: Msg[] | null = [];
  rewindable = true;
  /** The message whose interruptible wait was cut short, to be done again on resume. */
  interrupted: Msg | undefined = undefined;
  /** Subscriptions and suspenders the plan made itself, undone when it ends. */
  readonly planTokens: number[] = [];
  readonly planSuspenders = new Set<Suspender>();
  private interrupt: { promise: Promise<never>; reject: (reason: unknown) => void } | null = null;

  constructor(
    readonly dispatcher: Dispatcher,
    readonly metadata: PersistentMetadata,
    /** Metadata given to `run()`, which takes precedence over everything else in the start document. */
    readonly perCallMd: Metadata,
    readonly options: ResolvedRunEngineOptions,
    readonly hooks: EngineHooks,
  ) {}

  readonly emit = (name: DocumentName, doc: AnyDocument): void => this.dispatcher.emit(name, doc);

  /** Opens a run for `key` and makes its bundler. */
  openRun(key: string | undefined, bundler: RunBundler): void {
    this.runs.set(key, bundler);
    this.runStartUids.push(bundler.start.uid);
  }

  /** The open run a message belongs to. */
  run(m: Msg): RunBundler {
    const b = this.runs.get(m.run);
    if (b === undefined) {
      const which = m.run === undefined ? "" : ` with key '${m.run}'`;
      throw new IllegalMessageSequenceError(`'${m.command}' needs an open run${which}: 'open_run' first`);
    }
    return b;
  }

  /** A wait that pause, suspension, stop, abort and halt can cut short (it then rejects with INTERRUPTED). */
  readonly interruptible = <T>(p: Promise<T>): Promise<T> => {
    // A request made while the plan itself was running (a suspender tripped by the plan's own action, say)
    // has had no wait to cut short yet: this one is cut short before it starts.
    if (this.hooks.hasPendingRequest) {
      p.catch(() => undefined);
      return Promise.reject(INTERRUPTED);
    }
    if (this.interrupt === null) {
      let reject!: (reason: unknown) => void;
      const promise = new Promise<never>((_, r) => (reject = r));
      promise.catch(() => undefined);
      this.interrupt = { promise, reject };
    }
    return Promise.race([p, this.interrupt.promise]);
  };

  fireInterrupt(): void {
    const i = this.interrupt;
    this.interrupt = null;
    i?.reject(INTERRUPTED);
  }

  checkpoint(): void {
    for (const b of this.runs.values()) {
      if (b.bundling) {
        throw new IllegalMessageSequenceError("'checkpoint' between 'create' and 'save': a point cannot be half rewound");
      }
    }
    if (this.msgCache === null) this.msgCache = [];
    else this.msgCache.length = 0;
    for (const b of this.runs.values()) b.checkpoint();
  }

  setRewindable(value: boolean): boolean {
    const previous = this.rewindable;
    this.rewindable = value;
    if (previous !== value && this.msgCache !== null) this.msgCache = [];
    return previous;
  }

  /**
   * The messages to replay on resume: those since the checkpoint when rewinding, and the interrupted one if it
   * is not among them. Sequence numbers and open bundles go back to the checkpoint.
   */
  takeReplay(): { msgs: Msg[]; interrupted: boolean } {
    const interrupted = this.interrupted;
    this.interrupted = undefined;
    let msgs: Msg[] = [];
    if (this.rewindable && this.msgCache !== null && this.msgCache.length > 0) {
      msgs = this.msgCache;
      this.msgCache = [];
      for (const b of this.runs.values()) b.rewind();
      this.groups.clear();
    }
    if (interrupted !== undefined && msgs[msgs.length - 1] !== interrupted) msgs.push(interrupted);
    return { msgs, interrupted: interrupted !== undefined };
  }
}
