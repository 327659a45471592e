import { readEvalConfig, readTrainConfig } from "./config.ts";
import { evaluate, formatEvalTable, type EvalResult } from "./eval.ts";
import { train, type TrainProgress, type TrainResult } from "./train.ts";

const BAR_WIDTH = 24;

/** One progress line: bar, episode, recent mean return and final RMS, steps/s. */
export function formatProgress(p: TrainProgress): string {
  const done = Math.min(1, p.step / p.totalSteps);
  const filled = Math.round(done * BAR_WIDTH);
  const bar = "=".repeat(filled) + (filled < BAR_WIDTH ? ">" : "") + " ".repeat(Math.max(0, BAR_WIDTH - filled - 1));
  const rms = Number.isFinite(p.meanFinalRms) ? `${p.meanFinalRms.toExponential(2)} mm` : "-";
  const ret = Number.isFinite(p.meanReturn) ? p.meanReturn.toFixed(2) : "-";
  const held = p.bestHeldOut === undefined ? "" : `  held-out ${p.heldOut!.score.toFixed(3)} (best ${p.bestHeldOut.score.toFixed(3)} at ${p.bestHeldOut.step})`;
  return `[${bar}] ${(done * 100).toFixed(0).padStart(3)}%  step ${p.step}/${p.totalSteps}  episode ${p.episode}  reward ${ret}  RMS ${rms}  ${p.stepsPerSecond.toFixed(0)} steps/s${held}`;
}

/**
 * `skyloop agent train <file.yaml> [--resume dir] [--quiet]`: trains, with a progress bar on stderr (redrawn in
 * place on a terminal, a line every 10% otherwise), and prints where the checkpoint and curve went.
 */
export async function trainCommand(file: string, opts: { resume?: string; quiet?: boolean } = {}): Promise<TrainResult> {
  const config = readTrainConfig(file);
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  const result = await train(config, {
    resume: opts.resume,
    onBackend: (text) => opts.quiet || process.stderr.write(`${text}\n`),
    onProgress: (p) => {
      if (opts.quiet) return;
      if (tty) process.stderr.write(`\r${formatProgress(p)}\x1b[K`);
      else {
        const decile = Math.floor((10 * p.step) / p.totalSteps);
        if (decile !== lastDecile) {
          lastDecile = decile;
          process.stderr.write(`${formatProgress(p)}\n`);
        }
      }
    },
  });
  if (!opts.quiet && tty) process.stderr.write("\n");
  process.stdout.write(
    `trained ${result.steps} steps, ${result.episodes} episodes in ${result.trainSeconds.toFixed(1)} s (${result.stepsPerSecond.toFixed(0)} steps/s, ${result.backend})\n` +
      (result.best === null ? "" : `best held-out score ${result.best.score.toFixed(4)} at step ${result.best.step} (${result.best.trainSeconds.toFixed(1)} s)${result.stoppedEarly ? "; stopped early, no better score for the last evaluations" : ""}\n`) +
      `checkpoint: ${result.checkpoint}\ncurve: ${result.curvePath}\n`,
  );
  return result;
}

/**
 * `skyloop agent eval <file.yaml> [--json]`: prints the comparison table, or with `json` one JSON object as
 * the last line: `{checkpoint, targetRms, scenarios: {<name>: {rl, svd}}, goals}`.
 */
export async function evalCommand(file: string, opts: { json?: boolean } = {}): Promise<EvalResult> {
  const result = evaluate(readEvalConfig(file));
  if (opts.json) {
    const scenarios: Record<string, unknown> = {};
    for (const s of result.scenarios) scenarios[s.name] = { mismatch: s.mismatch, harmonic: s.harmonic, checkpoint: s.checkpoint, rl: s.rl, svd: s.svd };
    process.stdout.write(`${JSON.stringify({ checkpoint: result.checkpoint, targetRms: result.targetRms, scenarios, goals: result.goals })}\n`);
  } else {
    process.stdout.write(`${formatEvalTable(result)}\n`);
  }
  return result;
}
