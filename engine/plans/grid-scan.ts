/**
 * Meshes, each motor on its own axis, the first slowest (Bluesky's `grid_scan`, `rel_grid_scan`,
 * `list_grid_scan`, `rel_list_grid_scan`). Snaked axes run back and forth instead of restarting.
 */
import { InvalidArgumentError } from "../errors.ts";
import type { Plan } from "../msg.ts";
import type { Movable, Readable } from "../protocols.ts";
import { chunk, listChunks, splitOptions } from "./args.ts";
import { deviceName, quote, requireCount, requireFinite, requireReadables } from "./devices.ts";
import { dimensionsPerMotor, hookName, mergeMd } from "./metadata.ts";
import { outerListProductPattern, outerProductPattern } from "./patterns.ts";
import { relativeSetWrapper, resetPositionsWrapper } from "./relative.ts";
import { scanNd } from "./scan-nd.ts";
import type { PerStepND, PlanMetadata } from "./types.ts";

export interface GridScanOptions {
  /**
   * Which axes snake: false (none), true (all but the first), or a list of motors (never the first).
   * @default false
   */
  snakeAxes?: boolean | readonly Movable[];
  perStep?: PerStepND;
  md?: PlanMetadata;
}

/** One snake flag per motor from `snakeAxes`, rejecting the slowest motor, repeats and unknown motors. */
function snakeFlags(motors: readonly Movable[], snakeAxes: GridScanOptions["snakeAxes"], who: string): boolean[] {
  if (snakeAxes === undefined || snakeAxes === false) return motors.map(() => false);
  if (snakeAxes === true) return motors.map((_, i) => i > 0);
  if (!Array.isArray(snakeAxes))
    throw new InvalidArgumentError(
      `${who}: snakeAxes must be true, false or a list of motors, got ${quote(snakeAxes)}`,
      snakeAxes,
    );
  const axes = snakeAxes as readonly Movable[];
  if (new Set(axes).size !== axes.length)
    throw new InvalidArgumentError(`${who}: snakeAxes lists a motor more than once: ${quote(axes.map(deviceName))}`, axes);
  if (axes.includes(motors[0]!))
    throw new InvalidArgumentError(`${who}: snakeAxes contains the slowest (first) motor ${quote(motors[0])}, which cannot snake`, axes);
  const unknown = axes.find((a) => !motors.includes(a));
  if (unknown) throw new InvalidArgumentError(`${who}: snakeAxes contains ${quote(unknown)}, which the scan does not move`, unknown);
  return motors.map((m) => axes.includes(m));
}

/**
 * A mesh: `gridScan(dets, m1, start1, stop1, num1, m2, start2, stop2, num2, ..., {snakeAxes?, perStep?, md?})`.
 * Returns the run start uid.
 */
export function gridScan(detectors: readonly Readable[], ...args: unknown[]): Plan<string> {
  requireReadables(detectors);
  const [rest, options] = splitOptions<GridScanOptions>(args);
  const raw = chunk(rest, 4, "grid_scan", "motor1, start1, stop1, num1, ..., motorN, startN, stopN, numN");
  const motors = raw.map((c) => c[0] as Movable);
  const snake = snakeFlags(motors, options.snakeAxes, "grid_scan");
  const chunks = raw.map(
    (c, i) =>
      [
        motors[i]!,
        requireFinite(c[1], `grid_scan start${i + 1}`),
        requireFinite(c[2], `grid_scan stop${i + 1}`),
        requireCount(c[3], `grid_scan num${i + 1}`),
        snake[i]!,
      ] as [Movable, number, number, number, boolean],
  );
  const mdArgs = chunks.flatMap(([m, a, b, n, s], i) => (i === 0 ? [deviceName(m), a, b, n] : [deviceName(m), a, b, n, s]));
  const md = mergeMd(
    {
      shape: chunks.map(([, , , n]) => n),
      extents: chunks.map(([, a, b]) => [a, b]),
      snaking: snake,
      plan_args: { detectors: detectors.map(deviceName), args: mdArgs, per_step: hookName(options.perStep) },
      plan_name: "grid_scan",
      plan_pattern: "outer_product",
      plan_pattern_args: { args: mdArgs },
      plan_pattern_module: "skyloop.engine.plans.patterns",
      motors: motors.map(deviceName),
    },
    options.md,
    { gridding: "rectilinear", ...dimensionsPerMotor(motors) },
  );
  return scanNd(detectors, outerProductPattern(chunks), { perStep: options.perStep, md });
}

/** `gridScan` relative to the motors' starting positions; they return there at the end. */
export function relGridScan(detectors: readonly Readable[], ...args: unknown[]): Plan<string> {
  const [rest, options] = splitOptions<GridScanOptions>(args);
  const plan = gridScan(detectors, ...rest, { ...options, md: { plan_name: "rel_grid_scan", ...(options.md ?? {}) } });
  const motors = rest.filter((_, i) => i % 4 === 0);
  return resetPositionsWrapper(relativeSetWrapper(plan, motors), motors);
}

/**
 * A mesh over lists of points: `listGridScan(dets, m1, [points1], m2, [points2], ..., {snakeAxes?, perStep?, md?})`.
 */
export function listGridScan(detectors: readonly Readable[], ...args: unknown[]): Plan<string> {
  requireReadables(detectors);
  const [rest, options] = splitOptions<GridScanOptions>(args);
  const lists = listChunks(rest, "list_grid_scan");
  const motors = lists.map(([m]) => m);
  const snake = snakeFlags(motors, options.snakeAxes, "list_grid_scan");
  const mdArgs = lists.flatMap(([m, pts]) => [deviceName(m), pts]);
  const numeric = (pts: unknown[]) => pts.every((p) => typeof p === "number");
  const md = mergeMd(
    {
      shape: lists.map(([, pts]) => pts.length),
      extents: lists.map(([, pts]) =>
        numeric(pts) ? [Math.min(...(pts as number[])), Math.max(...(pts as number[]))] : null,
      ),
      snake_axes: snake,
      plan_args: { detectors: detectors.map(deviceName), args: mdArgs, per_step: hookName(options.perStep) },
      plan_name: "list_grid_scan",
      plan_pattern: "outer_list_product",
      plan_pattern_args: { args: mdArgs, snake_axes: snake },
      plan_pattern_module: "skyloop.engine.plans.patterns",
      motors: motors.map(deviceName),
    },
    options.md,
    dimensionsPerMotor(motors),
  );
  return scanNd(detectors, outerListProductPattern(lists.map(([m, pts], i) => [m, pts, snake[i]!] as const)), {
    perStep: options.perStep,
    md,
  });
}

/** `listGridScan` relative to the motors' starting positions; they return there at the end. */
export function relListGridScan(detectors: readonly Readable[], ...args: unknown[]): Plan<string> {
  const [rest, options] = splitOptions<GridScanOptions>(args);
  const plan = listGridScan(detectors, ...rest, { ...options, md: { plan_name: "rel_list_grid_scan", ...(options.md ?? {}) } });
  const motors = rest.filter((_, i) => i % 2 === 0);
  return resetPositionsWrapper(relativeSetWrapper(plan, motors), motors);
}
