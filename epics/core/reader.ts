import type { Command } from "./commands/command.ts";
import type { CommandRegistry } from "./commands/registry.ts";
import { ChannelAccessError, RemoteProtocolError } from "./errors.ts";
import { emptyHeader, readHeader, type Header } from "./header.ts";
import { EXTENDED_HEADER_SIZE, HEADER_SIZE } from "./constants.ts";

export interface CommandReaderOptions {
  /**
   * Largest payload accepted; a header announcing more is a protocol error (it would otherwise make us
   * buffer whatever a hostile peer claims).
   */
  readonly maxPayloadBytes: number;
}

/**
 * Turns a byte stream into whole commands. Partial input is kept until the rest arrives, so chunks may split
 * a message anywhere (down to single bytes). Pieces are only joined once the message they hold is complete,
 * so a large message fed in small chunks is copied once.
 */
export class CommandReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the next message needs in total (header alone until the header is readable). */
  private needed = HEADER_SIZE;
  private readonly header: Header = emptyHeader();
  private failed: ChannelAccessError | undefined;

  constructor(
    private readonly registry: CommandRegistry,
    private readonly options: CommandReaderOptions,
  ) {}

  /** Bytes received but not yet part of a returned command. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /**
   * Adds bytes and returns every command they complete. Throws RemoteProtocolError (naming the command
   * and the problem) on input that cannot be a valid message; the reader then stays failed.
   */
  feed(chunk: Uint8Array): Command[] {
    if (this.failed) throw this.failed;
    const out: Command[] = [];
    let buf: Buffer;
    if (this.pendingBytes === 0) {
      buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    } else {
      this.pending.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.pendingBytes += chunk.byteLength;
      if (this.pendingBytes < this.needed) return out;
      buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    try {
      this.parse(buf, out);
    } catch (err) {
      this.failed =
        err instanceof RemoteProtocolError
          ? err
          : new RemoteProtocolError(`undecodable message: ${(err as Error).message}`, { cause: err });
      throw this.failed;
    }
    return out;
  }

  private parse(buf: Buffer, out: Command[]): void {
    const h = this.header;
    const end = buf.length;
    let at = 0;
    while (at < end) {
      const available = end - at;
      const headerSize = readHeader(buf, at, available, h);
      if (headerSize === 0) {
        this.keep(buf, at, available < HEADER_SIZE ? HEADER_SIZE : EXTENDED_HEADER_SIZE);
        return;
      }
      const cls = this.registry.get(h.command);
      if (cls === undefined) {
        throw new RemoteProtocolError(`unknown command id ${h.command} (${this.registry.label})`);
      }
      if (h.payloadSize > this.options.maxPayloadBytes) {
        throw new RemoteProtocolError(
          `${cls.name} announces a payload of ${h.payloadSize} bytes, over the limit of ${this.options.maxPayloadBytes}` +
            " (EPICS_CA_MAX_ARRAY_BYTES)",
        );
      }
      const total = headerSize + h.payloadSize;
      if (available < total) {
        this.keep(buf, at, total);
        return;
      }
      try {
        out.push(cls.decode(h, buf, at + headerSize));
      } catch (err) {
        throw new RemoteProtocolError(`cannot decode ${cls.name}: ${(err as Error).message}`, { cause: err });
      }
      at += total;
    }
    this.needed = HEADER_SIZE;
  }

  private keep(buf: Buffer, at: number, needed: number): void {
    const rest = buf.subarray(at);
    this.pending = [rest];
    this.pendingBytes = rest.length;
    this.needed = needed;
  }
}
