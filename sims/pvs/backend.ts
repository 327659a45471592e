/**
 * The `sim://` signal backend: devices built on `sim://PV:NAME` read and write simulated PV tables in-process,
 * through the same PV names a soft IOC serves them under over Channel Access. Enum PVs read as their state
 * strings, waveforms as plain arrays (JSON-safe for documents), alarms as the reading's severity.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { DataKey, Reading } from "../../engine/protocols.ts";
import { makeDatakey, type SignalDatatype } from "../../devices/core/datakey.ts";
import {
  type BackendOptions,
  type MaybePromise,
  type ReadingCallback,
  registerBackendScheme,
  type SignalBackend,
  unregisterBackendScheme,
} from "../../devices/core/signal_backend.ts";
import { PvNotFoundError, PvReadOnlyError } from "./errors.ts";
import type { PvState, SimPv } from "./pv.ts";
import type { SimPvTable } from "./table.ts";

export const SIM_SCHEME = "sim";

/** The tables the `sim` scheme finds PVs in, searched in registration order. */
const tables: SimPvTable[] = [];

function findPv(name: string): { pv: SimPv; table: SimPvTable } | undefined {
  for (const table of tables) if (table.has(name)) return { pv: table.get(name), table };
  return undefined;
}

function notFound(name: string): PvNotFoundError {
  return new PvNotFoundError(name, tables.flatMap((t) => t.suggest(name)).slice(0, 3));
}

/** The signal datatype a PV reads as, given what the device asked for (when it asked). */
function datatypeFor(pv: SimPv, wanted: SignalDatatype | undefined): SignalDatatype {
  const native: SignalDatatype = pv.isArray ? "array" : pv.type === "double" ? "number" : pv.type === "long" ? "integer" : pv.type === "enum" ? "enum" : "string";
  if (wanted === undefined || wanted === native) return native;
  const ok =
    (wanted === "number" && native === "integer") ||
    (wanted === "string" && native === "enum") ||
    (wanted === "boolean" && (native === "integer" || (native === "enum" && pv.enumStrings.length === 2)));
  if (!ok)
    throw new InvalidArgumentError(`sim://${pv.name} holds ${pv.isArray ? `an array of ${pv.type}` : pv.type} values; it cannot be read as ${wanted}`, wanted);
  return wanted;
}

export class SimPvBackend<T> implements SignalBackend<T> {
  readonly address: string;
  readonly #options: BackendOptions<T>;
  #pv: SimPv | undefined;
  #writePv: SimPv | undefined;
  #table: SimPvTable | undefined;
  #datatype: SignalDatatype = "number";
  #setpoint: T | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(address: string, options: BackendOptions<T> = {}) {
    this.address = address;
    this.#options = options;
  }

  source(name: string, read = true): string {
    return `${SIM_SCHEME}://${read ? this.address : (this.#options.writeAddress ?? this.address)}`;
  }

  connect(_timeoutMs: number): MaybePromise<void> {
    const found = findPv(this.address);
    if (!found) throw notFound(this.address);
    const writeName = this.#options.writeAddress ?? this.address;
    const write = writeName === this.address ? found : findPv(writeName);
    if (!write) throw notFound(writeName);
    // A dead PV behaves as one whose IOC never answers: the connect waits until the caller's time limit.
    if (found.table.isDead(this.address) || write.table.isDead(writeName)) return new Promise<void>(() => {});
    this.#datatype = datatypeFor(found.pv, this.#options.datatype);
    this.#pv = found.pv;
    this.#table = found.table;
    this.#writePv = write.pv;
  }

  #need(): SimPv {
    if (!this.#pv) throw new InvalidArgumentError(`sim://${this.address} is not connected: connect its signal or device first`, this.address);
    return this.#pv;
  }

  /** The PV's value as the signal's datatype holds it. */
  #convert(pv: SimPv, value: PvState["value"]): T {
    switch (this.#datatype) {
      case "enum":
      case "string":
        return (pv.type === "enum" ? (pv.enumStrings[value as number] ?? String(value)) : value) as T;
      case "boolean":
        return (pv.type === "enum" ? value === 1 : value !== 0) as T;
      case "array":
        return [...(value as readonly unknown[])] as T;
      default:
        return value as T;
    }
  }

  #reading(pv: SimPv, state: PvState): Reading<T> {
    return {
      value: this.#convert(pv, state.value),
      timestamp: state.timestamp,
      alarm_severity: state.severity,
      ...(state.message === undefined ? {} : { message: state.message }),
    };
  }

  put(value: T | undefined, wait: boolean): MaybePromise<void> {
    const pv = this.#need();
    const target = this.#writePv ?? pv;
    if (this.#options.readOnly) throw new PvReadOnlyError(target.name, value);
    const v = value === undefined ? (this.#datatype === "boolean" ? 1 : target.value) : typeof value === "boolean" ? Number(value) : value;
    // Fail a bad value here, synchronously, before anything is written.
    target.coerce(v);
    this.#setpoint = value;
    const done = target.put(v);
    if (wait) return done;
    done.catch((err: unknown) => process.emitWarning(`sim://${target.name}: put of ${JSON.stringify(value)} failed: ${String(err)}`));
  }

  getDatakey(source: string): DataKey {
    const pv = this.#need();
    const reading = this.getReading();
    const m = pv.metadata;
    return makeDatakey(source, this.#datatype, reading.value, {
      ...(m.units ? { units: m.units } : {}),
      ...(m.precision !== undefined && pv.type === "double" ? { precision: m.precision } : {}),
      ...(m.controlLimits ? { limits: m.controlLimits } : {}),
      ...(this.#datatype === "enum" ? { choices: pv.enumStrings } : {}),
    });
  }

  getReading(): Reading<T> {
    const pv = this.#need();
    return this.#reading(pv, pv.read());
  }

  getValue(): T {
    return this.getReading().value;
  }

  getSetpoint(): T {
    if (this.#setpoint !== undefined) return this.#setpoint;
    const pv = this.#writePv ?? this.#need();
    return this.#convert(pv, pv.read().value);
  }

  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (!callback) return;
    const pv = this.#need();
    const off = pv.subscribe((state) => callback(this.#reading(pv, state)));
    const release = this.#table!.monitorOpened();
    this.#unsubscribe = () => {
      off();
      release();
    };
    callback(this.getReading());
  }
}

/**
 * Serve `tables` under the `sim` scheme (added to any registered before). Returns the function that takes
 * them out again; the scheme stays registered while any table is.
 */
export function registerSimBackend(...added: SimPvTable[]): () => void {
  for (const t of added) if (!tables.includes(t)) tables.push(t);
  registerBackendScheme(SIM_SCHEME, <T>(address: string, options: BackendOptions<T>) => new SimPvBackend<T>(address, options), {
    replace: true,
  });
  return () => {
    for (const t of added) {
      const i = tables.indexOf(t);
      if (i >= 0) tables.splice(i, 1);
    }
    if (tables.length === 0) unregisterBackendScheme(SIM_SCHEME);
  };
}

/** The tables the `sim` scheme serves now. */
export function simBackendTables(): readonly SimPvTable[] {
  return tables;
}
