/** The terminal report: one line per device and check under aligned column headers, then the totals. */
import { type CheckResult, countResults, type HwtestReport, type RunCounts } from "../result.ts";

const LABEL = { pass: "pass", fail: "FAIL", skip: "skip" } as const;
/** SGR colours of the outcome labels on a terminal. */
const COLOUR = { pass: "\x1b[32m", fail: "\x1b[31m", skip: "\x1b[33m" } as const;
const RESET = "\x1b[0m";
const ANSI = /\x1b\[[0-9;]*m/g;
const GAP = "  ";

export interface TableOptions {
  /** Colour the outcome labels with ANSI codes (a terminal). @default false */
  colour?: boolean;
}

export interface Column {
  readonly header: string;
  /** @default "left" */
  readonly align?: "left" | "right";
}

export function formatDuration(ms: number): string {
  if (ms < 1) return "<1 ms";
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The width a terminal shows: ANSI colour codes take none. */
export function visibleLength(text: string): number {
  return text.replace(ANSI, "").length;
}

function pad(text: string, width: number, align: "left" | "right" = "left"): string {
  const gap = " ".repeat(Math.max(0, width - visibleLength(text)));
  return align === "right" ? gap + text : text + gap;
}

/**
 * Rows under their headers, each column as wide as its widest cell or header, a rule under the headers.
 * The last column is left ragged.
 */
export function formatColumns(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((c, i) => Math.max(visibleLength(c.header), ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => (i === columns.length - 1 && c.align !== "right" ? (cells[i] ?? "") : pad(cells[i] ?? "", widths[i]!, c.align)))
      .join(GAP)
      .trimEnd();
  const head = line(columns.map((c) => c.header));
  const body = rows.map(line);
  // Under the headers only: the last column's longest cell would make it wrap on a terminal.
  const rule = "-".repeat(visibleLength(head));
  return [head, rule, ...body];
}

function label(r: CheckResult, colour: boolean): string {
  return colour ? `${COLOUR[r.outcome]}${LABEL[r.outcome]}${RESET}` : LABEL[r.outcome];
}

function cells(r: CheckResult, colour: boolean): string[] {
  return [r.device, r.check, label(r, colour), formatDuration(r.durationMs), r.message];
}

const COLUMNS: readonly Column[] = [
  { header: "device" },
  { header: "check" },
  { header: "result" },
  { header: "time", align: "right" },
  { header: "message" },
];
/** The widest formatDuration: the time column is at least this wide, so progress lines keep their place. */
const TIME_WIDTH = 8;

/** One result as a progress line, its device and check padded to `widths`. */
export function formatLine(r: CheckResult, widths: { device: number; check: number }, options: TableOptions = {}): string {
  const [device, check, outcome, time, message] = cells(r, options.colour ?? false);
  return [pad(device!, widths.device), pad(check!, widths.check), pad(outcome!, LABEL.pass.length), pad(time!, TIME_WIDTH, "right"), message!].join(GAP).trimEnd();
}

/** `12 devices (23 with their parts), 140 checks`: what a run covers, in the heading and the totals alike. */
export function formatCounts(c: RunCounts): string {
  const devices = `${c.devices} device${c.devices === 1 ? "" : "s"}`;
  const parts = c.withParts > c.devices ? ` (${c.withParts} with ${c.devices === 1 ? "its" : "their"} parts)` : "";
  return `${devices}${parts}, ${c.checks} check${c.checks === 1 ? "" : "s"}`;
}

export function formatTable(report: HwtestReport, options: TableOptions = {}): string {
  const colour = options.colour ?? false;
  const lines = formatColumns(COLUMNS, report.results.map((r) => cells(r, colour)));
  const counts = countResults(report.results);
  const restore = counts.restoreProblems > 0 ? `, ${counts.restoreProblems} problem${counts.restoreProblems === 1 ? "" : "s"} putting devices back` : "";
  lines.push(
    "",
    `${report.instrument} on ${report.target}${report.dryRun ? " (dry run)" : ""}${report.interrupted ? " (interrupted)" : ""}: ` +
      `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped; ${formatCounts(counts)}${restore} in ${formatDuration(report.durationMs)}`,
  );
  return lines.join("\n");
}
