/**
 * StandardReadable, after ophyd-async: a device that reads the children it was told to read. Each readable
 * child has a Kind: hinted (read, and named in `hints.fields` for plots and tables), normal (read), config
 * (read into the descriptor's configuration), omitted (not read). read() and describe() walk the same list,
 * so their keys always agree.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { DataKey, Hints, Reading } from "../../engine/protocols.ts";
import { Device } from "./device.ts";
import { SignalR, SignalRW } from "./signal.ts";
import { isPromiseLike } from "./status.ts";

export const Kind = {
  hinted: "hinted",
  normal: "normal",
  config: "config",
  omitted: "omitted",
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** What a StandardReadable can read: a readable signal, or another StandardReadable (its own lists apply). */
export type ReadableChild = SignalR<any> | StandardReadable;

type Readings = Record<string, Reading>;
type DataKeys = Record<string, DataKey>;

/** Merge per-child results in child order, synchronously when every child answered synchronously. */
function gather<V>(
  children: readonly ReadableChild[],
  now: (signal: SignalR<any>) => unknown,
  later: (child: ReadableChild) => Promise<Record<string, V>>,
): Promise<Record<string, V>> {
  const out: Record<string, V> = {};
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child instanceof SignalR) {
      let v: unknown;
      try {
        v = now(child);
      } catch (err) {
        return Promise.reject(err);
      }
      if (!isPromiseLike(v)) {
        out[child.name] = v as V;
        continue;
      }
    }
    // Something is asynchronous: fall back to awaiting every child, keeping their order.
    return Promise.all(children.map(later)).then((parts) => Object.assign({}, ...parts) as Record<string, V>);
  }
  return Promise.resolve(out);
}

export class StandardReadable extends Device {
  #readables: ReadableChild[] = [];
  #configurables: ReadableChild[] = [];
  #hinted: ReadableChild[] = [];
  #stageables: ReadableChild[] = [];

  /**
   * Declare how children are read. Signals: hinted and normal go to read(), config to readConfiguration(),
   * omitted nowhere (but are still children). A StandardReadable child contributes its read() and
   * readConfiguration() for hinted/normal (its hints too, when hinted), its read() as configuration for config.
   */
  addReadables(kind: Kind, children: readonly ReadableChild[]): void {
    if (!Object.values(Kind).includes(kind))
      throw new InvalidArgumentError(`unknown readable kind ${JSON.stringify(kind)}: use one of ${Object.values(Kind).join(", ")}`, kind);
    for (const child of children) {
      if (!(child instanceof SignalR) && !(child instanceof StandardReadable))
        throw new InvalidArgumentError(
          `${this.name || this.constructor.name}: only readable signals and StandardReadables can be added as readables, got ${String((child as object)?.constructor?.name ?? child)}`,
          child,
        );
      this.#remove(child);
      switch (kind) {
        case Kind.hinted:
          this.#readables.push(child);
          this.#hinted.push(child);
          if (child instanceof StandardReadable) this.#configurables.push(child);
          break;
        case Kind.normal:
          this.#readables.push(child);
          if (child instanceof StandardReadable) this.#configurables.push(child);
          break;
        case Kind.config:
          this.#configurables.push(child);
          break;
        case Kind.omitted:
          break;
      }
      if (kind !== Kind.omitted) this.#stageables.push(child);
    }
  }

  #remove(child: ReadableChild): void {
    const drop = (list: ReadableChild[]) => list.filter((c) => c !== child);
    this.#readables = drop(this.#readables);
    this.#configurables = drop(this.#configurables);
    this.#hinted = drop(this.#hinted);
    this.#stageables = drop(this.#stageables);
  }

  read(): Promise<Readings> {
    return gather<Reading>(
      this.#readables,
      (s) => s.currentReading(),
      (c) => c.read(),
    );
  }

  describe(): Promise<DataKeys> {
    return gather<DataKey>(
      this.#readables,
      (s) => s.currentDatakey(),
      (c) => c.describe(),
    );
  }

  readConfiguration(): Promise<Readings> {
    return gather<Reading>(
      this.#configurables,
      (s) => s.currentReading(),
      (c) => (c instanceof SignalR ? c.read() : this.#readables.includes(c) ? c.readConfiguration() : c.read()),
    );
  }

  describeConfiguration(): Promise<DataKeys> {
    return gather<DataKey>(
      this.#configurables,
      (s) => s.currentDatakey(),
      (c) => (c instanceof SignalR ? c.describe() : this.#readables.includes(c) ? c.describeConfiguration() : c.describe()),
    );
  }

  /** `fields`: the names of hinted signals (and the hinted fields of hinted child devices). */
  get hints(): Hints {
    const fields: string[] = [];
    for (const c of this.#hinted) {
      if (c instanceof SignalR) fields.push(c.name);
      else fields.push(...(c.hints.fields ?? []));
    }
    return { fields };
  }

  /** Open monitors on every read signal, so reads during a run come from the cache. */
  async stage(): Promise<void> {
    await Promise.all(this.#stageables.map((c) => c.stage()));
  }

  async unstage(): Promise<void> {
    await Promise.all(this.#stageables.map((c) => c.unstage()));
  }

  /**
   * Set configuration signals by attribute name (`{ velocity: 2 }`), as Bluesky's `configure` does; returns
   * the configuration before and after. Unknown or read-only names are refused before anything is written.
   */
  async configure(values: Record<string, unknown>): Promise<[Readings, Readings]> {
    const byKey = new Map<string, SignalRW<unknown>>();
    const attrs = new Map([...this.children()].map(([k, d]) => [d, k] as const));
    for (const c of this.#configurables) {
      const key = attrs.get(c);
      if (key !== undefined && c instanceof SignalRW) byKey.set(key, c);
    }
    for (const key of Object.keys(values))
      if (!byKey.has(key))
        throw new InvalidArgumentError(
          `${this.name}: ${JSON.stringify(key)} is not a writable configuration signal (writable: ${[...byKey.keys()].join(", ") || "none"})`,
          key,
        );
    const before = await this.readConfiguration();
    await Promise.all(Object.entries(values).map(([key, v]) => byKey.get(key)!.set(v)));
    return [before, await this.readConfiguration()];
  }
}
