import { Dbe } from "./core/constants.ts";
import { CaClientContext } from "./node/client.ts";
import { CaServer } from "./node/server.ts";
import { SoftPV } from "./node/soft-pv.ts";

export interface BenchCaOptions {
  /** Sequential gets timed for the round-trip median. @default 2000 */
  readonly gets?: number;
  /** Monitor updates posted for the throughput figure. @default 200 000 */
  readonly monitorUpdates?: number;
  /** Channels connected at once for the connection figure. @default 100 */
  readonly channels?: number;
  /** Connection rounds (fresh client each); the median is reported. @default 10 */
  readonly connectRounds?: number;
  /**
   * Unreported rounds first, so the figure is that of a running process rather than of code the JIT has
   * not compiled yet.
   * @default 3
   */
  readonly warmupRounds?: number;
}

export interface BenchCaResult {
  /** Median round trip of a DBR_TIME_DOUBLE get on a connected channel, in microseconds. */
  readonly get_rtt_us: number;
  /** Updates of one fast-changing PV received by one subscriber per second. */
  readonly monitor_updates_per_s: number;
  /** Median time to search for and connect `channels` channels from a fresh client context, in ms. */
  readonly connect_100_ms: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Measures skyloop's CA client against skyloop's CA server in this process over 127.0.0.1 (free ports):
 * get round trip, monitor throughput and the time to connect many channels.
 */
export async function benchCa(options: BenchCaOptions = {}): Promise<BenchCaResult> {
  const gets = options.gets ?? 2000;
  const updates = options.monitorUpdates ?? 200_000;
  const n = options.channels ?? 100;
  const rounds = options.connectRounds ?? 10;
  const warmup = options.warmupRounds ?? 3;
  const getPv = new SoftPV({ name: "BENCH:GET", value: 1.5 });
  const monPv = new SoftPV({ name: "BENCH:MON", value: 0, mdel: -1 });
  const many = Array.from({ length: n }, (_, i) => new SoftPV({ name: `BENCH:CONN:${i}`, value: i }));
  const server = await CaServer.start({
    pvs: [getPv, monPv, ...many],
    tcpPort: 0,
    interfaces: ["127.0.0.1"],
    beaconPeriodMs: 0,
    env: {},
  });
  const clientOptions = { env: {}, addrList: [`127.0.0.1:${server.udpPort}`], autoAddrList: false };
  try {
    const connectTimes: number[] = [];
    for (let r = 0; r < warmup + rounds; r++) {
      const ctx = new CaClientContext(clientOptions);
      await new Promise((resolve) => setTimeout(resolve, 2)); // let the search socket bind, as a running client's has
      const t0 = performance.now();
      await ctx.connectMany(many.map((p) => p.name));
      if (r >= warmup) connectTimes.push(performance.now() - t0);
      ctx.close();
    }

    const ctx = new CaClientContext(clientOptions);
    try {
      const [getCh, monCh] = await ctx.connectMany(["BENCH:GET", "BENCH:MON"]);
      for (let i = 0; i < 200; i++) await getCh!.get();
      const rtts: number[] = [];
      for (let i = 0; i < gets; i++) {
        const t0 = performance.now();
        await getCh!.get();
        rtts.push((performance.now() - t0) * 1000);
      }

      let received = 0;
      let last = -1;
      let resolveDone!: () => void;
      const done = new Promise<void>((r) => (resolveDone = r));
      const sub = monCh!.monitor({ mask: Dbe.VALUE }).subscribe((v) => {
        received++;
        last = v.value as number;
        if (last === updates) resolveDone();
      });
      await new Promise((r) => setTimeout(r, 20));
      received = 0;
      const t0 = performance.now();
      let next = 1;
      await new Promise<void>((resolve) => {
        const burst = (): void => {
          const end = Math.min(updates, next + 499);
          for (; next <= end; next++) monPv.set(next);
          if (next > updates) resolve();
          else setImmediate(burst);
        };
        burst();
      });
      await Promise.race([done, new Promise((r) => setTimeout(r, 30_000))]);
      const elapsed = (performance.now() - t0) / 1000;
      sub.unsubscribe();
      return {
        get_rtt_us: Math.round(median(rtts) * 10) / 10,
        monitor_updates_per_s: Math.round(received / elapsed),
        connect_100_ms: Math.round(median(connectTimes) * 100) / 100,
      };
    } finally {
      ctx.close();
    }
  } finally {
    await server.close();
  }
}
