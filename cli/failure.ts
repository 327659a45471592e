import { SkyloopError } from "../engine/errors.ts";

/** Prints a failure as one line a person can act on; returns the exit code. */
export function reportFailure(err: unknown): number {
  if (err instanceof SkyloopError) {
    process.stderr.write(`skyloop: ${err.name}: ${err.message}\n`);
    return 2;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`skyloop: ${e.name}: ${e.message}\n`);
  if (process.env.SKYLOOP_DEBUG) process.stderr.write(`${e.stack}\n`);
  return 1;
}
