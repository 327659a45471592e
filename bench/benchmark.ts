/**
 * The benchmark contract: each figure is measured several times and reported as a median, because the
 * machines are shared and noisy; goals and reference figures are reported as ratios, never asserted.
 */
export interface Benchmark {
  /** Machine-readable key, e.g. `engine.count_events_per_s`. */
  readonly key: string;
  readonly description: string;
  readonly unit: string;
  /** True for rates (events/s), false for latencies and durations. */
  readonly higherIsBetter: boolean;
  /** The goal set for skyloop, if any, in `unit`. */
  readonly goal?: number;
  /** A reference figure (e.g. the Python RunEngine on these machines), in `unit`. */
  readonly reference?: { readonly value: number; readonly label: string };
  /** How many times to repeat the measurement. @default 5 */
  readonly repeats?: number;
  /** One measurement, in `unit`. */
  measure(): Promise<number>;
}

/** Several benchmarks that share an expensive set-up (servers, sockets) measure together. */
export interface BenchmarkGroup {
  readonly name: string;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  readonly benchmarks: readonly Benchmark[];
}

export interface BenchResult {
  readonly key: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
  /** median / goal for rates, goal / median for latencies: above 1 means the goal is met. */
  readonly goalRatio?: number;
  readonly referenceRatio?: number;
  readonly error?: string;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}

export function summarise(b: Benchmark, samples: number[]): BenchResult {
  const m = median(samples);
  const ratio = (target: number) => (b.higherIsBetter ? m / target : target / m);
  return {
    key: b.key,
    unit: b.unit,
    median: m,
    min: Math.min(...samples),
    max: Math.max(...samples),
    samples,
    ...(b.goal !== undefined ? { goalRatio: ratio(b.goal) } : {}),
    ...(b.reference !== undefined ? { referenceRatio: ratio(b.reference.value) } : {}),
  };
}
