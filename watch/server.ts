/**
 * The live view's web server (node:http, no framework): the page and its assets, the state as JSON, a
 * server-sent event stream of updates (a snapshot first, so a page opened late catches up), and the control
 * endpoint. Control needs the token given on the command line, sent as `Authorization: Bearer <token>`; a
 * request without it is refused with 403 and nothing is sent to the engine. Without a token the server is
 * read-only.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Subscription } from "rxjs";
import { InvalidArgumentError, TimeoutError } from "../engine/errors.ts";
import { ControlAction, ControlClient, MAX_REASON_LENGTH, parseEngineStatus, tokenMatches } from "./control.ts";
import type { ControlClientTransport } from "./control.ts";
import { NoControlListenerError } from "./errors.ts";
import type { WatchFeed } from "./feed.ts";
import { WatchState } from "./state.ts";
import type { WatchStateOptions, WatchUpdate } from "./state.ts";

export const DEFAULT_WATCH_PORT = 8484;
export const DEFAULT_WATCH_HOST = "127.0.0.1";
/** A comment line on every event stream at this interval keeps proxies and browsers from closing it. */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;
/** Largest control request body read, bytes. */
const MAX_BODY_BYTES = 4_096;

export interface WatchServerOptions {
  feed: WatchFeed;
  /** 0 picks a free port. @default DEFAULT_WATCH_PORT */
  port?: number;
  /** @default DEFAULT_WATCH_HOST (loopback only) */
  host?: string;
  /** Control token; without it the page is read-only. */
  token?: string;
  /** Where control requests go and engine status comes from. */
  control?: ControlClientTransport;
  /** @default DEFAULT_CONTROL_TIMEOUT_MS */
  controlTimeoutMs?: number;
  state?: Omit<WatchStateOptions, "instrument" | "source">;
  /** @default DEFAULT_KEEP_ALIVE_MS */
  keepAliveMs?: number;
  /** One line per control request. @default nothing */
  log?: (line: string) => void;
}

interface Asset {
  type: string;
  body: Buffer;
}

const require = createRequire(import.meta.url);
const PAGE_DIR = fileURLToPath(new URL("./page/", import.meta.url));

function loadAssets(): Map<string, Asset> {
  const page = (file: string, type: string): Asset => ({ type, body: readFileSync(PAGE_DIR + file) });
  const vendor = (file: string, type: string): Asset => ({ type, body: readFileSync(require.resolve(`uplot/dist/${file}`)) });
  return new Map([
    ["/", page("index.html", "text/html; charset=utf-8")],
    ["/app.js", page("app.js", "text/javascript; charset=utf-8")],
    ["/app.css", page("app.css", "text/css; charset=utf-8")],
    ["/vendor/uPlot.iife.min.js", vendor("uPlot.iife.min.js", "text/javascript; charset=utf-8")],
    ["/vendor/uPlot.min.css", vendor("uPlot.min.css", "text/css; charset=utf-8")],
  ]);
}

