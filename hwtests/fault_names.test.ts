import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../engine/errors.ts";
import { loadProfile } from "../devices/profile.ts";
import { parseFault } from "../sims/pvs/faults.ts";
import { closestNames, FaultTargetError, formatFault, unmatchedFault } from "./fault_names.ts";
import { type OpenedTarget, openTarget } from "./targets.ts";

const BEAMLINE = new URL("../profiles/sim-beamline.yaml", import.meta.url).pathname;
const PVS = ["BL:MONO:BRAGG.VAL", "BL:MONO:BRAGG.RBV", "BL:FOCUS:Z.RBV", "BL:M1:PITCH.RBV", "SR:BPM01A:X", "SR:BPM01B:X", "SR:ORBIT:BPM:NAMES"];

let opened: OpenedTarget[] = [];
afterEach(async () => {
  for (const o of opened) await o.close();
  opened = [];
});

describe("a fault the simulators do not have", () => {
  it("is written back as the command line writes it", () => {
    for (const text of ["stuck-motor:BL:MONO:BRAGG", "dead-pv:BL:IC:*", "readback-offset:BL:FOCUS:Z=0.5", "noisy-bpm:BPM01A=0.2"])
      expect(formatFault(parseFault(text))).toBe(text);
  });

  it("offers the closest names of the fault's sort, closest first, and none far away", () => {
    expect(closestNames("BL:MONO:BRAG", ["BL:MONO:BRAGG", "BL:FOCUS:Z", "BL:M1:PITCH"])).toEqual(["BL:MONO:BRAGG"]);
    expect(closestNames("bpm1a", ["BPM01B", "BPM01A", "QUAD22C"])).toEqual(["BPM01A", "BPM01B"]);
    expect(closestNames("QQQQQQQQQQQQ", ["BL:MONO:BRAGG"])).toEqual([]);
  });

  it("a misspelt motor: one sentence naming the fault and the motor record meant", () => {
    const err = unmatchedFault(parseFault("stuck-motor:BL:MONO:BRAG"), "sim-beamline", PVS);
    expect(err).toBeInstanceOf(FaultTargetError);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toBe('--fault stuck-motor:BL:MONO:BRAG: no motor record "BL:MONO:BRAG" in the simulated sim-beamline; did you mean BL:MONO:BRAGG?');
    expect(err.suggestions).toEqual(["BL:MONO:BRAGG"]);
  });

  it("a BPM is looked for among BPM names, not among the PVs that merely mention BPMs", () => {
    const err = unmatchedFault(parseFault("noisy-bpm:BPM1A=0.2"), "sim-ring", PVS);
    expect(err.message).toBe('--fault noisy-bpm:BPM1A=0.2: no BPM "BPM1A" in the simulated sim-ring; did you mean BPM01A or BPM01B?');
  });

  it("nothing close: says how many there are and shows a few, those with the target's beginning first", () => {
    const err = unmatchedFault(parseFault("dead-pv:BL:NOTHING:HERE:AT:ALL"), "sim-beamline", PVS);
    expect(err.message).toBe(
      '--fault dead-pv:BL:NOTHING:HERE:AT:ALL: no PV "BL:NOTHING:HERE:AT:ALL" in the simulated sim-beamline (it has 7 PVs, e.g. BL:MONO:BRAGG.VAL, BL:MONO:BRAGG.RBV, BL:FOCUS:Z.RBV)',
    );
    expect(unmatchedFault(parseFault("noisy-bpm:BPM01A"), "sim-beamline", ["BL:MONO:BRAGG.RBV"]).message).toBe(
      '--fault noisy-bpm:BPM01A=0.1: no BPM "BPM01A" in the simulated sim-beamline (it has no BPMs)',
    );
  });

  it.each(["sim", "ioc"] as const)("opening the %s target refuses it in one sentence, without the simulators' own refusals", async (target) => {
    const profile = await loadProfile(BEAMLINE);
    const open = openTarget(profile, { target, faults: ["stuck-motor:BL:MONO:BRAG"], speedUp: 20 });
    open.then((o) => opened.push(o), () => undefined);
    await expect(open).rejects.toThrow(FaultTargetError);
    await expect(open).rejects.toThrow(
      /^--fault stuck-motor:BL:MONO:BRAG: no motor record "BL:MONO:BRAG" in the simulated sim-beamline; did you mean BL:MONO:BRAGG\?$/,
    );
  });

  it("a fault the simulators do have still opens", async () => {
    const profile = await loadProfile(BEAMLINE);
    const o = await openTarget(profile, { target: "sim", faults: ["stuck-motor:BL:MONO:BRAGG"], speedUp: 20 });
    opened.push(o);
    expect(o.description).toBe("in-process simulator with 1 fault");
  });
});
