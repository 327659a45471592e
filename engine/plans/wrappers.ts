/**
 * Wrappers (Bluesky's preprocessors): each takes a plan and returns a plan with messages added around or
 * inside it. Clean-up parts run when the inner plan finishes or throws, but not when the plan is closed from
 * outside with `return()` (as Bluesky skips clean-up on GeneratorExit).
 */
import { RequestAbortError, RequestStopError, RunEngineInterrupted } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Msg, Plan } from "../msg.ts";
import type { Readable } from "../protocols.ts";
import { isStageable } from "../protocols.ts";
import { rootAncestor, separateDevices } from "./devices.ts";
import { msgMutator, planMutator, singleMsg } from "./mutator.ts";
import { triggerAndRead } from "./per-step.ts";
import { closeRun, declareStream, openRun, stageAll, unstageAll } from "./stubs.ts";
import type { DocumentSubscriber } from "./stubs.ts";
import type { PlanMetadata } from "./types.ts";
import { shortUid } from "./uid.ts";

export { planMutator, msgMutator, singleMsg, pchain } from "./mutator.ts";
export type { MsgProcessor } from "./mutator.ts";
export { relativeSetWrapper, resetPositionsWrapper } from "./relative.ts";

type PlanOrFactory<T = unknown> = Plan<T> | (() => Plan<T>);
const instantiate = <T>(p: PlanOrFactory<T>): Plan<T> => (typeof p === "function" ? p() : p);

/**
 * try/finally for plans: run `plan`, then `finalPlan` whether `plan` succeeded or threw (the error is then
 * rethrown). `finalPlan` may be a plan or a function making one (called only when needed).
 */
export function* finalizeWrapper<T>(plan: Plan<T>, finalPlan: PlanOrFactory): Plan<T> {
  let result: T;
  try {
    result = yield* plan;
  } catch (error) {
    yield* instantiate(finalPlan);
    throw error;
  }
  yield* instantiate(finalPlan);
  return result;
}

export interface ContingencyOptions {
  /** Runs with the error when `plan` throws. */
  exceptPlan?: (error: unknown) => Plan<unknown>;
  /** Runs when `plan` returns. */
  elsePlan?: () => Plan<unknown>;
  /** Runs in either case, last. */
  finalPlan?: () => Plan<unknown>;
  /** Rethrow the error after `exceptPlan`; when false the wrapper returns `exceptPlan`'s result. @default true */
  autoRaise?: boolean;
}

/** try/except/else/finally for plans, after Bluesky's `contingency_wrapper`. */
export function* contingencyWrapper<T>(plan: Plan<T>, options: ContingencyOptions = {}): Plan<T> {
  const { exceptPlan, elsePlan, finalPlan, autoRaise = true } = options;
  let result: T;
  try {
    result = yield* plan;
  } catch (error) {
    let handled: unknown;
    try {
      if (!exceptPlan) throw error;
      handled = yield* exceptPlan(error);
      if (autoRaise) throw error;
    } catch (raised) {
      if (finalPlan) yield* finalPlan();
      throw raised;
    }
    if (finalPlan) yield* finalPlan();
    return handled as T;
  }
  if (elsePlan) yield* elsePlan();
  if (finalPlan) yield* finalPlan();
  return result;
}

/** The `close_run` exit status for an error thrown into a run: Bluesky's RunEngineControlException rules. */
export function exitStatusFor(error: unknown): "success" | "abort" | "fail" {
  if (error instanceof RequestStopError) return "success";
  if (error instanceof RequestAbortError || error instanceof RunEngineInterrupted) return "abort";
  return "fail";
}