const SECURITY_HEADERS = {
  "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export class WatchServer {
  readonly state: WatchState;
  private readonly server: Server;
  private readonly assets = loadAssets();
  private readonly clients = new Set<ServerResponse>();
  private readonly subscriptions: Subscription[] = [];
  private readonly client: ControlClient | undefined;
  private readonly keepAlive: ReturnType<typeof setInterval>;
  private port = 0;

  private constructor(private readonly options: WatchServerOptions) {
    if (options.token !== undefined && options.token.length === 0) throw new InvalidArgumentError("token must be a non-empty string when given", options.token);
    this.state = new WatchState({ ...options.state, instrument: options.feed.instrument, source: options.feed.source });
    if (options.token !== undefined && options.control !== undefined) {
      this.client = new ControlClient({
        transport: options.control,
        token: options.token,
        ...(options.controlTimeoutMs === undefined ? {} : { timeoutMs: options.controlTimeoutMs }),
      });
    }
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.json(res, 500, { error: (err as Error).message });
        else res.end();
      });
    });
    this.keepAlive = setInterval(() => {
      for (const c of this.clients) c.write(": keep-alive\n\n");
    }, options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  /** Starts following the feed and listening; resolves once the port is bound. */
  static async start(options: WatchServerOptions): Promise<WatchServer> {
    const port = options.port ?? DEFAULT_WATCH_PORT;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`port must be an integer from 0 to 65535, got ${port}`, port);
    const server = new WatchServer(options);
    server.follow();
    await new Promise<void>((resolve, reject) => {
      server.server.once("error", reject);
      server.server.listen(port, options.host ?? DEFAULT_WATCH_HOST, () => {
        server.server.off("error", reject);
        resolve();
      });
    });
    server.port = (server.server.address() as AddressInfo).port;
    return server;
  }

  get url(): string {
    const host = this.options.host ?? DEFAULT_WATCH_HOST;
    return `http://${host.includes(":") ? `[${host}]` : host}:${this.port}/`;
  }

  /** The page's address with the token in the fragment (never sent to the server, kept by the page). */
  get controlUrl(): string | undefined {
    return this.options.token === undefined ? undefined : `${this.url}#token=${encodeURIComponent(this.options.token)}`;
  }

  /** Pages connected to the event stream. */
  get clientCount(): number {
    return this.clients.size;
  }

  private follow(): void {
    this.subscriptions.push(
      this.state.updates$.subscribe((u) => this.broadcast(u)),
      this.options.feed.inputs$.subscribe({
        next: (input) => this.state.apply(input),
        error: (err: unknown) => this.state.apply({ kind: "connection", connected: false, detail: `feed failed: ${(err as Error).message}` }),
      }),
    );
    if (this.options.control !== undefined) {
      this.subscriptions.push(
        this.options.control.status$.subscribe((data) => {
          try {
            this.state.apply({ kind: "status", status: parseEngineStatus(data) });
          } catch (err) {
            this.state.apply({ kind: "invalid", subject: "status", reason: (err as Error).message });
          }
        }),
      );
    }
  }

  private broadcast(update: WatchUpdate): void {
    if (this.clients.size === 0) return;
    const frame = `event: update\ndata: ${JSON.stringify(update)}\n\n`;
    for (const c of this.clients) c.write(frame);
  }

  private get controlEnabled(): boolean {
    return this.client !== undefined;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.hostAllowed(req)) return this.json(res, 421, { error: "unexpected Host header" });
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (req.method === "GET" || req.method === "HEAD") {
      const asset = this.assets.get(path === "/index.html" ? "/" : path);
      if (asset !== undefined) {
        res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": asset.type, "Content-Length": asset.body.length });
        res.end(req.method === "HEAD" ? undefined : asset.body);
        return;
      }
      if (path === "/api/state") return this.json(res, 200, { ...this.state.snapshot(), control: this.controlEnabled });
      if (path === "/api/events") return this.events(req, res);
      if (path.startsWith("/api/runs/")) {
        const run = this.state.run(decodeURIComponent(path.slice("/api/runs/".length)));
        return run === undefined ? this.json(res, 404, { error: "run not kept" }) : this.json(res, 200, run);
      }
      return this.json(res, 404, { error: `nothing at ${path}` });
    }
    if (req.method === "POST" && path === "/api/session") {
      if (!this.authorized(req)) return this.json(res, 403, { error: "wrong or missing control token", control: false });
      return this.json(res, 200, { control: true });
    }
    if (req.method === "POST" && path === "/api/control") return this.control(req, res);
    res.setHeader("Allow", "GET, HEAD, POST");
    return this.json(res, 405, { error: `${req.method} not allowed on ${path}` });
  }

  /** Loopback servers answer only to loopback names, so a page elsewhere cannot reach them by DNS rebinding. */
  private hostAllowed(req: IncomingMessage): boolean {
    const bound = this.options.host ?? DEFAULT_WATCH_HOST;
    if (!LOOPBACK.has(bound)) return true;
    const host = req.headers.host ?? "";
    const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.split(":")[0]!;
    return LOOPBACK.has(name);
  }

  private authorized(req: IncomingMessage): boolean {
    const token = this.options.token;
    if (token === undefined || this.client === undefined) return false;
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return match !== null && tokenMatches(token, match[1]!.trim());
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", Connection: "keep-alive" });
    res.write(`retry: 1000\nevent: snapshot\ndata: ${JSON.stringify({ ...this.state.snapshot(), control: this.controlEnabled })}\n\n`);
    this.clients.add(res);
    req.on("close", () => this.clients.delete(res));
  }

  private async control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The token is checked before the body is read or anything is sent on.
    if (!this.authorized(req)) {
      req.resume();
      this.options.log?.("skyloop watch: control request refused (wrong or missing token)");
      return this.json(res, 403, { ok: false, error: this.controlEnabled ? "wrong or missing control token" : "this watch server is read-only (started without --token)" });
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      return this.json(res, 400, { ok: false, error: `the body must be JSON {action, reason?}: ${(err as Error).message}` });
    }
    const { action, reason } = (body ?? {}) as { action?: unknown; reason?: unknown };
    if (typeof action !== "string" || !(Object.values(ControlAction) as string[]).includes(action)) {
      return this.json(res, 400, { ok: false, error: `action must be one of ${Object.values(ControlAction).join(", ")}, got ${JSON.stringify(action) ?? "nothing"}` });
    }
    if (reason !== undefined && typeof reason !== "string") return this.json(res, 400, { ok: false, error: "reason must be a string" });
    try {
      const reply = await this.client!.send(action as ControlAction, reason?.slice(0, MAX_REASON_LENGTH));
      this.options.log?.(`skyloop watch: ${action} ${reply.ok ? "done" : `refused: ${reply.reason}`}`);
      return this.json(res, reply.ok ? 200 : 409, reply);
    } catch (err) {
      const status = err instanceof NoControlListenerError ? 503 : err instanceof TimeoutError ? 504 : 502;
      return this.json(res, status, { ok: false, error: (err as Error).message });
    }
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    const body = JSON.stringify(value);
    res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  }

  /** Ends every event stream, stops following the feed and closes the port (the feed is closed by its owner). */
  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    for (const c of this.clients) c.end();
    this.clients.clear();
    this.state.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new InvalidArgumentError(`body larger than ${MAX_BODY_BYTES} bytes`, size));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
