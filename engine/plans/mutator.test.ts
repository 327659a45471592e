import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Msg, Plan } from "../msg.ts";
import { msgMutator, planMutator, singleMsg } from "./mutator.ts";
import { drive, driveToError, summarize } from "./testing.test-helpers.ts";

function* replies(): Plan<string> {
  const a = yield msg("input", undefined, ["a"]);
  const b = yield msg("input", undefined, ["b"]);
  return `${a}${b}`;
}

const echo = { input: (m: Msg) => String(m.args[0]).toUpperCase() };

describe("planMutator", () => {
  it("passes messages and replies through when the processor does nothing", () => {
    const r = drive(planMutator(replies(), () => [null, null]), { respond: echo });
    expect(r.value).toBe("AB");
    expect(summarize(r.msgs)).toEqual(['input("a")', 'input("b")']);
  });

  it("inserts a head before a message; the host plan gets the reply of the head's last message", () => {
    const proc = (m: Msg) =>
      m.args[0] === "b"
        ? ([
            (function* (): Plan<unknown> {
              yield msg("null");
              return yield msg("input", undefined, ["x"]);
            })(),
            null,
          ] as const)
        : ([null, null] as const);
    const r = drive(planMutator(replies(), proc), { respond: echo });
    expect(summarize(r.msgs)).toEqual(['input("a")', "null()", 'input("x")']);
    expect(r.value).toBe("AX");
  });

  it("runs a tail after the message and keeps the message's reply for the host", () => {
    const proc = (m: Msg) =>
      m.args[0] === "a"
        ? ([
            null,
            (function* () {
              yield msg("input", undefined, ["tail"]);
            })(),
          ] as const)
        : ([null, null] as const);
    const r = drive(planMutator(replies(), proc), { respond: echo });
    expect(summarize(r.msgs)).toEqual(['input("a")', 'input("tail")', 'input("b")']);
    expect(r.value).toBe("AB");
  });

  it("delivers errors thrown into it to the host plan, which may catch them", () => {
    function* catching(): Plan<string> {
      try {
        yield msg("input", undefined, ["a"]);
      } catch (e) {
        yield msg("null");
        return `caught ${(e as Error).message}`;
      }
      return "no error";
    }
    const r = drive(planMutator(catching(), (m) => [singleMsg(m), null]), {
      respond: {
        input: () => {
          throw new InvalidArgumentError("bad");
        },
      },
    });
    expect(r.value).toBe("caught bad");
    expect(summarize(r.msgs)).toEqual(['input("a")', "null()"]);
  });

  it("lets an error out when the host plan does not catch it", () => {
    const err = new InvalidArgumentError("uncaught");
    const r = driveToError(planMutator(replies(), () => [null, null]), {
      respond: {
        input: () => {
          throw err;
        },
      },
    });
    expect(r.error).toBe(err);
    expect(r.msgs).toHaveLength(1);
  });

  it("closes the inner plans when closed from outside", () => {
    let cleaned = false;
    function* inner(): Plan<void> {
      try {
        yield msg("null");
        yield msg("null");
      } finally {
        cleaned = true;
      }
    }
    const p = planMutator(inner(), () => [null, null]);
    p.next();
    p.return(undefined);
    expect(cleaned).toBe(true);
  });
});

describe("msgMutator", () => {
  it("replaces and drops messages", () => {
    function* three(): Plan<unknown[]> {
      const out = [];
      out.push(yield msg("a"));
      out.push(yield msg("b"));
      out.push(yield msg("c"));
      return out;
    }
    const r = drive(
      msgMutator(three(), (m) => (m.command === "b" ? null : m.command === "c" ? msg("C") : m)),
      { respond: { a: () => 1, C: () => 3 } },
    );
    expect(r.msgs.map((m) => m.command)).toEqual(["a", "C"]);
    expect(r.value).toEqual([1, undefined, 3]);
  });
});
