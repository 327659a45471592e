/**
 * A complete, valid run (start, descriptor, events, stop) built from functions of the point index: for
 * tests, demos and replay fixtures anywhere in the project.
 */
import { composeDescriptor, composeEvent, composeRunStart, composeRunStop, packEventPage } from "./compose.ts";
import type { DataKey, ExitStatus, NamedDocument, RunStart } from "./types.ts";

export interface SampleRunOptions {
  /** The scanned axis: its name and its value at point i. */
  motor: { name: string; value: (i: number) => number; precision?: number };
  /** Detectors: name and value at point i (and the motor position x). */
  detectors: { name: string; value: (i: number, x: number) => number; precision?: number; dtype?: "number" | "integer" }[];
  points: number;
  /** @default "scan" */
  planName?: string;
  /** @default 1 */
  scanId?: number;
  /** Start time, epoch seconds. @default 1_700_000_000 */
  startTime?: number;
  /** Seconds between points (the first event is one interval after the start). @default 0.5 */
  interval?: number;
  /** @default "success" */
  exitStatus?: ExitStatus;
  /** Emit the events as one event_page instead of single events. @default false */
  asPage?: boolean;
  /** Extra start metadata; may fix the start `uid`. */
  metadata?: Partial<RunStart>;
}

export const DEFAULT_SAMPLE_START_TIME = 1_700_000_000;

export function sampleRun(options: SampleRunOptions): NamedDocument[] {
  const t0 = options.startTime ?? DEFAULT_SAMPLE_START_TIME;
  const dt = options.interval ?? 0.5;
  const { motor, detectors } = options;
  const start = composeRunStart({
    ...options.metadata,
    time: t0,
    scan_id: options.scanId ?? 1,
    plan_name: options.planName ?? "scan",
    plan_type: "generator",
    detectors: detectors.map((d) => d.name),
    motors: [motor.name],
    num_points: options.points,
    hints: { dimensions: [[[motor.name], "primary"]] },
  });
  const dataKeys: Record<string, DataKey> = {
    [motor.name]: { dtype: "number", shape: [], source: `sim:${motor.name}`, precision: motor.precision ?? 3 },
  };
  for (const d of detectors) {
    dataKeys[d.name] = { dtype: d.dtype ?? "number", shape: [], source: `sim:${d.name}`, precision: d.precision ?? 3 };
  }
  const descriptor = composeDescriptor({
    runStart: start,
    time: t0,
    dataKeys,
    hints: Object.fromEntries([motor, ...detectors].map((d) => [d.name, { fields: [d.name] }])),
    objectKeys: Object.fromEntries([motor, ...detectors].map((d) => [d.name, [d.name]])),
  });
  const events = Array.from({ length: options.points }, (_, i) => {
    const x = motor.value(i);
    const data: Record<string, number> = { [motor.name]: x };
    for (const d of detectors) data[d.name] = d.value(i, x);
    return composeEvent({ descriptor, seqNum: i + 1, time: t0 + (i + 1) * dt, data });
  });
  const stop = composeRunStop({
    runStart: start,
    time: t0 + (options.points + 1) * dt,
    exitStatus: options.exitStatus ?? "success",
    reason: (options.exitStatus ?? "success") === "success" ? "" : `run ended with ${options.exitStatus}`,
    numEvents: { primary: options.points },
  });
  const body: NamedDocument[] =
    options.asPage && events.length > 0
      ? [["event_page", packEventPage(events)]]
      : events.map((e): NamedDocument => ["event", e]);
  return [["start", start], ["descriptor", descriptor], ...body, ["stop", stop]];
}
