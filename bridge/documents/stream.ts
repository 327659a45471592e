/**
 * The JetStream stream that keeps an instrument's documents: created on first use, brought up to date when
 * its limits change, on file storage so a server restart loses nothing.
 */
import { DiscardPolicy, RetentionPolicy, StorageType, nanos } from "nats";
import type { JetStreamManager, StreamConfig, StreamInfo } from "nats";
import { ConfigError } from "../../engine/errors.ts";
import { documentSubject, requireSubjectToken } from "../wire.ts";

export const DEFAULT_STREAM_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
export const DEFAULT_STREAM_MAX_BYTES = 8 * 1024 ** 3;
/** JetStream drops a document re-sent within this window (same `Nats-Msg-Id`). */
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
export const DEFAULT_STREAM_MAX_MSG_SIZE = 8 * 1024 * 1024;

export interface DocumentStreamOptions {
  /** @default `SKYLOOP_<INSTRUMENT>_DOCS` */
  name?: string;
  /** @default DEFAULT_STREAM_MAX_AGE_MS */
  maxAgeMs?: number;
  /** Oldest documents are dropped beyond this. @default DEFAULT_STREAM_MAX_BYTES */
  maxBytes?: number;
  /** @default DEFAULT_DUPLICATE_WINDOW_MS */
  duplicateWindowMs?: number;
  /** @default DEFAULT_STREAM_MAX_MSG_SIZE */
  maxMsgSize?: number;
  /** @default 1 */
  replicas?: number;
}

export function documentStreamName(instrument: string, options: DocumentStreamOptions = {}): string {
  return options.name ?? `SKYLOOP_${requireSubjectToken(instrument, "instrument").toUpperCase().replaceAll("-", "_")}_DOCS`;
}

export function documentStreamConfig(instrument: string, options: DocumentStreamOptions = {}): Partial<StreamConfig> & { name: string } {
  return {
    name: documentStreamName(instrument, options),
    subjects: [documentSubject(instrument)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(options.maxAgeMs ?? DEFAULT_STREAM_MAX_AGE_MS),
    max_bytes: options.maxBytes ?? DEFAULT_STREAM_MAX_BYTES,
    max_msg_size: options.maxMsgSize ?? DEFAULT_STREAM_MAX_MSG_SIZE,
    duplicate_window: nanos(options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
    num_replicas: options.replicas ?? 1,
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: string; api_error?: { err_code?: number }; message?: string };
  return e.api_error?.err_code === 10059 || e.code === "404" || /stream not found/i.test(e.message ?? "");
}

/** Creates the stream, or updates its limits when they differ; returns its info. */
export async function ensureDocumentStream(
  jsm: JetStreamManager,
  instrument: string,
  options: DocumentStreamOptions = {},
): Promise<StreamInfo> {
  const wanted = documentStreamConfig(instrument, options);
  let info: StreamInfo;
  try {
    info = await jsm.streams.info(wanted.name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return jsm.streams.add(wanted);
  }
  const have = info.config;
  if (have.storage !== StorageType.File) {
    throw new ConfigError(`stream ${wanted.name}`, `keeps documents in ${have.storage} storage; skyloop needs file storage (delete the stream to let skyloop recreate it)`);
  }
  const subjects = have.subjects.includes(wanted.subjects![0]!) ? have.subjects : [...have.subjects, ...wanted.subjects!];
  const differs =
    subjects !== have.subjects ||
    have.max_age !== wanted.max_age ||
    have.max_bytes !== wanted.max_bytes ||
    have.max_msg_size !== wanted.max_msg_size ||
    have.duplicate_window !== wanted.duplicate_window;
  if (!differs) return info;
  return jsm.streams.update(wanted.name, { ...have, ...wanted, subjects });
}
