/**
 * A small closed-loop orbit correction for the live view's tests and screenshot: the simulated ring (its orbit
 * system over sim:// PVs), a real RunEngine publishing to an in-process bus, the SVD agent deciding each
 * correction with a decision record per step, and a control listener on an in-process channel.
 */
import { Subject } from "rxjs";
import type { Observable } from "rxjs";
import type { DocumentBus } from "../../bridge/documents/bus.ts";
import { InProcessBus } from "../../bridge/documents/in_process_bus.ts";
import { WIRE_VERSION } from "../../bridge/wire.ts";
import type { DecisionRecord } from "../../bridge/wire.ts";
import type { OrbitSystem } from "../../devices/accelerator/orbit_system.ts";
import { SvdOrbitAgent } from "../../agents/svd/agent.ts";
import type { Reading } from "../../engine/protocols.ts";
import { msg } from "../../engine/msg.ts";
import type { Plan } from "../../engine/msg.ts";
import { checkpoint, closeRun, openRun, sleep } from "../../engine/plans/stubs.ts";
import { triggerAndRead } from "../../engine/plans/per-step.ts";
import { RunEngine } from "../../engine/run_engine/index.ts";
import type { RunResult } from "../../engine/run_engine/index.ts";
import { Rng } from "../../sims/math/index.ts";
import { buildInstrument } from "../../sims/instrument.ts";
import type { Instrument } from "../../sims/instrument.ts";
import { ControlListener } from "../control.ts";
import type { ControlServerTransport } from "../control.ts";
import { InProcessControlChannel } from "../control_transport.ts";

const RING = new URL("../../profiles/sim-ring.yaml", import.meta.url).pathname;

export interface DemoCampaignOptions {
  iterations?: number;
  /** Pause between corrections, seconds (the loop's cadence). */
  sleepS?: number;
  /** Fraction of the computed correction applied per step. */
  gain?: number;
  token?: string;
  campaign?: string;
  /** Separate runs, one after the other (the earlier ones become past runs). */
  runs?: number;
  /** Where documents go. @default a new InProcessBus */
  bus?: DocumentBus;
  /** The listener republishes the engine's state at this interval, ms (0: only on changes). @default 0 */
  statusIntervalMs?: number;
  /** Where control requests come from. @default a new InProcessControlChannel */
  control?: ControlServerTransport;
}

export interface DemoCampaign {
  readonly engine: RunEngine;
  readonly bus: DocumentBus;
  readonly decisions$: Observable<DecisionRecord>;
  readonly control: InProcessControlChannel;
  /** Iterations measured so far, over all runs. */
  readonly iterations: number;
  readonly listener: ControlListener;
  readonly instrument: Instrument;
  /** Starts the runs; resolves with their results. */
  run(): Promise<RunResult[]>;
  dispose(): Promise<void>;
}

function value(reading: Record<string, Reading>, key: string): unknown {
  return reading[key]?.value;
}

export async function demoCampaign(options: DemoCampaignOptions = {}): Promise<DemoCampaign> {
  const iterations = options.iterations ?? 12;
  const sleepS = options.sleepS ?? 0.1;
  const instrument = await buildInstrument(RING, { target: "sim", connect: true });
  const ring = instrument.ring!;
  const orbit = instrument.devices.orbit as unknown as OrbitSystem;
  const engine = new RunEngine({ validateDocuments: true });
  const bus = options.bus ?? new InProcessBus({ instrument: "sim-ring" });
  const publisher = await bus.publisher();
  let measured = 0;
  engine.subscribe(publisher.callback);
  const decisions = new Subject<DecisionRecord>();
  const control = new InProcessControlChannel();
  const listener = new ControlListener({
    target: engine,
    transport: options.control ?? control,
    token: options.token ?? "demo-token",
    campaign: options.campaign ?? "orbit-demo",
    statusIntervalMs: options.statusIntervalMs ?? 0,
  });

  function distort(seed: number): void {
    const rng = new Rng(seed);
    ring.setCorrectors(ring.correctorNames.map(() => rng.uniformIn(-1.2, 1.2)));
    instrument.tables[0]!.refreshNow();
  }

  function* correction(agent: SvdOrbitAgent, runIndex: number): Plan<void> {
    const uid: string = yield* openRun({
      plan_name: "orbit_correction",
      campaign: options.campaign ?? "orbit-demo",
      agent: agent.name,
      num_points: iterations,
      detectors: [orbit.name],
      motors: [],
      run_index: runIndex,
    });
    for (let k = 0; k < iterations; k++) {
      yield* checkpoint();
      const reading = yield* triggerAndRead([orbit]);
      measured++;
      const started = performance.now();
      const h = value(reading, "orbit-h_setpoints") as number[];
      const v = value(reading, "orbit-v_setpoints") as number[];
      const setpoints = [...h, ...v];
      const x: Record<string, number> = {};
      ring.correctorNames.forEach((name, j) => (x[name] = setpoints[j]!));
      agent.tell(x, { "orbit-x": value(reading, "orbit-x") as number[], "orbit-y": value(reading, "orbit-y") as number[] });
      const [s] = agent.ask(1) as ReturnType<SvdOrbitAgent["ask"]> & unknown[];
      const latencyUs = (performance.now() - started) * 1000;
      const record: DecisionRecord = {
        v: WIRE_VERSION,
        agent: agent.name,
        run: uid,
        time: Date.now() / 1000,
        inputs: { iteration: k + 1, rms_x: value(reading, "orbit-rms_x"), rms_y: value(reading, "orbit-rms_y") },
        suggestion: s === undefined || s.done ? null : s.points,
        latency_us: latencyUs,
      };
      if (s?.score !== undefined) record.score = s.score;
      record.reason = s?.rationale ?? "nothing to suggest";
      decisions.next(record);
      if (s === undefined || s.done) break;
      yield msg("set", orbit, [ring.correctorNames.map((c) => s.points[c]!)], { group: "correct" });
      yield msg("wait", undefined, [], { group: "correct" });
      yield* sleep(sleepS);
    }
    yield* closeRun();
  }

  return {
    engine,
    bus,
    get iterations() {
      return measured;
    },
    decisions$: decisions.asObservable(),
    control,
    listener,
    instrument,
    async run() {
      const results: RunResult[] = [];
      for (let r = 0; r < (options.runs ?? 1); r++) {
        distort(7 + r);
        const agent = new SvdOrbitAgent({
          correctors: ring.correctorNames,
          bpms: ["orbit-x", "orbit-y"],
          response: ring.nominalResponse(),
          gain: options.gain ?? 0.45,
          targetRms: 0.0005,
        });
        results.push(await engine.run(correction(agent, r)));
      }
      return results;
    },
    async dispose() {
      listener.close();
      decisions.complete();
      await publisher.close();
      if (options.bus === undefined) await bus.close();
      instrument.dispose();
    },
  };
}
