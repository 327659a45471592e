/** Hand-made documents of a small orbit-correction run, for the state and terminal tests. */
import type { EventDescriptor, NamedDocument, RunStart } from "../../engine/documents/types.ts";

export function orbitRun(uid: string, n: number, options: { scanId?: number; t0?: number; stop?: "success" | "abort"; reason?: string } = {}): NamedDocument[] {
  const t0 = options.t0 ?? 1_700_000_000;
  const start: RunStart = { uid, time: t0, scan_id: options.scanId ?? 1, plan_name: "orbit_correction", campaign: "c1", agent: "svd-orbit", num_points: n, motors: [] };
  const descriptor: EventDescriptor = {
    uid: `${uid}-d`,
    run_start: uid,
    time: t0,
    name: "primary",
    data_keys: {
      "orbit-rms_x": { source: "sim", dtype: "number", shape: [], precision: 4 },
      "orbit-rms_y": { source: "sim", dtype: "number", shape: [], precision: 4 },
      "orbit-x": { source: "sim", dtype: "array", shape: [3] },
      "orbit-y": { source: "sim", dtype: "array", shape: [3] },
      "orbit-h_setpoints": { source: "sim", dtype: "array", shape: [2] },
    },
    hints: { orbit: { fields: ["orbit-rms_x", "orbit-rms_y"] } },
    configuration: { orbit: { data: { "orbit-bpm_names": ["B1", "B2", "B3"] }, timestamps: {}, data_keys: {} } },
    object_keys: { orbit: ["orbit-rms_x", "orbit-rms_y", "orbit-x", "orbit-y", "orbit-h_setpoints"] },
  };
  const docs: NamedDocument[] = [["start", start], ["descriptor", descriptor]];
  for (let i = 1; i <= n; i++) {
    const a = 1 / 2 ** i;
    docs.push([
      "event",
      {
        uid: `${uid}-e${i}`,
        descriptor: descriptor.uid,
        seq_num: i,
        time: t0 + i,
        data: { "orbit-rms_x": a, "orbit-rms_y": 2 * a, "orbit-x": [a, -a, 0], "orbit-y": [0, a, -a], "orbit-h_setpoints": [i, -i] },
        timestamps: { "orbit-rms_x": t0 + i, "orbit-rms_y": t0 + i, "orbit-x": t0 + i, "orbit-y": t0 + i, "orbit-h_setpoints": t0 + i },
      },
    ]);
  }
  if (options.stop !== undefined) {
    docs.push(["stop", { uid: `${uid}-s`, run_start: uid, time: t0 + n + 1, exit_status: options.stop, reason: options.reason ?? "", num_events: { primary: n } }]);
  }
  return docs;
}
