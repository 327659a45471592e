/** The real `skyloop ca` command against a CA server in this process, found through the EPICS variables. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaServer, SoftPV } from "../../epics/index.ts";

const BIN = fileURLToPath(new URL("../../bin/skyloop.mjs", import.meta.url));
let server: CaServer;
let finish: (() => void) | undefined;
const slow = new SoftPV({ name: "E2E:SLOW", value: 0, onPut: () => new Promise<void>((resolve) => (finish = resolve)) });
const pvs = [
  new SoftPV({ name: "E2E:DBL", value: 2.5, units: "mm", alarm: { high: 2 } }),
  new SoftPV({ name: "E2E:ENM", type: "enum", value: 0, enumStrings: ["Closed", "Open"] }),
  slow,
];

beforeAll(async () => {
  server = await CaServer.start({ pvs, tcpPort: 0, interfaces: ["127.0.0.1"], beaconPeriodMs: 0, env: {} });
});

afterAll(async () => {
  await server.close();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Date.now() when the process ended. */
  endedAt: number;
}

/** Runs `skyloop ca ...`; `whileRunning` is called once the process has printed something. */
function skyloop(args: string[], whileRunning?: () => void): Promise<Run> {
  const env = {
    ...process.env,
    EPICS_CA_ADDR_LIST: "127.0.0.1",
    EPICS_CA_AUTO_ADDR_LIST: "NO",
    EPICS_CA_SERVER_PORT: String(server.udpPort),
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "ca", ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr, endedAt: Date.now() }));
    if (whileRunning) {
      const poll = setInterval(() => {
        if (slow.value === 7) {
          clearInterval(poll);
          whileRunning();
        }
      }, 5);
    }
  });
}

describe("skyloop ca", () => {
  it("get -a prints time stamps and alarms; a missing PV exits 1 naming it", async () => {
    const r = await skyloop(["get", "-a", "-w", "0.5", "E2E:DBL", "E2E:ENM", "E2E:NOPE"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^E2E:DBL {24}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} 2\.5 HIGH MINOR$/);
    expect(lines[1]).toMatch(/^E2E:ENM {24}\S+ \S+ Closed$/);
    expect(r.stderr).toBe("skyloop ca: ChannelNotFoundError: 1 PV not found within 500 ms: 'E2E:NOPE'\n");
  });

  it("put -c waits for the put-callback, then prints old and new values", async () => {
    let released = 0;
    const r = await skyloop(["put", "-c", "-w", "5", "E2E:SLOW", "7"], () => {
      released = Date.now();
      setTimeout(() => finish!(), 200);
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Old : ${"E2E:SLOW".padEnd(30)} 0\nNew : ${"E2E:SLOW".padEnd(30)} 7\n`);
    expect(released).toBeGreaterThan(0);
    expect(r.endedAt - released).toBeGreaterThanOrEqual(190);
  });
});
