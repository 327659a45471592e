/**
 * The one place that loads TensorFlow.js. Backends are tried in the order the architecture fixes: the native
 * `@tensorflow/tfjs-node` (an optional dependency, often absent because its install downloads a native
 * library), then `@tensorflow/tfjs-backend-wasm` with its binaries read from node_modules (no network), then
 * the pure-JavaScript `cpu` backend. Every other module imports `tf` from here.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tfjs from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { SkyloopError } from "../../engine/errors.ts";

export type Tf = typeof tfjs;

/** Backends by their TensorFlow.js registry names. */
export const TfBackend = { Node: "tensorflow", Wasm: "wasm", Cpu: "cpu" } as const;
export type TfBackend = (typeof TfBackend)[keyof typeof TfBackend];

/** The architecture's load order. */
export const TF_BACKEND_ORDER: readonly TfBackend[] = [TfBackend.Node, TfBackend.Wasm, TfBackend.Cpu];

/**
 * Which available backend `loadTf()` picks by default. Measured for our MLPs (batch 64, hidden 32-32 and
 * 64-64, one TD3 critic update on 2 shared cores): wasm 4.4 and 5.9 ms, cpu 13.6 and 27.8 ms, because wasm's
 * SIMD matmuls beat the JavaScript loops while per-op overheads are similar. The native backend, when present,
 * is faster than both. So the default is the load order itself.
 */
export const DEFAULT_TF_PREFERENCE: readonly TfBackend[] = TF_BACKEND_ORDER;

/** No backend in the list could be initialised. */
export class TfBackendError extends SkyloopError {
  constructor(
    readonly backends: readonly string[],
    readonly reasons: readonly string[],
  ) {
    super(`no TensorFlow.js backend could be loaded (tried ${backends.join(", ")}): ${reasons.join("; ")}`);
  }
}

/** What happened to each backend tried. */
export interface TfBackendAttempt {
  backend: TfBackend;
  ok: boolean;
  reason?: string;
}

export interface LoadedTf {
  tf: Tf;
  backend: TfBackend;
  attempts: readonly TfBackendAttempt[];
}

let nativeTf: Tf | null | undefined;
let wasmPathsSet = false;
let prodMode = false;

/** The folder holding the wasm binaries inside the installed package, with a trailing slash. */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/";
}

async function tryNative(): Promise<string | null> {
  if (nativeTf === undefined) {
    try {
      // A variable specifier keeps bundlers and the type checker from requiring the optional package.
      const name = "@tensorflow/tfjs-node";
      nativeTf = (await import(name)) as Tf;
    } catch (err) {
      nativeTf = null;
      return `not installed or not loadable (${(err as Error).message.split("\n")[0]})`;
    }
  }
  return nativeTf === null ? "not installed or not loadable" : null;
}

async function activate(backend: TfBackend): Promise<string | null> {
  if (backend === TfBackend.Node) {
    const reason = await tryNative();
    if (reason !== null) return reason;
  }
  if (backend === TfBackend.Wasm && !wasmPathsSet) {
    setWasmPaths(wasmBinaryDir());
    wasmPathsSet = true;
  }
  try {
    const ok = await tfjs.setBackend(backend);
    if (!ok) return "initialisation failed";
    await tfjs.ready();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Initialises the first backend of `prefer` that works and makes it current. Repeated calls are cheap;
 * a different preference switches the current backend (tensors of the old one must be disposed first).
 */
export async function loadTf(prefer: readonly TfBackend[] = DEFAULT_TF_PREFERENCE): Promise<LoadedTf> {
  if (!prodMode) {
    // Skips per-op argument checks that cost more than the arithmetic on small tensors.
    tfjs.enableProdMode();
    prodMode = true;
  }
  const attempts: TfBackendAttempt[] = [];
  for (const backend of prefer) {
    if (tfjs.getBackend() === backend) {
      attempts.push({ backend, ok: true });
      return { tf: tfjs, backend, attempts };
    }
    const reason = await activate(backend);
    attempts.push(reason === null ? { backend, ok: true } : { backend, ok: false, reason });
    if (reason === null) return { tf: tfjs, backend, attempts };
  }
  throw new TfBackendError(prefer, attempts.map((a) => `${a.backend}: ${a.reason}`));
}

/** The loaded TensorFlow.js namespace (after `loadTf`); ops run on the current backend. */
export const tf: Tf = tfjs;

/** A one-line account of the backend in use, for logs. */
export function describeBackend(loaded: LoadedTf): string {
  const skipped = loaded.attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.reason}`);
  return `TensorFlow.js ${tfjs.version.tfjs} on ${loaded.backend}${skipped.length > 0 ? ` (skipped ${skipped.join("; ")})` : ""}`;
}

/** Parses a backend name from a config file or command line. */
export function parseBackend(name: string): TfBackend {
  const all = Object.values(TfBackend) as string[];
  if (!all.includes(name)) throw new TfBackendError([name], [`unknown backend "${name}" (known: ${all.join(", ")})`]);
  return name as TfBackend;
}
