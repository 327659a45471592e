/**
 * `skyloop agent run <file.yaml>`: the agent of a distributed campaign, in its own process. It runs until
 * stopped (Ctrl-C, SIGTERM) or, with --runs, after answering that many runs; a restart resumes from its
 * durable consumer. With --json the last line is a JSON summary of what it decided.
 *
 * `skyloop agent train <file.yaml> [--resume DIR] [--nats URL --instrument NAME]` trains the RL orbit
 * corrector (progress bar, checkpoints, training curve; with NATS its progress also goes to `skyloop watch`),
 * and `skyloop agent eval <file.yaml> [--json]` compares the trained agent with the SVD corrector. Both load
 * TensorFlow.js, so only they import the trainer.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { runAgentProcess } from "../campaign/agent_process.ts";
import { loadCampaign } from "../campaign/config.ts";

interface AgentRunOptions {
  runs?: string;
  json: boolean;
}

interface AgentTrainOptions {
  resume?: string;
  quiet: boolean;
  nats?: string;
  instrument?: string;
  agent?: string;
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
  agent
    .command("train")
    .description("train the RL orbit corrector as a training file says (e.g. examples/rl-train-small.yaml)")
    .argument("<file>", "training file")
    .option("--resume <dir>", "continue from this checkpoint directory")
    .option("--quiet", "no progress bar", false)
    .option("--nats <url>", "also publish training progress to NATS (comma-separated servers), for skyloop watch")
    .option("--instrument <name>", "with --nats: the subject token, skyloop.<instrument>.training.<agent> (default: sim-ring)")
    .option("--agent <name>", "with --nats: the agent name in the subject (default: rl-orbit)")
    .action(async (file: string, opts: AgentTrainOptions) => {
      if (opts.nats === undefined && (opts.agent !== undefined || opts.instrument !== undefined)) {
        const given = opts.instrument !== undefined ? "--instrument" : "--agent";
        throw new InvalidArgumentError(`${given} names the NATS subject of the training progress: give --nats too`, opts.instrument ?? opts.agent);
      }
      const { runTraining } = await import("../campaign/training.ts");
      const nats = opts.nats?.split(",").map((u) => u.trim()).filter((u) => u.length > 0);
      await runTraining(file, {
        ...(opts.resume !== undefined ? { resume: opts.resume } : {}),
        quiet: opts.quiet,
        ...(nats !== undefined ? { nats } : {}),
        ...(opts.instrument !== undefined ? { instrument: opts.instrument } : {}),
        ...(opts.agent !== undefined ? { agent: opts.agent } : {}),
      });
    });
  agent
    .command("eval")
    .description("compare the trained RL agent with the SVD corrector on seeded scenarios (e.g. examples/rl-eval-small.yaml)")
    .argument("<file>", "evaluation file")
    .option("--json", "print one JSON object with the rl and svd figures per scenario as the last line", false)
    .action(async (file: string, opts: { json: boolean }) => {
      const { runEvaluation } = await import("../campaign/training.ts");
      await runEvaluation(file, { json: opts.json });
    });
}
