/**
 * Movable, for scalar axes (motors, positioners, energies, slit gaps): a small move completes and the done
 * flags settle; the readback arrives within tolerance; stop() ends a move part-way; a target just past a limit
 * is refused and nothing moves. Every move is small and put back afterwards.
 */
import type { HasLimits, Locatable, Stoppable } from "../../../engine/protocols.ts";
import { CheckFailedError, show } from "../../errors.ts";
import type { CheckContext, HwtestApi } from "../../spec.ts";
import { isMovableDevice } from "../../subjects.ts";
import { PvPositioner } from "../../../devices/motors/pv_positioner.ts";
import { type Axis, axisOf, doneFlags, fmt, isScalar, motorOf, readback, settle, targetFrom } from "../motion.ts";

/** How long the done flags may take to settle after a move, ms (`--param settleMs=…`). */
export const DEFAULT_SETTLE_MS = 2_000;
/** The stop test's move lasts about this long, s, when the axis's speed is known (`--param stopMoveS=…`). */
export const DEFAULT_STOP_MOVE_S = 0.5;
/** …and goes at most this fraction of the range between the limits (`--param stopSpanFraction=…`). */
export const STOP_MAX_SPAN_FRACTION = 0.05;

/** How long a stopped or refused axis must stay put, ms. */
const STILL_MS = 30;

type Axislike = Locatable<number> & Partial<Stoppable & HasLimits>;

async function scalarAxis(device: Axislike, t: CheckContext): Promise<Axis> {
  if (!(await isScalar(device))) t.skip("not a scalar axis (its set-point is not a number): its family checks cover it");
  return axisOf(device, t);
}

const units = (axis: Axis) => (axis.units ? ` ${axis.units}` : "");

/**
 * The axis the stop test drives: the device's own motor when it has exactly one (a monochromator's Bragg axis),
 * since its speed is known in its own units; else the device itself.
 */
function stopAxisOf(device: Axislike): Axislike {
  return (motorOf(device) as Axislike | undefined) ?? device;
}

/** How far the stop test moves: about `stopMoveS` at the motor's speed, else 20 steps; within 5 % of the range. */
async function stopDistance(axisDevice: Axislike, axis: Axis, t: Pick<CheckContext, "param">): Promise<number> {
  const span = axis.limits ? axis.limits[1] - axis.limits[0] : Number.POSITIVE_INFINITY;
  let distance = 20 * axis.step;
  const motor = motorOf(axisDevice);
  if (motor === axisDevice) {
    const velocity = await motor.velocity.getValue();
    if (velocity > 0) distance = velocity * t.param("stopMoveS", DEFAULT_STOP_MOVE_S);
  }
  return t.param("stopDistance", Math.min(distance, span * t.param("stopSpanFraction", STOP_MAX_SPAN_FRACTION)));
}

/** Whether stop() can do anything: the device drives a motor, or has a stop PV. */
function canStop(device: object): boolean {
  return motorOf(device) !== undefined || (device instanceof PvPositioner && device.stop_signal !== undefined);
}