function reasonFor(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * Enclose `plan` in a run (Bluesky's `run_wrapper`): `open_run(md)`, the plan, `close_run`. When the plan
 * throws, `close_run` carries `exit_status` ("fail", or "abort"/"success" for an abort/stop request) and the
 * error's message as `reason`, and the error is rethrown. Returns the run start uid.
 */
export function* withRun(plan: Plan<unknown>, md: PlanMetadata = {}): Plan<string> {
  const uid = yield* openRun(md);
  try {
    yield* plan;
  } catch (error) {
    const status = exitStatusFor(error);
    yield* closeRun(status, status === "success" ? undefined : reasonFor(error));
    throw error;
  }
  yield* closeRun();
  return uid;
}

/**
 * Stage devices before `plan` and unstage them (in reverse order) after it, even when it throws (Bluesky's
 * `stage_wrapper`). The whole device (root ancestor) is staged once; devices that cannot be staged (no
 * `stage`/`unstage`) are left out.
 */
export function* withStage<T>(plan: Plan<T>, devices: readonly unknown[]): Plan<T> {
  const stageable = separateDevices(devices.map((d) => rootAncestor(d))).filter((d) => isStageable(d));
  yield* stageAll(stageable);
  return yield* finalizeWrapper(plan, () => unstageAll([...stageable].reverse()));
}

/**
 * Read `devices` into their own stream (`baseline` by default) just after `open_run` and just before
 * `close_run` (Bluesky's `baseline_wrapper`): `declare_stream` then one trigger-and-read at the start, one
 * more trigger-and-read at the end.
 */
export function* baselineWrapper<T>(plan: Plan<T>, devices: readonly Readable[], name = "baseline"): Plan<T> {
  if (devices.length === 0) return yield* plan;
  function* head(): Plan<void> {
    yield* declareStream(devices, { name });
    yield* triggerAndRead(devices, name);
  }
  const insert = (m: Msg) => {
    if (m.command === "open_run") return [null, withRunKey(head(), m.run)] as const;
    if (m.command === "close_run") {
      function* post(): Plan<unknown> {
        yield* withRunKey(triggerAndRead(devices, name), m.run);
        return yield m;
      }
      return [post(), null] as const;
    }
    return [null, null] as const;
  };
  return yield* planMutator(plan, insert);
}

function withRunKey<T>(plan: Plan<T>, run: string | undefined): Plan<T> {
  return run === undefined ? plan : setRunKeyWrapper(plan, run);
}

/** Set `run` on every message of the plan that has none (for plans with several runs open at once). */
export function* setRunKeyWrapper<T>(plan: Plan<T>, run: string): Plan<T> {
  return yield* msgMutator(plan, (m) => (m.run === undefined ? { ...m, run } : m));
}

/** Install suspenders before `plan` and remove them after it, even when it throws. */
export function* suspendWrapper<T>(plan: Plan<T>, suspenders: unknown | readonly unknown[]): Plan<T> {
  const list = Array.isArray(suspenders) ? [...suspenders] : [suspenders];
  for (const s of list) yield msg("install_suspender", undefined, [s]);
  return yield* finalizeWrapper(plan, function* () {
    for (const s of list) yield msg("remove_suspender", undefined, [s]);
  });
}

/** Callbacks for `subsWrapper`: one function, a list (all documents), or lists keyed by document name. */
export type Subscriptions = DocumentSubscriber | readonly DocumentSubscriber[] | Readonly<Record<string, readonly DocumentSubscriber[]>>;

function normalizeSubs(subs: Subscriptions): Array<[string, DocumentSubscriber]> {
  if (typeof subs === "function") return [["all", subs]];
  if (Array.isArray(subs)) return subs.map((f) => ["all", f] as [string, DocumentSubscriber]);
  return Object.entries(subs as Record<string, readonly DocumentSubscriber[]>).flatMap(([name, fs]) =>
    fs.map((f) => [name, f] as [string, DocumentSubscriber]),
  );
}

/** Subscribe callbacks to the documents before `plan`, and unsubscribe them after it, even when it throws. */
export function* subsWrapper<T>(plan: Plan<T>, subs: Subscriptions): Plan<T> {
  const tokens: unknown[] = [];
  for (const [name, func] of normalizeSubs(subs)) tokens.push(yield msg("subscribe", undefined, [func, name]));
  return yield* finalizeWrapper(plan, function* () {
    for (const t of tokens) yield msg("unsubscribe", undefined, [t]);
  });
}

/** Merge `md` into every `open_run` of the plan; `md` wins over the plan's own keys. */
export function* injectMdWrapper<T>(plan: Plan<T>, md: Record<string, unknown>): Plan<T> {
  return yield* msgMutator(plan, (m) => (m.command === "open_run" ? { ...m, kwargs: { ...m.kwargs, ...md } } : m));
}

/**
 * Monitor signals during each run: `monitor(sig, {name: "<sig>_monitor"})` just after `open_run`,
 * `unmonitor(sig)` just before `close_run`.
 */
export function* monitorDuringWrapper<T>(plan: Plan<T>, signals: readonly Readable[]): Plan<T> {
  const afterOpen = (m: Msg) => {
    if (m.command !== "open_run") return [null, null] as const;
    function* monitors(): Plan<void> {
      for (const s of signals) yield msg("monitor", s, [], { name: `${s.name}_monitor` });
    }
    return [singleMsg(m), monitors()] as const;
  };
  const beforeClose = (m: Msg) => {
    if (m.command !== "close_run") return [null, null] as const;
    function* unmonitors(): Plan<unknown> {
      for (const s of signals) yield msg("unmonitor", s);
      return yield m;
    }
    return [unmonitors(), null] as const;
  };
  return yield* planMutator(planMutator(plan, afterOpen), beforeClose);
}

/**
 * Kick off flyers just after `open_run` (and wait), complete them (and wait) and collect them just before
 * `close_run` (Bluesky's `fly_during_wrapper`).
 */
export function* flyDuringWrapper<T>(plan: Plan<T>, flyers: readonly unknown[]): Plan<T> {
  if (flyers.length === 0) return yield* plan;
  const kickoffGroup = shortUid("flyers-kickoff");
  const completeGroup = shortUid("flyers-complete");
  const afterOpen = (m: Msg) => {
    if (m.command !== "open_run") return [null, null] as const;
    function* kickoffs(): Plan<void> {
      for (const f of flyers) yield msg("kickoff", f, [], { group: kickoffGroup });
      yield msg("wait", undefined, [], { group: kickoffGroup });
    }
    return [singleMsg(m), kickoffs()] as const;
  };
  const beforeClose = (m: Msg) => {
    if (m.command !== "close_run") return [null, null] as const;
    function* completes(): Plan<unknown> {
      for (const f of flyers) yield msg("complete", f, [], { group: completeGroup });
      yield msg("wait", undefined, [], { group: completeGroup });
      for (const f of flyers) yield msg("collect", f, [], { stream: false, return_payload: true });
      return yield m;
    }
    return [completes(), null] as const;
  };
  return yield* planMutator(planMutator(plan, afterOpen), beforeClose);
}
