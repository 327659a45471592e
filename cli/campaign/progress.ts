/**
 * What a campaign shows while it runs and leaves behind: a progress line (a bar of the budget, the iteration,
 * the objective and the best so far), the objective's history, a plot of it against the point number, and a
 * summary table.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderLinePlot } from "../../engine/callbacks/svg/line-plot.ts";
import type { AgentLoopProgress } from "../../engine/plans/agent-loop.ts";
import type { Reading } from "../../engine/protocols.ts";
import type { ObjectiveConfig } from "./config.ts";

const BAR = 20;

export function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return "-";
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(5) : v.toExponential(3);
}

function values(reading: Reading | undefined): number[] {
  const v = reading?.value;
  if (typeof v === "number") return [v];
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<number>);
  return [];
}

/** The objective the campaign file names, as a function of one point's readings. */
export function objectiveFunction(objective: ObjectiveConfig): (readings: Record<string, Reading>) => number {
  if (objective.kind === "field") {
    const field = objective.field;
    return (r) => {
      const v = r[field]?.value;
      return typeof v === "number" ? v : Number.NaN;
    };
  }
  const fields = objective.fields;
  return (r) => {
    let sum = 0;
    let n = 0;
    for (const f of fields) {
      for (const v of values(r[f])) {
        sum += v * v;
        n++;
      }
    }
    return n === 0 ? Number.NaN : Math.sqrt(sum / n);
  };
}

export interface ProgressLineOptions {
  maxPoints: number;
  /** @default process.stderr */
  stream?: NodeJS.WriteStream;
  /** Redraw one line (a terminal) or print a line per point. @default the stream is a TTY */
  redraw?: boolean;
}

/** Shows each point as it comes and keeps the history for the plot and the summary. */
export class CampaignProgress {
  readonly points: number[] = [];
  readonly objective: number[] = [];
  readonly best: number[] = [];
  private readonly stream: NodeJS.WriteStream;
  private readonly redraw: boolean;
  private drawn = false;

  constructor(private readonly options: ProgressLineOptions) {
    this.stream = options.stream ?? process.stderr;
    this.redraw = options.redraw ?? this.stream.isTTY === true;
  }

  readonly onPoint = (p: AgentLoopProgress): void => {
    this.points.push(p.points);
    this.objective.push(p.objective ?? Number.NaN);
    this.best.push(p.best ?? Number.NaN);
    this.show(p);
  };

  line(p: AgentLoopProgress): string {
    const filled = Math.min(BAR, Math.round((BAR * p.points) / this.options.maxPoints));
    const bar = `[${"#".repeat(filled)}${".".repeat(BAR - filled)}]`;
    return `${bar} point ${p.points}/${this.options.maxPoints}  iteration ${p.iteration}  objective ${fmt(p.objective)}  best ${fmt(p.best)}`;
  }

  private show(p: AgentLoopProgress): void {
    const text = this.line(p);
    if (this.redraw) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else this.stream.write(`${text}\n`);
  }

  /** Ends the redrawn line so what follows starts on its own. */
  finish(): void {
    if (this.drawn) this.stream.write("\n");
    this.drawn = false;
  }

  /** Writes the objective against the point number as SVG; returns the file. */
  writePlot(directory: string, baseName: string, title: string, yLabel: string): string {
    const svg = renderLinePlot({
      title,
      xLabel: "point",
      yLabel,
      series: [
        { name: "objective", x: this.points, y: this.objective, mode: "lines+markers" },
        { name: "best so far", x: this.points, y: this.best, mode: "lines" },
      ],
    });
    const file = join(directory, `${baseName}-objective.svg`);
    writeFileSync(file, svg);
    return file;
  }
}

/** A two-column table of the summary's scalar entries; long values (corrector lists) wrap at their commas. */
export function summaryTable(rows: readonly [string, unknown][], maxValueWidth = 72): string {
  const shown = rows.filter(([, v]) => v !== undefined);
  const keyWidth = Math.max(...shown.map(([k]) => k.length));
  const cell = (v: unknown): string => (typeof v === "number" ? fmt(v) : Array.isArray(v) ? v.join(", ") : String(v));
  const lines = shown.map(([k, v]) => [k, wrap(cell(v), maxValueWidth)] as const);
  const valueWidth = Math.max(...lines.flatMap(([, parts]) => parts.map((p) => p.length)));
  const rule = `+${"-".repeat(keyWidth + 2)}+${"-".repeat(valueWidth + 2)}+`;
  const body = lines.flatMap(([k, parts]) =>
    parts.map((p, i) => `| ${(i === 0 ? k : "").padEnd(keyWidth)} | ${p.padEnd(valueWidth)} |`),
  );
  return [rule, ...body, rule].join("\n");
}

function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/(?<=, )/)) {
    if (line.length > 0 && line.length + word.length > width) {
      out.push(line.trimEnd());
      line = "";
    }
    line += word;
  }
  if (line.length > 0) out.push(line.trimEnd());
  return out;
}
