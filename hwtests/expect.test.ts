import { describe, expect as vexpect, it } from "vitest";
import { CheckFailedError } from "./errors.ts";
import { expect } from "./expect.ts";

function failure(fn: () => void): CheckFailedError {
  try {
    fn();
  } catch (err) {
    return err as CheckFailedError;
  }
  throw new Error("expected a failure");
}

describe("expect", () => {
  it("names the quantity, what was expected and what was seen", () => {
    const err = failure(() => expect(0.0987654321, "bpm03a x noise (mm)").toBeLessThanOrEqual(0.02));
    vexpect(err).toBeInstanceOf(CheckFailedError);
    vexpect(err.message).toBe("bpm03a x noise (mm): expected <= 0.02, saw 0.0987654");
    vexpect([err.what, err.expected, err.seen]).toEqual(["bpm03a x noise (mm)", "<= 0.02", "0.0987654"]);
    vexpect(failure(() => expect(9000, "energy").toBeCloseTo(9010, 0.5)).message).toBe("energy: expected 9010 ± 0.5, saw 9000");
    vexpect(failure(() => expect("Closed", "state").toBeOneOf(["Open"])).message).toBe('state: expected one of "Open", saw "Closed"');
    vexpect(failure(() => expect([1, Number.NaN], "orbit").toBeFinite()).message).toBe("orbit: expected finite numbers, saw [1, NaN]");
    vexpect(failure(() => expect(3, "gap").not.toBe(3)).message).toBe("gap: expected not 3, saw 3");
  });

  it("passes quietly when the condition holds", () => {
    expect(5, "x").toBeWithin(0, 10);
    expect(new CheckFailedError("a", "b", "c"), "err").toBeInstanceOf(CheckFailedError);
    expect(2, "x").not.toBe(3);
  });
});
