/**
 * The `skyloop` command. Each subcommand lives in cli/commands/ and registers itself on the program;
 * failures print one clear line (the error's class and message) and exit non-zero.
 */
import { Command, CommanderError } from "commander";
import { registerAgentCommands } from "./commands/agent.ts";
import { registerCaCommand } from "./commands/ca.ts";
import { registerCampaignCommands } from "./commands/campaign.ts";
import { registerExampleCommand } from "./commands/example.ts";
import { registerHwtestCommand } from "./commands/hwtest.ts";
import { registerIocCommand } from "./commands/ioc.ts";
import { registerPlanCommands } from "./commands/plan.ts";
import { registerWatchCommand } from "./commands/watch.ts";
import { reportFailure } from "./failure.ts";

export function buildProgram(): Command {
  const program = new Command("skyloop")
    .description("Adaptive, autonomous experiments at synchrotron accelerators and beamlines.")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ sortSubcommands: true });
  registerPlanCommands(program);
  registerCampaignCommands(program);
  registerAgentCommands(program);
  registerExampleCommand(program);
  registerIocCommand(program);
  registerCaCommand(program);
  registerHwtestCommand(program);
  registerWatchCommand(program);
  return program;
}

const isMain = process.argv[1] !== undefined && /(main\.ts|skyloop(\.mjs)?)$/.test(process.argv[1]);
if (isMain) {
  // Output piped into `head` or a closed pager: stop quietly, as caget and friends do.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  buildProgram()
    .exitOverride()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      if (err instanceof CommanderError) process.exit(err.exitCode);
      process.exit(reportFailure(err));
    });
}
