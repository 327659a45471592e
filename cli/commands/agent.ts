/**
 * `skyloop agent run <file.yaml>`: the agent of a distributed campaign, in its own process. It runs until
 * stopped (Ctrl-C, SIGTERM) or, with --runs, after answering that many runs; a restart resumes from its
 * durable consumer. With --json the last line is a JSON summary of what it decided.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { runAgentProcess } from "../campaign/agent_process.ts";
import { loadCampaign } from "../campaign/config.ts";

interface AgentRunOptions {
  runs?: string;
  json: boolean;
}

export function registerAgentCommands(program: Command): void {
  const agent = program.command("agent").description("agents of distributed campaigns");
  agent
    .command("run")
    .description("run the agent a campaign file names, against its bus (NATS and the engine's suggestion endpoint)")
    .argument("<file>", "campaign file with a bus section")
    .option("--runs <n>", "stop after answering this many runs")
    .option("--json", "print a JSON summary as the last line")
    .action(async (file: string, opts: AgentRunOptions) => {
      const runs = opts.runs === undefined ? undefined : Number(opts.runs);
      if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1)) throw new InvalidArgumentError(`--runs takes an integer >= 1, got ${JSON.stringify(opts.runs)}`, opts.runs);
      const config = await loadCampaign(file);
      const stopSignal = new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      const summary = await runAgentProcess(config, {
        ...(runs !== undefined ? { runs } : {}),
        stopSignal,
        onReady: (i) => process.stderr.write(`skyloop: agent ${i.agent} ready (durable consumer ${i.durable}, engine at ${i.endpoint})\n`),
      });
      process.stderr.write(`skyloop: agent ${summary.agent}: ${summary.decided} decisions, ${summary.resent} resent after a restart, ${summary.rejected} rejected\n`);
      if (opts.json) console.log(JSON.stringify(summary));
      process.exit(process.exitCode ?? 0);
    });
}
