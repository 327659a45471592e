/**
 * Monochromator and undulator: each reaches an energy a little away from where it is (and the
 * monochromator's Bragg angle agrees with it), then goes back.
 */
import { braggFromEnergy, type Monochromator } from "../../../devices/beamline/monochromator.ts";
import type { Undulator } from "../../../devices/beamline/undulator.ts";
import { show } from "../../errors.ts";
import type { CheckContext, HwtestApi } from "../../spec.ts";
import { axisOf, targetFrom } from "../motion.ts";

/** How far the energy moves, eV (`--param energyStepEv=…`). */
export const DEFAULT_ENERGY_STEP_EV = 10;
/** How close it must get, eV (`--param energyToleranceEv=…`). */
export const DEFAULT_ENERGY_TOLERANCE_EV = 0.5;
/** How long the energy readback may take to arrive after the move, ms. */
export const DEFAULT_ENERGY_SETTLE_MS = 2_000;

async function reachEnergy(t: CheckContext, device: Monochromator | Undulator, name: string): Promise<{ from: number; to: number; seen: number }> {
  const axis = await axisOf(device, t);
  const from = await device.energy.getValue();
  const to = targetFrom(axis, from, t.param("energyStepEv", DEFAULT_ENERGY_STEP_EV));
  const tol = t.param("energyToleranceEv", DEFAULT_ENERGY_TOLERANCE_EV);
  await t.move(device, to, { what: `${name} move to ${show(to)} eV` });
  const seen = await t.waitFor(() => device.energy.getValue(), (e) => Math.abs(e - to) <= tol, {
    timeoutMs: t.param("settleMs", DEFAULT_ENERGY_SETTLE_MS),
    what: `${name} energy (eV) after a move from ${from.toFixed(2)} to ${to.toFixed(2)}`,
    expected: `${to.toFixed(2)} ± ${show(tol)}`,
    format: (e: number) => e.toFixed(2),
  });
  return { from, to, seen };
}

export const energySpec = ({ describeDevice, check, expect }: HwtestApi): void => {
  describeDevice(
    "Monochromator",
    (mono: Monochromator, ctx) => {
      check(
        "reaches an energy",
        async (t) => {
          const { from, to, seen } = await reachEnergy(t, mono, ctx.name);
          const [theta, d, precision] = await Promise.all([mono.bragg.user_readback.getValue(), mono.d_spacing.getValue(), mono.bragg.precision.getValue()]);
          const want = braggFromEnergy(to, d);
          expect(theta, `${ctx.name} Bragg angle (deg) at ${to.toFixed(2)} eV (d = ${show(d)} Å)`).toBeCloseTo(want, Math.max(2 * 10 ** -precision, 1e-6));
          t.note(`${from.toFixed(2)} → ${seen.toFixed(2)} eV (θ ${theta.toFixed(precision)}°)`);
        },
        { moves: `${ctx.name}: energy by ${DEFAULT_ENERGY_STEP_EV} eV and back` },
      );
    },
    { tags: ["energy", "monochromator"] },
  );

  describeDevice(
    "Undulator",
    (id: Undulator, ctx) => {
      check(
        "reaches an energy",
        async (t) => {
          const gap0 = await id.gap.user_readback.getValue();
          const { from, seen } = await reachEnergy(t, id, ctx.name);
          const gap = await id.gap.user_readback.getValue();
          expect(gap, `${ctx.name} gap (mm) after an energy change`).not.toBe(gap0);
          t.note(`${from.toFixed(1)} → ${seen.toFixed(1)} eV (gap ${gap0.toFixed(3)} → ${gap.toFixed(3)} mm)`);
        },
        { moves: `${ctx.name}: energy by ${DEFAULT_ENERGY_STEP_EV} eV (its gap) and back` },
      );
    },
    { tags: ["energy", "undulator"] },
  );
};
