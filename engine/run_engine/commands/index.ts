import type { CommandHandler } from "../command.ts";
import { complete, configure, kickoff, locate, prepare, read, set, stage, stop, trigger, unstage } from "./device_commands.ts";
import {
  checkpoint,
  clearCheckpoint,
  input,
  installSuspender,
  nullCommand,
  pause,
  removeSuspender,
  rewindable,
  sleep,
  subscribe,
  unsubscribe,
  wait,
  waitFor,
} from "./flow_commands.ts";
import { nextSuggestion } from "./suggestion_commands.ts";
import { closeRun, collect, create, declareStream, drop, monitor, openRun, save, unmonitor } from "./run_commands.ts";

/** The built-in verbs, one handler each, after Bluesky's command registry. */
export function defaultCommands(): Map<string, CommandHandler> {
  return new Map<string, CommandHandler>([
    ["open_run", openRun],
    ["close_run", closeRun],
    ["create", create],
    ["save", save],
    ["drop", drop],
    ["read", read],
    ["locate", locate],
    ["trigger", trigger],
    ["set", set],
    ["wait", wait],
    ["sleep", sleep],
    ["checkpoint", checkpoint],
    ["clear_checkpoint", clearCheckpoint],
    ["pause", pause],
    ["stage", stage],
    ["unstage", unstage],
    ["kickoff", kickoff],
    ["complete", complete],
    ["collect", collect],
    ["configure", configure],
    ["subscribe", subscribe],
    ["unsubscribe", unsubscribe],
    ["monitor", monitor],
    ["unmonitor", unmonitor],
    ["declare_stream", declareStream],
    ["prepare", prepare],
    ["null", nullCommand],
    ["stop", stop],
    ["wait_for", waitFor],
    ["install_suspender", installSuspender],
    ["remove_suspender", removeSuspender],
    ["rewindable", rewindable],
    ["input", input],
    ["next_suggestion", nextSuggestion],
  ]);
}

/**
 * Verbs never replayed on a rewind: they open or close something once (runs, stages, monitors, streams,
 * subscriptions, suspenders), change the engine's own state, or ask the user.
 */
export const NON_REPLAYABLE: ReadonlySet<string> = new Set([
  "pause",
  "subscribe",
  "unsubscribe",
  "stage",
  "unstage",
  "monitor",
  "unmonitor",
  "open_run",
  "close_run",
  "install_suspender",
  "remove_suspender",
  "declare_stream",
  "checkpoint",
  "clear_checkpoint",
  "rewindable",
  "input",
]);
