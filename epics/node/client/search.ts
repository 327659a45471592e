import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { Broadcaster } from "../../core/broadcaster.ts";
import { SearchResponse } from "../../core/commands/index.ts";
import { INADDR_ANY_REPLY } from "../../core/constants.ts";
import { Role } from "../../core/state.ts";
import { numberToIpv4, type HostPort } from "../env.ts";

interface PendingSearch {
  readonly name: string;
  readonly cid: number;
  attempts: number;
  dueAt: number;
}

export interface SearchEngineOptions {
  readonly targets: readonly HostPort[];
  readonly firstRetryMs: number;
  readonly maxPeriodMs: number;
  /** A server at host:port answered the search for `cid`. */
  readonly onFound: (cid: number, host: string, port: number) => void;
}

/**
 * Name resolution over UDP. Searches requested in the same tick go out together, packed many to a datagram;
 * unanswered ones are retried with doubling delays (the first retry comes quickly) up to a ceiling.
 */
export class SearchEngine {
  private readonly socket: Socket;
  private readonly broadcaster = new Broadcaster({ role: Role.CLIENT });
  private readonly pending = new Map<number, PendingSearch>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private roundQueued = false;
  private closed = false;
  private readonly ready: Promise<void>;

  constructor(private readonly options: SearchEngineOptions) {
    this.socket = createSocket({ type: "udp4" });
    this.socket.on("message", (msg, rinfo) => this.onDatagram(msg, rinfo));
    this.socket.on("error", () => {});
    this.ready = new Promise((resolve) =>
      this.socket.bind(0, () => {
        this.socket.setBroadcast(true);
        resolve();
      }),
    );
    this.socket.unref();
  }

  /** Starts (or restarts, from the fast end of the back-off) the search for a channel. */
  search(name: string, cid: number): void {
    if (this.closed) return;
    this.pending.set(cid, { name, cid, attempts: 0, dueAt: 0 });
    if (!this.roundQueued) {
      this.roundQueued = true;
      queueMicrotask(() => {
        this.roundQueued = false;
        void this.round();
      });
    }
  }

  cancel(cid: number): void {
    this.pending.delete(cid);
  }

  /** The UDP port replies come back to (0 until bound). */
  get localPort(): number {
    try {
      return this.socket.address().port;
    } catch {
      return 0;
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.pending.clear();
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private delayAfter(attempts: number): number {
    return Math.min(this.options.firstRetryMs * 2 ** Math.max(0, attempts - 1), this.options.maxPeriodMs);
  }

  /** Sends every search that is due and arms the timer for the next one. */
  private async round(): Promise<void> {
    await this.ready;
    if (this.closed) return;
    const now = performance.now();
    const due: PendingSearch[] = [];
    for (const p of this.pending.values()) if (p.dueAt <= now) due.push(p);
    if (due.length > 0) {
      const datagrams = this.broadcaster.searchDatagrams(due);
      for (const t of this.options.targets) for (const d of datagrams) this.socket.send(d, t.port, t.host);
      for (const p of due) {
        p.attempts++;
        p.dueAt = now + this.delayAfter(p.attempts);
      }
    }
    this.arm();
  }

  private arm(): void {
    let next = Infinity;
    for (const p of this.pending.values()) if (p.dueAt < next) next = p.dueAt;
    if (next === Infinity || next >= this.timerAt) {
      if (next === Infinity) {
        clearTimeout(this.timer);
        this.timerAt = Infinity;
      }
      return;
    }
    clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => {
      this.timerAt = Infinity;
      void this.round();
    }, Math.max(0, next - performance.now()));
    this.timer.unref();
  }

  private onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    let commands;
    try {
      commands = this.broadcaster.recv(msg);
    } catch {
      return; // not a CA reply we can read; nothing to answer over UDP
    }
    for (const cmd of commands) {
      if (!(cmd instanceof SearchResponse)) continue;
      if (!this.pending.delete(cmd.cid)) continue; // late or duplicate answer
      const host = cmd.serverAddress === INADDR_ANY_REPLY || cmd.serverAddress === 0 ? rinfo.address : numberToIpv4(cmd.serverAddress);
      this.options.onFound(cmd.cid, host, cmd.port);
    }
  }
}
