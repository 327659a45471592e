/**
 * engine.count_events_per_s and engine.scan_events_per_s: `count` and `scan` of 20,000 points with soft
 * devices, one subscribed callback, document validation on.
 */
import { SimMotor, SimPeakDetector } from "../devices/index.ts";
import { count, scan } from "../engine/plans/index.ts";
import { RunEngine } from "../engine/run_engine/index.ts";
import type { BenchmarkGroup } from "./benchmark.ts";

const POINTS = 20_000;

function setup() {
  const motor = new SimMotor({ name: "motor", instant: true, limits: [-1e6, 1e6] });
  const det = new SimPeakDetector({ name: "det", motor, timeScale: 0, noise: "none" });
  const RE = new RunEngine({ validateDocuments: true });
  let events = 0;
  RE.subscribe((name) => {
    if (name === "event") events++;
  });
  return { motor, det, RE, events: () => events };
}

async function eventsPerSecond(kind: "count" | "scan"): Promise<number> {
  const { motor, det, RE, events } = setup();
  const plan = kind === "count" ? count([det], POINTS) : scan([det], motor, 0, 100, POINTS);
  const t0 = performance.now();
  await RE.run(plan);
  const seconds = (performance.now() - t0) / 1000;
  if (events() !== POINTS) throw new Error(`${kind} emitted ${events()} events, expected ${POINTS}`);
  return POINTS / seconds;
}

export const engineBenchmarks: BenchmarkGroup = {
  name: "engine",
  async setup() {
    await eventsPerSecond("count"); // warm-up: JIT and schema compilation
  },
  benchmarks: [
    {
      key: "engine.count_events_per_s",
      description: "count of 20,000 points, soft detector, one callback, validation on",
      unit: "events/s",
      higherIsBetter: true,
      goal: 50_000,
      reference: { value: 560, label: "Python RunEngine" },
      measure: () => eventsPerSecond("count"),
    },
    {
      key: "engine.scan_events_per_s",
      description: "scan of 20,000 points, instant soft motor and detector, one callback, validation on",
      unit: "events/s",
      higherIsBetter: true,
      goal: 20_000,
      reference: { value: 285, label: "Python RunEngine" },
      measure: () => eventsPerSecond("scan"),
    },
  ],
};
