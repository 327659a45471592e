/**
 * Valves and shutters: they open and close and report each state, report their interlock, and refuse to open
 * while interlocked. The interlock is engaged through the simulator on the sim and ioc targets; on real
 * devices the refusal is checked only when the interlock is already set.
 */
import { InterlockRefusedError } from "../../../devices/beamline/errors.ts";
import { Shutter, Valve } from "../../../devices/beamline/gate.ts";
import { CheckFailedError, show } from "../../errors.ts";
import type { CheckContext, HwtestApi } from "../../spec.ts";

/**
 * Save every valve and shutter of the instrument, in beam order: moving one moves others (closing a valve
 * closes the shutter behind it), and all of them are put back after the check.
 */
async function rememberAllGates(t: CheckContext): Promise<void> {
  for (const d of t.instrument.values()) if (d instanceof Valve || d instanceof Shutter) await t.remember(d);
}

/** How long a valve or shutter may take to report a new state, ms (`--param travelMs=…`). */
export const DEFAULT_TRAVEL_MS = 15_000;

export const gateSpec = ({ describeDevice, check, expect }: HwtestApi): void => {
  describeDevice(
    ["Valve", "Shutter"],
    (gate: Valve, ctx) => {
      check(
        "opens and closes, reporting each state",
        async (t) => {
          const start = await gate.state.getValue();
          expect(start, `${ctx.name} state`).toBeOneOf(["Open", "Closed"]);
          await rememberAllGates(t);
          const order = start === "Open" ? (["close", "open"] as const) : (["open", "close"] as const);
          for (const command of order) {
            const want = command === "open" ? "Open" : "Closed";
            await t.move(gate, command, { what: `${ctx.name} ${command}` });
            await t.waitFor(() => gate.state.getValue(), (s) => s === want, {
              timeoutMs: t.param("travelMs", DEFAULT_TRAVEL_MS),
              what: `${ctx.name} state after ${command}`,
              expected: show(want),
            });
          }
          t.note(`${order.join(", then ")}; back to ${start}`);
        },
        { moves: `${ctx.name}: close and reopen (or open and close)` },
      );

      check("reports its interlock", async (t) => {
        const [interlock, message] = await Promise.all([gate.interlock.getValue(), gate.interlock_message.getValue()]);
        expect(interlock, `${ctx.name} interlock`).toBeOneOf(["OK", "Interlocked"]);
        expect(typeof message, `${ctx.name} interlock message type`).toBe("string");
        t.note(`interlock ${interlock}${message ? `: ${message}` : ""}`);
      });

      check(
        "refuses to open while interlocked",
        async (t) => {
          const rehearsal = t.rehearsal;
          if (!rehearsal && (await gate.interlock.getValue()) !== "Interlocked")
            t.skip("the interlock is not set: set it by hand and run again, or rehearse on the sim target");
          await rememberAllGates(t);
          try {
            if (rehearsal) await rehearsal.setInterlock(gate, true);
            await t.waitFor(() => gate.interlock.getValue(), (s) => s === "Interlocked", {
              timeoutMs: t.param("travelMs", DEFAULT_TRAVEL_MS),
              what: `${ctx.name} interlock after engaging it`,
              expected: '"Interlocked"',
            });
            await t.waitFor(() => gate.state.getValue(), (s) => s === "Closed", {
              timeoutMs: t.param("travelMs", DEFAULT_TRAVEL_MS),
              what: `${ctx.name} state while interlocked`,
              expected: '"Closed"',
            });
            const outcome = await Promise.resolve(gate.set("open", { timeoutMs: t.param("travelMs", DEFAULT_TRAVEL_MS) })).then(
              () => undefined,
              (err: unknown) => err,
            );
            if (outcome === undefined)
              throw new CheckFailedError(`${ctx.name} open while interlocked`, "a refusal by the interlock", `it opened (state ${show(await gate.state.getValue())})`);
            expect(outcome, `${ctx.name} refusal to open while interlocked`).toBeInstanceOf(InterlockRefusedError);
            expect(await gate.state.getValue(), `${ctx.name} state after the refused open`).toBe("Closed");
            t.note(`refused: ${(outcome as InterlockRefusedError).reason}`);
          } finally {
            if (rehearsal) await rehearsal.setInterlock(gate, false);
          }
        },
        { moves: `${ctx.name}: engage its interlock (simulated targets), try to open, release` },
      );
    },
    { tags: ["gate"] },
  );
};
