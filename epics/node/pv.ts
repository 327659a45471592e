import type { AccessRights, DbeMask } from "../core/constants.ts";
import type { DbrLimits, DbrValues } from "../core/dbr-data.ts";
import type { NativeType } from "../core/dbr-types.ts";
import type { EpicsTimestamp } from "../core/timestamp.ts";

/** Who is asking: what the client told us (host and user names) and where it connects from. */
export interface ClientInfo {
  readonly host: string;
  readonly user: string;
  readonly address: string;
}

/** Everything a read or a monitor update needs, in the PV's native type. */
export interface PvSnapshot {
  /** Current elements (length <= maxCount; arrays may be shorter than their maximum). */
  readonly values: DbrValues;
  readonly status: number;
  readonly severity: number;
  readonly timestamp: EpicsTimestamp;
  readonly units: string;
  readonly precision: number;
  readonly limits: DbrLimits;
  readonly enumStrings: readonly string[];
}

/** Called with each new snapshot and the DBE mask of what changed (value, log, alarm, property). */
export type PvListener = (snapshot: PvSnapshot, mask: DbeMask) => void;

/**
 * A process variable as the server sees it. Reads and monitors use snapshots; writes arrive already
 * converted to the native type and may be asynchronous: write_notify completes when the promise settles.
 */
export interface CaPv {
  readonly name: string;
  readonly nativeType: NativeType;
  /** The element count reported to clients (the array's maximum). */
  readonly maxCount: number;
  /** The record type reported for DBR_CLASS_NAME. */
  readonly className: string;
  snapshot(): PvSnapshot;
  accessRights(client: ClientInfo): AccessRights;
  write(values: DbrValues, client: ClientInfo): void | Promise<void>;
  subscribe(listener: PvListener): () => void;
}

/** Finds PVs by name for searches and channel creation. */
export interface PvProvider {
  lookup(name: string): CaPv | undefined;
}

/** A provider holding a fixed or changing set of PVs in a map. */
export class PvRegistry implements PvProvider {
  private readonly pvs = new Map<string, CaPv>();

  constructor(pvs: Iterable<CaPv> = []) {
    for (const pv of pvs) this.add(pv);
  }

  add(pv: CaPv): this {
    this.pvs.set(pv.name, pv);
    return this;
  }

  remove(name: string): boolean {
    return this.pvs.delete(name);
  }

  lookup(name: string): CaPv | undefined {
    return this.pvs.get(name);
  }

  get names(): string[] {
    return [...this.pvs.keys()];
  }
}
