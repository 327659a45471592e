/**
 * Hands each document to the subscribed callbacks and to `documents$`. A callback that throws is reported
 * (to `callbackErrors$`, and once per callback on the log) and the others still get the document, unless the
 * engine was told to raise callback exceptions.
 */
import { Subject } from "rxjs";
import { validateDocument } from "../documents/validate.ts";
import { DOCUMENT_NAMES } from "../documents/types.ts";
import type { AnyDocument, DocumentCallback, DocumentName } from "../documents/types.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { LogSink } from "./options.ts";

/** A document callback's failure, as reported on `callbackErrors$`. */
export interface CallbackError {
  readonly callback: DocumentCallback;
  readonly name: DocumentName;
  readonly doc: AnyDocument;
  readonly error: unknown;
}

export interface DispatcherOptions {
  readonly validate: boolean;
  readonly raise: boolean;
  readonly log: LogSink;
}

export class Dispatcher {
  readonly documents = new Subject<[DocumentName, AnyDocument]>();
  readonly callbackErrors = new Subject<CallbackError>();
  private readonly entries = new Map<number, { cb: DocumentCallback; name: DocumentName | "all" }>();
  // Rebuilt on every (un)subscribe, so emitting walks a plain array and a callback may unsubscribe mid-emit.
  private lists = new Map<DocumentName, DocumentCallback[]>();
  private readonly reported = new WeakSet<DocumentCallback>();
  private nextToken = 1;

  constructor(private readonly options: DispatcherOptions) {
    this.rebuild();
  }

  subscribe(cb: DocumentCallback, name: DocumentName | "all" = "all"): number {
    if (typeof cb !== "function") {
      throw new InvalidArgumentError(`a document callback must be a function, got ${typeof cb}`, cb);
    }
    if (name !== "all" && !DOCUMENT_NAMES.includes(name)) {
      throw new InvalidArgumentError(
        `unknown document name ${JSON.stringify(name)}: expected "all" or one of ${DOCUMENT_NAMES.join(", ")}`,
        name,
      );
    }
    const token = this.nextToken++;
    this.entries.set(token, { cb, name });
    this.rebuild();
    return token;
  }

  /** Removes a subscription; returns false when the token was not subscribed. */
  unsubscribe(token: number): boolean {
    const had = this.entries.delete(token);
    if (had) this.rebuild();
    return had;
  }

  /** Validates (when enabled) and delivers a document; throws only on an invalid document or a raised callback. */
  emit(name: DocumentName, doc: AnyDocument): void {
    if (this.options.validate) validateDocument(name, doc);
    const list = this.lists.get(name)!;
    for (let i = 0; i < list.length; i++) {
      const cb = list[i]!;
      try {
        cb(name, doc);
      } catch (error) {
        this.report(cb, name, doc, error);
        if (this.options.raise) throw error;
      }
    }
    if (this.documents.observed) this.documents.next([name, doc]);
  }

  private report(callback: DocumentCallback, name: DocumentName, doc: AnyDocument, error: unknown): void {
    this.callbackErrors.next({ callback, name, doc, error });
    if (this.reported.has(callback)) return;
    this.reported.add(callback);
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.options.log(
      `skyloop: document callback ${callback.name || "<anonymous>"} raised on a '${name}' document: ${what}` +
        (this.options.raise ? "" : " (reported once per callback; the run goes on)"),
    );
  }

  private rebuild(): void {
    const lists = new Map<DocumentName, DocumentCallback[]>();
    for (const n of DOCUMENT_NAMES) lists.set(n, []);
    for (const { cb, name } of this.entries.values()) {
      if (name === "all") for (const n of DOCUMENT_NAMES) lists.get(n)!.push(cb);
      else lists.get(name)!.push(cb);
    }
    this.lists = lists;
  }
}
