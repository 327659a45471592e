/** Beam position monitors: the readings update, and read plausible, quiet positions with beam. */
import type { Bpm } from "../../../devices/accelerator/bpm.ts";
import { CheckFailedError, show } from "../../errors.ts";
import type { HwtestApi } from "../../spec.ts";

/** Positions beyond this are implausible, mm (`--param maxAbsMm=…`). */
export const DEFAULT_BPM_MAX_ABS_MM = 10;
/** The spread of successive readings may not exceed this, mm (`--param maxNoiseMm=…`). */
export const DEFAULT_BPM_MAX_NOISE_MM = 0.02;
/** How many readings the noise is measured on (`--param samples=…`). */
export const DEFAULT_BPM_SAMPLES = 10;
/** Time between them, ms, by target (`--param sampleMs=…`): real BPMs update at 10 Hz or so. */
export const DEFAULT_BPM_SAMPLE_MS = { sim: 2, ioc: 20, ca: 110 } as const;
/** A BPM must show a new reading within this, ms (`--param updateMs=…`). */
export const DEFAULT_BPM_UPDATE_MS = 2_000;

export function standardDeviation(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
}

export const bpmSpec = ({ describeDevice, check, expect }: HwtestApi): void => {
  describeDevice(
    "Bpm",
    (bpm: Bpm, ctx) => {
      check("updates", async (t) => {
        const first = await bpm.x.read();
        const ts0 = first[bpm.x.name]!.timestamp;
        const x0 = first[bpm.x.name]!.value;
        await t.waitFor(
          async () => (await bpm.x.read())[bpm.x.name]!,
          (r) => r.timestamp !== ts0 || r.value !== x0,
          { timeoutMs: t.param("updateMs", DEFAULT_BPM_UPDATE_MS), what: `${ctx.name} x reading`, expected: `a new value or timestamp after ${show(x0)} at ${ts0}`, pollMs: t.param("sampleMs", DEFAULT_BPM_SAMPLE_MS[ctx.target]) },
        );
      });

      check("reads a plausible position with beam", async (t) => {
        const [status, x, y, sum] = await Promise.all([bpm.status.getValue(), bpm.x.getValue(), bpm.y.getValue(), bpm.sum.getValue()]);
        expect(status, `${ctx.name} status`).toBe("OK");
        const maxAbs = t.param("maxAbsMm", DEFAULT_BPM_MAX_ABS_MM);
        expect(x, `${ctx.name} x (mm)`).toBeWithin(-maxAbs, maxAbs);
        expect(y, `${ctx.name} y (mm)`).toBeWithin(-maxAbs, maxAbs);
        expect(sum, `${ctx.name} sum signal`).toBeGreaterThan(0);
        t.note(`x ${x.toFixed(4)} mm, y ${y.toFixed(4)} mm, sum ${show(sum)}`);
      });

      check("noise is low", async (t) => {
        const n = t.param("samples", DEFAULT_BPM_SAMPLES);
        const gap = t.param("sampleMs", DEFAULT_BPM_SAMPLE_MS[ctx.target]);
        const xs: number[] = [];
        const ys: number[] = [];
        for (let i = 0; i < n; i++) {
          if (i > 0) await t.sleep(gap);
          const [x, y] = await Promise.all([bpm.x.getValue(), bpm.y.getValue()]);
          xs.push(x);
          ys.push(y);
        }
        const max = t.param("maxNoiseMm", DEFAULT_BPM_MAX_NOISE_MM);
        const [sx, sy] = [standardDeviation(xs), standardDeviation(ys)];
        for (const [plane, s] of [["x", sx], ["y", sy]] as const)
          if (!(s <= max))
            throw new CheckFailedError(`${ctx.name} ${plane} noise (standard deviation of ${n} readings, mm)`, `<= ${show(max)}`, show(s));
        t.note(`σx ${(sx * 1000).toFixed(1)} µm, σy ${(sy * 1000).toFixed(1)} µm over ${n} readings`);
      });
    },
    { tags: ["bpm"] },
  );
};
