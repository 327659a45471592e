/**
 * Channel Access: get round trip, monitor throughput and the time to connect 100 channels, for skyloop's
 * client and for pyepics (libca) against one skyloop CA server on 127.0.0.1, in the same run. pyepics times
 * itself inside Python (pyepics_driver.py); one Python process measures all its rounds when its first figure
 * is asked for.
 */
import { CaClientContext, type CaClientOptions, CaServer, CaTimeoutError, Dbe, SoftPV } from "../epics/index.ts";
import { type PyepicsOp, type PyepicsResult, PyepicsRunError, runPyepics } from "../epics/conformance/pyepics.ts";
import { type BenchmarkGroup, median } from "./benchmark.ts";

const GETS = 2000;
const SKYLOOP_UPDATES = 200_000;
/** Python callbacks are slower: fewer updates keep a round within seconds. */
const PYEPICS_UPDATES = 50_000;
const CHANNELS = 100;
const ROUNDS = 5;
const BURST = 500;

const LIBCA = "libca from C, real EPICS IOC";

let server: CaServer | undefined;
let getPv: SoftPV;
let monPv: SoftPV;
let names: string[] = [];
let client: CaClientOptions;
let ctx: CaClientContext | undefined;
let pyepics: Promise<Record<string, number[]>> | undefined;

/** Posts 1..n to the monitored PV in bursts, yielding between bursts so the server can send. */
function post(n: number): Promise<void> {
  let next = 1;
  return new Promise((resolve) => {
    const burst = (): void => {
      const end = Math.min(n, next + BURST - 1);
      for (; next <= end; next++) monPv.set(next);
      if (next > n) resolve();
      else setImmediate(burst);
    };
    burst();
  });
}

async function skyloopGetRttUs(): Promise<number> {
  const [ch] = await ctx!.connectMany([getPv.name]);
  const rtts: number[] = [];
  for (let i = 0; i < GETS; i++) {
    const t0 = performance.now();
    await ch!.get();
    rtts.push((performance.now() - t0) * 1000);
  }
  return median(rtts);
}

async function skyloopMonitorRate(): Promise<number> {
  monPv.set(0);
  const [ch] = await ctx!.connectMany([monPv.name]);
  let received = 0;
  let first = 0;
  let end = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const sub = ch!.monitor({ mask: Dbe.VALUE }).subscribe((v) => {
    const now = performance.now();
    if (received++ === 0) first = now;
    if (v.value === SKYLOOP_UPDATES) {
      end = now;
      done();
    }
  });
  await new Promise((r) => setTimeout(r, 20));
  received = 0;
  await post(SKYLOOP_UPDATES);
  await Promise.race([finished, new Promise((r) => setTimeout(r, 30_000))]);
  sub.unsubscribe();
  if (end === 0) throw new CaTimeoutError(`monitor of ${monPv.name} (${received} of ${SKYLOOP_UPDATES} updates arrived)`, 30_000);
  return received / ((end - first) / 1000);
}

async function skyloopConnectMs(): Promise<number> {
  const fresh = new CaClientContext(client);
  try {
    await new Promise((r) => setTimeout(r, 2)); // the search socket binds, as a running client's has
    const t0 = performance.now();
    await fresh.connectMany(names);
    return performance.now() - t0;
  } finally {
    fresh.close();
  }
}

/** Every pyepics round in one Python process; samples by benchmark key. */
function measurePyepics(): Promise<Record<string, number[]>> {
  const ops: PyepicsOp[] = [];
  for (let r = 0; r < ROUNDS; r++)
    ops.push(
      { op: "bench_get", pv: getPv.name, n: GETS, warmup: r === 0 ? 500 : 50 },
      { op: "bench_connect", pvs: names },
      { op: "bench_monitor", pv: monPv.name, last: PYEPICS_UPDATES, timeout: 60 },
    );
  monPv.set(0);
  return runPyepics(ops, {
    port: server!.udpPort,
    timeoutMs: 600_000,
    onReady: () => {
      monPv.set(0);
      void post(PYEPICS_UPDATES);
    },
  }).then((results) => {
    const failed = results.find((r) => !r.ok);
    if (failed) throw new PyepicsRunError(`pyepics: ${failed.error}`);
    const of = (op: string, field: string) => results.filter((_, i) => ops[i]!.op === op).map((r: PyepicsResult) => r[field] as number);
    return {
      get: of("bench_get", "median_us"),
      connect: of("bench_connect", "elapsed_ms"),
      monitor: of("bench_monitor", "updates_per_s"),
    };
  });
}

