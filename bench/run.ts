/**
 * `npm run bench [-- --json] [-- --only prefix]`: runs every benchmark group, prints a table, and with
 * --json prints one JSON object (key -> median) as the last line.
 */
import { type Benchmark, type BenchmarkGroup, type BenchResult, summarise } from "./benchmark.ts";
import { groups } from "./groups.ts";

const args = process.argv.slice(2);
const json = args.includes("--json");
const onlyIdx = args.indexOf("--only");
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;

function fmt(v: number | undefined, digits = 3): string {
  if (v === undefined || !Number.isFinite(v)) return "-";
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  return v.toPrecision(digits);
}

async function runGroup(group: BenchmarkGroup): Promise<BenchResult[]> {
  const selected = group.benchmarks.filter((b) => !only || b.key.startsWith(only));
  if (selected.length === 0) return [];
  process.stderr.write(`bench: ${group.name} `);
  const results: BenchResult[] = [];
  try {
    await group.setup?.();
    for (const b of selected) results.push(await runOne(b));
  } catch (err) {
    for (const b of selected.filter((s) => !results.some((r) => r.key === s.key)))
      results.push({ key: b.key, unit: b.unit, median: NaN, min: NaN, max: NaN, samples: [], error: String(err) });
  } finally {
    await group.teardown?.().catch(() => undefined);
  }
  process.stderr.write("\n");
  return results;
}

async function runOne(b: Benchmark): Promise<BenchResult> {
  const samples: number[] = [];
  for (let i = 0; i < (b.repeats ?? 5); i++) {
    samples.push(await b.measure());
    process.stderr.write(".");
  }
  return summarise(b, samples);
}

const all: BenchResult[] = [];
const byKey = new Map<string, Benchmark>();
for (const g of groups) {
  for (const b of g.benchmarks) byKey.set(b.key, b);
  all.push(...(await runGroup(g)));
}

const header = ["benchmark", "median", "unit", "min", "max", "goal", "vs goal", "reference", "vs ref"];
const rows = all.map((r) => {
  const b = byKey.get(r.key)!;
  return [
    r.key,
    r.error ? "error" : fmt(r.median),
    r.unit,
    fmt(r.min),
    fmt(r.max),
    fmt(b.goal),
    r.goalRatio === undefined ? "-" : `${r.goalRatio.toFixed(2)}x`,
    b.reference ? `${fmt(b.reference.value)} (${b.reference.label})` : "-",
    r.referenceRatio === undefined ? "-" : `${r.referenceRatio.toFixed(1)}x`,
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(line(r));
for (const r of all.filter((x) => x.error)) console.log(`${r.key}: ${r.error}`);
console.log("ratios: 'vs goal' above 1.00x meets the goal; medians of repeated runs on a shared machine.");
if (json) {
  const out: Record<string, number | null> = {};
  for (const r of all) out[r.key] = Number.isFinite(r.median) ? Number(r.median.toPrecision(6)) : null;
  console.log(JSON.stringify(out));
}
process.exit(all.some((r) => r.error) ? 1 : 0);
