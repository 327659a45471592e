/**
 * The engine's half of a closed loop: measure, wait for an agent's suggestion, check it, move, measure again.
 * Per event (lock-step inside one run: every event is answered by the next point) or per run (every run
 * measures the points of one suggestion, and the agent answers the run as a whole).
 *
 * A suggestion is checked before anything moves: every device it names must be one of the plan's movables,
 * every target a finite number inside the device's limits. A refused suggestion is rejected with its reason,
 * the devices stay where they are, and the plan measures again so the agent can decide afresh. The devices
 * enforce their limits in `set` as well. The loop stops on a budget of points, a target value of the
 * objective, the agent saying it is done, or (as a pause, with the reason) no suggestion within the timeout.
 */
import { InvalidArgumentError, LimitError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import { hasLimits } from "../protocols.ts";
import type { HasLimits, Movable, Readable, Reading, SuggestedPoints, SuggestionSource } from "../protocols.ts";
import { triggerAndRead } from "./per-step.ts";
import { checkpoint, closeRun, openRun } from "./stubs.ts";
import type { PlanMetadata } from "./types.ts";
import { shortUid } from "./uid.ts";
import { exitStatusFor } from "./wrappers.ts";

export const AgentLoopMode = {
  /** One run; each event is answered by the next point (lock-step). */
  PerEvent: "per_event",
  /** One run per suggestion; the agent answers each run as a whole. */
  PerRun: "per_run",
} as const;
export type AgentLoopMode = (typeof AgentLoopMode)[keyof typeof AgentLoopMode];

export const StopReason = {
  Budget: "budget",
  Target: "target",
  Done: "done",
} as const;
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

export const Goal = { Minimize: "minimize", Maximize: "maximize" } as const;
export type Goal = (typeof Goal)[keyof typeof Goal];

export const AGENT_LOOP_PLAN_NAME = "agent_loop";
export const DEFAULT_AGENT_LOOP = {
  mode: AgentLoopMode.PerEvent,
  /** Seconds to wait for a suggestion before pausing. */
  timeout: 10,
  settle: 0,
  goal: Goal.Minimize,
} as const;

/** What the loop reports after each point. */
export interface AgentLoopProgress {
  /** Points measured so far (the first reading is point 1). */
  readonly points: number;
  /** Suggestions taken so far. */
  readonly iteration: number;
  readonly objective: number | undefined;
  readonly best: number | undefined;
  readonly readings: Record<string, Reading>;
}

export interface AgentLoopResult {
  readonly stopReason: StopReason;
  readonly points: number;
  readonly iterations: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly objective: number | undefined;
  readonly best: number | undefined;
  /** Targets of the best point (the movables' readings there), when there is an objective. */
  readonly bestAt: Record<string, number> | undefined;
  readonly runs: string[];
}

export interface AgentLoopOptions {
  source: SuggestionSource;
  /** Read at every point. */
  detectors: readonly Readable[];
  /** What suggestions may move, by device name; read at every point too. */
  movables: readonly (Movable & Readable)[];
  /** Most points measured, the first reading included. */
  maxPoints: number;
  /** @default DEFAULT_AGENT_LOOP.mode */
  mode?: AgentLoopMode;
  /** Seconds without a suggestion before the engine pauses. @default DEFAULT_AGENT_LOOP.timeout */
  timeout?: number;
  /** Seconds to wait after a move before reading. @default 0 */
  settle?: number;
  /** The number a point is judged by, from its readings. */
  objective?: (readings: Record<string, Reading>) => number;
  /** @default "minimize" */
  goal?: Goal;
  /** Stop once the objective is at or below `below`, or at or above `above`. */
  target?: { below?: number; above?: number };
  /** @default AGENT_LOOP_PLAN_NAME */
  planName?: string;
  md?: PlanMetadata;
  onPoint?: (progress: AgentLoopProgress) => void;
  /** A suggestion the plan refused, with the reason (nothing was moved). */
  onRejected?: (reason: string, suggestion: SuggestedPoints) => void;
  /** The wait timed out and the engine is pausing. */
  onTimeout?: (reason: string) => void;
}

interface LoopState {
  points: number;
  iterations: number;
  rejected: number;
  duplicates: number;
  objective: number | undefined;
  best: number | undefined;
  bestAt: Record<string, number> | undefined;
  stop: StopReason | undefined;
  runs: string[];
}

function checkOptions(o: AgentLoopOptions): void {
  if (!Number.isInteger(o.maxPoints) || o.maxPoints < 1) {
    throw new InvalidArgumentError(`agentLoop: maxPoints must be an integer >= 1, got ${JSON.stringify(o.maxPoints)}`, o.maxPoints);
  }
  if (o.movables.length === 0) throw new InvalidArgumentError("agentLoop: give at least one movable for suggestions to move", o.movables);
  const names = new Set<string>();
  for (const m of o.movables) {
    if (typeof m.name !== "string" || m.name.length === 0) throw new InvalidArgumentError("agentLoop: every movable needs a name", m);
    if (names.has(m.name)) throw new InvalidArgumentError(`agentLoop: two movables are named ${JSON.stringify(m.name)}`, m.name);
    names.add(m.name);
  }
  const mode = o.mode ?? DEFAULT_AGENT_LOOP.mode;
  if (!Object.values(AgentLoopMode).includes(mode)) {
    throw new InvalidArgumentError(`agentLoop: mode must be one of ${Object.values(AgentLoopMode).join(", ")}, got ${JSON.stringify(mode)}`, mode);
  }
}

/** [low, high] per movable that has active limits (low < high), read once at the start. */
function* readLimits(movables: readonly Movable[]): Plan<Map<string, readonly [number, number]>> {
  const limits = new Map<string, readonly [number, number]>();
  const withLimits = movables.filter((m): m is Movable & HasLimits => hasLimits(m));
  if (withLimits.length > 0) {
    yield msg("wait_for", undefined, [
      withLimits.map((m) => async () => {
        const l = await m.limits();
        if (l[0] < l[1]) limits.set(m.name, l);
      }),
    ]);
  }
  return limits;
}

/** Why the point may not be moved to, or undefined when it may. */
export function pointProblem(
  point: Readonly<Record<string, unknown>>,
  movables: ReadonlyMap<string, Movable>,
  limits: ReadonlyMap<string, readonly [number, number]>,
): string | undefined {
  const names = Object.keys(point);
  if (names.length === 0) return "the point names no device";
  for (const name of names) {
    if (!movables.has(name)) return `${name}: not one of the devices this plan moves (${[...movables.keys()].join(", ")})`;
    const value = point[name];
    if (typeof value !== "number" || !Number.isFinite(value)) return `${name}: expected a finite number, got ${JSON.stringify(value) ?? String(value)}`;
    const l = limits.get(name);
    if (l !== undefined && (value < l[0] || value > l[1])) return new LimitError(name, value, l).message;
  }
  return undefined;
}

function* moveTo(point: Readonly<Record<string, number>>, movables: ReadonlyMap<string, Movable>, settle: number): Plan<void> {
  const group = shortUid("agent-move");
  for (const [name, value] of Object.entries(point)) yield msg("set", movables.get(name)!, [value], { group });
  yield msg("wait", undefined, [], { group });
  if (settle > 0) yield msg("sleep", undefined, [settle]);
}

function* closeAfter(err: unknown): Plan<void> {
  const status = exitStatusFor(err);
  yield* closeRun(status, status === "success" ? undefined : err instanceof Error ? err.message : String(err));
}

function positions(readings: Record<string, Reading>, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) {
    const v = readings[n]?.value;
    if (typeof v === "number") out[n] = v;
  }
  return out;
}

