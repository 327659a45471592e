import { describe, expect, it } from "vitest";
import { benchCa } from "./bench.ts";

describe("benchCa", () => {
  it("measures a client against a server and reports the three figures", async () => {
    const r = await benchCa({ gets: 50, monitorUpdates: 2000, channels: 20, connectRounds: 1, warmupRounds: 0 });
    expect(Object.keys(r).sort()).toEqual(["connect_100_ms", "get_rtt_us", "monitor_updates_per_s"]);
    expect(r.get_rtt_us).toBeGreaterThan(0);
    expect(r.monitor_updates_per_s).toBeGreaterThan(0);
    expect(r.connect_100_ms).toBeGreaterThan(0);
  });
});
