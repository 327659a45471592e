/**
 * Runs the reference client, pyepics on libca (Debian's python3-pyepics, EPICS 7), as a child process:
 * pyepics_driver.py takes a list of operations and answers with one result per operation. The system
 * Python is used on purpose: it is the one the Debian package installs pyepics for.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CaInvalidArgumentError, ChannelAccessError } from "../core/errors.ts";

/**
 * The Python that has pyepics.
 * @default SKYLOOP_PYEPICS_PYTHON, else /usr/bin/python3 (where Debian's python3-pyepics installs it)
 */
export const PYEPICS_PYTHON = process.env.SKYLOOP_PYEPICS_PYTHON || "/usr/bin/python3";
export const PYEPICS_DRIVER = fileURLToPath(new URL("./pyepics_driver.py", import.meta.url));

/** One operation of the driver (see pyepics_driver.py for the fields each takes). */
export interface PyepicsOp {
  readonly op: "connect" | "get" | "put" | "monitor" | "bench_get" | "bench_connect" | "bench_monitor";
  readonly [field: string]: unknown;
}

/** A driver result: `ok` with the operation's fields, or `error` as "ExceptionClass: message". */
export type PyepicsResult = { readonly ok: boolean; readonly error?: string } & Record<string, any>;

export interface RunPyepicsOptions {
  /** The CA server's port (EPICS_CA_SERVER_PORT); searches go to 127.0.0.1 only. */
  readonly port: number;
  /** More environment for the child, e.g. EPICS_CA_MAX_ARRAY_BYTES. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Called when a bench_monitor operation has subscribed, with the operation's index. */
  readonly onReady?: (index: number) => void;
  /** The whole run's limit. @default 60 000 ms */
  readonly timeoutMs?: number;
}

/** The driver or Python failed as a whole (not one operation: those come back as results). */
export class PyepicsRunError extends ChannelAccessError {}

/** Whether pyepics imports under the system Python; the reason when it does not. */
export function pyepicsStatus(): { available: boolean; reason: string } {
  const r = spawnSync(PYEPICS_PYTHON, ["-c", "import epics, epics.ca; print(epics.__version__)"], { encoding: "utf8", timeout: 20_000 });
  if (r.error) return { available: false, reason: `${PYEPICS_PYTHON} cannot run: ${r.error.message}` };
  if (r.status !== 0) return { available: false, reason: `pyepics does not import under ${PYEPICS_PYTHON}: ${r.stderr.trim().split("\n").pop()}` };
  return { available: true, reason: `pyepics ${r.stdout.trim()}` };
}

/** Runs the operations in one Python process against 127.0.0.1:`port`; resolves with one result each. */
export function runPyepics(ops: readonly PyepicsOp[], options: RunPyepicsOptions): Promise<PyepicsResult[]> {
  if (!Number.isInteger(options.port) || options.port <= 0) throw new CaInvalidArgumentError(`invalid CA server port ${options.port}`, options.port);
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    EPICS_CA_ADDR_LIST: "127.0.0.1",
    EPICS_CA_AUTO_ADDR_LIST: "NO",
    EPICS_CA_SERVER_PORT: String(options.port),
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(PYEPICS_PYTHON, [PYEPICS_DRIVER], { env, stdio: ["pipe", "pipe", "pipe"] });
    let buffer = "";
    let stderr = "";
    let results: PyepicsResult[] | undefined;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new PyepicsRunError(`pyepics driver did not finish within ${options.timeoutMs ?? 60_000} ms; stderr: ${stderr.trim()}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const msg = JSON.parse(line) as { ready?: number; results?: PyepicsResult[] };
        if (msg.ready !== undefined) options.onReady?.(msg.ready);
        if (msg.results) results = msg.results;
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new PyepicsRunError(`cannot start ${PYEPICS_PYTHON}: ${err.message}`, { cause: err }));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (results) resolve(results);
      else reject(new PyepicsRunError(`pyepics driver exited with code ${code} and no results; stderr: ${stderr.trim()}`));
    });
    child.stdin.end(JSON.stringify({ ops }));
  });
}

/** "NaN"/"Infinity" strings of the driver's JSON back to numbers. */
export function num(v: unknown): number {
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  return v as number;
}
