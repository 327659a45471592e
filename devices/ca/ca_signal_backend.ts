/**
 * The Channel Access signal backend: ophyd-async's eight operations over channels of a shared client context.
 * Connecting learns the channel's native type, length and states (DBR_CTRL) and picks a conversion from the
 * table in conversion.ts; readings come from DBR_TIME (time stamp, alarm severity), data keys from DBR_CTRL
 * (units, precision, control limits, enum states), monitors from EVENT_ADD.
 */
import type { Subscription } from "rxjs";
import {
  AccessDeniedError,
  type CaChannel,
  type CaValue,
  Dbe,
  DbrForm,
  dbrTypeFor,
  NativeType,
} from "../../epics/index.ts";
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { DataKey, Reading } from "../../engine/protocols.ts";
import { makeDatakey, type SignalMetadata, valueMismatch } from "../core/datakey.ts";
import type { BackendOptions, ReadingCallback, SignalBackend } from "../core/signal_backend.ts";
import { type CaContextSource, resolveCaContext } from "./context.ts";
import { CaConverter } from "./conversion.ts";

export const CA_SCHEME = "ca";

/** The longest delay a Node timer takes; longer ones (Infinity included) would fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export interface CaSignalBackendOptions<T> extends BackendOptions<T> {
  /** The client context, or a function giving it at connect time. @default the process-wide shared context */
  context?: CaContextSource;
  /**
   * DBE mask of the monitor behind setCallback.
   * @default Dbe.VALUE | Dbe.ALARM
   */
  monitorMask?: number;
}

interface Connection {
  readonly read: CaChannel;
  readonly write: CaChannel;
  readonly converter: CaConverter;
  readonly writeConverter: CaConverter;
  /** Limit of gets after connect (and of puts without completion), ms: the one connect was given. */
  readonly timeoutMs: number;
}

const FLOAT_TYPES: ReadonlySet<number> = new Set([NativeType.FLOAT, NativeType.DOUBLE]);

export class CaSignalBackend<T> implements SignalBackend<T> {
  readonly address: string;
  readonly writeAddress: string;
  readonly #options: CaSignalBackendOptions<T>;
  #connection: Connection | undefined;
  #callback: ReadingCallback<T> | undefined;
  #monitor: Subscription | undefined;

  constructor(address: string, options: CaSignalBackendOptions<T> = {}) {
    if (address.length === 0) throw new InvalidArgumentError(`a CA signal needs a PV name`, address);
    this.address = address;
    this.writeAddress = options.writeAddress ?? address;
    this.#options = options;
  }

  source(_name: string, read = true): string {
    return `${CA_SCHEME}://${read ? this.address : this.writeAddress}`;
  }

