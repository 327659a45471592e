/**
 * The agent contract, after bluesky-adaptive: an agent is told what was measured (`tell`), asked where to
 * measure next (`ask`) and asked to summarise itself (`report`). It never sees devices or the RunEngine; a
 * runner feeds it from the document stream and sends its suggestions over the bridge.
 */

/** Independent variables of one measurement: motor or corrector name -> position or set-point. */
export type IndependentValues = Record<string, number>;

/** Dependent variables of one measurement: detector or BPM name -> reading (a scalar or an array). */
export type DependentValues = Record<string, number | readonly number[]>;

/** Where to measure next. */
export interface Suggestion {
  /** Device name -> target value; every name is one of the agent's independent fields. */
  points: Record<string, number>;
  /** What the agent expects of this point (an acquisition value, a predicted RMS...). */
  score?: number;
  /** Why, in a sentence a person reads in the decision record. */
  rationale?: string;
  /** This is the last suggestion worth measuring: the agent has reached its goal or run out of points. */
  done?: boolean;
}

/** JSON values only, so a report or record can go straight onto the decision stream. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What one `tell` taught the agent: small, JSON-able, for the decision record's inputs summary. */
export type TellRecord = Record<string, JsonValue>;

/** A JSON-able summary of an agent's state for decision records and the dashboard. */
export interface AgentReport {
  agent: string;
  /** The registered kind ("svd-orbit", "bayes-opt", ...). */
  kind: string;
  observations: number;
  done: boolean;
  [detail: string]: JsonValue;
}

/**
 * Which document fields an agent reads: the runner takes `independent` keys from an event's data as `x` and
 * `dependent` keys as `y`. Order matters where the agent builds vectors (corrector and BPM order).
 */
export interface AgentFields {
  /** Motors, correctors: what the agent moves. */
  readonly independent: readonly string[];
  /** Detectors, BPM readings: what the agent learns from. */
  readonly dependent: readonly string[];
}

export interface Agent {
  /** The instance's name, used in decision subjects and reports. */
  readonly name: string;
  readonly fields: AgentFields;
  /** Records one measurement. */
  tell(x: IndependentValues, y: DependentValues): TellRecord;
  /**
   * Up to `n` suggestions, fewer (possibly none) when the agent has fewer left. An agent that can only
   * propose one point at a time (an orbit corrector) returns one whatever `n` is.
   */
  ask(n: number): Suggestion[] | Promise<Suggestion[]>;
  report(): AgentReport;
  /** Forgets every measurement; settings are kept. */
  reset(): void;
  /** True once the agent's own goal is met (target RMS, target value); a stop criterion for campaigns. */
  targetReached?(): boolean;
}

/** An agent chosen by its registered name ("svd-orbit", "bayes-opt", "grid", "random", ...). */
export interface RegisteredAgentSpec {
  kind: string;
  /** Instance name. @default the kind */
  name?: string;
  settings?: Record<string, unknown>;
}

/** An agent from the user's own module: a factory function or a class taking `(settings, context)`. */
export interface ModuleAgentSpec {
  /** Path to the module, relative to the campaign file's folder (or absolute), or a package name. */
  module: string;
  /** @default "default" */
  export?: string;
  /** Instance name. @default the export name */
  name?: string;
  settings?: Record<string, unknown>;
}

/** How a campaign file names an agent and its settings. */
export type AgentSpec = RegisteredAgentSpec | ModuleAgentSpec;

/** Structural check for anything claiming to be an agent (module-loaded agents are checked with it). */
export function isAgent(value: unknown): value is Agent {
  if (typeof value !== "object" || value === null) return false;
  const a = value as Record<string, unknown>;
  const fields = a.fields as Record<string, unknown> | undefined;
  return (
    typeof a.name === "string" &&
    typeof a.tell === "function" &&
    typeof a.ask === "function" &&
    typeof a.report === "function" &&
    typeof a.reset === "function" &&
    typeof fields === "object" &&
    fields !== null &&
    Array.isArray(fields.independent) &&
    Array.isArray(fields.dependent)
  );
}
