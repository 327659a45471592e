/**
 * Validation of documents against event-model's JSON Schemas (bundled, unchanged, in `./schemas/`).
 *
 * The engine validates every document it emits, at up to tens of thousands of events per second, so the
 * common case (a valid document) runs a validator compiled with `allErrors: false` that stops at the first
 * failure. Only when that fails is the document re-checked by a second, verbose validator that collects every
 * problem for the error message. Each validator is compiled the first time its kind is seen.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { DocumentValidationError } from "../errors.ts";
import { DOCUMENT_NAMES } from "./types.ts";
import type { DocumentMap, DocumentName } from "./types.ts";
import datum from "./schemas/datum.json" with { type: "json" };
import datumPage from "./schemas/datum_page.json" with { type: "json" };
import event from "./schemas/event.json" with { type: "json" };
import eventDescriptor from "./schemas/event_descriptor.json" with { type: "json" };
import eventPage from "./schemas/event_page.json" with { type: "json" };
import resource from "./schemas/resource.json" with { type: "json" };
import runStart from "./schemas/run_start.json" with { type: "json" };
import runStop from "./schemas/run_stop.json" with { type: "json" };
import streamDatum from "./schemas/stream_datum.json" with { type: "json" };
import streamResource from "./schemas/stream_resource.json" with { type: "json" };

/** event-model's schema for each document name. */
export const DOCUMENT_SCHEMAS: Readonly<Record<DocumentName, object>> = {
  start: runStart,
  descriptor: eventDescriptor,
  event,
  event_page: eventPage,
  stop: runStop,
  resource,
  datum,
  datum_page: datumPage,
  stream_resource: streamResource,
  stream_datum: streamDatum,
};

// strictNumbers: NaN and Infinity travel as null in JSON, so a "number" that is not finite would not survive
// the wire and must be caught here.
// The schemas come from event-model's pydantic export and are not written for ajv's strict mode (untyped
// `items`, `default` beside `$ref`); strictness here would only produce warnings about the reference itself.
const fastAjv = new Ajv2020({ allErrors: false, strict: false, strictNumbers: true });
const fullAjv = new Ajv2020({ allErrors: true, strict: false, strictNumbers: true, verbose: true });
const fastValidators = new Map<DocumentName, ValidateFunction>();
const fullValidators = new Map<DocumentName, ValidateFunction>();

function validatorFor(
  cache: Map<DocumentName, ValidateFunction>,
  ajv: Ajv2020,
  name: DocumentName,
): ValidateFunction {
  let validate = cache.get(name);
  if (validate === undefined) {
    validate = ajv.compile(DOCUMENT_SCHEMAS[name]);
    cache.set(name, validate);
  }
  return validate;
}

function isDocumentName(name: unknown): name is DocumentName {
  return typeof name === "string" && Object.hasOwn(DOCUMENT_SCHEMAS, name);
}

/** True when `doc` satisfies event-model's schema for `name`; never throws. */
export function isValidDocument<K extends DocumentName>(name: K, doc: unknown): doc is DocumentMap[K] {
  if (!isDocumentName(name)) return false;
  return validatorFor(fastValidators, fastAjv, name)(doc) as boolean;
}

/**
 * Every way `doc` fails event-model's schema for `name`, as `"<JSON pointer>: <message>"` lines; empty when
 * the document is valid.
 */
export function documentProblems(name: DocumentName, doc: unknown): string[] {
  if (!isDocumentName(name)) {
    return [`${JSON.stringify(name)} is not a document name (expected one of ${DOCUMENT_NAMES.join(", ")})`];
  }
  const validate = validatorFor(fullValidators, fullAjv, name);
  if (validate(doc)) return [];
  return describeErrors(validate.errors ?? []);
}

/**
 * Throws DocumentValidationError listing every problem when `doc` does not satisfy event-model's schema for
 * `name`; returns nothing otherwise.
 */
export function validateDocument<K extends DocumentName>(name: K, doc: unknown): asserts doc is DocumentMap[K] {
  if (isDocumentName(name) && validatorFor(fastValidators, fastAjv, name)(doc)) return;
  throw new DocumentValidationError(String(name), documentProblems(name, doc));
}

const MAX_QUOTED = 60;

function quote(value: unknown): string {
  // JSON would print NaN and Infinity as null, hiding the very value at fault.
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 3)}...` : text;
}

function childPointer(parent: string, key: string): string {
  return `${parent}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
}

/**
 * One readable line per failure. ajv reports the failed branches of an `anyOf` just before the `anyOf` error
 * itself (branches reached through `$ref` carry the referenced definition's schema path, so order, not path,
 * identifies them); they are folded into one line for the `anyOf`.
 */
function describeErrors(errors: readonly ErrorObject[]): string[] {
  const problems: string[] = [];
  const pending: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword !== "anyOf") {
      pending.push(error);
      continue;
    }
    const branches: ErrorObject[] = [];
    while (pending.length > 0 && isWithin(pending[pending.length - 1]!.instancePath, error.instancePath)) {
      branches.unshift(pending.pop()!);
    }
    for (const e of pending.splice(0)) problems.push(describeOne(e));
    const phrases = [...new Set(branches.filter((b) => b.instancePath === error.instancePath).map(describeBranch))];
    const alternatives = phrases
      .map((p, i) => (i > 0 && p.startsWith("be ") && phrases[i - 1]!.startsWith("be ") ? p.slice(3) : p))
      .join(" or ");
    problems.push(`${error.instancePath || "/"}: must ${alternatives || "match one of the allowed forms"} (got ${quote(error.data)})`);
  }
  for (const e of pending) problems.push(describeOne(e));
  return [...new Set(problems)];
}

function isWithin(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/** One alternative of an `anyOf`, phrased to follow "must". */
function describeBranch(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "type":
      return `be ${String(params.type)}`;
    case "const":
      return `be ${quote(params.allowedValue)}`;
    case "required":
      return `have '${String(params.missingProperty)}'`;
    default:
      return (error.message ?? error.keyword).replace(/^must /, "");
  }
}

function describeOne(error: ErrorObject): string {
  const { path, message } = locateAndPhrase(error);
  return `${path}: ${message}`;
}

function locateAndPhrase(error: ErrorObject): { path: string; message: string } {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path: childPointer(at, String(params.missingProperty)), message: "is required" };
    case "additionalProperties":
    case "unevaluatedProperties": {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      const patterns = Object.keys((error.parentSchema?.patternProperties as object | undefined) ?? {});
      const rule = patterns.length > 0 ? ` (extra keys must match ${patterns.join(", ")})` : "";
      return { path: childPointer(at, key), message: `is not an allowed property${rule}` };
    }
    case "enum":
      return {
        path: at || "/",
        message: `must be one of ${(params.allowedValues as unknown[]).map(quote).join(", ")} (got ${quote(error.data)})`,
      };
    case "const":
      return { path: at || "/", message: `must be ${quote(params.allowedValue)} (got ${quote(error.data)})` };
    case "type":
      return { path: at || "/", message: `must be ${String(params.type)} (got ${quote(error.data)})` };
    case "pattern":
      return { path: at || "/", message: `must match ${String(params.pattern)} (got ${quote(error.data)})` };
    default:
      return { path: at || "/", message: error.message ?? error.keyword };
  }
}
