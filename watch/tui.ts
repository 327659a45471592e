/**
 * `skyloop watch --tui`: the live view as terminal lines. Runs print as a LiveTable (one row per iteration,
 * the run's hinted fields), with a banner when a run starts; decisions, engine state changes and training
 * episodes print as lines between the rows. Plain ANSI colours when the sink is a terminal, none otherwise.
 */
import type { Unsubscribable } from "rxjs";
import type { DecisionRecord } from "../bridge/wire.ts";
import { LiveTable } from "../engine/callbacks/live-table.ts";
import type { TextSink } from "../engine/callbacks/sink.ts";
import type { RunStart } from "../engine/documents/types.ts";
import type { EngineStatus } from "./control.ts";
import type { WatchFeed, WatchInput } from "./feed.ts";
import type { TrainingProgress } from "../bridge/training.ts";

export interface WatchTuiOptions {
  /** @default process.stdout */
  out?: TextSink & { isTTY?: boolean };
  /** ANSI colours. @default whether `out` is a terminal */
  color?: boolean;
  /** Times in UTC. @default false */
  utc?: boolean;
  /** Digits after the point in the table. @default DEFAULT_TUI_PRECISION */
  precision?: number;
  /** Print a training row every this many episodes. @default 1 */
  trainingEvery?: number;
}

export const DEFAULT_TUI_PRECISION = 4;

const ANSI = { reset: "\x1b[0m", bold: "\x1b[1m", dim: "\x1b[2m", red: "\x1b[31m", green: "\x1b[32m", yellow: "\x1b[33m", blue: "\x1b[34m", cyan: "\x1b[36m" } as const;
type Style = keyof typeof ANSI;

const STATE_STYLE: Record<string, Style> = { running: "green", paused: "yellow", pausing: "yellow", suspending: "yellow", aborting: "red", halting: "red", stopping: "red", idle: "dim" };

function fmt(v: number | undefined | null, digits = 4): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return "-";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(digits)));
}

