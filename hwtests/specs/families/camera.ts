/**
 * Cameras with a stats plugin: an exposure brings a frame whose statistics agree with the frame, and the
 * centroid follows the beam when a steering axis moves it (on the beamline simulator: the mirror pitch).
 */
import type { Camera } from "../../../devices/beamline/camera.ts";
import { EpicsMotor } from "../../../devices/motors/epics_motor.ts";
import { CheckFailedError, show } from "../../errors.ts";
import type { CheckContext, HwtestApi } from "../../spec.ts";
import { axisOf, targetFrom } from "../motion.ts";
import { completes } from "../protocols/triggerable.ts";

const INVALID = 3;

/** The centroid must move at least this far when the beam is steered, px (`--param minShiftPx=…`). */
export const DEFAULT_MIN_SHIFT_PX = 0.5;

async function expose(t: CheckContext, cam: Camera, name: string) {
  await completes(t, cam.trigger(), `${name} exposure`, Math.floor(t.timeoutMs / 3));
  const s = cam.stats;
  const [cx, cy, sx, sy, total, max] = await Promise.all([s.centroid_x, s.centroid_y, s.sigma_x, s.sigma_y, s.total, s.max_value].map((sig) => sig.currentReading()));
  // The stats plugin flags its centroid INVALID when no pixel is above its threshold: no beam on the camera.
  const dark = (cx!.alarm_severity ?? 0) >= INVALID;
  return { cx: cx!.value, cy: cy!.value, sx: sx!.value, sy: sy!.value, total: total!.value, max: max!.value, dark };
}

/** The steering axis: `--param steer=<device>`, else the pitch of the instrument's first mirror. */
function steerer(t: CheckContext, cameraName: string): EpicsMotor | undefined {
  const named = t.param("steer", "");
  if (named) {
    const d = t.lookup(named);
    if (!(d instanceof EpicsMotor)) throw new CheckFailedError(`--param ${cameraName}.steer`, "the name of a motor of the instrument", show(named));
    return d;
  }
  for (const guess of ["mirror-pitch", "m1-pitch", "mirror1-pitch"]) {
    const d = t.lookup(guess);
    if (d instanceof EpicsMotor) return d;
  }
  return undefined;
}

export const cameraSpec = ({ describeDevice, check, expect }: HwtestApi): void => {
  describeDevice(
    "Camera",
    (cam: Camera, ctx) => {
      check("stats agree with the frame", async (t) => {
        const stats = await expose(t, cam, ctx.name);
        const [w, h, image] = await Promise.all([cam.size_x.getValue(), cam.size_y.getValue(), cam.image.getValue()]);
        expect(image.length, `${ctx.name} frame size (pixels)`).toBe(w * h);
        let total = 0;
        let max = Number.NEGATIVE_INFINITY;
        let at = 0;
        image.forEach((v, i) => {
          total += v;
          if (v > max) [max, at] = [v, i];
        });
        expect(stats.max, `${ctx.name} Stats1 MaxValue (counts)`).toBeCloseTo(max, 0.5);
        expect(stats.total, `${ctx.name} Stats1 Total (counts)`).toBeCloseTo(total, Math.max(0.5, 1e-6 * Math.abs(total)));
        if (stats.dark) return t.skip("the frame is dark (no pixel above the stats threshold): no beam on the camera");
        const [px, py] = [at % w, Math.floor(at / w)];
        const reach = (sigma: number) => 3 * Math.abs(sigma) + 2;
        expect(stats.cx, `${ctx.name} centroid x (px), brightest pixel at x = ${px}`).toBeCloseTo(px, reach(stats.sx));
        expect(stats.cy, `${ctx.name} centroid y (px), brightest pixel at y = ${py}`).toBeCloseTo(py, reach(stats.sy));
        t.note(`centroid (${stats.cx.toFixed(1)}, ${stats.cy.toFixed(1)}) px, max ${show(max)}`);
      });

      check(
        "stats follow the beam",
        async (t) => {
          const motor = steerer(t, ctx.name);
          if (!motor) return t.skip("no steering axis: name one with --param <camera>.steer=<motor>");
          const before = await expose(t, cam, ctx.name);
          if (before.dark) return t.skip("the frame is dark (no pixel above the stats threshold): no beam on the camera");
          const axis = await axisOf(motor, { param: (k, f) => t.param(`steer.${k}`, f) });
          const from = await motor.user_readback.getValue();
          await t.move(motor, targetFrom(axis, from, axis.step));
          const after = await expose(t, cam, ctx.name);
          const shift = Math.hypot(after.cx - before.cx, after.cy - before.cy);
          const min = t.param("minShiftPx", DEFAULT_MIN_SHIFT_PX);
          if (!(shift >= min))
            throw new CheckFailedError(`${ctx.name} centroid shift (px) after moving ${motor.name} by ${show(axis.step)} ${axis.units}`, `>= ${show(min)}`, show(shift));
          t.note(`${motor.name} by ${show(axis.step)} ${axis.units}: centroid moved ${shift.toFixed(2)} px`);
        },
        { moves: `the steering axis of ${ctx.name} by one small step, and back` },
      );
    },
    { tags: ["camera"] },
  );
};
