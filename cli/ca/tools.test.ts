import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccessRights, CaServer, DbrType, SoftPV } from "../../epics/index.ts";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { formatG, formatNumber, parseDbrType } from "./format.ts";
import { caget, cainfo, camonitor, caput, parseMask, type ToolOptions, type ToolOutput } from "./tools.ts";

let server: CaServer;
let client: ToolOptions["client"];
let finish: (() => void) | undefined;
const dbl = new SoftPV({ name: "T:DBL", value: 3.14159265, units: "mm", precision: 3, controlLimits: [-5, 5], alarm: { high: 10 } });
const enm = new SoftPV({ name: "T:ENM", type: "enum", value: 1, enumStrings: ["Off", "On"] });
const pvs = [
  dbl,
  enm,
  new SoftPV({ name: "T:WAVE", value: Float64Array.of(1, 2.5, 3e7), maxCount: 8 }),
  new SoftPV({ name: "T:STR", value: "hello world" }),
  new SoftPV({ name: "T:LONG", type: "long", value: 42 }),
  new SoftPV({ name: "T:LSTR", type: "char", value: "long string", maxCount: 100 }),
  new SoftPV({ name: "T:RO", value: 1, access: AccessRights.READ }),
  new SoftPV({ name: "T:SLOW", value: 0, onPut: () => new Promise<void>((resolve) => (finish = resolve)) }),
];

beforeAll(async () => {
  server = await CaServer.start({ pvs, tcpPort: 0, interfaces: ["127.0.0.1"], beaconPeriodMs: 0, env: {} });
  client = { env: {}, addrList: [`127.0.0.1:${server.udpPort}`], autoAddrList: false };
});

afterAll(async () => {
  await server.close();
});

function collect(): ToolOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(...l.split("\n")), err: (l) => errors.push(l) };
}

describe("number formats", () => {
  it("prints as C's %g, %f and %e do", () => {
    expect([3.14159265, 3e7, 0.0001, 0.00001, 123456, 1234567, -2.5, 0, Number.NaN].map((v) => formatG(v, 6))).toEqual([
      "3.14159", "3e+07", "0.0001", "1e-05", "123456", "1.23457e+06", "-2.5", "0", "nan",
    ]);
    expect(formatNumber(3.14159, { kind: "f", digits: 2 })).toBe("3.14");
    expect(formatNumber(31415.9, { kind: "e", digits: 3 })).toBe("3.142e+04");
    expect(formatNumber(31415.9, { kind: "g", digits: 3 })).toBe("3.14e+04");
  });

  it("reads DBR types by name, short name or number, refusing others by name", () => {
    expect([parseDbrType("DBR_TIME_DOUBLE"), parseDbrType("ctrl_enum"), parseDbrType("20"), parseDbrType("DBR_INT"), parseDbrType("DBR_CLASS_NAME")]).toEqual([
      DbrType.TIME_DOUBLE, DbrType.CTRL_ENUM, 20, DbrType.SHORT, DbrType.CLASS_NAME,
    ]);
    for (const bad of ["DBR_BOGUS", "39"]) {
      expect(() => parseDbrType(bad)).toThrow(InvalidArgumentError);
      expect(() => parseDbrType(bad)).toThrow(`unknown DBR type "${bad}": use a number 0..38 or a name such as DBR_TIME_DOUBLE`);
    }
    expect(parseMask("vlap")).toBe(15);
    expect(() => parseMask("vx")).toThrow('unknown monitor mask letter "x" in "vx": use v, l, a, p');
  });
});

describe("caget", () => {
  it("prints name and value of each type, arrays with their count", async () => {
    const io = collect();
    expect(await caget(["T:DBL", "T:ENM", "T:WAVE", "T:STR", "T:LONG"], { client }, io)).toBe(0);
    expect(io.lines).toEqual([
      `${"T:DBL".padEnd(30)} 3.14159`,
      `${"T:ENM".padEnd(30)} On`,
      `${"T:WAVE".padEnd(30)} 3 1 2.5 3e+07`,
      `${"T:STR".padEnd(30)} hello world`,
      `${"T:LONG".padEnd(30)} 42`,
    ]);
  });

  it("terse, enums as numbers, fixed format, element count, CHAR arrays as strings", async () => {
    const io = collect();
    await caget(["T:ENM", "T:DBL"], { client, terse: true, enumAsNumber: true, number: { kind: "f", digits: 2 } }, io);
    await caget(["T:WAVE"], { client, count: 2 }, io);
    await caget(["T:LSTR"], { client, charAsString: true, terse: true }, io);
    expect(io.lines).toEqual(["1", "3.14", `${"T:WAVE".padEnd(30)} 2 1 2.5`, "long string"]);
  });

  it("wide: the time stamp, and the alarm while there is one", async () => {
    const io = collect();
    dbl.set(12);
    await caget(["T:DBL"], { client, wide: true }, io);
    dbl.set(3.14159265);
    await caget(["T:DBL"], { client, wide: true }, io);
    expect(io.lines[0]).toMatch(/^T:DBL {26}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} 12 HIGH MINOR$/);
    expect(io.lines[1]).toMatch(/^T:DBL {26}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} 3\.14159$/);
  });

  it("-d prints the whole DBR structure", async () => {
    const io = collect();
    await caget(["T:DBL"], { client, dbrType: DbrType.CTRL_DOUBLE }, io);
    await caget(["T:ENM"], { client, dbrType: DbrType.GR_ENUM }, io);
    expect(io.lines).toEqual([
      "T:DBL",
      "    Native data type: DBF_DOUBLE",
      "    Request type:     DBR_CTRL_DOUBLE",
      "    Element count:    1",
      "    Value:            3.14159",
      "    Status:           NO_ALARM",
      "    Severity:         NO_ALARM",
      "    Units:            mm",
      "    Precision:        3",
      "    Lo disp limit:    0",
      "    Hi disp limit:    0",
      "    Lo alarm limit:   nan",
      "    Lo warn limit:    nan",
      "    Hi warn limit:    10",
      "    Hi alarm limit:   nan",
      "    Lo ctrl limit:    -5",
      "    Hi ctrl limit:    5",
      "T:ENM",
      "    Native data type: DBF_ENUM",
      "    Request type:     DBR_GR_ENUM",
      "    Element count:    1",
      "    Value:            On",
      "    Status:           NO_ALARM",
      "    Severity:         NO_ALARM",
      "    Enums:            ( 2)",
      "                  [ 0] Off",
      "                  [ 1] On",
    ]);
  });

  it("prints what it found, names what it did not, and returns 1", async () => {
    const io = collect();
    expect(await caget(["T:LONG", "T:NOPE"], { client, timeoutMs: 200 }, io)).toBe(1);
    expect(io.lines).toEqual([`${"T:LONG".padEnd(30)} 42`]);
    expect(io.errors).toEqual(["ChannelNotFoundError: 1 PV not found within 200 ms: 'T:NOPE'"]);
  });
});

