/**
 * The plans the command line can run, under Bluesky's names, with a one-line usage each. Arguments are given
 * in Bluesky's order; `cli/plan_args.ts` turns the words into devices, numbers and lists.
 */
import * as plans from "../engine/plans/index.ts";
import type { Plan } from "../engine/msg.ts";

export interface PlanEntry {
  readonly factory: (...args: any[]) => Plan<unknown>;
  readonly usage: string;
  /** Positions (0 = detectors) that name a data field, kept as text even when a device has that name. */
  readonly fieldArgs?: readonly number[];
}

export const PLANS: ReadonlyMap<string, PlanEntry> = new Map<string, PlanEntry>([
  ["count", { factory: plans.count, usage: "count DETS [NUM] [DELAY]" }],
  ["scan", { factory: plans.scan, usage: "scan DETS MOTOR START STOP [MOTOR2 START2 STOP2 ...] NUM" }],
  ["rel_scan", { factory: plans.relScan, usage: "rel_scan DETS MOTOR START STOP [...] NUM" }],
  ["list_scan", { factory: plans.listScan, usage: "list_scan DETS MOTOR [P1,P2,...] [...]" }],
  ["rel_list_scan", { factory: plans.relListScan, usage: "rel_list_scan DETS MOTOR [P1,P2,...] [...]" }],
  ["grid_scan", { factory: plans.gridScan, usage: "grid_scan DETS MOTOR1 START1 STOP1 NUM1 MOTOR2 START2 STOP2 NUM2 [...]" }],
  ["rel_grid_scan", { factory: plans.relGridScan, usage: "rel_grid_scan DETS MOTOR1 START1 STOP1 NUM1 MOTOR2 START2 STOP2 NUM2" }],
  ["list_grid_scan", { factory: plans.listGridScan, usage: "list_grid_scan DETS MOTOR1 [P...] MOTOR2 [P...]" }],
  ["log_scan", { factory: plans.logScan, usage: "log_scan DETS MOTOR START STOP NUM   (start/stop are powers of ten)" }],
  ["adaptive_scan", { factory: plans.adaptiveScan, usage: "adaptive_scan DETS TARGET_FIELD MOTOR START STOP MIN_STEP MAX_STEP TARGET_DELTA BACKSTEP", fieldArgs: [1] }],
  ["tune_centroid", { factory: plans.tuneCentroid, usage: "tune_centroid DETS SIGNAL_FIELD MOTOR START STOP MIN_STEP", fieldArgs: [1] }],
  ["spiral_fermat", { factory: plans.spiralFermat, usage: "spiral_fermat DETS XMOTOR YMOTOR XSTART YSTART XRANGE YRANGE DR FACTOR" }],
  ["flyscan", { factory: plans.flyscan, usage: "flyscan DETS MOTOR START STOP PERIOD" }],
  ["xafs", { factory: plans.xafs, usage: 'xafs DETS ENERGY_MOTOR \'{"e0":8979,"regions":[-200,-30,-10,15.5,"15k"],"steps":[10,2,0.3,"0.05k"],"times":[0.5,0.5,0.5,"0.25k"]}\'' }],
]);
