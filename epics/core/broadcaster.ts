import { ByteWriter } from "./bytes.ts";
import type { Command } from "./commands/command.ts";
import { UDP_REQUESTS, UDP_RESPONSES } from "./commands/registry.ts";
import { SearchRequest } from "./commands/discovery.ts";
import { VersionRequest, VersionResponse } from "./commands/session.ts";
import { CommandReader } from "./reader.ts";
import { LocalProtocolError, RemoteProtocolError } from "./errors.ts";
import { Role, senderOf } from "./state.ts";
import { CA_MINOR_PROTOCOL_REVISION } from "./constants.ts";

export interface BroadcasterOptions {
  readonly role: Role;
  /**
   * Largest datagram to build; the default fits one Ethernet frame, so datagrams cross networks unfragmented.
   * @default DEFAULT_MAX_DATAGRAM_BYTES
   */
  readonly maxDatagramBytes?: number;
}

/** The largest UDP payload an Ethernet frame carries unfragmented. */
export const DEFAULT_MAX_DATAGRAM_BYTES = 1472;
/** The largest datagram accepted (a UDP payload cannot exceed this anyway). */
const MAX_UDP_PAYLOAD = 0xffff;

/**
 * The UDP side of Channel Access without I/O: packs commands into datagrams (search, not found, version,
 * beacons, repeater registration) and decodes received datagrams. Each datagram stands alone, so a truncated
 * message is an error rather than something to wait for.
 */
export class Broadcaster {
  readonly role: Role;
  readonly maxDatagramBytes: number;
  private sequence = 0;
  private readonly scratch = new ByteWriter(256);

  constructor(options: BroadcasterOptions) {
    this.role = options.role;
    this.maxDatagramBytes = options.maxDatagramBytes ?? DEFAULT_MAX_DATAGRAM_BYTES;
  }

  /**
   * Encodes commands into as few datagrams as fit `maxDatagramBytes`; `prefix` (e.g. a VersionRequest) starts
   * every datagram. A single command larger than the limit gets a datagram of its own.
   */
  send(commands: readonly Command[], prefix?: Command): Buffer[] {
    const datagrams: Buffer[] = [];
    const w = new ByteWriter(this.maxDatagramBytes);
    const prefixBytes = prefix ? Buffer.from(this.encodeChecked(prefix)) : undefined;
    let inThis = 0;
    for (const cmd of commands) {
      const bytes = this.encodeChecked(cmd);
      if (inThis > 0 && w.length + bytes.length > this.maxDatagramBytes) {
        datagrams.push(w.take());
        inThis = 0;
      }
      if (inThis === 0 && prefixBytes) w.buffer.set(prefixBytes, w.reserve(prefixBytes.length));
      w.buffer.set(bytes, w.reserve(bytes.length));
      inThis++;
    }
    if (inThis > 0) datagrams.push(w.take());
    return datagrams;
  }

  /**
   * Client side: search datagrams for many names at once, each led by a VersionRequest carrying a fresh
   * sequence number (libca's way of matching replies to search rounds).
   */
  searchDatagrams(searches: readonly { name: string; cid: number }[], reply?: number): Buffer[] {
    const sequence = ++this.sequence >>> 0;
    const cmds = searches.map((s) => new SearchRequest(s.name, s.cid, reply));
    return this.send(cmds, new VersionRequest(0, CA_MINOR_PROTOCOL_REVISION, sequence));
  }

  /** Decodes one datagram. Throws RemoteProtocolError on anything that does not decode completely. */
  recv(datagram: Uint8Array): Command[] {
    const reader = new CommandReader(this.role === Role.CLIENT ? UDP_RESPONSES : UDP_REQUESTS, {
      maxPayloadBytes: MAX_UDP_PAYLOAD,
    });
    const commands = reader.feed(datagram);
    if (reader.bufferedBytes > 0) {
      throw new RemoteProtocolError(`datagram ends inside a message (${reader.bufferedBytes} trailing bytes)`);
    }
    return commands;
  }

  /** Server side: the version reply that leads a datagram of search replies, echoing the request's sequence. */
  versionReplyFor(request: VersionRequest | undefined): VersionResponse {
    return new VersionResponse(CA_MINOR_PROTOCOL_REVISION, 0, request?.sequence ?? 0);
  }

  /** Encodes into the scratch writer; the returned view is valid until the next call. */
  private encodeChecked(cmd: Command): Buffer {
    const sender = senderOf(cmd);
    if (sender !== this.role) {
      throw new LocalProtocolError(`broadcaster of role ${this.role} cannot send ${cmd.commandName}, which only a ${sender} sends`);
    }
    this.scratch.clear();
    cmd.encodeInto(this.scratch);
    return this.scratch.view();
  }
}
