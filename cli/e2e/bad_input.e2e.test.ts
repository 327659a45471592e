/** Bad input end to end: each gives a clear error naming what was wrong, and the run closes saying why. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError, LimitError, TimeoutError } from "../../engine/errors.ts";
import * as plans from "../../engine/plans/index.ts";
import type { Plan } from "../../engine/msg.ts";
import { REPO_ROOT } from "./documents.ts";
import { CU_XAFS, checkedEngine, instrument } from "./instrument.ts";

describe("wrong plan arguments", () => {
  it("are refused before anything moves", async () => {
    const d = instrument();
    expect(() => plans.scan([d.det1], d.motor1, -1, 1)).toThrow(InvalidArgumentError);
    expect(() => plans.scan([d.det1], d.motor1, -1, 1)).toThrow(/num/);
    expect(() => plans.gridScan([d.det1], d.det2, 0, 1, 3)).toThrow(InvalidArgumentError);
    expect(() => plans.gridScan([d.det1], d.det2, 0, 1, 3)).toThrow(/det2/);
    expect(() => plans.count([d.motor1.velocity as never], 2)).not.toThrow();
    expect(() => plans.count([{ name: "nope" } as never], 2)).toThrow(/nope/);
    expect(() => plans.xafs([d.mu], d.energy, { ...CU_XAFS, steps: [10, 2] })).toThrow(InvalidArgumentError);
    expect(() => plans.xafs([d.mu], d.energy, { ...CU_XAFS, steps: [10, 2] })).toThrow(/steps/);
    expect(() => plans.tuneCentroid([d.det1], "det1", d.motor1, -1, 1, -0.1)).toThrow(/min_?[sS]tep/);
    expect(d.motor1.position).toBe(0);
    expect(d.motor1.user_setpoint.currentReading()).toMatchObject({ value: 0 });
    expect(d.energy.position).toBe(8800);
  });
});

describe("a set outside the limits", () => {
  it("fails the run with a stop naming the device and its limits; the motor did not move", async () => {
    const d = instrument();
    const { RE, docs } = checkedEngine();
    const run = RE.run(plans.scan([d.det1], d.motor1, 12, 20, 3));
    await expect(run).rejects.toThrow(LimitError);
    await expect(run).rejects.toThrow("motor1: 12 is outside the limits [-10, 10]; nothing was moved");
    expect(docs.finish()).toEqual([]);
    const [stop] = docs.stops;
    expect(stop!.exit_status).toBe("fail");
    expect(stop!.reason).toContain("motor1: 12 is outside the limits [-10, 10]");
    expect(docs.events).toHaveLength(0);
    expect(d.motor1.position).toBe(0);
    expect(d.motor1.moving).toBe(false);
  });
});

describe("a status that times out", () => {
  it("raises TimeoutError naming the device; the motor is stopped and the stop says why", async () => {
    const d = instrument();
    d.motor1.velocity.set(5);
    function* plan(): Plan<void> {
      yield* plans.openRun({ plan_name: "slow_move", plan_args: { target: 5 } });
      yield* plans.absSet(d.motor1, 5, { group: "move", timeout: 0.03 });
      yield* plans.wait("move");
      yield* plans.closeRun();
    }
    const { RE, docs } = checkedEngine();
    const run = RE.run(plan());
    await expect(run).rejects.toThrow(TimeoutError);
    await expect(run).rejects.toThrow(/^motor1: move to 5 timed out after 30 ms \(last value seen: [\d.]+\)$/);
    expect(docs.finish()).toEqual([]);
    expect(docs.stops[0]!.exit_status).toBe("fail");
    expect(docs.stops[0]!.reason).toMatch(/^TimeoutError: motor1: move to 5 timed out after 30 ms/);
    expect(d.motor1.moving).toBe(false);
    const stoppedAt = d.motor1.position;
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(d.motor1.position).toBe(stoppedAt);
  });
});

describe("an unknown device on the command line", () => {
  const skyloop = join(REPO_ROOT, "bin/skyloop.mjs");
  const known = "known devices: motor1, motor2, det1, det2, beam_current";

  it.each([
    ["a detector", ["scan", "nosuch", "motor1", "0", "1", "3"]],
    ["a motor", ["scan", "det1", "nosuch", "0", "1", "3"]],
  ])("as %s exits non-zero naming it and listing the known devices", (_what, args) => {
    const r = spawnSync(process.execPath, [skyloop, "plan", "run", ...args, "--no-table", "--no-plot"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    expect(r.stderr).toContain("InvalidArgumentError: unknown device 'nosuch'");
    expect(r.stderr).toContain(known);
    expect(r.stdout).not.toContain("documents:");
  });
});
