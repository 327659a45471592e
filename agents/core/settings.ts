import { InvalidArgumentError } from "../../engine/errors.ts";

/** Per-dimension search bounds: name -> [low, high], low < high. */
export type Bounds = Record<string, readonly [number, number]>;

export interface NumberRule {
  min?: number;
  max?: number;
  /** min and max themselves are refused. */
  exclusive?: boolean;
  integer?: boolean;
}

function describeRange(rule: NumberRule): string {
  const kind = rule.integer ? "an integer" : "a finite number";
  const lo = rule.min === undefined ? "" : `${rule.exclusive ? ">" : ">="} ${rule.min}`;
  const hi = rule.max === undefined ? "" : `${rule.exclusive ? "<" : "<="} ${rule.max}`;
  return [kind, lo, lo && hi ? "and" : "", hi].filter((s) => s !== "").join(" ");
}

function fits(value: number, rule: NumberRule): boolean {
  if (!Number.isFinite(value)) return false;
  if (rule.integer && !Number.isInteger(value)) return false;
  if (rule.min !== undefined && (rule.exclusive ? value <= rule.min : value < rule.min)) return false;
  if (rule.max !== undefined && (rule.exclusive ? value >= rule.max : value > rule.max)) return false;
  return true;
}

function quote(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Reads an agent's settings object field by field. Every failure is an `InvalidArgumentError` naming the
 * agent and the setting and quoting the value; `finish()` refuses settings nobody read, which catches typos
 * such as `tikonov` that would otherwise be silently ignored.
 */
export class SettingsReader {
  private readonly read = new Set<string>();
  private readonly settings: Record<string, unknown>;

  constructor(
    readonly agent: string,
    settings: unknown,
  ) {
    if (settings === undefined || settings === null) settings = {};
    if (typeof settings !== "object" || Array.isArray(settings)) {
      throw new InvalidArgumentError(`agent "${agent}": settings must be an object, got ${quote(settings)}`, settings);
    }
    this.settings = settings as Record<string, unknown>;
  }

  fail(key: string, problem: string, value: unknown = this.settings[key]): never {
    throw new InvalidArgumentError(`agent "${this.agent}": setting "${key}" ${problem}, got ${quote(value)}`, value);
  }

  has(key: string): boolean {
    return this.settings[key] !== undefined;
  }

  raw(key: string): unknown {
    this.read.add(key);
    return this.settings[key];
  }

  number(key: string, fallback: number, rule?: NumberRule): number;
  number(key: string, fallback: undefined, rule?: NumberRule): number | undefined;
  number(key: string, fallback: number | undefined, rule: NumberRule = {}): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !fits(value, rule)) this.fail(key, `must be ${describeRange(rule)}`);
    return value;
  }

  requiredNumber(key: string, rule: NumberRule = {}): number {
    if (!this.has(key)) this.fail(key, `is required (${describeRange(rule)})`);
    return this.number(key, undefined, rule)!;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") this.fail(key, "must be true or false");
    return value;
  }

  string(key: string, fallback: string): string {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== "string" || value.length === 0) this.fail(key, "must be a non-empty string");
    return value;
  }

  /** One of `choices`, compared exactly. */
  choice<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
      this.fail(key, `must be one of ${choices.map((c) => `"${c}"`).join(", ")}`);
    }
    return value as T;
  }

  /** A non-empty list of distinct non-empty strings. */
  names(key: string): string[] {
    const value = this.raw(key);
    if (value === undefined) this.fail(key, "is required (a list of names)");
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string" && v.length > 0)) {
      this.fail(key, "must be a non-empty list of names");
    }
    const seen = new Set<string>();
    for (const name of value as string[]) {
      if (seen.has(name)) this.fail(key, `names "${name}" twice`);
      seen.add(name);
    }
    return value as string[];
  }

  /** A list of finite numbers, of length `length` when given. */
  numbers(key: string, length?: number): number[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "number" && Number.isFinite(v))) {
      this.fail(key, "must be a list of finite numbers");
    }
    if (length !== undefined && value.length !== length) this.fail(key, `must have ${length} values (one each), not ${value.length}`);
    return value as number[];
  }

  /** A number for every name or one number shared by all; `undefined` when absent. */
  perName(key: string, names: readonly string[], rule: NumberRule = {}): Float64Array | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const out = new Float64Array(names.length);
    if (typeof value === "number") {
      if (!fits(value, rule)) this.fail(key, `must be ${describeRange(rule)}`);
      return out.fill(value);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(key, "must be a number or a map of name -> number");
    }
    const map = value as Record<string, unknown>;
    for (const k of Object.keys(map)) if (!names.includes(k)) this.fail(key, `names "${k}", which is not one of ${names.join(", ")}`, map[k]);
    names.forEach((name, i) => {
      const v = map[name];
      if (v === undefined) this.fail(key, `has no value for "${name}"`, map);
      if (typeof v !== "number" || !fits(v, rule)) this.fail(`${key}.${name}`, `must be ${describeRange(rule)}`, v);
      out[i] = v;
    });
    return out;
  }

  /** `{name: [low, high], ...}` with finite low < high; the order of the keys is the order of the dimensions. */
  bounds(key: string): Bounds {
    const value = this.raw(key);
    if (value === undefined) this.fail(key, "is required (a map of name -> [low, high])");
    if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
      this.fail(key, "must be a non-empty map of name -> [low, high]");
    }
    const out: Record<string, readonly [number, number]> = {};
    for (const [name, range] of Object.entries(value as Record<string, unknown>)) {
      if (
        !Array.isArray(range) ||
        range.length !== 2 ||
        !range.every((v) => typeof v === "number" && Number.isFinite(v)) ||
        !((range[0] as number) < (range[1] as number))
      ) {
        this.fail(`${key}.${name}`, "must be [low, high] with finite low < high", range);
      }
      out[name] = [range[0] as number, range[1] as number];
    }
    return out;
  }

  /** Refuses any setting that no reader asked for. */
  finish(): void {
    for (const key of Object.keys(this.settings)) {
      if (!this.read.has(key)) this.fail(key, "is not a setting of this agent (misspelt?)");
    }
  }
}
