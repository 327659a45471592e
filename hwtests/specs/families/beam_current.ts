/** Beam current monitors (DCCT): the stored current and lifetime read as plausible numbers. */
import type { BeamCurrent } from "../../../devices/accelerator/beam_current.ts";
import { show } from "../../errors.ts";
import type { HwtestApi } from "../../spec.ts";

/** Currents above this are implausible, mA (`--param maxCurrentMa=…`). */
export const DEFAULT_MAX_CURRENT_MA = 1_000;

export const beamCurrentSpec = ({ describeDevice, check, expect }: HwtestApi): void => {
  describeDevice(
    "BeamCurrent",
    (dcct: BeamCurrent, ctx) => {
      check("reads the stored current", async (t) => {
        const [current, lifetime] = await Promise.all([dcct.current.getValue(), dcct.lifetime.getValue()]);
        expect(current, `${ctx.name} current (mA)`).toBeWithin(0, t.param("maxCurrentMa", DEFAULT_MAX_CURRENT_MA));
        expect(lifetime, `${ctx.name} lifetime (h)`).toBeFinite();
        t.note(`${show(current)} mA, lifetime ${show(lifetime)} h`);
      });
    },
    { tags: ["beam-current"] },
  );
};
