/**
 * The Device tree, after ophyd-async's Device: children are plain attributes, named `parent-child`, and
 * `connect()` connects the whole tree at once, gathering every failure into one NotConnectedError.
 *
 * A subclass creates its children as attributes in its constructor and ends the constructor with
 * `this.setName(name)`, which registers every Device-valued attribute as a child and names the tree (as
 * ophyd-async's `super().__init__(name)` does at the end of `__init__`). Keep references to devices you do not
 * own (a detector's motor) in `#private` fields: a public Device attribute with no parent becomes a child.
 */
import { NotConnectedError } from "../../engine/errors.ts";
import type { HasName } from "../../engine/protocols.ts";
import { toError } from "./status.ts";

/** ophyd-async's default: connects and signal operations give up after 10 s. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface ConnectOptions {
  /** Swap every signal's backend for a MockSignalBackend (tests without hardware). @default false */
  mock?: boolean;
  /** Give up on each signal after this many ms. @default DEFAULT_TIMEOUT_MS */
  timeoutMs?: number;
  /** Connect again even when an earlier connect in the same mode succeeded. @default false */
  forceReconnect?: boolean;
}

function childName(parent: string, key: string): string {
  // `_private`-style attribute names still give readable device names.
  const k = key.replace(/^_+|_+$/g, "");
  return parent ? `${parent}-${k}` : "";
}

export class Device implements HasName {
  #name: string;
  #parent: Device | undefined;
  readonly #children = new Map<string, Device>();
  #connection: { mock: boolean; promise: Promise<void> } | undefined;

  constructor(name = "") {
    this.#name = name;
  }

  get name(): string {
    return this.#name;
  }

  get parent(): Device | undefined {
    return this.#parent;
  }

  /** Name this device and, recursively, its children (`name-child`); registers new children first. */
  setName(name: string): void {
    this.#name = name;
    this.#scan();
    for (const [key, child] of this.#children) child.setName(childName(name, key));
  }

  /** The children, as [attribute name, device] pairs in the order they were assigned. */
  children(): IterableIterator<[string, Device]> {
    this.#scan();
    return this.#children.entries();
  }

  /** Register a child explicitly (containers whose children are not attributes, such as DeviceVector). */
  protected registerChild<D extends Device>(key: string, child: D): D {
    if (child.#parent !== undefined && child.#parent !== this) return child;
    child.#parent = this;
    this.#children.set(key, child);
    child.setName(childName(this.#name, key));
    return child;
  }

  #scan(): void {
    const self = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(this)) {
      const value = self[key];
      if (!(value instanceof Device) || value === this || value.#parent !== undefined) continue;
      // A reassigned attribute replaces the child it held.
      const old = this.#children.get(key);
      if (old !== undefined && old.#parent === this) old.#parent = undefined;
      this.registerChild(key, value);
    }
  }

  /**
   * Connect every child concurrently. Failures do not stop the others; they are gathered into one
   * NotConnectedError whose message lists each failed child (nested devices as an indented tree) with the
   * error's class and message. A second call in the same mode reuses the first unless it failed.
   */
  connect(options: ConnectOptions = {}): Promise<void> {
    const mock = options.mock ?? false;
    const previous = this.#connection;
    if (previous && previous.mock === mock && !options.forceReconnect) return previous.promise;
    const promise = this.connectSelf(options);
    const record = { mock, promise };
    this.#connection = record;
    // A failed connect is retried by the next call; the caller sees this failure through `promise`.
    promise.then(undefined, () => {
      if (this.#connection === record) this.#connection = undefined;
    });
    return promise;
  }

  /** What connecting means for this device: by default, connecting its children. */
  protected async connectSelf(options: ConnectOptions): Promise<void> {
    const children = [...this.children()];
    if (children.length === 0) return;
    const results = await Promise.allSettled(children.map(([, child]) => child.connect(options)));
    const errors = new Map<string, Error>();
    results.forEach((r, i) => {
      if (r.status === "rejected") errors.set(children[i]![0], toError(r.reason));
    });
    if (errors.size > 0) throw new NotConnectedError(errors);
  }
}

/**
 * A device whose children are numbered (or keyed) rather than named attributes: the BPMs of an orbit, the
 * channels of a detector. Children are named `parent-1`, `parent-2`, ...
 */
export class DeviceVector<D extends Device> extends Device implements Iterable<D> {
  readonly #items = new Map<string, D>();

  constructor(items: readonly D[] | Readonly<Record<string | number, D>>, name = "") {
    super(name);
    const entries: [string, D][] = Array.isArray(items)
      ? items.map((d, i) => [String(i + 1), d] as [string, D])
      : Object.entries(items as Record<string, D>);
    for (const [key, d] of entries) this.#items.set(key, this.registerChild(key, d));
    this.setName(name);
  }

  get size(): number {
    return this.#items.size;
  }

  get(key: string | number): D | undefined {
    return this.#items.get(String(key));
  }

  keys(): IterableIterator<string> {
    return this.#items.keys();
  }

  [Symbol.iterator](): Iterator<D> {
    return this.#items.values();
  }
}
