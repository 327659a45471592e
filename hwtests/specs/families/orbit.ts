/** Orbit systems: one orbit value per BPM name, finite, and corrector set-points matched by their readbacks. */
import type { OrbitSystem } from "../../../devices/accelerator/orbit_system.ts";
import { CheckFailedError, show } from "../../errors.ts";
import type { HwtestApi } from "../../spec.ts";

export const orbitSpec = ({ describeDevice, check, expect }: HwtestApi): void => {
  describeDevice(
    "OrbitSystem",
    (orbit: OrbitSystem, ctx) => {
      check("orbit has one finite value per BPM", async (t) => {
        const [names, x, y] = await Promise.all([orbit.bpm_names.getValue(), orbit.x.getValue(), orbit.y.getValue()]);
        expect(x.length, `${ctx.name} x orbit length (${names.length} BPM names)`).toBe(names.length);
        expect(y.length, `${ctx.name} y orbit length (${names.length} BPM names)`).toBe(names.length);
        expect(x, `${ctx.name} x orbit (mm)`).toBeFinite();
        expect(y, `${ctx.name} y orbit (mm)`).toBeFinite();
        t.note(`${names.length} BPMs`);
      });

      check("corrector readbacks match their set-points", async (t) => {
        const tol = t.param("tolerance", orbit.tolerance);
        for (const plane of ["h", "v"] as const) {
          const [names, sp, rb] = await Promise.all([
            (plane === "h" ? orbit.h_names : orbit.v_names).getValue(),
            (plane === "h" ? orbit.h_setpoints : orbit.v_setpoints).getValue(),
            (plane === "h" ? orbit.h_readbacks : orbit.v_readbacks).getValue(),
          ]);
          expect(rb.length, `${ctx.name} ${plane} readbacks`).toBe(sp.length);
          const off = sp.map((s, i) => [names[i] ?? `#${i}`, s, rb[i]!] as const).filter(([, s, r]) => !(Math.abs(s - r) <= tol));
          if (off.length > 0)
            throw new CheckFailedError(
              `${ctx.name} corrector readbacks (A)`,
              `within ${show(tol)} of their set-points`,
              off.map(([n, s, r]) => `${n} ${show(r)} for ${show(s)}`).join(", "),
            );
        }
      });
    },
    { tags: ["orbit"] },
  );
};
