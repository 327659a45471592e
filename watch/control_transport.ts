/**
 * The two carriers of control requests and engine status: NATS request/reply between processes, and an
 * in-process channel for the embedded default. Both carry the same encoded bytes, so the listener parses what
 * it would parse off the wire in either case.
 */
import { Observable, Subject } from "rxjs";
import type { Unsubscribable } from "rxjs";
import type { NatsConnection, Subscription } from "nats";
import { TimeoutError } from "../engine/errors.ts";
import { controlSubject, statusSubject } from "./control.ts";
import type { ControlClientTransport, ControlServerTransport } from "./control.ts";
import { NoControlListenerError } from "./errors.ts";

/** Both ends in one process. */
export class InProcessControlChannel implements ControlServerTransport, ControlClientTransport {
  private handler: ((request: Uint8Array) => Promise<Uint8Array>) | undefined;
  private readonly status = new Subject<Uint8Array>();
  readonly status$: Observable<Uint8Array> = this.status.asObservable();

  serve(handler: (request: Uint8Array) => Promise<Uint8Array>): Unsubscribable {
    this.handler = handler;
    return {
      unsubscribe: () => {
        if (this.handler === handler) this.handler = undefined;
      },
    };
  }

  publishStatus(status: Uint8Array): void {
    this.status.next(Uint8Array.from(status));
  }

  async request(request: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const handler = this.handler;
    if (handler === undefined) throw new NoControlListenerError("the in-process control channel");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError("control request", timeoutMs)), timeoutMs);
    });
    try {
      return await Promise.race([handler(Uint8Array.from(request)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface NatsControlTransportOptions {
  connection: NatsConnection;
  instrument: string;
  /** Told when a request could not be answered. @default nothing */
  log?: (line: string) => void;
}

/** Control over NATS: requests on `skyloop.<instrument>.control`, status on `skyloop.<instrument>.status`. */
export class NatsControlTransport implements ControlServerTransport, ControlClientTransport {
  readonly controlSubject: string;
  readonly statusSubject: string;
  readonly status$: Observable<Uint8Array>;
  private readonly nc: NatsConnection;
  private readonly log: ((line: string) => void) | undefined;

  constructor(options: NatsControlTransportOptions) {
    this.nc = options.connection;
    this.log = options.log;
    this.controlSubject = controlSubject(options.instrument);
    this.statusSubject = statusSubject(options.instrument);
    this.status$ = new Observable<Uint8Array>((sub) => {
      const s = this.nc.subscribe(this.statusSubject, { callback: (err, m) => (err ? sub.error(err) : sub.next(m.data)) });
      return () => s.unsubscribe();
    });
  }

  serve(handler: (request: Uint8Array) => Promise<Uint8Array>): Unsubscribable {
    const sub: Subscription = this.nc.subscribe(this.controlSubject, {
      callback: (err, m) => {
        if (err) return;
        // A request that cannot be answered (the connection closed while the engine acted) times out at the
        // requester; left unhandled here, the failure would end the engine's process.
        handler(m.data)
          .then((reply) => m.respond(reply))
          .catch((e: unknown) => this.log?.(`skyloop control: no reply on ${this.controlSubject}: ${(e as Error).message}`));
      },
    });
    return { unsubscribe: () => sub.unsubscribe() };
  }

  publishStatus(status: Uint8Array): void {
    if (!this.nc.isClosed()) this.nc.publish(this.statusSubject, status);
  }

  async request(request: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    try {
      const reply = await this.nc.request(this.controlSubject, request, { timeout: timeoutMs });
      return reply.data;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "503") throw new NoControlListenerError(this.controlSubject, { cause: err });
      if (code === "TIMEOUT") throw new TimeoutError(`control request on ${this.controlSubject}`, timeoutMs, undefined, { cause: err });
      throw err;
    }
  }
}
