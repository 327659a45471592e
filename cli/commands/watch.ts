/**
 * `skyloop watch`: follows an instrument's documents, decisions and training progress on NATS and shows them
 * live, as a web page on localhost (default) or in the terminal (`--tui`). With `--token` (or
 * SKYLOOP_WATCH_TOKEN) the page can pause, resume and abort the campaign; without it the page is read-only.
 */
import type { Command } from "commander";
import { DEFAULT_IN_PROCESS_INSTRUMENT, DEFAULT_NATS_URL } from "../../bridge/documents/index.ts";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { parseEngineStatus } from "../../watch/control.ts";
import { NatsControlTransport } from "../../watch/control_transport.ts";
import { DEFAULT_CATCH_UP_DOCUMENTS, connectNatsFeed } from "../../watch/nats_feed.ts";
import { DEFAULT_WATCH_HOST, DEFAULT_WATCH_PORT, WatchServer } from "../../watch/server.ts";
import { WatchTui } from "../../watch/tui.ts";

export interface WatchCommandOptions {
  nats: string;
  instrument: string;
  port: string;
  host: string;
  token?: string;
  tui: boolean;
  catchUp: string;
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      // Closing waits on the NATS connection; a watcher must never outlive Ctrl-C by more than a moment.
      setTimeout(() => process.exit(130), 3_000).unref();
      process.once("SIGINT", () => process.exit(130));
      resolve(signal);
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}

function integer(value: string, what: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, value);
  return n;
}

export function registerWatchCommand(program: Command): void {
  program
    .command("watch")
    .description("watch a campaign live: documents, agent decisions and training on a web page (or --tui in the terminal)")
    .option("--nats <url>", "NATS server(s), comma-separated", process.env.SKYLOOP_NATS_URL ?? DEFAULT_NATS_URL)
    .option("--instrument <name>", "instrument whose subjects to follow (skyloop.<instrument>.*)", process.env.SKYLOOP_INSTRUMENT ?? DEFAULT_IN_PROCESS_INSTRUMENT)
    .option("--port <n>", "port of the web page (0: any free port)", String(DEFAULT_WATCH_PORT))
    .option("--host <address>", "address to serve on (loopback unless you mean otherwise)", DEFAULT_WATCH_HOST)
    .option("--token <token>", "control token: lets the page pause, resume and abort (default: $SKYLOOP_WATCH_TOKEN; none: read-only)")
    .option("--tui", "show the live view in the terminal instead of serving a page", false)
    .option("--catch-up <documents>", "documents read back from the stream at start, to catch up on the current run", String(DEFAULT_CATCH_UP_DOCUMENTS))
    .action(async (opts: WatchCommandOptions) => {
      await runWatchCommand(opts);
      process.exit(0);
    });
}

export async function runWatchCommand(opts: WatchCommandOptions, stop: Promise<unknown> = untilSignal()): Promise<void> {
  const token = opts.token ?? process.env.SKYLOOP_WATCH_TOKEN;
  const port = integer(opts.port, "--port", 0, 65535);
  const catchUp = integer(opts.catchUp, "--catch-up", 0, Number.MAX_SAFE_INTEGER);
  const servers = opts.nats.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  const feed = await connectNatsFeed({ instrument: opts.instrument, nats: { servers }, catchUpDocuments: catchUp, source: servers.join(",") });
  const control = new NatsControlTransport({ connection: feed.connection, instrument: opts.instrument });
  try {
    if (opts.tui) {
      const tui = new WatchTui();
      const following = tui.follow(feed);
      const status = control.status$.subscribe((data) => {
        try {
          tui.apply({ kind: "status", status: parseEngineStatus(data) });
        } catch (err) {
          tui.apply({ kind: "invalid", subject: control.statusSubject, reason: (err as Error).message });
        }
      });
      await stop;
      status.unsubscribe();
      following.unsubscribe();
      return;
    }
    const server = await WatchServer.start({
      feed,
      port,
      host: opts.host,
      control,
      ...(token === undefined || token === "" ? {} : { token }),
      log: (line) => console.error(line),
    });
    console.log(`skyloop watch: ${opts.instrument} on ${servers.join(",")}`);
    console.log(server.controlUrl !== undefined ? `open ${server.controlUrl}  (controls unlocked by the token in the link)` : `open ${server.url}  (read-only: no --token)`);
    await stop;
    await server.close();
  } finally {
    await feed.close();
  }
}
