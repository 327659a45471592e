/**
 * `skyloop campaign run <file.yaml> [--json]`: a closed-loop campaign as its file describes it. Progress goes
 * to stderr; at the end a summary table goes to stdout and, with --json, one JSON object as the last line.
 */
import type { Command } from "commander";
import { loadCampaign } from "../campaign/config.ts";
import { summaryTable } from "../campaign/progress.ts";
import { runCampaign } from "../campaign/run.ts";
import type { CampaignSummary } from "../campaign/run.ts";

interface CampaignRunOptions {
  json: boolean;
  metadataFile: string;
  agentWait: string;
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
    .action(async (file: string, opts: CampaignRunOptions) => {
      const config = await loadCampaign(file);
      const summary = await runCampaign(config, {
        metadataFile: opts.metadataFile,
        agentWaitMs: Number(opts.agentWait) * 1000,
        ...(opts.json ? { interactive: false } : {}),
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
