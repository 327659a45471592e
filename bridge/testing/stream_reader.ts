/** Reads everything a JetStream stream holds, for tests that check exactly what was stored. */
import type { NatsConnection } from "nats";
import type { NamedDocument } from "../../engine/documents/types.ts";
import { parseDocumentPair } from "../wire.ts";

export interface StoredDocument {
  readonly seq: number;
  readonly msgId: string | undefined;
  readonly doc: NamedDocument;
}

/** Every message in `stream`, in order, with its sequence and `Nats-Msg-Id`. */
export async function readStream(nc: NatsConnection, stream: string): Promise<StoredDocument[]> {
  const info = await (await nc.jetstreamManager()).streams.info(stream);
  const out: StoredDocument[] = [];
  if (info.state.messages === 0) return out;
  const consumer = await nc.jetstream().consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 1024 });
  for await (const m of messages) {
    out.push({ seq: m.seq, msgId: m.headers?.get("Nats-Msg-Id"), doc: parseDocumentPair(m.data) });
    if (m.info.pending === 0) break;
  }
  await messages.close();
  return out;
}
