/**
 * An unbounded-by-default FIFO with waiting takers: what the engine side reads suggestions from, by
 * `take(timeoutMs)` in a plan or by `for await` in a loop.
 */
import { TimeoutError } from "../../engine/errors.ts";
import { ClosedError } from "../errors.ts";

interface Taker<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private takers: Taker<T>[] = [];
  private closed = false;

  constructor(private readonly what: string) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.closed) throw new ClosedError(this.what);
    const taker = this.takers.shift();
    if (taker !== undefined) taker.resolve(item);
    else this.items.push(item);
  }

  /** Takes `item` out if it is still waiting; false when it was taken already (or never queued). */
  remove(item: T): boolean {
    const i = this.items.indexOf(item);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }

  /** The oldest item, waiting for one up to `timeoutMs` (forever when undefined). */
  take(timeoutMs?: number): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    if (this.closed) return Promise.reject(new ClosedError(this.what));
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const taker: Taker<T> = {
        resolve: (v) => {
          if (timer !== undefined) clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          if (timer !== undefined) clearTimeout(timer);
          reject(e);
        },
      };
      this.takers.push(taker);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.takers = this.takers.filter((t) => t !== taker);
          reject(new TimeoutError(`waiting for ${this.what}`, timeoutMs));
        }, timeoutMs);
      }
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.takers.splice(0)) t.reject(new ClosedError(this.what));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.closed && this.items.length === 0) return;
      try {
        yield await this.take();
      } catch (err) {
        if (err instanceof ClosedError) return;
        throw err;
      }
    }
  }
}
