import sinon from "sinon";
import { afterEach, describe, expect, it } from "vitest";
import { FailedStatusError, TimeoutError } from "../../engine/errors.ts";
import { isStatus, type StatusProgress } from "../../engine/protocols.ts";
import { AsyncStatus, sleep, Status, WatchableAsyncStatus, withTimeout } from "./status.ts";

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("AsyncStatus", () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => clock?.restore());

  it("is pending until its promise resolves, then succeeds and runs callbacks once", async () => {
    const d = deferred();
    const s = new AsyncStatus(d.promise);
    expect(isStatus(s)).toBe(true);
    const seen: boolean[] = [];
    s.addCallback((st) => seen.push(st.success));
    expect(s.done).toBe(false);
    d.resolve();
    await s;
    expect([s.done, s.success, s.error]).toEqual([true, true, undefined]);
    expect(seen).toEqual([true]);
    s.addCallback((st) => seen.push(st.done));
    expect(seen).toEqual([true, true]);
  });

  it("fails with the promise's error and rejects when awaited", async () => {
    const err = new FailedStatusError("motor1: stalled");
    const s = new AsyncStatus(Promise.reject(err));
    await expect(s).rejects.toBe(err);
    expect(s.success).toBe(false);
    expect(s.error).toBe(err);
  });

  it("wraps non-Error rejections in FailedStatusError", async () => {
    const s = new AsyncStatus(Promise.reject("boom"));
    await expect(s).rejects.toThrow(FailedStatusError);
    expect(s.error?.message).toBe("status failed: boom");
  });

  it("does not produce an unhandled rejection when a failure is never awaited", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on("unhandledRejection", onUnhandled);
    try {
      const s = new AsyncStatus(Promise.reject(new FailedStatusError("nobody listens")));
      const f = Status.failed(new FailedStatusError("nor here"));
      await sleep(20);
      expect(s.done && !s.success && f.done && !f.success).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("times out with a TimeoutError naming what, the limit and the last value seen, and aborts the action", async () => {
    clock = sinon.useFakeTimers();
    let aborted: unknown;
    const s = new AsyncStatus(
      (signal) =>
        new Promise<void>(() => {
          signal.addEventListener("abort", () => (aborted = signal.reason));
        }),
      { timeoutMs: 250, name: "motor1: move to 5", lastValue: () => 2.5 },
    );
    expect(s.timeoutMs).toBe(250);
    await clock.tickAsync(249);
    expect(s.done).toBe(false);
    await clock.tickAsync(1);
    expect(s.done).toBe(true);
    expect(s.error).toBeInstanceOf(TimeoutError);
    expect(s.error?.message).toBe("motor1: move to 5 timed out after 250 ms (last value seen: 2.5)");
    expect(aborted).toBe(s.error);
  });

  it("clears its timer once done, so a late timeout changes nothing", async () => {
    clock = sinon.useFakeTimers();
    const s = new AsyncStatus(Promise.resolve(), { timeoutMs: 100 });
    await clock.tickAsync(0);
    expect(s.success).toBe(true);
    expect(clock.countTimers()).toBe(0);
  });

  it("fails at once when the action throws synchronously", () => {
    const err = new FailedStatusError("refused");
    const s = new AsyncStatus(() => {
      throw err;
    });
    expect([s.done, s.success, s.error]).toEqual([true, false, err]);
  });

  it("can be cancelled, with a FailedStatusError naming it", async () => {
    const s = new AsyncStatus(new Promise<void>(() => {}), { name: "det1 trigger" });
    expect(s.cancel("stopped")).toBe(true);
    await expect(s).rejects.toThrow(new FailedStatusError("det1 trigger: stopped"));
    expect(s.cancel()).toBe(false);
  });

  it("keeps running other callbacks when one throws", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      const s = new AsyncStatus(Promise.resolve());
      const seen: number[] = [];
      s.addCallback(() => {
        throw new FailedStatusError("bad listener");
      });
      s.addCallback(() => seen.push(1));
      await s;
      await sleep(0);
      expect(seen).toEqual([1]);
      expect(warnings.some((w) => w.includes("bad listener"))).toBe(true);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("settled() resolves with the error instead of throwing", async () => {
    const err = new FailedStatusError("x");
    expect(await new AsyncStatus(Promise.reject(err)).settled()).toBe(err);
    expect(await new AsyncStatus(Promise.resolve()).settled()).toBeUndefined();
  });
});

describe("WatchableAsyncStatus", () => {
  it("reports progress with fraction remaining and elapsed time, latest report first to new watchers", async () => {
    const d = deferred();
    let report!: (p: StatusProgress) => void;
    const s = new WatchableAsyncStatus(
      (r) => {
        report = r;
        r({ current: 0, initial: 0, target: 10, unit: "mm" });
        return d.promise;
      },
      { name: "m1" },
    );
    const seen: StatusProgress[] = [];
    const stop = s.watch((p) => seen.push(p));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name: "m1", current: 0, initial: 0, target: 10, unit: "mm", fraction: 1 });
    report({ current: 7.5, initial: 0, target: 10, timeRemaining: 0.25 });
    expect(seen[1]).toMatchObject({ current: 7.5, fraction: 0.25, timeRemaining: 0.25 });
    expect(seen[1]!.timeElapsed).toBeGreaterThanOrEqual(0);
    stop();
    report({ current: 9, initial: 0, target: 10 });
    expect(seen).toHaveLength(2);
    expect(s.progress?.current).toBe(9);
    d.resolve();
    await s;
    report({ current: 10, initial: 0, target: 10 });
    expect(s.progress?.current).toBe(9);
  });

  it("runs from an async iterable of updates", async () => {
    async function* updates() {
      yield { current: 1, initial: 0, target: 2 };
      yield { current: 2, initial: 0, target: 2 };
    }
    const s = WatchableAsyncStatus.fromUpdates(updates(), { name: "pv" });
    await s;
    expect(s.success).toBe(true);
    expect(s.progress).toMatchObject({ name: "pv", current: 2, fraction: 0 });
  });
});

