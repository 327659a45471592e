/**
 * A message from a plan to the RunEngine, after Bluesky's `Msg(command, obj, *args, run=None, **kwargs)`.
 * Plans are generators of Msg; the engine sends each command's result back into the generator.
 */
export interface Msg {
  readonly command: string;
  /** The device or object the command acts on, if any. */
  readonly obj?: unknown;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** The key of the run this message belongs to, when several runs are open at once. */
  readonly run?: string;
}

/** A plan: a generator that yields messages and may return a value. */
export type Plan<T = unknown> = Generator<Msg, T, any>;
/** A function producing a plan, as `count`, `scan` and the stubs are. */
export type PlanFactory<A extends unknown[] = any[], T = unknown> = (...args: A) => Plan<T>;

export function msg(
  command: string,
  obj?: unknown,
  args: readonly unknown[] = [],
  kwargs: Readonly<Record<string, unknown>> = {},
  run?: string,
): Msg {
  return run === undefined ? { command, obj, args, kwargs } : { command, obj, args, kwargs, run };
}

/** A short text for logs and errors: `set(motor1, 3.2)`. */
export function formatMsg(m: Msg): string {
  const parts: string[] = [];
  if (m.obj !== undefined && m.obj !== null) parts.push(objectName(m.obj));
  for (const a of m.args) parts.push(short(a));
  for (const [k, v] of Object.entries(m.kwargs)) parts.push(`${k}=${short(v)}`);
  return `${m.command}(${parts.join(", ")})`;
}

export function objectName(obj: unknown): string {
  if (obj && typeof obj === "object" && "name" in obj && typeof (obj as { name: unknown }).name === "string")
    return (obj as { name: string }).name;
  return short(obj);
}

function short(v: unknown): string {
  if (v && typeof v === "object" && "name" in v && typeof (v as { name: unknown }).name === "string")
    return (v as { name: string }).name;
  if (typeof v === "function") return v.name || "<function>";
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + "..." : s;
  } catch {
    return String(v);
  }
}
