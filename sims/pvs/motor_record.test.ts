import { afterEach, describe, expect, it } from "vitest";
import { LimitError } from "../../engine/errors.ts";
import { MotorRecord } from "./motor_record.ts";
import { SimPvTable } from "./table.ts";

function rig(options: { velocity?: number; limits?: [number, number] } = {}) {
  const table = new SimPvTable({ tickMs: 5 });
  const axis = { pos: 0, get() { return this.pos; }, set(v: number) { this.pos = v; } };
  const motor = new MotorRecord(table, "T:M1", axis, { velocity: options.velocity ?? 100, accelerationTime: 0.01, limits: options.limits ?? [-10, 10] });
  return { table, axis, motor };
}

let tables: SimPvTable[] = [];
afterEach(() => {
  for (const t of tables) t.dispose();
  tables = [];
});

describe("MotorRecord", () => {
  it("moves in time: DMOV 0 then 1, the put completes on arrival with the axis at the target", async () => {
    const { table, axis, motor } = rig({ velocity: 100 });
    tables.push(table);
    const dmov: number[] = [];
    motor.dmov.subscribe((s) => dmov.push(s.value as number));
    const started = performance.now();
    const put = motor.val.put(2);
    expect(motor.dmov.value).toBe(0);
    expect(motor.movn.value).toBe(1);
    await put;
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(15); // 2 mm at 100 mm/s plus acceleration: ~30 ms
    expect(axis.pos).toBe(2);
    expect(motor.rbv.read().value).toBe(2);
    expect(dmov).toEqual([0, 1]);
    expect(motor.movn.value).toBe(0);
  });

  it("refuses a target past the limits with a LimitError and does not move", async () => {
    const { table, axis, motor } = rig();
    tables.push(table);
    const err = await motor.val.put(11).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as Error).message).toBe("T:M1: 11 is outside the limits [-10, 10]; nothing was moved");
    expect(axis.pos).toBe(0);
    expect(motor.val.value).toBe(0);
    expect(motor.dmov.value).toBe(1);
  });

  it("stops where it is on STOP, completing the pending put", async () => {
    const { table, axis, motor } = rig({ velocity: 5 }); // 1 s for the move: the stop lands well inside it
    tables.push(table);
    const put = motor.val.put(5);
    await new Promise((r) => setTimeout(r, 40));
    await motor.stop.put(1);
    await put;
    expect(axis.pos).toBeGreaterThan(0);
    expect(axis.pos).toBeLessThan(5);
    expect(motor.val.value).toBe(axis.pos);
    expect(motor.rbv.value).toBe(axis.pos);
    expect(motor.dmov.value).toBe(1);
  });

  it("stuck-motor: goes busy, reports done, never moves", async () => {
    const { table, axis, motor } = rig();
    tables.push(table);
    table.applyFault({ kind: "stuck-motor", motor: "T:M1" });
    const dmov: number[] = [];
    motor.dmov.subscribe((s) => dmov.push(s.value as number));
    await motor.val.put(3);
    expect(dmov).toEqual([0, 1]);
    expect(axis.pos).toBe(0);
    expect(motor.rbv.read().value).toBe(0);
    expect(motor.val.value).toBe(3);
  });

  it("readback-offset: RBV reads the true position plus the offset", async () => {
    const { table, axis, motor } = rig();
    tables.push(table);
    table.applyFault({ kind: "readback-offset", motor: "T:M1", offset: 0.25 });
    await motor.val.put(1);
    expect(axis.pos).toBe(1);
    expect(motor.rbv.read().value).toBe(1.25);
  });
});