export const movableSpec = ({ describeDevice, check, protocols }: HwtestApi): void => {
  describeDevice(
    (d) => isMovableDevice(d) && protocols.isLocatable(d),
    (device: Axislike, ctx) => {
      const plan = async (distance: (a: Axis) => number | Promise<number>) => {
        const axis = await axisOf(device, { param: ctx.param });
        const from = await readback(device);
        const to = targetFrom(axis, from, await distance(axis));
        return `${ctx.name} ${fmt(from, axis)} → ${fmt(to, axis)}${units(axis)} and back`;
      };

      check(
        "small move completes and settles",
        async (t) => {
          const axis = await scalarAxis(device, t);
          const from = await readback(device);
          const to = targetFrom(axis, from, axis.step);
          const t0 = performance.now();
          await t.move(device, to);
          await settle(t, doneFlags(device), t.param("settleMs", DEFAULT_SETTLE_MS));
          t.note(`${fmt(from, axis)} → ${fmt(to, axis)}${units(axis)} in ${(performance.now() - t0).toFixed(0)} ms`);
        },
        { moves: () => plan((a) => a.step) },
      );

      check(
        "readback arrives within tolerance",
        async (t) => {
          const axis = await scalarAxis(device, t);
          const from = await readback(device);
          const to = targetFrom(axis, from, axis.step);
          await t.move(device, to);
          const seen = await t.waitFor(() => readback(device), (v) => Math.abs(v - to) <= axis.tolerance, {
            timeoutMs: t.param("settleMs", DEFAULT_SETTLE_MS),
            what: `${ctx.name} readback${axis.units ? ` (${axis.units})` : ""} after a move from ${fmt(from, axis)} to ${fmt(to, axis)}`,
            expected: `${fmt(to, axis)} ± ${show(axis.tolerance)}`,
            format: (v: number) => fmt(v, axis),
          });
          t.note(`readback ${fmt(seen, axis)} for target ${fmt(to, axis)} (± ${show(axis.tolerance)})`);
        },
        { moves: () => plan((a) => a.step) },
      );

      if (protocols.isStoppable(device) && canStop(device)) {
        const driven = stopAxisOf(device);
        const via = driven === device ? "" : ` (its ${driven.name})`;
        check(
          "stop() ends a move part-way",
          async (t) => {
            await scalarAxis(device, t);
            const axis = await axisOf(driven, t);
            const flags = doneFlags(device);
            const from = await readback(driven);
            const distance = await stopDistance(driven, axis, t);
            const to = targetFrom(axis, from, distance);
            const { status } = await t.startMove(driven, to);
            status.then(undefined, () => undefined);
            const settleMs = t.param("settleMs", DEFAULT_SETTLE_MS);
            // Stop as soon as the axis is seen moving; a move that ends first was too short to test.
            await t.waitFor(
              async () => {
                if (status.done) return "done";
                const busy = await Promise.all(flags.map(async (f) => (await f.signal.getValue()) !== f.settled));
                return busy.some(Boolean) || Math.abs((await readback(driven)) - from) > axis.tolerance ? "moving" : "starting";
              },
              (s) => s !== "starting",
              { timeoutMs: settleMs, what: `${driven.name} after a move to ${fmt(to, axis)} was started`, expected: "motion" },
            );
            if (status.done && Math.abs((await readback(driven)) - from) <= axis.tolerance)
              return t.skip("the axis did not move at all, so there was nothing to stop (see its readback check)");
            if (status.done)
              return t.skip(`the move of ${show(distance)}${units(axis)} ended before it could be stopped (raise --param ${ctx.name}.stopDistance=…)`);
            await device.stop!(false);
            await t.waitFor(() => status.done, (d) => d, { timeoutMs: settleMs, what: `${driven.name} move after ${ctx.name}.stop()`, expected: "to end" });
            await settle(t, flags, settleMs);
            const at = await readback(driven);
            if (Math.abs(at - to) <= axis.tolerance)
              throw new CheckFailedError(`${driven.name} position after stop()`, `short of the target ${fmt(to, axis)}`, `${fmt(at, axis)} (the move was not stopped)`);
            await t.sleep(STILL_MS);
            const later = await readback(driven);
            if (Math.abs(later - at) > axis.tolerance)
              throw new CheckFailedError(`${driven.name} position after stop()`, `to stay at ${fmt(at, axis)} ± ${show(axis.tolerance)}`, `${fmt(later, axis)} (still moving)`);
            t.note(`stopped${via} at ${fmt(at, axis)} on the way from ${fmt(from, axis)} to ${fmt(to, axis)}${units(axis)}`);
          },
          {
            moves: async () => {
              const axis = await axisOf(driven, { param: ctx.param });
              const from = await readback(driven);
              const to = targetFrom(axis, from, await stopDistance(driven, axis, { param: ctx.param }));
              return `${driven.name} ${fmt(from, axis)} → towards ${fmt(to, axis)}${units(axis)}, stopped part-way, and back`;
            },
            tags: ["stop"],
          },
        );
      }

      if (protocols.hasLimits(device))
        check(
          "refuses a target past its limits",
          async (t) => {
            const axis = await scalarAxis(device, t);
            const limits = axis.limits;
            if (!limits) return t.skip("no limits set (low >= high)");
            const beyond = limits[1] + axis.step;
            const from = await readback(device);
            const { status } = await t.startMove(device, beyond);
            const outcome = await Promise.resolve(status).then(
              () => undefined,
              (err: unknown) => err,
            );
            if (outcome === undefined)
              throw new CheckFailedError(
                `${ctx.name} move to ${fmt(beyond, axis)}, past the high limit ${fmt(limits[1], axis)}`,
                "a refusal",
                `the move completed, at ${fmt(await readback(device), axis)}`,
              );
            await t.sleep(STILL_MS);
            const at = await readback(device);
            if (Math.abs(at - from) > axis.tolerance)
              throw new CheckFailedError(`${ctx.name} position after a refused move to ${fmt(beyond, axis)}`, `unchanged at ${fmt(from, axis)}`, fmt(at, axis));
            t.note(`refused: ${(outcome as Error).name ?? "error"}`);
          },
          { moves: () => plan(async (a) => (a.limits ? a.limits[1] + a.step - (await readback(device)) : 0)).then((s) => `nothing (asks ${s.split(" and back")[0]}, past the limit)`), tags: ["limits"] },
        );
    },
    { tags: ["movable"], scope: "all" },
  );
};
