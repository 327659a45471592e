/**
 * `xafs`: an X-ray absorption fine-structure step scan of an energy motor over regions around an edge,
 * with a dwell time per region (see `xafsGrid`).
 */
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import type { Movable, Readable } from "../protocols.ts";
import { isConfigurable } from "../protocols.ts";
import { deviceName, quote, requireMovable, requireReadables } from "./devices.ts";
import { dimensionsOneAxis, hookName, mergeMd } from "./metadata.ts";
import { oneNdStep } from "./per-step.ts";
import type { PerStepND, PlanMetadata } from "./types.ts";
import { withRun, withStage } from "./wrappers.ts";
import { xafsGrid } from "./xafs-grid.ts";
import type { XafsRegions } from "./xafs-grid.ts";

export interface XafsOptions extends XafsRegions {
  /** Edge energy, eV; region boundaries are relative to it. */
  e0: number;
  perStep?: PerStepND;
  md?: PlanMetadata;
}

/** Configuration keys taken to be a detector's counting time, in order of preference. */
export const COUNT_TIME_KEYS = ["acquire_time", "count_time", "acquireTime", "countTime"] as const;

/**
 * The key under which `configure` sets a detector's counting time: the first of `COUNT_TIME_KEYS` the
 * detector has as a member, if it is Configurable with a `configure` method; undefined otherwise.
 */
export function countTimeKey(detector: unknown): string | undefined {
  if (!isConfigurable(detector) || typeof detector.configure !== "function") return undefined;
  return COUNT_TIME_KEYS.find((k) => k in (detector as object));
}

/**
 * Step `energyMotor` through the XAFS grid of `options` (e0, regions, steps, times), reading the detectors
 * at each point. Before a point whose dwell time differs from the last one, each detector with a counting
 * time (see `countTimeKey`) gets `configure(det, {<key>: seconds})`. The run start records the dwell time of
 * every point in `xafs.dwell_times` (index = event seq_num - 1), with e0, the regions and the points per
 * region. Returns the run start uid.
 */
export function xafs(detectors: readonly Readable[], energyMotor: Movable, options: XafsOptions): Plan<string> {
  requireReadables(detectors);
  requireMovable(energyMotor, "energyMotor");
  if (!options || typeof options !== "object")
    throw new InvalidArgumentError(`xafs needs options {e0, regions, steps, times}, got ${quote(options)}`, options);
  const grid = xafsGrid(options.e0, options);
  const timeKeys = new Map<Readable, string>();
  for (const d of detectors) {
    const key = countTimeKey(d);
    if (key) timeKeys.set(d, key);
  }
  const asGiven = (v: unknown) => (Array.isArray(v) ? [...v] : v);
  const md = mergeMd(
    {
      detectors: detectors.map(deviceName),
      motors: [deviceName(energyMotor)],
      num_points: grid.energies.length,
      num_intervals: grid.energies.length - 1,
      plan_args: {
        detectors: detectors.map(deviceName),
        energy_motor: deviceName(energyMotor),
        e0: options.e0,
        regions: asGiven(options.regions),
        steps: asGiven(options.steps),
        times: asGiven(options.times),
        per_step: hookName(options.perStep),
      },
      plan_name: "xafs",
      plan_pattern: "xafs_regions",
      plan_pattern_module: "skyloop.engine.plans.xafs-grid",
      xafs: {
        e0: options.e0,
        points_per_region: grid.pointsPerRegion,
        dwell_times: grid.times,
        count_time_keys: Object.fromEntries([...timeKeys].map(([d, k]) => [deviceName(d), k])),
      },
    },
    options.md,
    dimensionsOneAxis([energyMotor]),
  );
  const perStep = options.perStep ?? oneNdStep;

  function* inner(): Plan<void> {
    const posCache = new Map<Movable, unknown>();
    let lastTime: number | undefined;
    for (let i = 0; i < grid.energies.length; i++) {
      const t = grid.times[i]!;
      if (t !== lastTime) {
        for (const [det, key] of timeKeys) yield msg("configure", det, [{ [key]: t }]);
        lastTime = t;
      }
      yield* perStep([...detectors], new Map([[energyMotor, grid.energies[i]]]), posCache);
    }
  }
  return withStage(withRun(inner(), md), [...detectors, energyMotor]);
}
