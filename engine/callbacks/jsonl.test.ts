import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sampleRun } from "../documents/sample-run.ts";
import type { NamedDocument, RunStart } from "../documents/types.ts";
import { DocumentValidationError, InvalidArgumentError } from "../errors.ts";
import { JsonlWriter, readJsonl } from "./jsonl.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "skyloop-jsonl-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(scanId: number, points = 3, asPage = false): NamedDocument[] {
  return sampleRun({
    motor: { name: "motor", value: (i) => i * 0.1 },
    detectors: [{ name: "det", value: (i) => i * i }],
    points,
    scanId,
    asPage,
  });
}

describe("JsonlWriter", () => {
  it("writes one file per run, named <scan_id>-<uid>.jsonl, that reads back to the same documents", () => {
    const writer = new JsonlWriter({ directory: join(dir, "runs") });
    const first = run(1);
    const second = run(2, 2, true);
    for (const [name, doc] of [...first, ...second]) writer.callback(name, doc);
    const [uid1, uid2] = [first, second].map((docs) => (docs[0]![1] as RunStart).uid);
    expect(readdirSync(join(dir, "runs")).sort()).toEqual([`1-${uid1}.jsonl`, `2-${uid2}.jsonl`].sort());
    expect(writer.files).toEqual([join(dir, "runs", `1-${uid1}.jsonl`), join(dir, "runs", `2-${uid2}.jsonl`)]);
    expect(readJsonl(writer.files[0]!, { validate: true })).toEqual(first);
    expect(readJsonl(writer.files[1]!, { validate: true })).toEqual(second);
    const lines = readFileSync(writer.files[0]!, "utf8").split("\n");
    expect(lines).toHaveLength(first.length + 1);
    expect(JSON.parse(lines[0]!)[0]).toBe("start");
    expect(lines.at(-1)).toBe("");
  });

  it("keeps interleaved runs apart, following descriptors to their run", () => {
    const writer = new JsonlWriter({ directory: dir, bufferBytes: 1 });
    const a = run(1);
    const b = run(2);
    // start a, start b, then alternate the rest.
    const order = [a[0]!, b[0]!, ...a.slice(1).flatMap((doc, i) => [doc, b[i + 1]!])];
    for (const [name, doc] of order) writer.callback(name, doc);
    const fileOf = (docs: NamedDocument[]) => writer.fileOf((docs[0]![1] as RunStart).uid)!;
    expect(writer.files).toEqual([fileOf(a), fileOf(b)]);
    expect(readJsonl(fileOf(a))).toEqual(a);
    expect(readJsonl(fileOf(b))).toEqual(b);
  });

  it("has nothing on disk beyond the buffer until stop, and everything after", () => {
    const writer = new JsonlWriter({ directory: dir });
    const docs = run(5);
    for (const [name, doc] of docs.slice(0, -1)) writer.callback(name, doc);
    const path = writer.fileOf((docs[0]![1] as RunStart).uid)!;
    expect(readFileSync(path, "utf8")).toBe("");
    writer.callback(...(docs.at(-1)! as ["stop", never]));
    expect(readJsonl(path)).toEqual(docs);
  });

  it("close() flushes a run that never stopped without listing it as complete", () => {
    const writer = new JsonlWriter({ directory: dir, fileName: (s) => `run-${String(s.scan_id)}.jsonl` });
    const docs = run(9).slice(0, 3);
    for (const [name, doc] of docs) writer.callback(name, doc);
    writer.close();
    expect(readJsonl(join(dir, "run-9.jsonl"))).toEqual(docs);
    expect(writer.files).toEqual([]);
  });
});

describe("readJsonl", () => {
  it("names the file and line of text that is not JSON", () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, '["start", {"uid": "u", "time": 1}]\n\n{oops\n');
    const read = () => readJsonl(file);
    expect(read).toThrow(InvalidArgumentError);
    expect(read).toThrow(new RegExp(`^${file}:3: not JSON \\(`));
  });

  it("rejects a line that is not a [name, document] pair", () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, '["begin", {"uid": "u"}]\n');
    const read = () => readJsonl(file);
    expect(read).toThrow(InvalidArgumentError);
    expect(read).toThrow(`${file}:1: expected a [name, document] pair, got ["begin", {"uid": "u"}]`);
  });

  it("validates documents on request, naming the line", () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, '["start", {"uid": "u", "time": 1}]\n["stop", {"uid": "s", "run_start": "u", "time": 2}]\n');
    expect(readJsonl(file)).toHaveLength(2);
    const read = () => readJsonl(file, { validate: true });
    expect(read).toThrow(DocumentValidationError);
    expect(read).toThrow(`invalid stop document: ${file}:2: /exit_status: is required`);
  });
});
