/**
 * JSON Lines files of documents, one file per run, each line the pair `[name, doc]` (the same shape as on the
 * NATS wire), so a run can be replayed into any callback or loaded by Python (`json.loads` per line).
 *
 * Writes are synchronous and buffered: a callback has no way to wait for a promise, and synchronous writes
 * make the file complete the moment the stop document has been handled.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { AnyDocument, DocumentCallback, DocumentName, NamedDocument, RunStart } from "../documents/types.ts";
import { DOCUMENT_NAMES } from "../documents/types.ts";
import { documentProblems } from "../documents/validate.ts";
import { DocumentValidationError, InvalidArgumentError } from "../errors.ts";
import { RunTracker } from "./run-tracker.ts";

export interface JsonlWriterOptions {
  /** Created if missing. */
  directory: string;
  /** File name of a run. @default `<scan_id>-<start uid>.jsonl`, or `<start uid>.jsonl` without a scan_id */
  fileName?: (start: RunStart) => string;
  /** Characters (bytes, for ASCII documents) held in memory before they are written. @default 65536 */
  bufferBytes?: number;
}

export const DEFAULT_JSONL_BUFFER_BYTES = 65_536;

export function defaultJsonlFileName(start: RunStart): string {
  return start.scan_id === undefined ? `${start.uid}.jsonl` : `${start.scan_id}-${start.uid}.jsonl`;
}

interface OpenFile {
  path: string;
  fd: number;
  chunks: string[];
  bytes: number;
}

export class JsonlWriter {
  readonly callback: DocumentCallback = (name, doc) => this.write(name, doc);
  /** Paths of the runs written completely (their stop was handled), in order. */
  readonly files: string[] = [];
  private readonly directory: string;
  private readonly fileName: (start: RunStart) => string;
  private readonly bufferBytes: number;
  private readonly tracker = new RunTracker();
  private readonly open = new Map<string, OpenFile>();
  private readonly paths = new Map<string, string>();

  constructor(options: JsonlWriterOptions) {
    this.directory = options.directory;
    this.fileName = options.fileName ?? defaultJsonlFileName;
    this.bufferBytes = options.bufferBytes ?? DEFAULT_JSONL_BUFFER_BYTES;
  }

  /** The file of a run that is being written, or was. */
  fileOf(runUid: string): string | undefined {
    return this.paths.get(runUid);
  }

  /** Flushes and closes the files of runs that have not stopped (e.g. when the process is shutting down). */
  close(): void {
    for (const runUid of [...this.open.keys()]) this.finish(runUid, false);
  }

  private write(name: DocumentName, doc: AnyDocument): void {
    const runUid = this.tracker.track(name, doc);
    if (runUid === undefined) return;
    if (name === "start") {
      mkdirSync(this.directory, { recursive: true });
      const path = join(this.directory, this.fileName(doc as RunStart));
      this.open.set(runUid, { path, fd: openSync(path, "w"), chunks: [], bytes: 0 });
      this.paths.set(runUid, path);
    }
    const file = this.open.get(runUid);
    if (file === undefined) return;
    const line = `${JSON.stringify([name, doc])}\n`;
    file.chunks.push(line);
    file.bytes += line.length;
    if (file.bytes >= this.bufferBytes) flush(file);
    if (name === "stop") this.finish(runUid, true);
  }

  private finish(runUid: string, complete: boolean): void {
    const file = this.open.get(runUid)!;
    flush(file);
    closeSync(file.fd);
    this.open.delete(runUid);
    this.tracker.close(runUid);
    if (complete) this.files.push(file.path);
  }
}

function flush(file: OpenFile): void {
  if (file.chunks.length === 0) return;
  writeSync(file.fd, file.chunks.join(""));
  file.chunks = [];
  file.bytes = 0;
}

export interface ReadJsonlOptions {
  /** Check every document against event-model's schema. @default false */
  validate?: boolean;
}

/** The `[name, doc]` pairs of a JSON Lines file, in order; blank lines are skipped. */
export function readJsonl(file: string, options: ReadJsonlOptions = {}): NamedDocument[] {
  const pairs: NamedDocument[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, i) => {
      if (text.trim() === "") return;
      const where = `${file}:${i + 1}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        throw new InvalidArgumentError(`${where}: not JSON (${(cause as Error).message})`, text);
      }
      if (
        !Array.isArray(parsed) ||
        parsed.length !== 2 ||
        !(DOCUMENT_NAMES as readonly unknown[]).includes(parsed[0]) ||
        typeof parsed[1] !== "object" ||
        parsed[1] === null
      ) {
        throw new InvalidArgumentError(`${where}: expected a [name, document] pair, got ${text.slice(0, 80)}`, parsed);
      }
      const [name, doc] = parsed as [DocumentName, AnyDocument];
      if (options.validate) {
        const problems = documentProblems(name, doc);
        if (problems.length > 0) throw new DocumentValidationError(name, problems.map((p) => `${where}: ${p}`));
      }
      pairs.push([name, doc] as NamedDocument);
    });
  return pairs;
}
