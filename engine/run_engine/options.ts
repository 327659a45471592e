import { InvalidArgumentError } from "../errors.ts";
import type { Metadata } from "../metadata.ts";

/** What the engine does with a line of text: notices to the user (callback errors, Ctrl-C, cleanup). */
export type LogSink = (line: string) => void;

/** Answers the `input` command: shows the prompt and resolves with what the user typed. */
export type InputSource = (prompt: string) => Promise<string>;

export interface RunEngineOptions {
  /**
   * JSON file holding persistent metadata (`RE.md`) and the last scan_id; created when missing.
   * @default undefined (metadata kept in memory only)
   */
  metadataFile?: string;
  /** Metadata merged into the persistent metadata at construction. @default {} */
  md?: Metadata;
  /** Validate every document against event-model's schema before it is emitted. @default true */
  validateDocuments?: boolean;
  /** Let a document callback's exception fail the plan instead of only reporting it. @default false */
  raiseCallbackExceptions?: boolean;
  /**
   * Give the event loop a turn (setImmediate) after this many messages, so timers, sockets, Ctrl-C and
   * pause requests are served during a plan that never waits.
   * @default 256
   */
  yieldEvery?: number;
  /** Answers `input` messages. @default a readline prompt on stdin/stdout */
  input?: InputSource;
  /** Where notices go. @default a line on stderr */
  log?: LogSink;
}

export const DEFAULT_VALIDATE_DOCUMENTS = true;
export const DEFAULT_RAISE_CALLBACK_EXCEPTIONS = false;
export const DEFAULT_YIELD_EVERY = 256;
export const DEFAULT_LOG: LogSink = (line) => {
  process.stderr.write(line.endsWith("\n") ? line : line + "\n");
};
export const DEFAULT_INPUT: InputSource = async (prompt) => {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(prompt);
  } finally {
    rl.close();
  }
};

export interface ResolvedRunEngineOptions {
  readonly metadataFile: string | undefined;
  readonly md: Metadata;
  readonly validateDocuments: boolean;
  readonly raiseCallbackExceptions: boolean;
  readonly yieldEvery: number;
  readonly input: InputSource;
  readonly log: LogSink;
}

export function resolveRunEngineOptions(options: RunEngineOptions = {}): ResolvedRunEngineOptions {
  const yieldEvery = options.yieldEvery ?? DEFAULT_YIELD_EVERY;
  if (!Number.isInteger(yieldEvery) || yieldEvery < 1) {
    throw new InvalidArgumentError(`yieldEvery must be a positive integer, got ${JSON.stringify(yieldEvery)}`, yieldEvery);
  }
  return {
    metadataFile: options.metadataFile,
    md: options.md ?? {},
    validateDocuments: options.validateDocuments ?? DEFAULT_VALIDATE_DOCUMENTS,
    raiseCallbackExceptions: options.raiseCallbackExceptions ?? DEFAULT_RAISE_CALLBACK_EXCEPTIONS,
    yieldEvery,
    input: options.input ?? DEFAULT_INPUT,
    log: options.log ?? DEFAULT_LOG,
  };
}
