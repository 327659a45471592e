import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../engine/errors.ts";
import { parsePlanArgs } from "./plan_args.ts";

const motor = { name: "motor1" };
const det = { name: "det1" };
const det2 = { name: "det2" };
const devices = new Map<string, object>([["motor1", motor], ["det1", det], ["det2", det2]]);

describe("parsePlanArgs", () => {
  it("turns names into devices, numbers into numbers, the first word into the detector list", () => {
    expect(parsePlanArgs(["det1,det2", "motor1", "-2", "2.5e0", "11"], devices)).toEqual([[det, det2], motor, -2, 2.5, 11]);
  });

  it("reads JSON lists and resolves device names inside them", () => {
    expect(parsePlanArgs(["det1", "motor1", "[1, 2, 3]"], devices)).toEqual([[det], motor, [1, 2, 3]]);
    expect(parsePlanArgs(["det1", '["motor1", 3]'], devices)).toEqual([[det], [motor, 3]]);
  });

  it("keeps field arguments as text even when a device has that name", () => {
    expect(parsePlanArgs(["det1", "det1", "motor1"], devices, [1])).toEqual([[det], "det1", motor]);
  });

  it("names an unknown device and lists the known ones", () => {
    const call = () => parsePlanArgs(["det1", "nosuch", "0", "1", "3"], devices);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow("unknown device 'nosuch' (not a number either); known devices: motor1, det1, det2");
    expect(() => parsePlanArgs(["detX"], devices)).toThrow("unknown device 'detX'");
  });

  it("names broken JSON", () => {
    expect(() => parsePlanArgs(["det1", "[1, 2"], devices)).toThrow(/cannot read "\[1, 2" as JSON/);
  });

  it("needs the detectors", () => {
    expect(() => parsePlanArgs([], devices)).toThrow("the plan needs at least its detectors (e.g. det1,det2)");
  });
});