export function formatLatency(us: number): string {
  if (us < 1000) return `${us.toFixed(0)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(2)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

function points(suggestion: DecisionRecord["suggestion"]): Record<string, number>[] {
  return suggestion === null ? [] : Array.isArray(suggestion) ? suggestion : [suggestion];
}

export class WatchTui {
  private readonly out: TextSink;
  private readonly color: boolean;
  private readonly utc: boolean;
  private readonly trainingEvery: number;
  private readonly table: LiveTable;
  private engineState: string | undefined;
  private readonly trainingSessions = new Set<string>();
  private connected: boolean | undefined;

  constructor(options: WatchTuiOptions = {}) {
    const out = options.out ?? process.stdout;
    this.out = out;
    this.color = options.color ?? out.isTTY === true;
    this.utc = options.utc ?? false;
    this.trainingEvery = Math.max(1, Math.floor(options.trainingEvery ?? 1));
    this.table = new LiveTable({ out, utc: this.utc, defaultPrecision: options.precision ?? DEFAULT_TUI_PRECISION });
  }

  /** Prints a header naming what is watched, then follows the feed until unsubscribed. */
  follow(feed: WatchFeed): Unsubscribable {
    this.line(`${this.paint("bold", "skyloop watch")} ${this.paint("dim", `· instrument ${feed.instrument} · ${feed.source}`)}`);
    return feed.inputs$.subscribe({
      next: (input) => this.apply(input),
      error: (err: unknown) => this.line(this.paint("red", `feed failed: ${(err as Error).message}`)),
    });
  }

  apply(input: WatchInput): void {
    switch (input.kind) {
      case "document": {
        const [name, doc] = input.doc;
        if (name === "start") this.banner(doc);
        this.table.callback(name, doc);
        return;
      }
      case "decision":
        return this.decision(input.record);
      case "status":
        return this.status(input.status);
      case "training":
        return this.training(input.progress);
      case "connection":
        if (this.connected === input.connected) return;
        this.connected = input.connected;
        return this.line(this.paint(input.connected ? "green" : "red", `● ${input.detail}`));
      case "invalid":
        return this.line(this.paint("red", `! dropped a malformed message on ${input.subject}: ${input.reason}`));
    }
  }

  private banner(start: RunStart): void {
    const campaign = typeof start.campaign === "string" ? start.campaign : undefined;
    const agent = typeof start.agent === "string" ? start.agent : undefined;
    const parts = [
      `${this.paint("bold", `▶ ${typeof start.plan_name === "string" ? start.plan_name : "run"}`)}`,
      campaign === undefined ? undefined : `campaign ${campaign}`,
      start.scan_id === undefined ? undefined : `scan ${start.scan_id}`,
      `uid ${start.uid.slice(0, 8)}`,
      typeof start.num_points === "number" ? `${start.num_points} points` : undefined,
      agent === undefined ? undefined : `agent ${agent}`,
    ].filter((p) => p !== undefined);
    this.line(parts.join(this.paint("dim", " · ")));
  }

  private decision(d: DecisionRecord): void {
    const pts = points(d.suggestion);
    const first = pts[0] === undefined ? [] : Object.entries(pts[0]);
    const targets =
      pts.length === 0 ? "no suggestion" : `${first.length} target${first.length === 1 ? "" : "s"}${pts.length > 1 ? ` × ${pts.length} points` : ""} (${first.slice(0, 3).map(([k, v]) => `${k}=${fmt(v, 3)}`).join(", ")}${first.length > 3 ? ", …" : ""})`;
    const fields = [
      this.paint("dim", this.clock(d.time)),
      this.paint("cyan", d.agent),
      d.score === undefined ? undefined : `score ${fmt(d.score)}`,
      `latency ${formatLatency(d.latency_us)}`,
      targets,
    ].filter((f) => f !== undefined);
    this.line(`  ${this.paint("blue", "◆")} ${fields.join("  ")}`);
    if (d.reason !== undefined) this.line(`    ${this.paint("dim", d.reason)}`);
  }

  private status(s: EngineStatus): void {
    if (s.state === this.engineState) return;
    this.engineState = s.state;
    const style = STATE_STYLE[s.state] ?? "bold";
    this.line(`${this.paint("dim", "──")} engine ${this.paint(style, s.state)}${s.campaign ? this.paint("dim", ` (campaign ${s.campaign})`) : ""} ${this.paint("dim", `at ${this.clock(s.time)}`)}`);
  }

  private training(p: TrainingProgress): void {
    const key = `${p.agent}\u0000${p.session}`;
    if (!this.trainingSessions.has(key)) {
      this.trainingSessions.add(key);
      this.line(`${this.paint("bold", `▶ training ${p.agent}`)} ${this.paint("dim", `session ${p.session}`)}`);
      this.line(this.paint("dim", `  ${"episode".padStart(8)} ${"reward".padStart(11)} ${"rms".padStart(11)} ${"steps/s".padStart(9)} ${"steps".padStart(9)} ${"loss".padStart(10)}`));
    }
    if (p.episode % this.trainingEvery !== 0 && p.done !== true) return;
    const row = `  ${String(p.episode).padStart(8)} ${fmt(p.reward).padStart(11)} ${fmt(p.rms).padStart(11)} ${fmt(p.steps_per_s, 4).padStart(9)} ${(p.steps === undefined ? "-" : String(p.steps)).padStart(9)} ${fmt(p.loss).padStart(10)}`;
    this.line(p.evaluation ? `${row} ${this.paint("cyan", "eval")}` : row);
    if (p.done) this.line(this.paint("green", `  training ${p.agent} done after ${p.episode} episodes`));
  }

  private clock(t: number): string {
    const d = new Date(t * 1000);
    const iso = this.utc ? d.toISOString().slice(11, 19) : d.toTimeString().slice(0, 8);
    return iso;
  }

  private paint(style: Style, text: string): string {
    return this.color ? `${ANSI[style]}${text}${ANSI.reset}` : text;
  }

  private line(text: string): void {
    this.out.write(`${text}\n`);
  }
}
