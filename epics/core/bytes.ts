/**
 * A growable output buffer. Commands are encoded straight into it, so a burst of messages becomes one
 * socket write and one allocation instead of one per message.
 */
export class ByteWriter {
  private buf: Buffer;
  length = 0;

  constructor(private readonly initialSize = 4096) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Makes room for n more bytes and returns the offset to write them at. */
  reserve(n: number): number {
    const need = this.length + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    const at = this.length;
    this.length = need;
    return at;
  }

  /** The underlying buffer; valid for offsets returned by reserve() until the next reserve() or take(). */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Forgets what was written, keeping the buffer (for scratch use where the bytes are copied out). */
  clear(): void {
    this.length = 0;
  }

  /** A view of the bytes written so far; valid until the next write, clear() or take(). */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /**
   * Hands the written bytes over to the caller (a socket may keep them after write() returns, so they are
   * never reused) and starts a fresh buffer sized for a burst like the last one.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.buf = Buffer.allocUnsafe(Math.max(this.initialSize, Math.min(this.length, 1 << 20)));
    this.length = 0;
    return out;
  }
}

/** Bytes needed to pad n up to the next multiple of 8 (CA payloads are 8-byte aligned). */
export function padding8(n: number): number {
  return (8 - (n & 7)) & 7;
}

/** Writes a NUL-terminated string into a fixed-size field, truncating so the NUL always fits. */
export function writeFixedString(buf: Buffer, offset: number, size: number, value: string): void {
  const written = buf.write(value, offset, size - 1, "utf8");
  buf.fill(0, offset + written, offset + size);
}

/** Reads a NUL-terminated string from at most `size` bytes. */
export function readFixedString(buf: Buffer, offset: number, size: number): string {
  const end = Math.min(offset + size, buf.length);
  let stop = offset;
  while (stop < end && buf[stop] !== 0) stop++;
  return buf.toString("utf8", offset, stop);
}
