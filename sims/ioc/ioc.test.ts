import { afterEach, describe, expect, it } from "vitest";
import { firstValueFrom } from "rxjs";
import { filter } from "rxjs/operators";
import {
  AccessDeniedError,
  CaClientContext,
  CaStatusError,
  ChannelNotFoundError,
  DbrType,
  EcaStatus,
} from "../../epics/index.ts";
import { ConfigError, InvalidArgumentError } from "../../engine/errors.ts";
import { AlarmSeverity } from "../pvs/pv.ts";
import { CA_STRING_CHARS } from "./ca_pv.ts";
import { type Ioc, startIoc, type StartIocOptions } from "./ioc.ts";

const iocs: Ioc[] = [];
const clients: CaClientContext[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(iocs.splice(0).map((i) => i.close()));
});

async function serve(options: StartIocOptions): Promise<{ ioc: Ioc; ca: CaClientContext }> {
  const ioc = await startIoc({ beaconPeriodMs: 0, env: {}, ...options });
  iocs.push(ioc);
  const ca = new CaClientContext({ env: {}, addrList: [`127.0.0.1:${ioc.server.udpPort}`], autoAddrList: false, timeoutMs: 3000 });
  clients.push(ca);
  return { ioc, ca };
}

async function get(ca: CaClientContext, name: string, dbrType?: number) {
  const ch = await ca.connect(name);
  return ch.get(dbrType === undefined ? {} : { dbrType });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new InvalidArgumentError("expected a rejection");
}

describe("soft IOC: the beamline over Channel Access", () => {
  it("moves a motor record; the put-callback completes on arrival with DMOV back at 1", async () => {
    const { ca } = await serve({ sim: "beamline", speedUp: 5 });
    const [val, rbv, dmov] = await ca.connectMany(["BL:FOCUS:Z.VAL", "BL:FOCUS:Z.RBV", "BL:FOCUS:Z.DMOV"]);
    expect((await rbv!.get()).value).toBe(-1150);
    const seen: number[] = [];
    const sub = dmov!.monitor().subscribe((v) => seen.push(v.value as number));
    await firstValueFrom(dmov!.monitor().pipe(filter((v) => v.value === 1)));
    const started = performance.now();
    // 50 µm at 50·5 µm/s: 0.2 s plus acceleration
    await val!.put(-1100);
    const took = performance.now() - started;
    expect(took).toBeGreaterThan(150);
    expect((await rbv!.get()).value).toBe(-1100);
    expect((await dmov!.get()).value).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    sub.unsubscribe();
    expect(seen[0]).toBe(1);
    expect(seen).toContain(0);
    expect(seen[seen.length - 1]).toBe(1);
  });

  it("serves units, precision and control limits as DBR_CTRL metadata, and refuses a move past them", async () => {
    const { ca } = await serve({ sim: "beamline" });
    const v = await get(ca, "BL:M1:PITCH.VAL", DbrType.CTRL_DOUBLE);
    expect(v.units).toBe("mrad");
    expect(v.precision).toBe(4);
    expect([v.limits.lowerCtrl, v.limits.upperCtrl]).toEqual([2.5, 4.5]);
    expect([v.limits.lowerDisp, v.limits.upperDisp]).toEqual([2.5, 4.5]);
    const ch = await ca.connect("BL:M1:PITCH.VAL");
    const err = await rejection(ch.put(9));
    expect(err).toBeInstanceOf(CaStatusError);
    expect((err as CaStatusError).status).toBe(EcaStatus.PUTFAIL);
    expect(err.message).toBe(`put of PV 'BL:M1:PITCH.VAL' failed: ECA_PUTFAIL: Could not perform a database value put for that channel (ECA status ${EcaStatus.PUTFAIL})`);
    expect((await get(ca, "BL:M1:PITCH.RBV")).value).toBe(3.5);
  });

  it("serves enums with their strings and strings cut to what DBR_STRING holds", async () => {
    const { ioc, ca } = await serve({ sim: "beamline" });
    const state = await get(ca, "BL:FE-VALVE:STATE", DbrType.CTRL_ENUM);
    expect(state.enumStrings).toEqual(["Closed", "Open", "Moving"]);
    expect(state.value).toBe(1);
    const message = "the front-end valve stays closed: sector 2 is vented to 1e-3 mbar";
    ioc.table.get("BL:FE-VALVE:INTLK:MSG").set(message, { severity: AlarmSeverity.major });
    const msg = await get(ca, "BL:FE-VALVE:INTLK:MSG");
    expect(msg.value).toBe(message.slice(0, CA_STRING_CHARS));
    expect(msg.severity).toBe(AlarmSeverity.major);
  });

  it("answers to record conventions: a motor's bare name is its VAL, every record has RTYP", async () => {
    const { ca } = await serve({ sim: "beamline" });
    expect((await get(ca, "BL:FOCUS:Z")).value).toBe(-1150);
    expect((await get(ca, "BL:FOCUS:Z.RTYP")).value).toBe("motor");
    expect((await get(ca, "BL:IC:I0.RTYP")).value).toBe("ai");
    expect((await get(ca, "BL:IC:ACQUIRE_TIME.VAL")).value).toBe(1);
  });

  it("refuses writes to read-only PVs by access rights", async () => {
    const { ca } = await serve({ sim: "beamline" });
    const ch = await ca.connect("BL:IC:I0");
    expect(ch.writable).toBe(false);
    const err = await rejection(ch.put(5));
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect(err.message).toBe("no write access to PV 'BL:IC:I0'");
  });

  it("shows faults: a stuck motor reports done without moving, a readback offset shifts RBV", async () => {
    const { ca } = await serve({
      sim: "beamline",
      speedUp: 20,
      faults: ["stuck-motor:BL:SLIT1:TOP", "readback-offset:BL:M1:PITCH=0.05"],
    });
    const [top, topRbv, topDmov] = await ca.connectMany(["BL:SLIT1:TOP.VAL", "BL:SLIT1:TOP.RBV", "BL:SLIT1:TOP.DMOV"]);
    const before = (await topRbv!.get()).value as number;
    await top!.put(before + 1);
    expect((await topDmov!.get()).value).toBe(1);
    expect((await topRbv!.get()).value).toBe(before);
    const [pitch, pitchRbv] = await ca.connectMany(["BL:M1:PITCH.VAL", "BL:M1:PITCH.RBV"]);
    await pitch!.put(3.6);
    expect((await pitchRbv!.get()).value).toBeCloseTo(3.65, 9);
  });

  it("serves the soft X-ray profile's PGM, whose energy move completes on arrival", async () => {
    const { ca } = await serve({ sim: "beamline", profile: "profiles/sim-softxray.yaml", speedUp: 20 });
    const [energy, rbv, grating] = await ca.connectMany(["BL:PGM:ENERGY.VAL", "BL:PGM:ENERGY.RBV", "BL:PGM:GRATING:PITCH"]);
    const before = (await grating!.get()).value as number;
    await energy!.put(410);
    expect((await rbv!.get()).value).toBe(410);
    expect((await grating!.get()).value).toBeLessThan(before);
    expect(await rejection(ca.connect("BL:MONO:BRAGG.VAL", { timeoutMs: 200 }))).toBeInstanceOf(ChannelNotFoundError);
  });
});

