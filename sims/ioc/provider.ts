/**
 * The soft IOC's PV provider: finds names in the simulated tables, with the record conventions clients rely
 * on: a motor record answers to its bare name (`BL:FOCUS:Z` is `BL:FOCUS:Z.VAL`), a plain record to
 * `<name>.VAL`, and every record to `<name>.RTYP` (its record type). A dead PV (a fault) is not found, so the
 * server leaves its searches unanswered, as for an IOC that is down.
 */
import type { PvProvider } from "../../epics/index.ts";
import { SimPv } from "../pvs/pv.ts";
import type { SimPvTable } from "../pvs/table.ts";
import { SimCaPv } from "./ca_pv.ts";

const VAL = ".VAL";
const RTYP = ".RTYP";

export class SimTableProvider implements PvProvider {
  readonly tables: readonly SimPvTable[];
  readonly #served = new Map<string, SimCaPv>();

  constructor(tables: readonly SimPvTable[]) {
    this.tables = [...tables];
  }

  lookup(name: string): SimCaPv | undefined {
    const cached = this.#served.get(name);
    // A PV made dead after it was first served stops answering too.
    if (cached !== undefined) return this.#find(cached.pv.name) || name.endsWith(RTYP) ? cached : undefined;
    const served = this.#resolve(name);
    if (served !== undefined) this.#served.set(name, served);
    return served;
  }

  #find(name: string): { pv: SimPv; table: SimPvTable } | undefined {
    for (const table of this.tables) {
      const pv = table.lookup(name);
      if (pv !== undefined) return { pv, table };
    }
    return undefined;
  }

  #resolve(name: string): SimCaPv | undefined {
    const found =
      this.#find(name) ??
      (name.includes(".") ? undefined : this.#find(`${name}${VAL}`)) ??
      (name.endsWith(VAL) ? this.#find(name.slice(0, -VAL.length)) : undefined);
    if (found !== undefined) return new SimCaPv(found.pv, found.table);
    if (!name.endsWith(RTYP)) return undefined;
    const base = name.slice(0, -RTYP.length);
    const record = this.#find(base) ?? this.#find(`${base}${VAL}`);
    if (record === undefined) return undefined;
    return new SimCaPv(new SimPv(name, "string", { value: record.pv.recordType, recordType: "stringin" }), record.table);
  }

  /** How many PVs the tables hold (dead ones included). */
  get size(): number {
    return this.tables.reduce((n, t) => n + t.size, 0);
  }

  /** The largest payload any PV needs, bytes (element count × element size). */
  largestPayloadBytes(): number {
    const elementBytes = { double: 8, long: 4, enum: 2, string: 40 } as const;
    let max = 0;
    for (const table of this.tables) for (const pv of table.pvs()) max = Math.max(max, pv.count * elementBytes[pv.type]);
    return max;
  }
}
