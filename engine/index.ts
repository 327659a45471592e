/** skyloop's engine: RunEngine, Msg, plans, suspenders, documents, callbacks and the device protocols. */
export * from "./errors.ts";
export * from "./msg.ts";
export * from "./protocols.ts";
export * from "./metadata.ts";
export * from "./documents/index.ts";
export * from "./callbacks/index.ts";
export * from "./run_engine/index.ts";
export * from "./suspenders/index.ts";
/** Plans and stubs under one name, as Bluesky users write `bp.scan` and `bps.mv`. */
export * as plans from "./plans/index.ts";
