/** Shapes shared by the plans: metadata and the per-shot / per-step hooks, after Bluesky's `PerShot`/`PerStep`. */
import type { Plan } from "../msg.ts";
import type { Hints, Movable, Readable, Reading } from "../protocols.ts";

/** Run-start metadata a plan passes to `open_run`; keys follow event-model and Bluesky (snake_case). */
export interface PlanMetadata {
  plan_name?: string;
  plan_args?: Record<string, unknown>;
  detectors?: string[];
  motors?: string[];
  num_points?: number | null;
  num_intervals?: number | null;
  plan_pattern?: string;
  plan_pattern_module?: string;
  plan_pattern_args?: Record<string, unknown>;
  hints?: Hints;
  [key: string]: unknown;
}

/** Takes one reading of some devices (one event); `triggerAndRead` is the default. */
export type TakeReading = (devices: Readable[], name?: string) => Plan<Record<string, Reading>>;

/** The inner loop of a count: one shot of the detectors. */
export type PerShot = (detectors: Readable[], takeReading?: TakeReading) => Plan<unknown>;

/** The inner loop of a 1-D scan: move `motor` to `step` and read. */
export type PerStep1D = (
  detectors: Readable[],
  motor: Movable,
  step: unknown,
  takeReading?: TakeReading,
) => Plan<unknown>;

/**
 * The inner loop of an N-D scan: move each motor of `step` (skipping motors already at their cached position)
 * and read. `posCache` maps each motor to the position it was last sent to.
 */
export type PerStepND = (
  detectors: Readable[],
  step: ReadonlyMap<Movable, unknown>,
  posCache: Map<Movable, unknown>,
  takeReading?: TakeReading,
) => Plan<unknown>;
