/**
 * `skyloop campaign run <file.yaml> [--json] [--watch PORT] [--control-token TOKEN]`: a closed-loop campaign
 * as its file describes it. Progress goes to stderr; at the end a summary table goes to stdout and, with
 * --json, one JSON object as the last line. With a control token (or SKYLOOP_WATCH_TOKEN) `skyloop watch` can
 * pause, resume and abort it; `--watch` serves that live page from this process.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { loadCampaign } from "../campaign/config.ts";
import { summaryTable } from "../campaign/progress.ts";
import { runCampaign } from "../campaign/run.ts";
import type { CampaignSummary } from "../campaign/run.ts";

interface CampaignRunOptions {
  json: boolean;
  metadataFile: string;
  agentWait: string;
  watch?: string;
  controlToken?: string;
}

export function registerCampaignCommands(program: Command): void {
  const campaign = program.command("campaign").description("closed-loop campaigns: an agent decides each next measurement");
  campaign
    .command("run")
    .description("run the campaign a YAML file describes (embedded, or with a separate `skyloop agent run`)")
    .argument("<file>", "campaign file, e.g. examples/orbit-svd.yaml")
    .option("--json", "print a JSON summary as the last line")
    .option("--metadata-file <file>", "persistent metadata and scan_id", ".skyloop/metadata.json")
    .option("--agent-wait <s>", "with a bus: how long to wait for the agent to connect", "30")
    .option("--watch <port>", "serve the live page (skyloop watch) from this process on this port (0: any free port)")
    .option("--control-token <token>", "lets the live page pause, resume and abort the campaign (default: $SKYLOOP_WATCH_TOKEN; none: no control)")
    .action(async (file: string, opts: CampaignRunOptions) => {
      const watchPort = opts.watch === undefined ? undefined : Number(opts.watch);
      if (watchPort !== undefined && !(Number.isInteger(watchPort) && watchPort >= 0 && watchPort <= 65535)) {
        throw new InvalidArgumentError(`--watch takes a port from 0 to 65535, got ${JSON.stringify(opts.watch)}`, opts.watch);
      }
      const token = opts.controlToken ?? process.env.SKYLOOP_WATCH_TOKEN;
      const config = await loadCampaign(file);
      const summary = await runCampaign(config, {
        metadataFile: opts.metadataFile,
        agentWaitMs: Number(opts.agentWait) * 1000,
        ...(opts.json ? { interactive: false } : {}),
        ...(token !== undefined && token !== "" ? { controlToken: token } : {}),
        ...(watchPort !== undefined ? { watchPort } : {}),
        onWatch: (url) => process.stderr.write(`skyloop: watch ${config.name} at ${url}${token ? "" : "  (read-only: no control token)"}\n`),
        onControl: () => process.stderr.write(`skyloop: ${config.name} takes pause, resume and abort from skyloop watch (control token set)\n`),
      });
      console.log(summaryTable(summaryRows(summary)));
      if (opts.json) console.log(JSON.stringify(summary));
      if (summary.exit_status !== "success") process.exitCode = 3;
    });
}

function summaryRows(s: CampaignSummary): [string, unknown][] {
  return [
    ["campaign", s.campaign],
    ["mode", `${s.mode}${s.embedded ? " (embedded)" : " (distributed)"}`],
    ["agent", s.agent],
    ["target", s.target],
    ["exit status", s.exit_status],
    ["reason", s.reason],
    ["stopped by", s.stop_reason],
    ["points", s.points],
    ["iterations", s.iterations],
    ["rejected", s.rejected + s.engine_rejections.length],
    ["initial RMS", s.initial_rms],
    ["final RMS", s.final_rms],
    ["objective", s.final_rms === undefined ? s.objective : undefined],
    ["best value", s.best_value],
    ["best at", s.best_at ? Object.entries(s.best_at).map(([k, v]) => `${k}=${v.toPrecision(5)}`) : undefined],
    ["decisions", s.decisions],
    ["documents", s.files],
    ["plot", s.plot],
    ["duration (s)", s.duration_s],
  ];
}