  /** Searches for the PV(s) at once; a PV no server has fails with ChannelNotFoundError naming it. */
  async connect(timeoutMs: number): Promise<void> {
    this.#release();
    const ctx = resolveCaContext(this.#options.context);
    const names = this.writeAddress === this.address ? [this.address] : [this.address, this.writeAddress];
    const channels = await ctx.connectMany(names, { timeoutMs });
    const [read, write = read] = channels as [CaChannel, CaChannel?];
    try {
      const converter = await this.#converterFor(read, timeoutMs);
      const writeConverter = write === read ? converter : await this.#converterFor(write, timeoutMs);
      this.#connection = { read, write, converter, writeConverter, timeoutMs };
    } catch (err) {
      for (const ch of channels) ch.close();
      throw err;
    }
    if (this.#callback) this.#startMonitor();
  }

  async #converterFor(ch: CaChannel, timeoutMs: number): Promise<CaConverter> {
    const ctrl = await ch.get({ dbrType: dbrTypeFor(ch.nativeType as NativeType, DbrForm.CTRL), timeoutMs });
    const converter = CaConverter.for(ch.name, ch.nativeType, ch.nativeCount, this.#options.datatype, ctrl.enumStrings);
    const declared = this.#options.choices;
    if (declared !== undefined && ch.nativeType === NativeType.ENUM) {
      const missing = declared.filter((c) => !ctrl.enumStrings.includes(c));
      if (missing.length > 0)
        throw new InvalidArgumentError(
          `ca://${ch.name} has states ${JSON.stringify(ctrl.enumStrings)}, without ${JSON.stringify(missing)} the device expects`,
          missing,
        );
    }
    return converter;
  }

  #need(): Connection {
    if (!this.#connection)
      throw new InvalidArgumentError(`${this.source("", true)} is not connected: connect its signal or device first`, this.address);
    return this.#connection;
  }

  async put(value: T | undefined, wait: boolean): Promise<void> {
    const c = this.#need();
    if (this.#options.readOnly) throw new AccessDeniedError(this.writeAddress, "write");
    const conv = c.writeConverter;
    let v: unknown = value;
    if (v === undefined)
      v = conv.datatype === "boolean" ? true : conv.fromCa(await c.write.get({ timeoutMs: c.timeoutMs }));
    const problem = valueMismatch(conv.datatype, v, conv.choices);
    if (problem !== undefined) throw new InvalidArgumentError(`${this.source("", false)}: bad value: ${problem}`, v);
    // With completion the put lasts as long as the action (a motor's move); the Status above times it.
    await c.write.put(conv.toCa(v), { wait, timeoutMs: wait ? LONGEST_TIMER_MS : c.timeoutMs });
  }

  async getDatakey(source: string): Promise<DataKey> {
    const c = this.#need();
    const ctrl = await c.read.get({ dbrType: dbrTypeFor(c.read.nativeType as NativeType, DbrForm.CTRL), timeoutMs: c.timeoutMs });
    const conv = c.converter;
    if (c.read.nativeType === NativeType.ENUM) conv.choices = ctrl.enumStrings;
    return makeDatakey(source, conv.datatype, conv.fromCa(ctrl), metadataOf(ctrl, conv));
  }

  async getReading(): Promise<Reading<T>> {
    const c = this.#need();
    return this.#reading(await c.read.get({ timeoutMs: c.timeoutMs }));
  }

  async getValue(): Promise<T> {
    return (await this.getReading()).value;
  }

  /** The write PV's value (the read PV's when there is one PV), as ophyd-async reads it. */
  async getSetpoint(): Promise<T> {
    const c = this.#need();
    return c.writeConverter.fromCa(await c.write.get({ timeoutMs: c.timeoutMs })) as T;
  }

  /** One monitor at a time; set before connect, it starts once the channel is connected. */
  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.#monitor?.unsubscribe();
    this.#monitor = undefined;
    this.#callback = callback;
    if (callback && this.#connection) this.#startMonitor();
  }

  #startMonitor(): void {
    const c = this.#connection!;
    this.#monitor = c.read.monitor({ mask: this.#options.monitorMask ?? Dbe.VALUE | Dbe.ALARM }).subscribe({
      next: (v) => this.#callback?.(this.#reading(v)),
      error: (err: unknown) => process.emitWarning(`${this.source("", true)}: monitor failed: ${String(err)}`),
    });
  }

  #reading(v: CaValue): Reading<T> {
    return { value: this.#connection!.converter.fromCa(v) as T, timestamp: v.posixSeconds, alarm_severity: v.severity };
  }

  /** Drop the channels of an earlier connection (a forced reconnect). */
  #release(): void {
    const c = this.#connection;
    if (!c) return;
    this.#monitor?.unsubscribe();
    this.#monitor = undefined;
    c.read.close();
    c.write.close();
    this.#connection = undefined;
  }
}

/** The data key metadata a DBR_CTRL value carries: units and limits when set, precision of floating types. */
function metadataOf(ctrl: CaValue, conv: CaConverter): SignalMetadata {
  const meta: SignalMetadata = {};
  if (ctrl.units) meta.units = ctrl.units;
  if (FLOAT_TYPES.has(conv.native)) meta.precision = ctrl.precision;
  const { lowerCtrl, upperCtrl } = ctrl.limits;
  // EPICS convention: DRVL = DRVH = 0 means no control limits.
  if (conv.native !== NativeType.STRING && conv.native !== NativeType.ENUM && !(lowerCtrl === 0 && upperCtrl === 0))
    meta.limits = [lowerCtrl, upperCtrl];
  if (conv.datatype === "enum") meta.choices = [...conv.choices];
  return meta;
}
