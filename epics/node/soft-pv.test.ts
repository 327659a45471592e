import { describe, expect, it } from "vitest";
import { expectRejects, expectThrows } from "../test-helpers.ts";
import { AlarmSeverity, AlarmStatus } from "../core/alarm.ts";
import { AccessRights, Dbe } from "../core/constants.ts";
import { NativeType } from "../core/dbr-types.ts";
import { CaConversionError, CaInvalidArgumentError } from "../core/errors.ts";
import { SoftPV } from "./soft-pv.ts";

const client = { host: "h", user: "u", address: "127.0.0.1:1" };

function events(pv: SoftPV): number[] {
  const masks: number[] = [];
  pv.subscribe((_s, mask) => masks.push(mask));
  return masks;
}

describe("SoftPV", () => {
  it("infers its type and reports scalars as scalars", () => {
    expect(new SoftPV({ name: "a", value: 1.5 }).nativeType).toBe(NativeType.DOUBLE);
    expect(new SoftPV({ name: "b", value: "text" }).value).toBe("text");
    const wf = new SoftPV({ name: "c", type: "long", value: [1, 2, 3], maxCount: 10 });
    expect([wf.nativeType, wf.maxCount, [...(wf.value as Int32Array)]]).toEqual([NativeType.LONG, 10, [1, 2, 3]]);
  });

  it("raises alarms from its limits with ai-record severities", () => {
    const pv = new SoftPV({ name: "t", value: 50, alarm: { hihi: 90, high: 80, low: 20, lolo: 10 } });
    const seen: [number, number][] = [];
    for (const v of [85, 95, 15, 5, 50]) {
      pv.set(v);
      seen.push([pv.status, pv.severity]);
    }
    expect(seen).toEqual([
      [AlarmStatus.HIGH, AlarmSeverity.MINOR],
      [AlarmStatus.HIHI, AlarmSeverity.MAJOR],
      [AlarmStatus.LOW, AlarmSeverity.MINOR],
      [AlarmStatus.LOLO, AlarmSeverity.MAJOR],
      [AlarmStatus.NO_ALARM, AlarmSeverity.NO_ALARM],
    ]);
    expect(pv.snapshot().limits.upperAlarm).toBe(90);
  });

  it("posts DBE_VALUE past MDEL and DBE_LOG past ADEL", () => {
    const pv = new SoftPV({ name: "d", value: 0, mdel: 1, adel: 5 });
    const masks = events(pv);
    pv.set(0.5); // inside both deadbands
    pv.set(1.5); // past MDEL from 0
    pv.set(6); // past both
    pv.set(6); // unchanged
    expect(masks).toEqual([Dbe.VALUE, Dbe.VALUE | Dbe.LOG]);
  });

  it("posts DBE_ALARM when only the alarm changes and DBE_PROPERTY on metadata", () => {
    const pv = new SoftPV({ name: "e", value: 0, mdel: 100, adel: 100, alarm: { high: 5 } });
    const masks = events(pv);
    pv.set(6);
    pv.setMetadata({ units: "mA" });
    expect(masks).toEqual([Dbe.ALARM, Dbe.PROPERTY]);
    expect(pv.snapshot().units).toBe("mA");
  });

  it("runs the put handler after applying the value", async () => {
    const order: string[] = [];
    const pv = new SoftPV({
      name: "f",
      value: 0,
      onPut: async (values, p) => {
        order.push(`handler sees ${p.value} for ${values[0]}`);
        await new Promise((r) => setTimeout(r, 5));
        order.push("done");
      },
    });
    await pv.write(Float64Array.of(3), client);
    expect(order).toEqual(["handler sees 3 for 3", "done"]);
  });

  it("leaves the value to the handler when applyPut is false", async () => {
    const pv = new SoftPV({ name: "g", value: 0, applyPut: false, onPut: (v, p) => p.set((v[0] as number) * 2) });
    await pv.write(Float64Array.of(4), client);
    expect(pv.value).toBe(8);
  });

  it("rejects too many elements and bad input, naming the problem", async () => {
    const pv = new SoftPV({ name: "h", type: "double", value: [1, 2], maxCount: 2 });
    expectThrows(() => pv.set([1, 2, 3]), CaInvalidArgumentError, "3 elements for 'h', over its maxCount 2");
    await expectRejects(pv.write(new Float64Array(3), client), CaInvalidArgumentError, "3 elements written to 'h', over its maxCount 2");
    expectThrows(() => pv.set("abc"), CaConversionError, "cannot convert 'abc' to a number");
  });

  it("maps enum strings and computes access rights per client", () => {
    const pv = new SoftPV({
      name: "i",
      type: "enum",
      enumStrings: ["Closed", "Open"],
      value: "Open",
      access: (c) => (c.user === "u" ? AccessRights.READ : AccessRights.READ_WRITE),
    });
    expect(pv.value).toBe(1);
    expect(pv.accessRights(client)).toBe(AccessRights.READ);
    expect(pv.accessRights({ ...client, user: "x" })).toBe(AccessRights.READ_WRITE);
  });
});