describe("Status helpers", () => {
  it("done() is a shared successful status and failed() a failed one", async () => {
    expect(Status.done()).toBe(Status.done());
    await Status.done();
    const f = Status.failed(new FailedStatusError("no"));
    expect([f.done, f.success]).toEqual([true, false]);
    await expect(f).rejects.toThrow(new FailedStatusError("no"));
  });

  it("allOf succeeds when all do and fails with the first failure", async () => {
    const a = deferred();
    const b = deferred();
    const all = Status.allOf([new AsyncStatus(a.promise), new AsyncStatus(b.promise), Status.done()]);
    a.resolve();
    await sleep(0);
    expect(all.done).toBe(false);
    b.resolve();
    await all;
    expect(all.success).toBe(true);

    const c = deferred();
    const err = new FailedStatusError("second failed");
    const failing = Status.allOf([new AsyncStatus(c.promise), new AsyncStatus(Promise.reject(err))]);
    await expect(failing).rejects.toBe(err);
    expect(Status.allOf([])).toBe(Status.done());
    const early = Status.allOf([Status.failed(err)]);
    expect(early.error).toBe(err);
  });
});

describe("withTimeout", () => {
  it("rejects with a TimeoutError after the limit, naming the last value", async () => {
    await expect(withTimeout(new Promise(() => {}), 10, "ca://SR:X read", () => [1, 2])).rejects.toThrow(
      new TimeoutError("ca://SR:X read", 10, [1, 2]),
    );
    await expect(withTimeout(new Promise(() => {}), 10, "ca://SR:X read")).rejects.toThrow(
      "ca://SR:X read timed out after 10 ms",
    );
    expect(await withTimeout(Promise.resolve(3), 10, "x")).toBe(3);
  });
});
