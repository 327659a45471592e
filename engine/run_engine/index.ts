export { RunEngine } from "./run_engine.ts";
export { RunEngineState } from "./state.ts";
export type { RunResult } from "./state.ts";
export {
  DEFAULT_INPUT,
  DEFAULT_LOG,
  DEFAULT_RAISE_CALLBACK_EXCEPTIONS,
  DEFAULT_VALIDATE_DOCUMENTS,
  DEFAULT_YIELD_EVERY,
  resolveRunEngineOptions,
} from "./options.ts";
export type { InputSource, LogSink, ResolvedRunEngineOptions, RunEngineOptions } from "./options.ts";
export { Reply, deviceOf, secondsToMs } from "./command.ts";
export type { CommandHandler } from "./command.ts";
export { NON_REPLAYABLE, defaultCommands } from "./commands/index.ts";
export { nextSuggestion } from "./commands/suggestion_commands.ts";
export type { SuggestionTimeoutCallback } from "./commands/suggestion_commands.ts";
export { Execution, INTERRUPTED } from "./execution.ts";
export type { EngineHooks } from "./execution.ts";
export type { CallbackError } from "./dispatcher.ts";
export { RunBundler } from "./bundler.ts";
export type { EventFactory } from "./bundler.ts";
export { PromiseStatus, statusDone, statusFailure } from "./status_groups.ts";
export { DEFAULT_SIGINT_WINDOW_MS, PAUSED_HELP, installSigintHandler } from "./sigint.ts";
export type { PausableEngine, SigintOptions, SignalSource } from "./sigint.ts";
