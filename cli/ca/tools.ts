/**
 * caget, caput, camonitor and cainfo over skyloop's CA client. Each returns the exit code (0 when every PV
 * worked, 1 otherwise) after printing what it could: a missing PV among several does not hide the others.
 */
import {
  type CaChannel,
  CaClientContext,
  type CaClientOptions,
  type CaValue,
  Dbe,
  DbrForm,
  DbrType,
  dbrTypeFor,
  NativeType,
} from "../../epics/index.ts";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { type FormatOptions, getLine, infoText, monitorLine, structureText } from "./format.ts";

/** Where the tools print: lines of output and lines of complaint. */
export interface ToolOutput {
  out(line: string): void;
  err(line: string): void;
}

export interface ToolOptions extends FormatOptions {
  /** Limit of connect, get and put-completion, ms. @default DEFAULT_TOOL_TIMEOUT_MS */
  timeoutMs?: number;
  /** DBR type to ask for; prints the whole structure (caget -d). @default none */
  dbrType?: number;
  /** Elements to read; 0 for all. @default 0 */
  count?: number;
  /** Client options (tests); the EPICS environment fills the rest. @default {} */
  client?: CaClientOptions;
}

/** The EPICS tools wait one second unless told otherwise (-w). */
export const DEFAULT_TOOL_TIMEOUT_MS = 1000;