/**
 * The closed loop. Returns why it stopped and what it found; `RE.run(...)` hands the result back as
 * `planResult`. Register nothing: `next_suggestion` is one of the engine's own commands.
 */
export function* agentLoop(options: AgentLoopOptions): Plan<AgentLoopResult> {
  checkOptions(options);
  const mode = options.mode ?? DEFAULT_AGENT_LOOP.mode;
  const movables = new Map<string, Movable>(options.movables.map((m) => [m.name, m]));
  const readables: Readable[] = [...options.detectors, ...options.movables];
  const settle = options.settle ?? DEFAULT_AGENT_LOOP.settle;
  const goal = options.goal ?? DEFAULT_AGENT_LOOP.goal;
  const taken = new Set<string>();
  const s: LoopState = { points: 0, iterations: 0, rejected: 0, duplicates: 0, objective: undefined, best: undefined, bestAt: undefined, stop: undefined, runs: [] };
  const limits = yield* readLimits(options.movables);
  const md: PlanMetadata = {
    plan_name: options.planName ?? AGENT_LOOP_PLAN_NAME,
    detectors: options.detectors.map((d) => d.name),
    motors: [...movables.keys()],
    agent_loop: { mode, max_points: options.maxPoints, timeout_s: options.timeout ?? DEFAULT_AGENT_LOOP.timeout, ...(options.target ? { target: options.target } : {}) },
    ...options.md,
  };

  /** One point: read everything, judge it, report it, and note whether a stop criterion is met. */
  function* measure(): Plan<void> {
    const readings = yield* triggerAndRead(readables);
    s.points++;
    if (options.objective !== undefined) {
      const value = options.objective(readings);
      s.objective = value;
      const better = s.best === undefined || (goal === Goal.Maximize ? value > s.best : value < s.best);
      if (Number.isFinite(value) && better) {
        s.best = value;
        s.bestAt = positions(readings, [...movables.keys()]);
      }
      const t = options.target;
      if (t !== undefined && Number.isFinite(value) && ((t.below !== undefined && value <= t.below) || (t.above !== undefined && value >= t.above))) {
        s.stop = StopReason.Target;
      }
    }
    if (s.stop === undefined && s.points >= options.maxPoints) s.stop = StopReason.Budget;
    options.onPoint?.({ points: s.points, iteration: s.iterations, objective: s.objective, best: s.best, readings });
  }

  /** The next usable suggestion (duplicates and refusals answered and skipped), or undefined if none can be. */
  function* nextSuggestion(): Plan<SuggestedPoints> {
    for (;;) {
      yield* checkpoint();
      const suggestion = (yield msg("next_suggestion", options.source, [], {
        timeout: options.timeout ?? DEFAULT_AGENT_LOOP.timeout,
        what: `a suggestion for point ${s.points + 1}`,
        ...(options.onTimeout ? { on_timeout: options.onTimeout } : {}),
      })) as SuggestedPoints;
      if (taken.has(suggestion.request.id)) {
        // Sent again by an agent that restarted without knowing it had been heard: acted on once only.
        s.duplicates++;
        suggestion.accept();
        continue;
      }
      taken.add(suggestion.request.id);
      return suggestion;
    }
  }

  /** Checks every point first; moves only when all pass. Returns the refusal, if any. */
  function check(suggestion: SuggestedPoints): string | undefined {
    for (let i = 0; i < suggestion.points.length; i++) {
      const problem = pointProblem(suggestion.points[i]!, movables, limits);
      if (problem !== undefined) return suggestion.points.length > 1 ? `point ${i}: ${problem}` : problem;
    }
    return undefined;
  }

  function refuse(reason: string, suggestion: SuggestedPoints): void {
    s.rejected++;
    suggestion.reject(reason);
    options.onRejected?.(reason, suggestion);
  }

  /** Moves to each point in turn and measures it; a device refusing its target ends the suggestion. */
  function* follow(suggestion: SuggestedPoints): Plan<void> {
    for (const point of suggestion.points) {
      if (s.stop !== undefined) return;
      try {
        yield* moveTo(point, movables, settle);
      } catch (err) {
        if (!(err instanceof LimitError)) throw err;
        refuse(err.message, suggestion);
        yield* measure();
        return;
      }
      yield* measure();
    }
  }

  function* step(): Plan<void> {
    const suggestion = yield* nextSuggestion();
    s.iterations++;
    const problem = suggestion.refused ?? check(suggestion);
    if (problem !== undefined) {
      refuse(problem, suggestion);
      // Nothing moved; a fresh reading gives the agent something to decide on again.
      if (mode === AgentLoopMode.PerEvent) yield* measure();
      else yield* inRun(measure());
      return;
    }
    if (suggestion.accept() === false) {
      // The agent was already told no; moving now would move hardware it believes stayed put.
      s.rejected++;
      if (mode === AgentLoopMode.PerEvent) yield* measure();
      else yield* inRun(measure());
      return;
    }
    if (mode === AgentLoopMode.PerEvent) yield* follow(suggestion);
    else if (suggestion.points.length > 0) yield* inRun(follow(suggestion));
    if (suggestion.request.done === true && s.stop === undefined) s.stop = StopReason.Done;
  }

  function* inRun(body: Plan<void>): Plan<void> {
    const uid = yield* openRun({ ...md, agent_loop: { ...(md.agent_loop as object), run: s.runs.length + 1 } });
    s.runs.push(uid);
    try {
      yield* body;
    } catch (err) {
      yield* closeAfter(err);
      throw err;
    }
    yield* closeRun();
  }

  if (mode === AgentLoopMode.PerEvent) {
    const uid = yield* openRun({ ...md, num_points: options.maxPoints });
    s.runs.push(uid);
    try {
      yield* measure();
      while (s.stop === undefined) yield* step();
    } catch (err) {
      yield* closeAfter(err);
      throw err;
    }
    yield* closeRun("success", `stopped: ${s.stop}`);
  } else {
    yield* inRun(measure());
    while (s.stop === undefined) yield* step();
  }
  return {
    stopReason: s.stop!,
    points: s.points,
    iterations: s.iterations,
    rejected: s.rejected,
    duplicates: s.duplicates,
    objective: s.objective,
    best: s.best,
    bestAt: s.bestAt,
    runs: s.runs,
  };
}
