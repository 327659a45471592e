/** The spec API and the runner: time limits, putting back on failure and interruption, dry run, confirmation, --only. */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../engine/errors.ts";
import type { EpicsMotor } from "../devices/motors/epics_motor.ts";
import { loadProfile } from "../devices/profile.ts";
import { hwtestCommand } from "./command.ts";
import { SpecLoadError } from "./errors.ts";
import { buildRegistry } from "./loader.ts";
import { HwtestRun, runHwtests } from "./runner.ts";
import { type HwtestApi, SpecRegistry } from "./spec.ts";
import { type OpenedTarget, openTarget } from "./targets.ts";

const BEAMLINE = new URL("../profiles/sim-beamline.yaml", import.meta.url).pathname;

let opened: OpenedTarget[] = [];
afterEach(async () => {
  for (const o of opened) await o.close();
  opened = [];
});

async function beamline() {
  const t = await openTarget(await loadProfile(BEAMLINE), { target: "sim", speedUp: 20 });
  opened.push(t);
  const focus = t.devices.focus as unknown as EpicsMotor;
  await focus.connect();
  return { t, focus };
}

function registry(spec: (api: HwtestApi) => void): SpecRegistry {
  const r = new SpecRegistry();
  r.load(spec, "test-spec");
  return r;
}

