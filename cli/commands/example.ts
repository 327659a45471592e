/**
 * `skyloop example <name>`: runs one of the scientist-facing examples on the simulated instrument, writing
 * its documents as JSON lines and its plots as SVG; `skyloop example list` shows them.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { DEFAULT_EXAMPLE_OUT, EXAMPLES } from "../../examples/scientist/index.ts";

interface ExampleCommandOptions {
  out: string;
  speedUp?: string;
  quick: boolean;
  json: boolean;
}

export function registerExampleCommand(program: Command): void {
  program
    .command("example")
    .description("run a scientist-facing example on the simulated instrument (documents as JSON lines, plots as SVG)")
    .argument("[name]", `example to run, or "list": ${[...EXAMPLES.keys()].join(", ")}`, "list")
    .option("-o, --out <dir>", "directory for documents and plots", DEFAULT_EXAMPLE_OUT)
    .option("--speed-up <n>", "divide simulated move, count and exposure times by n (default: the example's own)")
    .option("--quick", "fewer points, for a first look", false)
    .option("--json", "print the summary as JSON as the last line", false)
    .action(async (name: string, opts: ExampleCommandOptions) => {
      if (name === "list") {
        for (const [key, entry] of EXAMPLES) console.log(`${key.padEnd(16)} ${entry.description}`);
        return;
      }
      const entry = EXAMPLES.get(name);
      if (!entry) throw new InvalidArgumentError(`unknown example ${JSON.stringify(name)}; examples: ${[...EXAMPLES.keys()].join(", ")}`, name);
      const result = await entry.run({
        out: opts.out,
        quick: opts.quick,
        ...(opts.speedUp === undefined ? {} : { speedUp: parseSpeedUp(opts.speedUp) }),
      });
      if (opts.json) console.log(JSON.stringify(result));
    });
}

function parseSpeedUp(text: string): number {
  const n = Number(text);
  if (!(n > 0 && Number.isFinite(n))) throw new InvalidArgumentError(`--speed-up must be a finite number > 0, got ${JSON.stringify(text)}`, text);
  return n;
}
