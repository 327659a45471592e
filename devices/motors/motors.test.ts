import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FailedStatusError, LimitError, NotConnectedError, TimeoutError } from "../../engine/errors.ts";
import { registerSimBackend } from "../../sims/pvs/backend.ts";
import { MotorRecord } from "../../sims/pvs/motor_record.ts";
import { SimPvTable } from "../../sims/pvs/table.ts";
import { assertDescribeMatchesRead } from "../testing.ts";
import { EpicsMotor } from "./epics_motor.ts";
import { PvPositioner } from "./pv_positioner.ts";

let table: SimPvTable;
let unregister: () => void;
const axis = { pos: 0, get() { return this.pos; }, set(v: number) { this.pos = v; } };

beforeEach(() => {
  axis.pos = 0;
  table = new SimPvTable({ tickMs: 5 });
  new MotorRecord(table, "T:M1", axis, { velocity: 50, accelerationTime: 0.01, limits: [-10, 10], units: "mm", precision: 3 });
  // A set-point/readback pair whose readback lags: it follows 1 ms after each write.
  const rb = table.create("T:PS:RB", "double");
  table.create("T:PS:SP", "double", { writable: true, onPut: (v) => void setTimeout(() => rb.set(v as number), 1) });
  table.create("T:PS:LO", "double", { value: -2 });
  table.create("T:PS:HI", "double", { value: 2 });
  unregister = registerSimBackend(table);
});

afterEach(() => {
  unregister();
  table.dispose();
});

describe("EpicsMotor on a simulated motor record", () => {
  it("reads the readback under its own name, the set-point and configuration, describe matching read", async () => {
    const m = new EpicsMotor({ name: "m1", prefix: "T:M1", scheme: "sim" });
    await m.connect();
    const reading = await m.read();
    expect(Object.keys(reading)).toEqual(["m1", "m1-user_setpoint"]);
    expect(m.hints).toEqual({ fields: ["m1"] });
    expect(Object.keys(await m.readConfiguration())).toEqual([
      "m1-velocity",
      "m1-acceleration_time",
      "m1-motor_egu",
      "m1-low_limit_travel",
      "m1-high_limit_travel",
    ]);
    const keys = await m.describe();
    expect(keys["m1"]).toMatchObject({ source: "sim://T:M1.RBV", dtype: "number", units: "mm", precision: 3 });
    await assertDescribeMatchesRead(m);
  });

  it("moves: the Status completes on arrival, reports progress, and locate agrees", async () => {
    const m = new EpicsMotor({ name: "m1", prefix: "T:M1", scheme: "sim" });
    await m.connect();
    const status = m.set(1.5);
    const seen: number[] = [];
    status.watch((p) => seen.push(p.current!));
    await status;
    expect(status.success).toBe(true);
    expect(axis.pos).toBe(1.5);
    expect(await m.locate()).toEqual({ setpoint: 1.5, readback: 1.5 });
    expect(await m.motor_done_move.getValue()).toBe(1);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(1.5);
  });

  it("refuses a target past HLM with a LimitError and writes nothing", async () => {
    const m = new EpicsMotor({ name: "m1", prefix: "T:M1", scheme: "sim" });
    await m.connect();
    const writes: unknown[] = [];
    table.get("T:M1.VAL").subscribe((s) => writes.push(s.value));
    const status = m.set(12);
    const err = await status.then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as Error).message).toBe("m1: 12 is outside the limits [-10, 10]; nothing was moved");
    expect(writes).toEqual([]);
    expect(axis.pos).toBe(0);
    expect(await m.limits()).toEqual([-10, 10]);
  });

  it("stop() halts the motor and fails the move's Status", async () => {
    const m = new EpicsMotor({ name: "m1", prefix: "T:M1", scheme: "sim" });
    await m.connect();
    await m.velocity.set(5); // 1 s for the move: the stop lands well inside it
    const status = m.set(5);
    await new Promise((r) => setTimeout(r, 30));
    await m.stop();
    const err = await status.then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FailedStatusError);
    expect((err as Error).message).toMatch(/^m1: stopped at \d\.\d{3} before reaching 5$/);
    expect(axis.pos).toBeGreaterThan(0);
    expect(axis.pos).toBeLessThan(5);
  });

  it("a dead PV never connects: connect fails with a timeout naming the PV", async () => {
    table.applyFault({ kind: "dead-pv", pv: "T:M1.RBV" });
    const m = new EpicsMotor({ name: "m1", prefix: "T:M1", scheme: "sim" });
    const err = await m.connect({ timeoutMs: 30 }).then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(NotConnectedError);
    const inner = (err as NotConnectedError).errors.get("user_readback");
    expect(inner).toBeInstanceOf(TimeoutError);
    expect(inner!.message).toBe("sim://T:M1.RBV connect timed out after 30 ms");
  });

  it("a wrong prefix fails at connect with the PV's name and the closest ones", async () => {
    const m = new EpicsMotor({ name: "m1", prefix: "T:M2", scheme: "sim" });
    const err = (await m.connect().then(undefined, (e: unknown) => e)) as NotConnectedError;
    expect(err).toBeInstanceOf(NotConnectedError);
    expect(err.errors.get("user_readback")!.message).toBe('no simulated PV named "T:M2.RBV" (did you mean "T:M1.RBV"?)');
  });
});

describe("PvPositioner", () => {
  it("writes the set-point and completes when the readback arrives within tolerance", async () => {
    const p = new PvPositioner({ name: "ps", prefix: "T:PS:", scheme: "sim", tolerance: 0.01, lowLimitSuffix: "LO", highLimitSuffix: "HI" });
    await p.connect();
    const status = p.set(1.2);
    expect(status.done).toBe(false);
    await status;
    expect(await p.locate()).toEqual({ setpoint: 1.2, readback: 1.2 });
    expect(Object.keys(await p.read())).toEqual(["ps", "ps-setpoint"]);
    await assertDescribeMatchesRead(p);
  });

  it("refuses a set-point past its limit PVs before writing", async () => {
    const p = new PvPositioner({ name: "ps", prefix: "T:PS:", scheme: "sim", tolerance: 0.01, lowLimitSuffix: "LO", highLimitSuffix: "HI" });
    await p.connect();
    const err = await p.set(-3).then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as Error).message).toBe("ps: -3 is outside the limits [-2, 2]; nothing was moved");
    expect(table.get("T:PS:SP").value).toBe(0);
  });

  it("fails with a TimeoutError when the readback never arrives", async () => {
    const p = new PvPositioner({ name: "ps", prefix: "T:PS:", scheme: "sim", tolerance: 0.01, readbackSuffix: "LO" });
    await p.connect();
    const err = await p.set(1, { timeoutMs: 40 }).then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe("ps: set to 1 timed out after 40 ms");
  });
});
