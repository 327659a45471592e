/**
 * Pause, resume and abort of a running campaign from `skyloop watch`: a ControlListener next to the campaign's
 * RunEngine, on `skyloop.<instrument>.control` over the campaign's NATS connection, or on an in-process
 * channel in the embedded default. Only with a token: without one nobody can steer the campaign. `--watch`
 * serves the live page from the campaign's own process, following its bus and sharing its control channel.
 */
import type { Observable } from "rxjs";
import type { DocumentBus } from "../../bridge/documents/bus.ts";
import { InProcessBus } from "../../bridge/documents/in_process_bus.ts";
import { NatsDocumentBus } from "../../bridge/documents/nats_bus.ts";
import type { DecisionRecord } from "../../bridge/wire.ts";
import type { RunEngine } from "../../engine/run_engine/index.ts";
import { ControlListener } from "../../watch/control.ts";
import type { ControlClientTransport, ControlServerTransport, ControlTarget } from "../../watch/control.ts";
import { InProcessControlChannel, NatsControlTransport } from "../../watch/control_transport.ts";
import { inProcessFeed } from "../../watch/feed.ts";
import type { WatchFeed } from "../../watch/feed.ts";
import { natsFeed } from "../../watch/nats_feed.ts";
import { WatchServer } from "../../watch/server.ts";

export interface CampaignControlOptions {
  engine: RunEngine;
  bus: DocumentBus;
  /** The subject token of the campaign's documents and decisions. */
  instrument: string;
  campaign: string;
  /** Control requests must carry it; absent: no listener, and a watch page is read-only. */
  token?: string | undefined;
  /** Serve the live page on this port (0: any free one). */
  watchPort?: number | undefined;
  /** The embedded agent's decisions, for the page (over NATS the page reads them from the bus). */
  decisions$?: Observable<DecisionRecord> | undefined;
  log: (line: string) => void;
}

export interface CampaignControl {
  /** True while the engine is paused by a control request (to be resumed the same way, not given up on). */
  readonly pausedRemotely: boolean;
  /** The live page, when one is served; with the token in its fragment when control is on. */
  readonly watchUrl: string | undefined;
  readonly listener: ControlListener | undefined;
  close(): Promise<void>;
}

/** Attaches control and, when asked, the live page; with neither, attaches nothing. */
export async function attachCampaignControl(options: CampaignControlOptions): Promise<CampaignControl> {
  const { engine, bus, instrument } = options;
  const token = options.token !== undefined && options.token.length > 0 ? options.token : undefined;
  let pausedRemotely = false;
  let transport: (ControlServerTransport & ControlClientTransport) | undefined;
  let listener: ControlListener | undefined;
  if (token !== undefined || options.watchPort !== undefined) {
    transport = bus instanceof NatsDocumentBus ? new NatsControlTransport({ connection: bus.connection, instrument, log: options.log }) : new InProcessControlChannel();
  }
  if (token !== undefined && transport !== undefined) {
    const target: ControlTarget = {
      requestPause: (defer) => {
        // Set first: the engine may report Paused before this returns.
        const before = pausedRemotely;
        pausedRemotely = true;
        try {
          engine.requestPause(defer);
        } catch (err) {
          pausedRemotely = before;
          throw err;
        }
      },
      resume: () => {
        engine.resume();
        pausedRemotely = false;
      },
      abort: (reason) => engine.abort(reason),
      get state() {
        return engine.state;
      },
      state$: engine.state$,
    };
    listener = new ControlListener({ target, transport, token, campaign: options.campaign, log: options.log });
  }
  let server: WatchServer | undefined;
  if (options.watchPort !== undefined) {
    const feed = await watchFeed(bus, instrument, options.decisions$);
    try {
      server = await WatchServer.start({ feed, port: options.watchPort, control: transport!, ...(token !== undefined ? { token } : {}), log: options.log });
    } catch (err) {
      listener?.close();
      throw err;
    }
  }
  return {
    get pausedRemotely() {
      return pausedRemotely;
    },
    watchUrl: server === undefined ? undefined : (server.controlUrl ?? server.url),
    listener,
    async close() {
      listener?.close();
      await server?.close();
    },
  };
}

async function watchFeed(bus: DocumentBus, instrument: string, decisions$: Observable<DecisionRecord> | undefined): Promise<WatchFeed> {
  if (bus instanceof NatsDocumentBus) return natsFeed({ connection: bus.connection, instrument });
  if (bus instanceof InProcessBus) return inProcessFeed({ instrument, bus, ...(decisions$ ? { decisions$ } : {}) });
  return inProcessFeed({ instrument, ...(decisions$ ? { decisions$ } : {}) });
}
