import { ByteWriter, padding8, readFixedString } from "../bytes.ts";
import { writeHeader, type Header } from "../header.ts";

/** Who sends a command: REQUEST goes client -> server, RESPONSE server -> client. */
export const Direction = { REQUEST: "request", RESPONSE: "response" } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

/** Which transport may carry a command. */
export const Transport = { TCP: "tcp", UDP: "udp", BOTH: "both" } as const;
export type Transport = (typeof Transport)[keyof typeof Transport];

/**
 * One Channel Access message. Each subclass declares its wire `id`, its direction and transport, decodes
 * itself from a header plus payload bytes (`static decode`) and encodes itself into a ByteWriter.
 */
export abstract class Command {
  static readonly id: number;
  static readonly direction: Direction;
  static readonly transport: Transport;

  /** Appends header and padded payload to `w`. */
  abstract encodeInto(w: ByteWriter): void;

  /** The full message as its own buffer (tests, one-off sends); hot paths use encodeInto. */
  encode(): Buffer {
    const w = new ByteWriter(64);
    this.encodeInto(w);
    return w.take();
  }

  /** The command's class name, for error messages. */
  get commandName(): string {
    return this.constructor.name;
  }
}

/** The static side every command class has: used by registries and state tables. */
export interface CommandClass<T extends Command = Command> {
  readonly id: number;
  readonly direction: Direction;
  readonly transport: Transport;
  readonly name: string;
  decode(header: Readonly<Header>, buf: Buffer, at: number): T;
  prototype: T;
}

/** A header-only message. */
export function writeBare(w: ByteWriter, id: number, dataType: number, dataCount: number, p1: number, p2: number): void {
  writeHeader(w, id, 0, dataType, dataCount, p1, p2);
}

/** A message whose payload is one NUL-terminated string, padded to 8 bytes. */
export function writeStringMessage(
  w: ByteWriter,
  id: number,
  text: string,
  dataType: number,
  dataCount: number,
  p1: number,
  p2: number,
): void {
  const bytes = Buffer.byteLength(text, "utf8") + 1;
  const size = bytes + padding8(bytes);
  writeHeader(w, id, size, dataType, dataCount, p1, p2);
  const at = w.reserve(size);
  const b = w.buffer;
  b.write(text, at, "utf8");
  b.fill(0, at + bytes - 1, at + size);
}

export function readPayloadString(buf: Buffer, at: number, size: number): string {
  return readFixedString(buf, at, size);
}