/** The next pyepics sample of `kind` (the Python run starts on the first call). */
async function pyepicsSample(kind: "get" | "connect" | "monitor"): Promise<number> {
  pyepics ??= measurePyepics();
  const samples = (await pyepics)[kind]!;
  const v = samples.shift();
  if (v === undefined) throw new PyepicsRunError(`no pyepics ${kind} samples left: the group measures ${ROUNDS} rounds`);
  return v;
}

export const caBenchmarks: BenchmarkGroup = {
  name: "ca",
  async setup() {
    getPv = new SoftPV({ name: "BENCH:GET", value: 1.5 });
    monPv = new SoftPV({ name: "BENCH:MON", value: 0, mdel: -1 });
    const many = Array.from({ length: CHANNELS }, (_, i) => new SoftPV({ name: `BENCH:CONN:${i}`, type: "long", value: i }));
    names = many.map((p) => p.name);
    server = await CaServer.start({ pvs: [getPv, monPv, ...many], tcpPort: 0, interfaces: ["127.0.0.1"], beaconPeriodMs: 0, env: {} });
    client = { env: {}, addrList: [`127.0.0.1:${server.udpPort}`], autoAddrList: false };
    ctx = new CaClientContext(client);
    // Warm-up: JIT-compile the get, monitor and connect paths.
    const [ch] = await ctx.connectMany([getPv.name]);
    for (let i = 0; i < 500; i++) await ch!.get();
    for (let i = 0; i < 3; i++) await skyloopConnectMs();
  },
  async teardown() {
    ctx?.close();
    ctx = undefined;
    pyepics = undefined;
    await server?.close();
    server = undefined;
  },
  benchmarks: [
    {
      key: "ca.get_rtt_us",
      description: `median round trip of ${GETS} DBR_TIME_DOUBLE gets on a connected channel, skyloop client and server`,
      unit: "µs",
      higherIsBetter: false,
      goal: 105,
      reference: { value: 105, label: LIBCA },
      measure: skyloopGetRttUs,
    },
    {
      key: "ca.monitor_updates_per_s",
      description: `${SKYLOOP_UPDATES.toLocaleString("en-US")} updates of one PV to one subscriber, skyloop client and server`,
      unit: "updates/s",
      higherIsBetter: true,
      goal: 100_000,
      reference: { value: 91_000, label: LIBCA },
      measure: skyloopMonitorRate,
    },
    {
      key: "ca.connect_100_ms",
      description: `search and connect ${CHANNELS} channels from a fresh skyloop client context`,
      unit: "ms",
      higherIsBetter: false,
      goal: 5,
      reference: { value: 28, label: LIBCA },
      measure: skyloopConnectMs,
    },
    {
      key: "ca.pyepics_get_rtt_us",
      description: `median of ${GETS} DBR_TIME gets from pyepics (libca) against skyloop's server, timed in Python`,
      unit: "µs",
      higherIsBetter: false,
      reference: { value: 261, label: "pyepics, real EPICS IOC" },
      measure: () => pyepicsSample("get"),
    },
    {
      key: "ca.pyepics_monitor_updates_per_s",
      description: `${PYEPICS_UPDATES.toLocaleString("en-US")} updates of one PV to one pyepics callback against skyloop's server`,
      unit: "updates/s",
      higherIsBetter: true,
      reference: { value: 91_000, label: LIBCA },
      measure: () => pyepicsSample("monitor"),
    },
    {
      key: "ca.pyepics_connect_100_ms",
      description: `pyepics (libca) creating and connecting ${CHANNELS} channels against skyloop's server`,
      unit: "ms",
      higherIsBetter: false,
      reference: { value: 28, label: LIBCA },
      measure: () => pyepicsSample("connect"),
    },
  ],
};
