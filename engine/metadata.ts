/**
 * Metadata that outlives a run, after Bluesky's `RE.md` with a `PersistentDict`: keys set here go into every
 * run start document (under the run's own metadata), and `scan_id` counts up across sessions because it is
 * kept in the same JSON file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "./errors.ts";

export type Metadata = Record<string, unknown>;

/**
 * Reads a metadata file: a JSON object. A missing file is an empty object (it is created on the first
 * change); anything else that is not a JSON object, or a `scan_id` that is not a non-negative integer, is a
 * ConfigError naming the file.
 */
export function loadMetadataFile(file: string): Metadata {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new ConfigError(file, `cannot read metadata file: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, `metadata file is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(file, `metadata file must hold a JSON object, found ${JSON.stringify(parsed)}`);
  }
  const md = parsed as Metadata;
  if (md.scan_id !== undefined && !isScanId(md.scan_id)) {
    throw new ConfigError(file, `scan_id must be a non-negative integer, found ${JSON.stringify(md.scan_id)}`);
  }
  return md;
}

function isScanId(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/**
 * The engine's persistent metadata. `md` behaves as a plain object; assigning or deleting a top-level key
 * writes the file at once (nested objects are saved when their top-level key is assigned again), so a crash
 * never loses a scan_id already handed out. Without a file the metadata lives in memory only.
 */
export class PersistentMetadata {
  readonly md: Metadata;
  private readonly data: Metadata;

  constructor(readonly file?: string) {
    this.data = file === undefined ? {} : loadMetadataFile(file);
    this.md = new Proxy(this.data, {
      set: (target, key, value) => {
        Reflect.set(target, key, value);
        this.save();
        return true;
      },
      deleteProperty: (target, key) => {
        Reflect.deleteProperty(target, key);
        this.save();
        return true;
      },
    });
  }

  /** The scan_id of the next run: one more than the last (0 when none), recorded before it is returned. */
  nextScanId(): number {
    const last = this.data.scan_id;
    const next = (isScanId(last) ? last : 0) + 1;
    this.md.scan_id = next;
    return next;
  }

  /** A plain copy of the current metadata. */
  snapshot(): Metadata {
    return { ...this.data };
  }

  /** Writes the file now (atomically: a half-written file is never left behind). */
  save(): void {
    if (this.file === undefined) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(tmp, JSON.stringify(this.data, null, 2) + "\n");
      renameSync(tmp, this.file);
    } catch (err) {
      throw new ConfigError(this.file, `cannot write metadata file: ${(err as Error).message}`, { cause: err });
    }
  }
}

/**
 * A run start's metadata, in Bluesky's order of decreasing precedence: metadata given to `run()`, then the
 * `open_run` message's, then what the engine computed (plan_type), then the persistent metadata.
 */
export function mergeRunMetadata(persistent: Metadata, computed: Metadata, fromPlan: Metadata, perCall: Metadata): Metadata {
  return { ...persistent, ...computed, ...fromPlan, ...perCall };
}
