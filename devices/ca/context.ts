/**
 * The Channel Access client context the `ca` scheme's signals share: one per process by default, made on first
 * use from the EPICS environment (EPICS_CA_ADDR_LIST, EPICS_CA_AUTO_ADDR_LIST, EPICS_CA_SERVER_PORT, ...), so
 * every device's channels to one IOC ride one TCP circuit. A composition root or a test may supply its own.
 */
import { CaClientContext, type CaClientOptions } from "../../epics/index.ts";

/** Where a backend gets its context: a fixed one, or a function asked at connect time. */
export type CaContextSource = CaClientContext | (() => CaClientContext);

let shared: CaClientContext | undefined;
let sharedOptions: CaClientOptions = {};

/** The process-wide context, created on first call with the options of the last `configureSharedCaContext`. */
export function sharedCaContext(): CaClientContext {
  shared ??= new CaClientContext(sharedOptions);
  return shared;
}

/**
 * Options for the process-wide context (the EPICS variables fill what is left out). Closes the current one,
 * if any: its channels stop and the next connect makes a new context.
 */
export function configureSharedCaContext(options: CaClientOptions = {}): void {
  sharedOptions = options;
  closeSharedCaContext();
}

/** Close the process-wide context (its channels and circuits); the next use makes a fresh one. */
export function closeSharedCaContext(): void {
  shared?.close();
  shared = undefined;
}

export function resolveCaContext(source: CaContextSource | undefined): CaClientContext {
  if (source === undefined) return sharedCaContext();
  return typeof source === "function" ? source() : source;
}