describe("caput", () => {
  it("prints old and new values; enums by name or (-n) number; arrays with -a; long strings with -S", async () => {
    const io = collect();
    expect(await caput("T:ENM", ["Off"], { client }, io)).toBe(0);
    expect(await caput("T:ENM", ["1"], { client, enumAsNumber: true, terse: true }, io)).toBe(0);
    expect(await caput("T:WAVE", ["2", "7", "8"], { client, array: true, terse: true }, io)).toBe(0);
    expect(await caput("T:LSTR", ["a string of more than forty characters, sent as CHARs"], { client, charAsString: true, terse: true }, io)).toBe(0);
    expect(io.lines).toEqual([
      `Old : ${"T:ENM".padEnd(30)} On`,
      `New : ${"T:ENM".padEnd(30)} Off`,
      "1",
      "2 7 8",
      "a string of more than forty characters, sent as CHARs",
    ]);
  });

  it("-c waits for completion; without it returns at once", async () => {
    const io = collect();
    let done = false;
    const put = caput("T:SLOW", ["4"], { client, completion: true, timeoutMs: 2000, terse: true }, io).then((code) => {
      done = true;
      return code;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(false);
    finish!();
    expect(await put).toBe(0);
    expect(io.lines).toEqual(["4"]);
    expect(await caput("T:SLOW", ["5"], { client, terse: true }, io)).toBe(0);
    finish!();
  });

  it("fails with 1 naming the refusal: no write access, a completion timeout, a bad array count", async () => {
    const io = collect();
    expect(await caput("T:RO", ["3"], { client }, io)).toBe(1);
    expect(await caput("T:SLOW", ["6"], { client, completion: true, timeoutMs: 150 }, io)).toBe(1);
    finish!();
    expect(await caput("T:WAVE", ["3", "1"], { client, array: true }, io)).toBe(1);
    expect(io.errors).toEqual([
      "AccessDeniedError: no write access to PV 'T:RO'",
      "CaTimeoutError: put of PV 'T:SLOW' timed out after 150 ms",
      'InvalidArgumentError: caput -a takes the element count then that many values, got ["3","1"]',
    ]);
  });

  it("refuses a value the record cannot take before writing anything: text for a number, an unknown state", async () => {
    const io = collect();
    expect(await caput("T:DBL", ["abc"], { client }, io)).toBe(1);
    expect(await caput("T:ENM", ["Maybe"], { client }, io)).toBe(1);
    expect(await caput("T:ENM", ["2"], { client }, io)).toBe(1);
    expect(io.errors).toEqual([
      'InvalidArgumentError: "abc" is not a number; nothing was written',
      'InvalidArgumentError: "Maybe" is not a state of T:ENM (states: "Off", "On")',
      'InvalidArgumentError: "2" is not a state of T:ENM (states: "Off", "On")',
    ]);
    expect(io.lines).toEqual([]);
  });
});

describe("camonitor and cainfo", () => {
  it("camonitor prints the current value, then each update, until the count", async () => {
    const io = collect();
    const run = camonitor(["T:LONG"], { client, updates: 3 }, io);
    await new Promise((r) => setTimeout(r, 100));
    pvs[4]!.set(43);
    pvs[4]!.set(44);
    expect(await run).toBe(0);
    expect(io.lines.map((l) => l.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}/, "<time>"))).toEqual([
      `${"T:LONG".padEnd(30)} <time> 42`,
      `${"T:LONG".padEnd(30)} <time> 43`,
      `${"T:LONG".padEnd(30)} <time> 44`,
    ]);
  });

  it("cainfo shows server, access, type and count", async () => {
    const io = collect();
    expect(await cainfo(["T:RO", "T:WAVE"], { client }, io)).toBe(0);
    expect(io.lines).toEqual([
      "T:RO",
      "    State:            connected",
      `    Host:             127.0.0.1:${server.tcpPort}`,
      "    Access:           read, no write",
      "    Native data type: DBF_DOUBLE",
      "    Request type:     DBR_DOUBLE",
      "    Element count:    1",
      "T:WAVE",
      "    State:            connected",
      `    Host:             127.0.0.1:${server.tcpPort}`,
      "    Access:           read, write",
      "    Native data type: DBF_DOUBLE",
      "    Request type:     DBR_DOUBLE",
      "    Element count:    8",
    ]);
  });
});