describe("runner", () => {
  it("fails a check that outlives its limit, stops and puts back what it moved, and goes on", async () => {
    const { t, focus } = await beamline();
    const start = await focus.user_setpoint.getValue();
    const reg = registry(({ describeDevice, check }) =>
      describeDevice("EpicsMotor", (m: EpicsMotor) => {
        check(
          "hangs after moving",
          async (c) => {
            await c.move(m, start + 10);
            await new Promise(() => {});
          },
          { moves: true, timeoutMs: 200 },
        );
        check("runs next", () => {});
      }),
    );
    const r = await runHwtests({ instrument: "x", target: "sim", devices: t.devices, registry: reg, only: ["focus"] });
    expect(r.results.map((x) => [x.device, x.check, x.outcome, x.message])).toEqual([
      ["focus", "connects", "pass", ""],
      ["focus", "hangs after moving", "fail", "did not finish within its limit of 200 ms"],
      ["focus", "runs next", "pass", ""],
    ]);
    expect(await focus.user_setpoint.getValue()).toBe(start);
    expect(await focus.user_readback.getValue()).toBeCloseTo(start, 6);
  });

  it("puts a device back after a failing check, and refuses moves a check did not declare", async () => {
    const { t, focus } = await beamline();
    const start = await focus.user_setpoint.getValue();
    const reg = registry(({ describeDevice, check, expect: want }) =>
      describeDevice("EpicsMotor", (m: EpicsMotor) => {
        check("moves then fails", async (c) => {
          await c.move(m, start + 5);
          want(await m.user_readback.getValue(), "focus readback (um)").toBeCloseTo(start, 0.1);
        }, { moves: true });
        check("moves without saying so", (c) => c.move(m, start + 5));
      }),
    );
    const r = await runHwtests({ instrument: "x", target: "sim", devices: t.devices, registry: reg, only: ["focus"] });
    expect(r.failures).toEqual([
      { device: "focus", check: "moves then fails", message: `focus readback (um): expected ${start} ± 0.1, saw ${start + 5}` },
      { device: "focus", check: "moves without saying so", message: 'InvalidArgumentError: check "moves without saying so" moves focus but does not say so: declare it with { moves: true }' },
    ]);
    expect(await focus.user_setpoint.getValue()).toBe(start);
  });

  it("interrupt(): the running check is stopped and put back, the rest are not run", async () => {
    const { t, focus } = await beamline();
    const start = await focus.user_setpoint.getValue();
    let run: HwtestRun | undefined;
    const reg = registry(({ describeDevice, check }) =>
      describeDevice("EpicsMotor", (m: EpicsMotor) => {
        check("long move", async (c) => {
          const { status } = await c.startMove(m, start + 200);
          run!.interrupt("interrupted by Ctrl-C");
          await status;
        }, { moves: true });
        check("never runs", () => {});
      }),
    );
    run = new HwtestRun({ instrument: "x", target: "sim", devices: t.devices, registry: reg, only: ["focus"] });
    const r = await run.run();
    expect(r.interrupted).toBe(true);
    expect(r.results.slice(1).map((x) => [x.check, x.outcome, x.message])).toEqual([
      ["long move", "skip", "not finished: interrupted by Ctrl-C"],
      ["never runs", "skip", "not run: interrupted by Ctrl-C"],
    ]);
    expect(await focus.user_setpoint.getValue()).toBe(start);
    expect(await focus.motor_done_move.getValue()).toBe(1);
  });

  it("a dry run lists what would move and moves nothing; an unconfirmed run skips the moving checks", async () => {
    const { t, focus } = await beamline();
    const start = await focus.user_setpoint.getValue();
    const dry = await runHwtests({ instrument: "x", target: "sim", devices: t.devices, registry: await buildRegistry(), only: ["focus"], dryRun: true });
    expect(dry.results.find((x) => x.check === "small move completes and settles")!.message).toBe("dry run: would move focus -1150.0 → -1145.0 um and back");
    expect(dry.results.find((x) => x.check === "describe and read agree")!.message).toBe("dry run");
    expect(dry.passed).toBe(1);
    const asked: string[] = [];
    const no = await runHwtests({
      instrument: "x",
      target: "sim",
      devices: t.devices,
      registry: await buildRegistry(),
      only: ["focus"],
      confirm: async (moves) => {
        asked.push(...moves.map((m) => m.check));
        return false;
      },
    });
    expect(asked).toEqual(["small move completes and settles", "readback arrives within tolerance", "stop() ends a move part-way", "refuses a target past its limits"]);
    expect(no.results.filter((x) => x.moves).map((x) => x.message)).toEqual(new Array(4).fill("not run: moving devices was not confirmed (answer y, or pass --yes)"));
    expect(no.results.filter((x) => !x.moves).every((x) => x.outcome === "pass")).toBe(true);
    expect(await focus.user_setpoint.getValue()).toBe(start);
  });

  it("--only takes devices, classes and tags, and names what there is for a word that names nothing", async () => {
    const { t } = await beamline();
    const reg = await buildRegistry();
    const byTag = await runHwtests({ instrument: "x", target: "sim", devices: t.devices, registry: reg, only: ["Valve", "gate"], dryRun: true });
    expect(new Set(byTag.results.map((x) => x.device))).toEqual(new Set(["fe_valve", "bl_valve", "es_valve"]));
    expect(byTag.results.filter((x) => x.check !== "connects").every((x) => x.tags.includes("gate"))).toBe(true);
    const err = await runHwtests({ instrument: "x", target: "sim", devices: t.devices, registry: reg, only: ["nosuch"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toMatch(/^--only "nosuch" names no device, class or tag \(devices: dcct, undulator, slits, .*; tags: .*gate.*movable/);
  });
});

describe("spec API and spec files", () => {
  it("check() outside a describeDevice body is refused", () => {
    const err = (() => {
      try {
        new SpecRegistry().load(({ check }) => check("x", () => {}), "bad");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toBe('check("x") must be called inside a describeDevice body');
  });

  it("loads a site's spec file with --specs, and names a file that exports no spec", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hwspecs-"));
    await writeFile(
      join(dir, "focus.ts"),
      `export default ({ describeDevice, check, expect }) => {
  describeDevice("EpicsMotor", (motor, ctx) => {
    if (ctx.name !== "focus") return;
    check("best focus is in range", async () => {
      expect(await motor.user_readback.getValue(), "focus (um)").toBeWithin(-1200, -1100);
    }, { tags: ["site"] });
  });
};\n`,
    );
    const { t } = await beamline();
    const r = await runHwtests({ instrument: "x", target: "sim", devices: t.devices, registry: await buildRegistry([dir]), only: ["site"] });
    expect(r.results.map((x) => [x.device, x.check, x.outcome, x.spec])).toEqual([
      ["focus", "connects", "pass", "builtin:connection"],
      ["focus", "best focus is in range", "pass", join(dir, "focus.ts")],
    ]);
    await writeFile(join(dir, "empty.ts"), "export const nothing = 1;\n");
    const err = await buildRegistry([join(dir, "empty.ts")]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecLoadError);
    expect((err as Error).message).toBe(
      `${join(dir, "empty.ts")}: a spec file must export default a function taking the hwtest API, e.g. export default ({ describeDevice, check, expect }) => { ... }`,
    );
  });
});

describe("hwtestCommand", () => {
  it("prints the table and a JSON last line, and exits 1 when a fault is caught", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await hwtestCommand({
      profile: BEAMLINE,
      target: "sim",
      only: ["mirror"],
      json: true,
      fault: ["stuck-motor:BL:M1:Y"],
      param: ["settleMs=300", "stopMoveS=2", "stopSpanFraction=0.2"],
      speedUp: 20,
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
      tty: false,
      colour: false,
      handleSigint: false,
    });
    expect(code).toBe(1);
    // The heading announces what the totals count, by the same definitions: the mirror and its three motors.
    const progress = err.join("").split("\n");
    expect(progress[1]).toBe("1 device (4 with its parts), 18 checks");
    expect(out.join("")).toMatch(/; 1 device \(4 with its parts\), 18 checks in \d+ ms\n/);
    // Progress lines line up from the first: the outcome starts at one column throughout.
    const columns = new Set(progress.filter((l) => l.startsWith("[")).map((l) => l.search(/ (pass|FAIL|skip) /)));
    expect(columns.size).toBe(1);
    // The table's headers stand over their columns.
    const table = out.join("").split("\n");
    const head = table[0]!;
    for (const row of table.slice(2).filter((l) => / (pass|FAIL) /.test(l))) {
      expect(row.search(/ (pass|FAIL) /) + 1).toBe(head.indexOf("result"));
      expect(row.indexOf(" ms") + 3).toBe(head.indexOf("time") + 4);
    }
    const lines = out.join("").trimEnd().split("\n");
    const summary = JSON.parse(lines.at(-1)!);
    expect(summary).toMatchObject({ instrument: "sim-beamline", target: "sim", failed: 1, skipped: 0 });
    expect(summary.failures).toEqual([
      { device: "mirror-y", check: "readback arrives within tolerance", message: "mirror-y readback (mm) after a move from 0.000 to 0.100: expected 0.100 ± 0.002 within 300 ms, saw 0.000" },
    ]);
    expect(lines.find((l) => l.startsWith("mirror-y ") && l.includes("readback arrives"))).toMatch(/^mirror-y\s+readback arrives within tolerance\s+FAIL\s+\d+ ms\s+mirror-y readback/);
  });

  it("Ctrl-C: the handler interrupts the run, puts every device back, then exits 130", async () => {
    const exits: number[] = [];
    const out: string[] = [];
    const code = await hwtestCommand({
      profile: BEAMLINE,
      target: "sim",
      only: ["focus"],
      json: true,
      stdout: (s) => out.push(s),
      stderr: () => {},
      exit: (c) => exits.push(c),
      // Real-time simulator: the first move takes 0.2 s, so Ctrl-C lands in the middle of the checks.
      onRun: () => void setTimeout(() => process.emit("SIGINT"), 150),
    });
    expect(code).toBe(130);
    expect(exits).toEqual([130]);
    const summary = JSON.parse(out.join("").trimEnd().split("\n").at(-1)!);
    expect(summary.interrupted).toBe(true);
    expect(summary.failed).toBe(0);
    expect(out.join("")).toMatch(/not finished: interrupted by Ctrl-C/);
    expect(out.join("")).toMatch(/sim-beamline on sim \(interrupted\)/);
    expect(process.listenerCount("SIGINT")).toBe(0);
  });
});