function message(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Runs `body` with a fresh client context and every PV connected at once; reports the ones that fail. */
async function withChannels(
  names: readonly string[],
  options: ToolOptions,
  io: ToolOutput,
  body: (ctx: CaClientContext, channels: (CaChannel | undefined)[]) => Promise<number>,
): Promise<number> {
  if (names.length === 0) throw new InvalidArgumentError("name at least one PV", names);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const ctx = new CaClientContext({ ...options.client, timeoutMs });
  try {
    const settled = await Promise.allSettled(names.map((n) => ctx.connect(n, { timeoutMs })));
    let failed = 0;
    const channels = settled.map((r) => {
      if (r.status === "fulfilled") return r.value;
      failed++;
      io.err(message(r.reason));
      return undefined;
    });
    const code = await body(ctx, channels);
    return failed > 0 ? 1 : code;
  } finally {
    ctx.close();
  }
}

/** The DBR type a plain read asks for: TIME of the native type, enums as strings unless -n. */
function readType(ch: CaChannel, options: ToolOptions): number {
  if (options.dbrType !== undefined) return options.dbrType;
  if (ch.nativeType === NativeType.ENUM && !options.enumAsNumber) return DbrType.TIME_STRING;
  return dbrTypeFor(ch.nativeType as NativeType, DbrForm.TIME);
}

async function read(ch: CaChannel, options: ToolOptions): Promise<CaValue> {
  return ch.get({ dbrType: readType(ch, options), count: Math.min(options.count ?? 0, ch.nativeCount), timeoutMs: options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS });
}

/** caget: one line per PV (the whole structure with -d). */
export async function caget(names: readonly string[], options: ToolOptions & { wide?: boolean }, io: ToolOutput): Promise<number> {
  return withChannels(names, options, io, async (_ctx, channels) => {
    let code = 0;
    for (const ch of channels) {
      if (!ch) continue;
      try {
        const v = await read(ch, options);
        io.out(options.dbrType !== undefined ? structureText(v, ch.describe(), options) : getLine(v, options));
      } catch (err) {
        io.err(message(err));
        code = 1;
      }
    }
    return code;
  });
}

export interface PutOptions extends ToolOptions {
  /** Wait for the server to report completion (caput -c). @default false */
  completion?: boolean;
  /** The first value is the element count of an array put (caput -a). @default false */
  array?: boolean;
}

/** The value caput sends: text as typed (the server converts), numbers for enums with -n, arrays with -a. */
const NUMERIC: ReadonlySet<number> = new Set([NativeType.SHORT, NativeType.FLOAT, NativeType.LONG, NativeType.DOUBLE]);

/** Checks the value before anything is written: a word the record cannot take is refused here, by name. */
async function putValue(ch: CaChannel, words: readonly string[], options: PutOptions): Promise<unknown> {
  if (options.array) {
    const [count, ...values] = words;
    if (count === undefined || !/^\d+$/.test(count) || Number(count) !== values.length)
      throw new InvalidArgumentError(`caput -a takes the element count then that many values, got ${JSON.stringify(words)}`, words);
    return ch.nativeType === NativeType.STRING ? values : values.map((w) => numberFrom(w));
  }
  if (words.length !== 1)
    throw new InvalidArgumentError(`one value per put (use -a for arrays, -S for long strings), got ${words.length}: ${JSON.stringify(words)}`, words);
  const word = words[0]!;
  if (ch.nativeType === NativeType.ENUM && options.enumAsNumber) return numberFrom(word);
  if (ch.nativeType === NativeType.ENUM) {
    const states = (await ch.get({ dbrType: DbrType.CTRL_ENUM, timeoutMs: options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS })).enumStrings ?? [];
    const index = /^\d+$/.test(word.trim()) ? Number(word) : states.indexOf(word);
    if (index < 0 || index >= states.length)
      throw new InvalidArgumentError(`${JSON.stringify(word)} is not a state of ${ch.name} (states: ${states.map((x) => JSON.stringify(x)).join(", ")})`, word);
    return word;
  }
  if (NUMERIC.has(ch.nativeType) || (ch.nativeType === NativeType.CHAR && !options.charAsString && ch.nativeCount === 1)) return numberFrom(word);
  return word;
}

function numberFrom(word: string): number {
  const n = Number(word.trim());
  if (word.trim() === "" || Number.isNaN(n)) throw new InvalidArgumentError(`${JSON.stringify(word)} is not a number; nothing was written`, word);
  return n;
}

/** caput: prints the old and new values (only the new one, terse). */
export async function caput(name: string, words: readonly string[], options: PutOptions, io: ToolOutput): Promise<number> {
  return withChannels([name], options, io, async (_ctx, [ch]) => {
    if (!ch) return 1;
    try {
      const value = await putValue(ch, words, options);
      const before = options.terse ? undefined : await read(ch, options);
      await ch.put(value, { wait: options.completion ?? false, timeoutMs: options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS });
      const after = await read(ch, options);
      if (before) io.out(`Old : ${getLine(before, options)}`);
      io.out(options.terse ? getLine(after, options) : `New : ${getLine(after, options)}`);
      return 0;
    } catch (err) {
      io.err(message(err));
      return 1;
    }
  });
}

export interface MonitorToolOptions extends ToolOptions {
  /** DBE mask as camonitor's -m letters: v(alue), l(og), a(larm), p(roperty). @default "va" */
  mask?: string;
  /** Stop after this many updates in all (skyloop's addition, for scripts). @default unlimited */
  updates?: number;
  /** Resolves to stop monitoring (Ctrl-C). @default never */
  stop?: Promise<void>;
}

export function parseMask(letters: string): number {
  const bits: Record<string, number> = { v: Dbe.VALUE, l: Dbe.LOG, a: Dbe.ALARM, p: Dbe.PROPERTY };
  let mask = 0;
  for (const c of letters) {
    const bit = bits[c];
    if (bit === undefined) throw new InvalidArgumentError(`unknown monitor mask letter ${JSON.stringify(c)} in ${JSON.stringify(letters)}: use v, l, a, p`, letters);
    mask |= bit;
  }
  if (mask === 0) throw new InvalidArgumentError(`empty monitor mask: use v, l, a, p`, letters);
  return mask;
}

/** camonitor: a line per update until stopped (or `updates` lines). */
export async function camonitor(names: readonly string[], options: MonitorToolOptions, io: ToolOutput): Promise<number> {
  const mask = parseMask(options.mask ?? "va");
  return withChannels(names, options, io, async (_ctx, channels) => {
    const live = channels.filter((c): c is CaChannel => c !== undefined);
    if (live.length === 0) return 1;
    let seen = 0;
    let code = 0;
    await new Promise<void>((resolve) => {
      const subs = live.map((ch) =>
        ch.monitor({ mask, dbrType: readType(ch, options), count: Math.min(options.count ?? 0, ch.nativeCount) }).subscribe({
          next: (v) => {
            io.out(monitorLine(v, options));
            if (options.updates !== undefined && ++seen >= options.updates) finish();
          },
          error: (err: unknown) => {
            io.err(message(err));
            code = 1;
          },
        }),
      );
      const finish = (): void => {
        for (const s of subs) s.unsubscribe();
        resolve();
      };
      void options.stop?.then(finish);
    });
    return code;
  });
}

/** cainfo: the channel's server, access, native type and element count. */
export async function cainfo(names: readonly string[], options: ToolOptions, io: ToolOutput): Promise<number> {
  return withChannels(names, options, io, async (_ctx, channels) => {
    for (const ch of channels) if (ch) io.out(infoText(ch.describe()));
    return 0;
  });
}
