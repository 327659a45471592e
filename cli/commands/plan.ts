/**
 * `skyloop plan run <plan> [args...]`: runs one of Bluesky's plans on the simulated instrument with a
 * LiveTable, peak statistics, a JSON-lines file and a plot per run. `skyloop plan list` shows the plans.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { JsonlWriter, LiveTable, PeakStats, SvgPlot } from "../../engine/callbacks/index.ts";
import type { AnyDocument, DocumentName, RunStart } from "../../engine/documents/types.ts";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { RunEngine } from "../../engine/run_engine/index.ts";
import { demoInstrument } from "../demo_instrument.ts";
import { promptWhenPaused } from "../paused_prompt.ts";
import { parsePlanArgs } from "../plan_args.ts";
import { PLANS } from "../plan_registry.ts";

interface PlanRunOptions {
  out: string;
  table: boolean;
  plot: boolean;
  md: string[];
  metadataFile: string;
  velocity: string;
  seed: string;
  validate: boolean;
  json: boolean;
}

export function registerPlanCommands(program: Command): void {
  const plan = program.command("plan").description("run Bluesky-style plans on the simulated instrument");

  plan
    .command("list")
    .description("list the plans with their arguments")
    .action(() => {
      for (const [name, entry] of PLANS) console.log(`${name.padEnd(16)} ${entry.usage}`);
      console.log("\ndevices: " + [...demoInstrument().keys()].join(", "));
    });

  plan
    .command("run")
    .description("run a plan with a live table, peak statistics, a JSON-lines file and a plot")
    .argument("<plan>", "plan name, e.g. scan (see `skyloop plan list`)")
    .argument("[args...]", "plan arguments in Bluesky's order: DETS first (det1,det2), then motors and numbers")
    .option("-o, --out <dir>", "directory for JSON-lines documents and plots", "data")
    .option("--no-table", "do not print the live table")
    .option("--no-plot", "do not write a plot")
    .option("--md <key=value>", "run metadata (repeatable)", collect, [] as string[])
    .option("--metadata-file <file>", "persistent metadata and scan_id", ".skyloop/metadata.json")
    .option("--velocity <mm/s>", "speed of the simulated motors (inf: instant)", "20")
    .option("--seed <n>", "seed of the detectors' counting noise", "1")
    .option("--no-validate", "skip schema validation of every document")
    .option("--json", "print a JSON summary as the last line")
    .allowUnknownOption(false)
    .action(async (name: string, words: string[], opts: PlanRunOptions) => {
      await runPlanCommand(name, words, opts);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseMd(pairs: readonly string[]): Record<string, unknown> {
  const md: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new InvalidArgumentError(`--md takes key=value, got ${JSON.stringify(pair)}`, pair);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text stays text
    }
    md[pair.slice(0, eq)] = value;
  }
  return md;
}

async function runPlanCommand(name: string, words: string[], opts: PlanRunOptions): Promise<void> {
  const entry = PLANS.get(name);
  if (!entry) throw new InvalidArgumentError(`unknown plan '${name}'; plans: ${[...PLANS.keys()].join(", ")}`, name);
  const velocity = opts.velocity === "inf" ? Infinity : Number(opts.velocity);
  if (!(velocity > 0)) throw new InvalidArgumentError(`--velocity must be a positive number or inf, got ${JSON.stringify(opts.velocity)}`, opts.velocity);
  const devices = demoInstrument({ velocity, seed: Number(opts.seed) });
  const args = parsePlanArgs(words, devices, entry.fieldArgs);
  const md = parseMd(opts.md);
  const plan = entry.factory(...args);

  const outDir = resolve(opts.out);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(resolve(opts.metadataFile, ".."), { recursive: true });
  const RE = new RunEngine({ metadataFile: opts.metadataFile, validateDocuments: opts.validate });
  if (opts.table) RE.subscribe(new LiveTable().callback);
  const writer = new JsonlWriter({ directory: outDir });
  RE.subscribe(writer.callback);
  const plots: string[] = [];
  if (opts.plot) RE.subscribe(new SvgPlot({ directory: outDir, onWritten: (file: string) => plots.push(file) }).callback);
  const peaks = peakStatsFor(RE);
  const disposeSigint = RE.installSigintHandler();
  const disposePrompt = promptWhenPaused(RE);
  try {
    const result = await RE.run(plan, md);
    const summary = {
      plan: name,
      uids: result.uids,
      exit_status: result.exitStatus,
      ...(result.reason ? { reason: result.reason } : {}),
      files: writer.files,
      plots,
      peak_stats: peaks.results(),
    };
    for (const [field, stats] of Object.entries(summary.peak_stats)) {
      console.log(`PeakStats ${field}: cen=${fmt(stats.cen)} com=${fmt(stats.com)} fwhm=${fmt(stats.fwhm)} max=${fmtPair(stats.max)} min=${fmtPair(stats.min)}`);
    }
    for (const f of writer.files) console.log(`documents: ${f}`);
    for (const p of plots) console.log(`plot: ${p}`);
    if (opts.json) console.log(JSON.stringify(summary));
    if (result.exitStatus !== "success") process.exitCode = 3;
  } finally {
    disposeSigint();
    disposePrompt();
    writer.close();
  }
}

/** PeakStats for the first motor and every hinted detector field of each 1-D run. */
function peakStatsFor(RE: RunEngine) {
  const stats = new Map<string, PeakStats>();
  RE.subscribe((name: DocumentName, doc: AnyDocument) => {
    if (name !== "start") return;
    const start = doc as RunStart;
    const dims = start.hints?.dimensions;
    const x = dims && dims.length === 1 && dims[0]![0].length === 1 ? dims[0]![0][0] : undefined;
    const dets = (start.detectors as string[] | undefined) ?? [];
    if (!x) return;
    for (const det of dets) {
      const ps = new PeakStats({ x, y: det });
      stats.set(det, ps);
      ps.callback(name, doc);
      RE.subscribe(ps.callback);
    }
  }, "start");
  return {
    results: () =>
      Object.fromEntries(
        [...stats].filter(([, ps]) => ps.stats).map(([k, ps]) => {
          const { com, cen, max, min, fwhm } = ps.stats!;
          return [k, { com, cen, max, min, fwhm }];
        }),
      ),
  };
}

const fmt = (v: number | undefined) => (v === undefined ? "-" : v.toPrecision(5));
const fmtPair = (v: readonly [number, number] | undefined) => (v === undefined ? "-" : `(${fmt(v[0])}, ${fmt(v[1])})`);
