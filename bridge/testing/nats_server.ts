/**
 * A real `nats-server` with JetStream for tests: each test starts its own on a free loopback port with its own
 * store directory, can stop and restart it on the same port and store (to test reconnection and durability),
 * and removes everything at the end.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TimeoutError } from "../../engine/errors.ts";
import { SkyloopError } from "../../engine/errors.ts";

export const DEFAULT_NATS_SERVER_BINARY = existsSync("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : "nats-server";
export const DEFAULT_NATS_START_TIMEOUT_MS = 10_000;

export interface NatsTestServerOptions {
  /** @default a free port */
  port?: number;
  /** JetStream store directory. @default a new temporary directory, removed by `dispose()` */
  storeDir?: string;
  /** Extra command-line arguments, e.g. `["--user", "u", "--pass", "p"]`. */
  args?: string[];
  /** @default DEFAULT_NATS_SERVER_BINARY */
  binary?: string;
  /** @default DEFAULT_NATS_START_TIMEOUT_MS */
  startTimeoutMs?: number;
}

/** The server process exited before it was ready. */
export class NatsServerStartError extends SkyloopError {
  constructor(
    readonly port: number,
    readonly output: string,
  ) {
    super(`nats-server on port ${port} exited before it was ready; its output:\n${output}`);
  }
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tcpConnect({ port, host: "127.0.0.1" });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

export class NatsTestServer {
  private proc: ChildProcess | undefined;
  private output = "";
  private readonly ownsStore: boolean;

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly options: NatsTestServerOptions,
  ) {
    this.ownsStore = options.storeDir === undefined;
  }

  static async start(options: NatsTestServerOptions = {}): Promise<NatsTestServer> {
    const port = options.port ?? (await freePort());
    const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), "skyloop-nats-test-"));
    const server = new NatsTestServer(port, storeDir, options);
    try {
      await server.launch();
    } catch (err) {
      await server.dispose();
      throw err;
    }
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Everything the server printed since it was last started. */
  get log(): string {
    return this.output;
  }

  private async launch(): Promise<void> {
    const args = ["-js", "-sd", this.storeDir, "-a", "127.0.0.1", "-p", String(this.port), ...(this.options.args ?? [])];
    this.output = "";
    const proc = spawn(this.options.binary ?? DEFAULT_NATS_SERVER_BINARY, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.proc = proc;
    let ready = false;
    const collect = (chunk: Buffer): void => {
      this.output += chunk.toString();
      if (this.output.includes("Server is ready")) ready = true;
    };
    proc.stdout!.on("data", collect);
    proc.stderr!.on("data", collect);
    const limit = this.options.startTimeoutMs ?? DEFAULT_NATS_START_TIMEOUT_MS;
    const deadline = Date.now() + limit;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new NatsServerStartError(this.port, this.output);
      if (ready && (await portOpen(this.port))) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    proc.kill("SIGKILL");
    throw new TimeoutError(`nats-server start on port ${this.port}`, limit, this.output.split("\n").slice(-3).join(" | "));
  }

  /** Stops the server (SIGTERM: a clean shutdown that flushes the store; SIGKILL to simulate a crash). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const proc = this.proc;
    if (proc === undefined || !this.running) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill(signal);
    const escalate = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(escalate);
  }

  /** Starts the server again on the same port and store. */
  async restart(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await this.stop(signal);
    await this.launch();
  }

  async start(): Promise<void> {
    if (!this.running) await this.launch();
  }

  /** Stops the server and removes the store directory it created. */
  async dispose(): Promise<void> {
    await this.stop("SIGKILL");
    if (this.ownsStore) rmSync(this.storeDir, { recursive: true, force: true });
  }
}

export function startNatsServer(options?: NatsTestServerOptions): Promise<NatsTestServer> {
  return NatsTestServer.start(options);
}
