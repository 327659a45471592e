/**
 * Corrector power supplies: set-point and readback agree at rest, the saturation flag agrees with the
 * set-point, and (on simulated targets only, since it drives the supply to its limit) a set-point past the
 * limit raises the flag.
 */
import type { CorrectorPowerSupply } from "../../../devices/accelerator/corrector.ts";
import { CheckFailedError, show } from "../../errors.ts";
import type { HwtestApi } from "../../spec.ts";

export const correctorSpec = ({ describeDevice, check, expect }: HwtestApi): void => {
  describeDevice(
    "CorrectorPowerSupply",
    (ps: CorrectorPowerSupply, ctx) => {
      check("set-point and readback agree at rest", async (t) => {
        const [sp, rb] = await Promise.all([ps.setpoint.getValue(), ps.readback.getValue()]);
        const tol = t.param("tolerance", ps.tolerance ?? 1e-3);
        expect(rb, `${ctx.name} readback (A) for set-point ${show(sp)} A`).toBeCloseTo(sp, tol);
        t.note(`set-point ${show(sp)} A, readback ${show(rb)} A`);
      });

      check("saturation flag agrees with the set-point", async (t) => {
        const [sp, sat, [low, high]] = await Promise.all([ps.setpoint.getValue(), ps.saturated.getValue(), ps.limits()]);
        expect(sat, `${ctx.name} saturation flag`).toBeOneOf([0, 1]);
        const beyond = low < high && (sp < low || sp > high);
        expect(sat, `${ctx.name} saturation flag at set-point ${show(sp)} A (limits ${show(low)}…${show(high)} A)`).toBe(beyond ? 1 : 0);
        t.note(`flag ${sat} at ${show(sp)} A`);
      });

      check(
        "reports saturation past its limit",
        async (t) => {
          const [low, high] = await ps.limits();
          if (!(low < high)) t.skip("no limits set (DRVL >= DRVH)");
          const beyond = high + Math.max(0.1 * (high - low), 1e-3);
          // Past the device's own refusal: write the set-point PV directly, as a faulty client could.
          await t.move(ps.setpoint, beyond);
          await t.waitFor(() => ps.saturated.getValue(), (v) => v === 1, {
            timeoutMs: t.param("settleMs", 2000),
            what: `${ctx.name} saturation flag at set-point ${show(beyond)} A (high limit ${show(high)} A)`,
            expected: "1",
          });
          const rb = await ps.readback.getValue();
          if (rb > high + (ps.tolerance ?? 1e-3))
            throw new CheckFailedError(`${ctx.name} readback (A) when saturated`, `<= the limit ${show(high)}`, show(rb));
        },
        { moves: `${ctx.name} set-point past its high limit, and back`, targets: ["sim", "ioc"], targetsReason: "drives the supply to its limit: rehearsed on the sim and ioc targets only" },
      );
    },
    { tags: ["corrector"] },
  );
};