describe("soft IOC: the ring over Channel Access", () => {
  it("reads BPMs and orbit waveforms; a corrector set-point shows in its readback and moves the orbit", async () => {
    const { ioc, ca } = await serve({ sim: "ring", prefix: "T1:" });
    const x = await get(ca, "T1:SR:BPM01A:X", DbrType.CTRL_DOUBLE);
    expect(x.units).toBe("mm");
    expect(Number.isFinite(x.value as number)).toBe(true);
    const orbit0 = Array.from((await get(ca, "T1:SR:ORBIT:X")).value as Float64Array);
    expect(orbit0).toHaveLength(12);
    const sp = await ca.connect("T1:SR:HCM01A:SP");
    const limits = (await sp.get({ dbrType: DbrType.CTRL_DOUBLE })).limits;
    expect([limits.lowerCtrl, limits.upperCtrl]).toEqual([-5, 5]);
    await sp.put(1);
    expect((await get(ca, "T1:SR:HCM01A:RB")).value).toBeCloseTo(1, 4);
    const orbit1 = Array.from((await get(ca, "T1:SR:ORBIT:X")).value as Float64Array);
    // the kick's closed orbit, as the ring's model gives it (mm per A), well above the 1 µm BPM noise
    const ring = ioc.machine.ring!;
    const response = ring.realResponse();
    const j = ring.correctorNames.indexOf("HCM01A");
    orbit1.forEach((v, i) => expect(v - orbit0[i]!).toBeCloseTo(response.data[i * response.cols + j]!, 2));
    expect(Math.max(...orbit1.map((v, i) => Math.abs(v - orbit0[i]!)))).toBeGreaterThan(0.05);
  });

  it("does not answer for a dead PV, and adds a noisy BPM's noise", async () => {
    const { ca } = await serve({ sim: "ring", faults: ["dead-pv:SR:DCCT:CURRENT", "noisy-bpm:BPM02A=0.2"] });
    const err = await rejection(ca.connect("SR:DCCT:CURRENT", { timeoutMs: 300 }));
    expect(err).toBeInstanceOf(ChannelNotFoundError);
    expect(err.message).toBe("1 PV not found within 300 ms: 'SR:DCCT:CURRENT'");
    expect((await get(ca, "SR:DCCT:LIFETIME")).units).toBe("");
    const [noisy, quiet] = await ca.connectMany(["SR:BPM02A:X", "SR:BPM03A:X"]);
    const spread = async (ch: typeof noisy) => {
      const values: number[] = [];
      for (let i = 0; i < 12; i++) {
        values.push((await ch!.get()).value as number);
        await new Promise((r) => setTimeout(r, 3));
      }
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    };
    expect(await spread(noisy)).toBeGreaterThan(0.05);
    expect(await spread(quiet)).toBeLessThan(0.01);
  });

  it("refuses an unknown simulator and a profile without it", async () => {
    const err = await rejection(startIoc({ sim: "linac" as never }));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toBe('unknown simulator "linac": use "ring" or "beamline"');
    const err2 = await rejection(startIoc({ sim: "beamline", profile: "profiles/sim-ring.yaml" }));
    expect(err2).toBeInstanceOf(ConfigError);
    expect(err2.message).toBe('profiles/sim-ring.yaml: field "simulation.beamline": the profile simulates no beamline to serve (it has ring)');
  });
});
